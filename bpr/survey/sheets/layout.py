"""The layout of the 調査票: its sheets and columns, shared by the writer, the reader and the 記入要領.

A column names the field it holds by its path inside a procedure, step or attachment
(``("online", "status")``), how its cells read (`CellKind`), and what the 記入要領 says about it. The
writer and the reader both walk these tables, so a column added here is written, read and explained.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bpr.inventory.enums import Action, Actor, FlowSource, IdentityCheck, Kind, LegalLevel, Medium, OnlineStatus, Source
from bpr.survey.sheets import labels as L

GUIDE_SHEET = "記入要領"
COUNTER_SHEET = "窓口"
PROCEDURE_SHEET = "手続一覧"
STEP_SHEET = "業務フロー"
ATTACHMENT_SHEET = "添付書類"
SHEET_ORDER = (GUIDE_SHEET, COUNTER_SHEET, PROCEDURE_SHEET, STEP_SHEET, ATTACHMENT_SHEET)
# A very hidden sheet: each procedure as it was exported (JSON), the base of a three-way merge on import.
BASE_SHEET = "_exported"
BASE_CHUNK = 30_000  # characters of JSON a cell holds (Excel's limit is 32,767)

TITLE_ROW = 1
NOTE_ROW = 2
HEADER_ROW = 3
FIRST_ROW = HEADER_ROW + 1
# Empty rows left for additions, below the prefilled ones, with the same drop-downs and unlocked cells.
SPARE_ROWS = {PROCEDURE_SHEET: 20, STEP_SHEET: 60, ATTACHMENT_SHEET: 30}

# The word of the 次の工程 cell for `next: []` (the flow ends at this step).
END_WORD = "終了"
REQUIRED_MARK = "※"


class CellKind(enum.Enum):
    """How a column's cells are written and read."""

    TEXT = "text"  # one line of text
    NOTE = "note"  # free text, line breaks kept
    LINES = "lines"  # a list of texts, one per line
    INTEGER = "integer"
    CHOICE = "choice"  # one enum value, as its Japanese label, from a drop-down
    CHOICES = "choices"  # several enum values, labels joined with 、
    FLAG = "flag"  # a bool: ○ or an empty cell
    MINUTES = "minutes"  # a duration, in minutes (or 3日, 1.5時間)
    PERCENT = "percent"  # a share 0–1 shown as a percentage
    SUCCESSORS = "successors"  # `next`, in the text form of bpr.survey.sheets.successors
    DATE = "date"
    PROCEDURE = "procedure"  # the procedure a row belongs to, from a drop-down of 手続ID
    LOOKUP = "lookup"  # a formula showing the procedure's name: written, never read


@dataclass(frozen=True)
class Column:
    """A column of a table sheet (or a line of the 窓口 sheet)."""

    header: str
    path: tuple[str, ...]  # the field inside the row's mapping; () for PROCEDURE and LOOKUP columns
    kind: CellKind
    width: float
    help: str  # what to write, for the 記入要領 and the cell's input message
    example: str = ""
    required: bool = False
    labels: Mapping[Any, str] = field(default_factory=dict)
    locked: bool = False
    zero_blank: bool = False  # 0 is shown as an empty cell (no fee)

    @property
    def title(self) -> str:
        """Return the header as the sheet shows it, marked ※ when the cell must be filled in."""
        return f"{REQUIRED_MARK}{self.header}" if self.required else self.header

    @property
    def field_name(self) -> str:
        """Return the format's name of the field, e.g. 'online.status'."""
        return ".".join(self.path)

    def choices(self) -> list[str]:
        """Return the labels a drop-down offers, in the format's order."""
        return list(self.labels.values())


FLAG_HELP = f"該当すれば「{L.YES}」、該当しなければ空欄"
LIST_HELP = "複数あるときは「、」で区切る"

