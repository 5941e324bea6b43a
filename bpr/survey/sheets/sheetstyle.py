"""How the 調査票 looks: the project's Japanese font, input and locked cells, drop-downs, print layout, protection."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bpr.export.celltext import spreadsheet_text
from bpr.export.workbook.styles import (
    DEFAULT_ROW_HEIGHT,
    FONT_NAME,
    FONT_SIZE,
    HEADER_FILL,
    HEADER_FONT_COLOUR,
    JAPANESE_CHARSET,
    SECTION_TITLE_COLOUR,
    CellFormat,
    row_height,
    set_print_layout,
)
from bpr.survey.sheets.labels import YES
from bpr.survey.sheets.layout import HEADER_ROW, NOTE_ROW, PROCEDURE_SHEET, TITLE_ROW, CellKind, Column

LOCKED_FILL = "F2F2F2"
BORDER_COLOUR = "A6A6A6"
NOTE_COLOUR = "595959"
HEADER_HEIGHT = 42.0
TITLE_HEIGHT = 24.0
FOOTER = "窓口業務の棚卸 調査票 (bpr survey)"
WRAP_MARGIN = 0.95
MAX_PROMPT = 255  # Excel's limit on an input message
MAX_PROMPT_TITLE = 32

# Number formats: text columns stay text whatever is typed (9108 stays '9108', not a number).
NUMBER_FORMATS = {
    CellKind.TEXT: "@",
    CellKind.NOTE: "@",
    CellKind.LINES: "@",
    CellKind.CHOICE: "@",
    CellKind.CHOICES: "@",
    CellKind.FLAG: "@",
    CellKind.SUCCESSORS: "@",
    CellKind.PROCEDURE: "@",
    CellKind.INTEGER: "#,##0",
    CellKind.DATE: "yyyy/m/d",
}
CENTRED = frozenset({CellKind.FLAG, CellKind.CHOICE})
RIGHT = frozenset({CellKind.INTEGER, CellKind.MINUTES, CellKind.PERCENT, CellKind.DATE})
WRAPPED = frozenset(
    {
        CellKind.TEXT,
        CellKind.NOTE,
        CellKind.LINES,
        CellKind.CHOICE,
        CellKind.CHOICES,
        CellKind.SUCCESSORS,
        CellKind.LOOKUP,
        CellKind.PROCEDURE,
    }
)
# Ids and numbers are typed with the input method off; names and notes with it on (hiragana).
IME_OFF = frozenset({CellKind.INTEGER, CellKind.MINUTES, CellKind.PERCENT, CellKind.DATE, CellKind.PROCEDURE})
ID_FIELDS = frozenset({("id",), ("procedure",), ("national_id",), ("next",)})


class SheetStyle:
    """The fonts, fills, borders and protections of one workbook, created once and shared by its cells."""

    def __init__(self) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

        self.font = Font(name=FONT_NAME, charset=JAPANESE_CHARSET, family=3, sz=FONT_SIZE)
        self.bold = Font(name=FONT_NAME, charset=JAPANESE_CHARSET, family=3, sz=FONT_SIZE, b=True)
        self.header_font = Font(
            name=FONT_NAME, charset=JAPANESE_CHARSET, family=3, sz=FONT_SIZE, b=True, color=HEADER_FONT_COLOUR
        )
        self.title_font = Font(
            name=FONT_NAME, charset=JAPANESE_CHARSET, family=3, sz=14, b=True, color=SECTION_TITLE_COLOUR
        )
        self.heading_font = Font(
            name=FONT_NAME, charset=JAPANESE_CHARSET, family=3, sz=12, b=True, color=SECTION_TITLE_COLOUR
        )
        self.note_font = Font(name=FONT_NAME, charset=JAPANESE_CHARSET, family=3, sz=FONT_SIZE, color=NOTE_COLOUR)
        self.header_fill = PatternFill("solid", start_color=HEADER_FILL, end_color=HEADER_FILL)
        self.locked_fill = PatternFill("solid", start_color=LOCKED_FILL, end_color=LOCKED_FILL)
        side = Side(style="thin", color=BORDER_COLOUR)
        self.border = Border(left=side, right=side, top=side, bottom=side)
        group = Side(style="medium", color=HEADER_FILL)
        self.group_border = Border(left=side, right=side, top=group, bottom=side)
        white = Side(style="thin", color="FFFFFF")
        self.header_border = Border(left=white, right=white, top=white, bottom=white)
        self.unlocked = Protection(locked=False)
        self.alignment = Alignment
        self.top_left = Alignment(vertical="top", wrap_text=False)
        self.top_wrapped = Alignment(vertical="top", wrap_text=True)
        self.centred = Alignment(horizontal="center", vertical="top", wrap_text=True)
        self.right = Alignment(horizontal="right", vertical="top")
        self.header_alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)

    def heading(self, sheet: Any, title: str, note: str) -> None:
        """Write the title and the note above a sheet's header."""
        cell = sheet.cell(TITLE_ROW, 1, spreadsheet_text(title))
        cell.data_type = "s"  # it holds the counter's name: inventory text is never a formula
        cell.font = self.title_font
        sheet.row_dimensions[TITLE_ROW].height = TITLE_HEIGHT
        note_cell = sheet.cell(NOTE_ROW, 1, note)
        note_cell.font = self.note_font

    def header(self, cell: Any, text: str) -> None:
        """Write a header cell: white bold on dark blue, wrapped."""
        cell.value = text
        cell.font = self.header_font
        cell.fill = self.header_fill
        cell.border = self.header_border
        cell.alignment = self.header_alignment
        cell.parent.row_dimensions[HEADER_ROW].height = HEADER_HEIGHT

    def locked(self, cell: Any, text: str, *, bold: bool = False, wrap: bool = False) -> None:
        """Write a grey cell that cannot be changed."""
        cell.value = spreadsheet_text(text)
        cell.data_type = "s"
        cell.font = self.bold if bold else self.font
        cell.fill = self.locked_fill
        cell.border = self.border
        cell.alignment = self.top_wrapped if wrap else self.top_left

    def value(self, cell: Any, column: Column, value: Any, *, locked: bool | None = None) -> None:
        """Write an input cell of a column: white and unlocked (grey and locked for a locked column)."""
        if column.kind is CellKind.LOOKUP:
            cell.value = value  # the formula bpr wrote
        elif isinstance(value, str):
            cell.value = spreadsheet_text(value)
            cell.data_type = "s"  # inventory text is never a formula, whatever it starts with
        else:
            cell.value = value
        cell.font = self.font
        cell.border = self.border
        cell.number_format = NUMBER_FORMATS.get(column.kind, "General")
        if column.kind in CENTRED:
            cell.alignment = self.centred
        elif column.kind in RIGHT:
            cell.alignment = self.right
        elif column.kind in WRAPPED:
            cell.alignment = self.top_wrapped
        else:
            cell.alignment = self.top_left
        is_locked = column.locked if locked is None else locked
        if is_locked or column.kind is CellKind.LOOKUP:
            cell.fill = self.locked_fill
        if not is_locked:
            cell.protection = self.unlocked

    def fit_row(self, sheet: Any, row: int, cells: Sequence[tuple[Any, float]]) -> None:
        """Make a row as tall as the wrapped text of its (shown value, column width) cells needs."""
        # A little narrower than the column: LibreOffice's fallback fonts are wider than ＭＳ Ｐゴシック.
        sized = [
            (value, CellFormat(wrap=True), width * WRAP_MARGIN) for value, width in cells if isinstance(value, str)
        ]
        height = row_height(sized)
        if height is not None and height > DEFAULT_ROW_HEIGHT:
            sheet.row_dimensions[row].height = height

    def separate(self, sheet: Any, row: int, columns: int) -> None:
        """Draw a strong line above a row: the first row of another procedure."""
        for column in range(1, columns + 1):
            sheet.cell(row, column).border = self.group_border

    def validation(
        self, sheet: Any, column: Column, ranges: str, procedure_rows: tuple[str, str] | None = None
    ) -> None:
        """Add the drop-down (enums, ○, 手続ID) or the input message (other columns) of a column's cells."""
        from openpyxl.worksheet.datavalidation import DataValidation

        if column.locked or column.kind is CellKind.LOOKUP:
            return
        prompt = column.help[:MAX_PROMPT]
        title = column.header[:MAX_PROMPT_TITLE]
        ime = "off" if column.kind in IME_OFF or column.path in ID_FIELDS else "hiragana"
        if column.kind is CellKind.CHOICE:
            rule = _list_rule(",".join(column.choices()))
            rule.error = f"一覧から選んでください: {'、'.join(column.choices())}"[:MAX_PROMPT]
        elif column.kind is CellKind.FLAG:
            rule = _list_rule(YES)
            rule.error = f"該当すれば「{YES}」を選び、該当しなければ空欄にしてください"
        elif column.kind is CellKind.PROCEDURE and procedure_rows is not None:
            first, last = procedure_rows
            rule = _list_rule(None, f"'{PROCEDURE_SHEET}'!$A${first}:$A${last}")
            rule.error = "手続一覧にある手続IDを選んでください (新しい手続は先に手続一覧に追加します)"
        else:
            rule = DataValidation(allow_blank=True)
        rule.promptTitle = title
        rule.prompt = prompt
        rule.showInputMessage = True
        if rule.type == "list":
            rule.errorTitle = title
            rule.errorStyle = "stop"
            rule.showErrorMessage = True
        rule.imeMode = ime
        rule.add(ranges)
        sheet.add_data_validation(rule)


def _list_rule(items: str | None, source: str | None = None) -> Any:
    from openpyxl.worksheet.datavalidation import DataValidation

    formula = f'"{items}"' if items is not None else source
    return DataValidation(type="list", formula1=formula, allow_blank=True)


def set_layout(
    sheet: Any, widths: Sequence[float], title: str, *, freeze: str, last_row: int, title_rows: int = HEADER_ROW
) -> None:
    """Set column widths, frozen panes and the print layout: A4 landscape, fit to width, header repeated, gridlines."""
    from openpyxl.utils import get_column_letter

    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = freeze
    set_print_layout(sheet, title=title, footer=FOOTER, title_rows=title_rows)
    sheet.print_options.gridLines = True
    sheet.print_area = f"A1:{get_column_letter(len(widths))}{last_row}"


def protect(sheet: Any) -> None:
    """Protect a sheet without a password: only unlocked cells change; rows may be inserted, deleted and resized."""
    protection = sheet.protection
    protection.sheet = True
    protection.formatColumns = False
    protection.formatRows = False
    protection.insertRows = False
    protection.deleteRows = False
