"""The 記入要領 sheet: how section staff fill in the 調査票, in plain Japanese, and what each column means."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bpr.export.celltext import spreadsheet_text
from bpr.export.workbook.styles import CellFormat, row_height
from bpr.survey.sheets.labels import YES
from bpr.survey.sheets.layout import (
    ATTACHMENT_SHEET,
    COUNTER_COLUMNS,
    COUNTER_SHEET,
    END_WORD,
    GUIDE_SHEET,
    PROCEDURE_SHEET,
    REQUIRED_MARK,
    STEP_SHEET,
    TABLE_COLUMNS,
    Column,
    column_letter,
)
from bpr.survey.sheets.sheetstyle import protect, set_layout

if TYPE_CHECKING:
    from bpr.survey.sheets.sheetstyle import SheetStyle

WIDTHS = (6.0, 22.0, 6.0, 64.0, 38.0)
TEXT_WIDTH = sum(WIDTHS)

INTRODUCTION = (
    "この調査票は、窓口の手続と業務フロー (仕事の流れ) を調べるためのものです。"
    "記入していただいた内容は DX検討班が取り込み、業務改善やオンライン化の優先順位づけに使います。",
    "いま分かっている内容を記入済みです。実態と違うところを直し、足りないところを書き足してください。",
    f"シートは「{COUNTER_SHEET}」「{PROCEDURE_SHEET}」「{STEP_SHEET}」「{ATTACHMENT_SHEET}」の4枚です (このシートのほかに)。",
)
HOW_TO_FILL = (
    "白い欄に記入します。灰色の欄 (見出し、窓口ID) は書き換えられません。"
    "「手続名 (自動表示)」の列は、手続IDから自動で表示されるので記入は要りません。",
    f"見出しに「{REQUIRED_MARK}」の付いた列は必須です。空欄のままでは取り込めません。",
    "欄を選ぶと、その欄の書き方が表示されます。▼の付く欄は、一覧から選んでください (一覧にない言葉は入りません)。",
    f"はい・いいえで答える欄は、該当すれば「{YES}」を選び、該当しなければ空欄にします。",
    "時間は「分」の数字で書きます (例: 15)。日や時間の単位で「3日」「1.5時間」とも書けます。空欄は0分です。",
    "割合は「10%」のように書きます。",
    "ライフイベント・納付方法のように複数書ける欄は「、」で区切ります。課題は1行に1つ書きます (セルの中の改行は Alt+Enter)。",
)
ADD_PROCEDURE = (
    f"追加: 「{PROCEDURE_SHEET}」の下の空いている行に書きます。手続IDは窓口IDで始め (例: shimin-tenshutsu)、"
    "半角の英小文字・数字・「-」で書きます。その手続の工程を「業務フロー」に、添付書類を「添付書類」に書きます"
    " (手続IDは一覧から選べます)。",
    f"削除: 「{PROCEDURE_SHEET}」のその行の内容を消します (行を選んで Delete キー、または行の削除)。"
    "「業務フロー」「添付書類」にあるその手続の行も消してください。",
    "いまある手続の手続IDは変えないでください。変えると、別の手続として取り込まれます。",
    "空いている行が足りないときは、表の途中で行を挿入してください (表の下の何もない行には記入できません)。",
)
ADD_STEP = (
    f"「{STEP_SHEET}」には、手続ごとに、仕事の進む順に上から工程を並べます。同じ手続IDの行が、上から順にその手続の工程になります。",
    "途中に工程を加えるときは、行を挿入して (行番号を右クリックして「挿入」) 書きます。"
    "下の空いている行に書くと、その手続の最後の工程になります。",
    "工程IDは、同じ手続の中で重ならない半角の記号です (例: check2)。「次の工程」で使います。",
    "工程をなくすときは、その行の内容を消します。その工程を「次の工程」に書いている行も直してください。",
)
NEXT_STEP_EXAMPLES = (
    ("(空欄)", "同じ手続の次の行へ進みます。その手続の最後の行なら、そこで終わります。"),
    (END_WORD, "この工程で終わります (最後の行でなくても)。"),
    ("check", "工程ID check の工程へ進みます (例: 差し戻しで前の工程に戻る)。"),
    ("enter、fix", "分岐します。割合を書かなければ、最初に書いた enter が通常の流れです。"),
    (
        "print(99.5%)、refuse(0.5%:正当な理由のない第三者請求)",
        "分岐と、それぞれに進む件数の割合、その条件。割合は合わせて100%にします。",
    ),
    ("fix(:不備あり)", "割合を書かずに、条件だけを書きます。"),
)
NEXT_STEP_NOTES = (
    "行き先は「、」(または「,」、改行) で区切ります。かっこ・%・: は全角でも構いません。割合には % を付けます。",
)
DO_NOT_TOUCH = (
    "シートの名前と順番、見出しの行、列の並びは変えないでください。シートや列を増やしたり消したりすると、取り込めなくなります。",
    "窓口ID、いまある手続の手続IDは変えないでください。",
    "ファイル名は変えても構いません。",
)
PROTECTION = (
    "各シートは、記入する欄のほかは変えられないように保護しています。パスワードは設定していません。",
    "列の幅・行の高さの変更、行の挿入と削除はできます。",
    "どうしても保護を外すときは「校閲」→「シート保護の解除」を使います。その場合も、上の「変えないでください」は守ってください。",
)


class _GuideWriter:
    """Writes the 記入要領 top to bottom: headings, paragraphs across the page, small tables."""

    def __init__(self, sheet: Any, style: SheetStyle) -> None:
        self.sheet = sheet
        self.style = style
        self.row = 0

    def title(self, text: str, subtitle: str) -> None:
        self.row = 1
        title = self.sheet.cell(1, 1, spreadsheet_text(text))
        title.data_type = "s"  # the counter's name is inventory text: never a formula
        title.font = self.style.title_font
        self.sheet.row_dimensions[1].height = 24.0
        self.row = 2
        cell = self.sheet.cell(2, 1, spreadsheet_text(subtitle))
        cell.data_type = "s"
        cell.font = self.style.bold

    def heading(self, text: str) -> None:
        self.row += 2
        self.sheet.cell(self.row, 1, text).font = self.style.heading_font
        self.sheet.row_dimensions[self.row].height = 20.0

    def paragraphs(self, lines: Sequence[str]) -> None:
        for line in lines:
            self.row += 1
            cell = self.sheet.cell(self.row, 1, f"・{line}")
            cell.font = self.style.font
            cell.alignment = self.style.top_wrapped
            self.sheet.merge_cells(f"A{self.row}:{column_letter(len(WIDTHS) - 1)}{self.row}")
            self._fit([(cell.value, TEXT_WIDTH)])

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str]], spans: Sequence[int]) -> None:
        """Write a table; `spans` says how many guide columns each table column takes."""
        self._row(headers, spans, header=True)
        for values in rows:
            self._row(values, spans, header=False)

    def _row(self, values: Sequence[str], spans: Sequence[int], *, header: bool) -> None:
        self.row += 1
        column = 1
        sized = []
        for value, span in zip(values, spans, strict=True):
            cell = self.sheet.cell(self.row, column, spreadsheet_text(value))
            cell.data_type = "s"
            if header:
                self.style.header(cell, value)
                cell.parent.row_dimensions[self.row].height = None
            else:
                self.style.locked(cell, value, wrap=True)
            if span > 1:
                for extra in range(column + 1, column + span):
                    covered = self.sheet.cell(self.row, extra)
                    covered.border = self.style.header_border if header else self.style.border
                self.sheet.merge_cells(
                    f"{column_letter(column - 1)}{self.row}:{column_letter(column + span - 2)}{self.row}"
                )
            sized.append((value, sum(WIDTHS[column - 1 : column - 1 + span])))
            column += span
        self._fit(sized)

    def _fit(self, cells: Sequence[tuple[str, float]]) -> None:
        height = row_height((value, CellFormat(wrap=True), width) for value, width in cells)
        if height is not None:
            self.sheet.row_dimensions[self.row].height = height


def _column_rows(columns: Sequence[Column], first_letter: bool) -> list[list[str]]:
    rows = []
    for index, column in enumerate(columns):
        where = column_letter(index) if first_letter else ""
        rows.append([where, column.header, "必須" if column.required else "", column.help, column.example])
    return rows


def write_guide(sheet: Any, style: SheetStyle, title: str) -> None:
    """Write the 記入要領 sheet (the workbook's first), locked."""
    sheet.title = GUIDE_SHEET
    out = _GuideWriter(sheet, style)
    out.title("窓口業務の棚卸 調査票　記入要領", title)
    out.heading("1. この調査票について")
    out.paragraphs(INTRODUCTION)
    out.heading("2. 記入のしかた")
    out.paragraphs(HOW_TO_FILL)
    out.heading("3. 手続を追加・削除するには")
    out.paragraphs(ADD_PROCEDURE)
    out.heading("4. 工程を追加・削除するには")
    out.paragraphs(ADD_STEP)
    out.heading("5. 「次の工程」の書き方")
    out.table(("書き方", "意味"), NEXT_STEP_EXAMPLES, (2, 3))
    out.paragraphs(NEXT_STEP_NOTES)
    out.heading("6. 変えないでください")
    out.paragraphs(DO_NOT_TOUCH)
    out.heading("7. シートの保護について")
    out.paragraphs(PROTECTION)
    out.heading("8. 各シートの列")
    headers = ("列", "項目", "必須", "書き方", "記入例")
    spans = (1, 1, 1, 1, 1)
    out.row += 1
    sheet.cell(out.row + 1, 1, f"シート「{COUNTER_SHEET}」").font = style.bold
    out.row += 1
    out.table(("", "項目", "必須", "書き方", "記入例"), _column_rows(COUNTER_COLUMNS, False), spans)
    for name, columns in TABLE_COLUMNS.items():
        out.row += 1
        sheet.cell(out.row + 1, 1, f"シート「{name}」").font = style.bold
        out.row += 1
        out.table(headers, _column_rows(columns, True), spans)
    set_layout(sheet, WIDTHS, title, freeze="A3", last_row=out.row, title_rows=0)
    sheet.sheet_view.showGridLines = False
    sheet.print_options.gridLines = False
    protect(sheet)