COUNTER_COLUMNS: tuple[Column, ...] = (
    Column(
        "窓口ID", ("id",), CellKind.TEXT, 30, "窓口を識別する記号。変更しないでください", "shimin", True, locked=True
    ),
    Column("窓口名", ("name",), CellKind.TEXT, 30, "出力に表示する窓口の名前", "市民課 住民記録窓口", True),
    Column("課", ("section",), CellKind.TEXT, 30, "窓口を所管する課", "市民課", True),
    Column("部", ("department",), CellKind.TEXT, 30, "課の属する部", "市民環境部"),
    Column("場所", ("location",), CellKind.TEXT, 30, "窓口のある庁舎・階", "本庁舎1階"),
    Column("調査日", ("surveyed_on",), CellKind.DATE, 30, "棚卸を行った日 (例 2022/7/15)", "2022/7/15"),
    # Format 1.2 (待たせない, docs/queue.md): a form exported before them has no such line, and reads as before.
    Column("窓口数", ("windows",), CellKind.INTEGER, 30, "同時に応対できる窓口の数 (待ち時間の計算に使う)", "4"),
    Column("受付時間", ("opening_hours",), CellKind.TEXT, 30, "受付の開始と終了 (例 08:30-17:15)", "08:30-17:15"),
)
# Lines of the 窓口 sheet added after the first 調査票: a form without them is still a 調査票.
LATER_COUNTER_LINES = frozenset({"窓口数", "受付時間"})

PROCEDURE_COLUMNS: tuple[Column, ...] = (
    Column(
        "手続ID",
        ("id",),
        CellKind.TEXT,
        12,
        "手続を識別する記号。半角の英小文字・数字・「-」「_」。既存の手続は変更しない。追加する手続は窓口IDで始める",
        "shimin-juminhyo",
        True,
    ),
    Column("手続名", ("name",), CellKind.TEXT, 18, "住民から見た手続の名前", "住民票の写し等の交付請求", True),
    Column(
        "手続類型",
        ("kind",),
        CellKind.CHOICE,
        10,
        "一覧から選ぶ",
        L.KIND_LABELS[Kind.CERTIFICATE],
        labels=L.KIND_LABELS,
    ),
    Column("根拠法令", ("legal_basis",), CellKind.TEXT, 12, "法令・条例と条項", "住民基本台帳法第12条"),
    Column("年間件数", ("annual_volume",), CellKind.INTEGER, 8, "1年間の件数 (整数)", "77368", True),
    Column("件数の出典", ("volume_source",), CellKind.TEXT, 14, "件数の根拠 (年度の実績、推計など)", "令和3年度実績"),
    Column(
        "他の受付機関",
        ("shared_with",),
        CellKind.CHOICES,
        8,
        f"同じ手続を受け付ける市以外の機関。{LIST_HELP}。選べる語: " + "、".join(L.SHARED_WITH_LABELS.values()),
        "",
        labels=L.SHARED_WITH_LABELS,
    ),
    Column("国の手続ID", ("national_id",), CellKind.TEXT, 7, "国の行政手続等の棚卸調査の手続ID (分かれば)", "9108"),
    Column(
        "ライフイベント",
        ("life_events",),
        CellKind.CHOICES,
        10,
        f"住民のどのライフイベントの手続か。{LIST_HELP}。選べる語: " + "、".join(L.LIFE_EVENT_LABELS.values()),
        "引越し、住まい",
        labels=L.LIFE_EVENT_LABELS,
    ),
    Column(
        "国の優先手続",
        ("national_priority",),
        CellKind.FLAG,
        6,
        f"国の計画でマイナポータルからのオンライン化が求められる手続なら「{L.YES}」",
        L.YES,
    ),
    Column(
        "オンライン化の状況",
        ("online", "status"),
        CellKind.CHOICE,
        8,
        "一覧から選ぶ",
        L.ONLINE_STATUS_LABELS[OnlineStatus.PARTIAL],
        labels=L.ONLINE_STATUS_LABELS,
    ),
    Column(
        "オンライン割合",
        ("online", "share"),
        CellKind.PERCENT,
        8,
        "来庁せずに済んでいる件数の割合 (オンライン・コンビニ・郵送)。「10%」のように書く。一部対応のときに記入",
        "10%",
    ),
    Column(
        "マイナポータル", ("online", "mynaportal"), CellKind.FLAG, 8, f"マイナポータルから申請できるなら「{L.YES}」", ""
    ),
    Column(
        "既にある経路",
        ("online", "channels"),
        CellKind.CHOICES,
        10,
        f"来庁せずに申請・交付できる既存の経路。{LIST_HELP}。選べる語: " + "、".join(L.CHANNEL_LABELS.values()),
        "コンビニ交付",
        labels=L.CHANNEL_LABELS,
    ),
    Column(
        "申請チャネル",
        ("online", "channel"),
        CellKind.TEXT,
        11,
        "来庁以外の申請・交付の方法",
        "コンビニ交付（マイナンバーカード）",
    ),
    Column(
        "来庁義務(法令)",
        ("online", "in_person_required_by_law"),
        CellKind.FLAG,
        8,
        f"法令・条例で本人の来庁が必要なら「{L.YES}」",
        "",
    ),
    Column(
        "来庁義務の根拠",
        ("online", "presence_basis"),
        CellKind.CHOICE,
        9,
        "来庁が必要なとき、それを定めたもの。法律・政令・省令だけがオンライン化を止め、市が定めたもの"
        "（条例・規則・要綱・要領・慣行）は見直しの対象。選べる語: " + "、".join(L.LEGAL_LEVEL_LABELS.values()),
        L.LEGAL_LEVEL_LABELS[LegalLevel.GUIDELINE],
        labels=L.LEGAL_LEVEL_LABELS,
    ),
    Column(
        "押印義務の根拠",
        ("online", "seal_basis"),
        CellKind.CHOICE,
        9,
        "押印が必要なとき、それを定めたもの。選べる語: " + "、".join(L.LEGAL_LEVEL_LABELS.values()),
        "",
        labels=L.LEGAL_LEVEL_LABELS,
    ),
    Column(
        "本人確認",
        ("online", "identity_check"),
        CellKind.CHOICE,
        10,
        "必要な本人確認の方法を一覧から選ぶ",
        L.IDENTITY_CHECK_LABELS[IdentityCheck.PHOTO_ID],
        labels=L.IDENTITY_CHECK_LABELS,
    ),
    Column(
        "手数料(円)",
        ("fee", "amount"),
        CellKind.INTEGER,
        7,
        "1件あたりの手数料 (円、整数)。なければ空欄",
        "300",
        zero_blank=True,
    ),
    Column(
        "納付方法",
        ("fee", "payment"),
        CellKind.CHOICES,
        10,
        f"手数料の支払い方法。{LIST_HELP}。選べる語: " + "、".join(L.PAYMENT_LABELS.values()),
        "現金、QRコード",
        labels=L.PAYMENT_LABELS,
    ),
    Column(
        "フローの状態",
        ("flow_source",),
        CellKind.CHOICE,
        7,
        f"業務フローを調べて記入したら「{L.FLOW_SOURCE_LABELS[FlowSource.SURVEYED]}」",
        L.FLOW_SOURCE_LABELS[FlowSource.SURVEYED],
        labels=L.FLOW_SOURCE_LABELS,
    ),
    Column(
        "課題",
        ("issues",),
        CellKind.LINES,
        26,
        "課題・問題点。1行に1つ (セル内の改行は Alt+Enter)",
        "3〜4月の繁忙期は待ち時間が30分を超える",
    ),
    Column("備考", ("notes",), CellKind.NOTE, 14, "その他、自由に", ""),
)

PROCEDURE_REF_HELP = "一覧から手続IDを選ぶ (手続一覧の手続ID)"
LOOKUP_HELP = "手続IDから自動で表示 (記入不要)"

STEP_COLUMNS: tuple[Column, ...] = (
    Column("手続ID", (), CellKind.PROCEDURE, 16, PROCEDURE_REF_HELP, "shimin-juminhyo", True),
    Column("手続名 (自動表示)", (), CellKind.LOOKUP, 16, LOOKUP_HELP, "住民票の写し等の交付請求"),
    Column(
        "工程ID",
        ("id",),
        CellKind.TEXT,
        9,
        "工程を識別する記号。半角の英小文字・数字・「-」「_」。同じ手続の中で重複しない",
        "check",
        True,
    ),
    Column("工程名", ("name",), CellKind.TEXT, 28, "何をするか", "本人確認・請求権限の確認", True),
    Column(
        "担当",
        ("actor",),
        CellKind.CHOICE,
        9,
        "誰が行うか。一覧から選ぶ",
        L.ACTOR_LABELS[Actor.COUNTER],
        True,
        labels=L.ACTOR_LABELS,
    ),
    Column(
        "作業",
        ("action",),
        CellKind.CHOICE,
        9,
        "作業の種類。一覧から選ぶ",
        L.ACTION_LABELS[Action.CHECK],
        labels=L.ACTION_LABELS,
    ),
    Column(
        "媒体",
        ("medium",),
        CellKind.CHOICE,
        6,
        "扱う書類・データの媒体 (入力の工程では入力元の媒体)",
        L.MEDIUM_LABELS[Medium.PAPER],
        labels=L.MEDIUM_LABELS,
    ),
    Column("手書き", ("handwritten",), CellKind.FLAG, 6, "紙に手で書くなら「○」", ""),
    Column("押印", ("seal",), CellKind.FLAG, 6, "押印が必要なら「○」", ""),
    Column("来庁", ("in_person",), CellKind.FLAG, 6, "住民が窓口に来る必要があるなら「○」", ""),
    Column("定型判断", ("rule_based",), CellKind.FLAG, 6, "決まったルールで判断でき、人の判断が要らないなら「○」", ""),
    Column(
        "作業時間(分)",
        ("effort",),
        CellKind.MINUTES,
        8,
        "1件あたりの作業時間 (分)。住民の工程は住民のかかる時間。「1.5時間」「2日」とも書ける",
        "3",
    ),
    Column(
        "待ち時間(分)",
        ("wait",),
        CellKind.MINUTES,
        8,
        "この工程が始まるまでの待ち時間 (分)。「3日」「1.5時間」とも書ける",
        "10",
    ),
    Column("システム", ("system",), CellKind.TEXT, 14, "使う情報システム", "住民記録システム"),
    Column(
        "次の工程",
        ("next",),
        CellKind.SUCCESSORS,
        26,
        "空欄なら同じ手続の次の行へ進む。最後の工程なら「終了」。分岐・差し戻しは工程IDを「、」で区切る。"
        "分岐の割合と条件は 工程ID(割合%:条件) と書く",
        "print(99.5%)、refuse(0.5%:正当な理由のない第三者請求)",
    ),
)

ATTACHMENT_COLUMNS: tuple[Column, ...] = (
    Column("手続ID", (), CellKind.PROCEDURE, 18, PROCEDURE_REF_HELP, "kosodate-jidoteate-nintei", True),
    Column("手続名 (自動表示)", (), CellKind.LOOKUP, 22, LOOKUP_HELP, "児童手当 認定請求"),
    Column("書類名", ("name",), CellKind.TEXT, 28, "住民に求める添付書類の名前", "住民票の写し", True),
    Column(
        "発行元",
        ("source",),
        CellKind.CHOICE,
        10,
        "誰が発行する書類か。一覧から選ぶ",
        L.SOURCE_LABELS[Source.SELF],
        True,
        labels=L.SOURCE_LABELS,
    ),
    Column(
        "発行手続",
        ("procedure",),
        CellKind.TEXT,
        20,
        "本市が発行する書類なら、それを発行する手続の手続ID (他の課の手続でもよい)",
        "shimin-juminhyo",
    ),
    Column("電子取得可", ("electronic",), CellKind.FLAG, 8, "電子的に、またはデータ連携で取得できるなら「○」", ""),
)

TABLE_COLUMNS: dict[str, tuple[Column, ...]] = {
    PROCEDURE_SHEET: PROCEDURE_COLUMNS,
    STEP_SHEET: STEP_COLUMNS,
    ATTACHMENT_SHEET: ATTACHMENT_COLUMNS,
}

# The Procedure fields the 調査票 holds, so that an import leaves the others (plan) as they are.
PROCEDURE_FIELDS: tuple[str, ...] = (
    *dict.fromkeys(column.path[0] for column in PROCEDURE_COLUMNS),
    "steps",
    "attachments",
)


def column_letter(index: int) -> str:
    """Return the letter of a 0-based column index (0 → A, 26 → AA)."""
    letters = ""
    number = index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
