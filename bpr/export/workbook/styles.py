"""Japanese labels, colours, cell formats, column widths and the print layout shared by every sheet."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bpr.export.celltext import spreadsheet_text
from bpr.export.openpyxl_adapter import style_array, style_index
from bpr.export.palette import FIXED_BORDER, MEASURE_FILLS
from bpr.inventory.enums import Measure

if TYPE_CHECKING:
    from openpyxl.cell import Cell

# The font of most municipal workbooks, on every Windows and with Office for Mac; its line height is
# tighter than 游ゴシック's, so that wrapped reasons take fewer rows on paper.
FONT_NAME = "ＭＳ Ｐゴシック"
FONT_SIZE = 10
JAPANESE_CHARSET = 128

# The one palette of the measures (bpr/export/palette.py), as the diagrams and the report show them.
MEASURE_COLOURS: dict[Measure, str] = MEASURE_FILLS

HEADER_FILL = "1F4E78"
HEADER_FONT_COLOUR = "FFFFFF"
SECTION_TITLE_COLOUR = "1F4E78"
MET_FILL = "C6EFCE"
NOT_MET_FILL = "FFC7CE"
WARNING_FILL = "FFF2CC"
DEADLINE_COLOUR = "C00000"
SCORE_LOW_COLOUR = "FFFFFF"
SCORE_HIGH_COLOUR = "63BE7B"

INTEGER = "#,##0"
SCORE = "0.0"
HOURS = "#,##0"
MINUTES = "#,##0.0"
FTE = "#,##0.00"  # 人工: two decimals, so that a tenth of a person still shows
EXPECTED_COUNT = "#,##0.00"  # expected values per case such as 1.11 visits: two decimals in every row
# 人工 of one procedure or measure as its reasons say them: one decimal from 0.1, two below (0.9, 0.09).
FTE_AS_REASONS = "[<0.005]0.0;[<0.1]0.00;#,##0.0"
PERCENT = "0.0%"

PAPER_A4 = 9
PAPER_SIZES = {"a4": PAPER_A4, "a3": 8}
# Row heights in points per line of text, per point of font size: ＭＳ Ｐゴシック needs about 1.2 times
# its size, LibreOffice's usual fallback (Noto Sans CJK) about 1.45: the larger, so that nothing is cut.
LINE_SPACING = 1.45
ROW_PADDING = 3.0
DEFAULT_ROW_HEIGHT = round(FONT_SIZE * LINE_SPACING + ROW_PADDING, 1)
# The roadmap workbook's rows (bpr roadmap): no more room than the line needs (LibreOffice's fallback font
# for ＭＳ Ｐゴシック, Noto Sans CJK, needs 1.45 times the size), so that a page holds more rows. Its wrapped
# cells break their own lines (cell_lines.py), so a row is exactly as tall as its text's lines.
LINE_PADDING = 0.0
ONE_LINE = round(FONT_SIZE * LINE_SPACING + LINE_PADDING, 1)
# Excel column widths count characters of the default font, with about one character of cell padding.
CELL_PADDING = 1.5
MAX_HEADER_FOOTER_CHARS = 240


@dataclass(frozen=True, slots=True)
class CellFormat:
    """How a cell looks: number format, alignment, fill, font weight and border."""

    number_format: str = "General"
    wrap: bool = False
    horizontal: str | None = None
    vertical: str = "top"
    fill: str | None = None
    bold: bool = False
    size: float = FONT_SIZE
    colour: str | None = None
    border: str | None = "thin"
    border_colour: str = "BFBFBF"
    pattern: str = "solid"


TEXT = CellFormat()
WRAPPED = CellFormat(wrap=True)
LINK = CellFormat(colour="0563C1", wrap=True)  # a link to a diagram file (優先順位)
CENTRED = CellFormat(horizontal="center")
NUMBER = CellFormat(number_format=INTEGER)
DECIMAL = CellFormat(number_format=SCORE)
PEOPLE = CellFormat(number_format=FTE)
PERSON = CellFormat(number_format=FTE_AS_REASONS)
EXPECTED = CellFormat(number_format=EXPECTED_COUNT)
SHARE = CellFormat(number_format=PERCENT)
HEADER = CellFormat(
    wrap=True,
    horizontal="center",
    vertical="center",
    fill=HEADER_FILL,
    bold=True,
    colour=HEADER_FONT_COLOUR,
    border_colour="FFFFFF",
)
PLAIN = CellFormat(border=None)
TITLE = CellFormat(bold=True, size=16, border=None, colour=SECTION_TITLE_COLOUR, vertical="center")
HEADING = CellFormat(bold=True, size=12, border=None, colour=SECTION_TITLE_COLOUR, vertical="bottom")
LABEL = CellFormat(bold=True, fill="DDEBF7")
WARNED = CellFormat(horizontal="center", fill=WARNING_FILL, bold=True)


@functools.cache  # one object per format: the table writer finds a format's style by identity first
def measure_format(measure: Measure, fixed: bool = False, wrap: bool = False) -> CellFormat:
    """Return the format of a cell that shows a measure: its colour, and a thick border when the plan is fixed.

    A cell of one label is not wrapped (業務改善(BPR) stays whole); one of several lines (ロードマップ) is.
    """
    colour = MEASURE_COLOURS[measure]
    if fixed:
        return CellFormat(
            horizontal="center", wrap=wrap, fill=colour, bold=True, border="medium", border_colour=FIXED_BORDER
        )
    return CellFormat(horizontal="center", wrap=wrap, fill=colour)


@functools.lru_cache(maxsize=131_072, typed=True)  # typed: True and 1 are not the same width
def text_width(value: object) -> float:
    """Return the width a value needs in Excel column units, counting East Asian wide characters as two."""
    if value is None:
        return 0.0
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(len(f"{value:,.1f}" if isinstance(value, float) else f"{value:,}"))
    text = str(value)
    if "\n" in text:
        # Line by line through this cache: the row heights measure the same lines again (wrapped_lines).
        return max(text_width(line) for line in text.split("\n"))
    if text.isascii():
        return float(len(text))
    return float(len(text) + sum(map(len, _WIDE_RUNS.findall(text))))


# East Asian Wide and Fullwidth characters (UAX #11) by block: Hangul Jamo, CJK symbols and
# punctuation, kana, CJK ideographs, Hangul syllables, compatibility ideographs, vertical and
# fullwidth forms, emoji, and the supplementary ideographic planes. Half-width katakana stay narrow.
_WIDE = re.compile(
    "[\u1100-\u115f\u231a\u231b\u2329\u232a\u23e9-\u23ec\u23f0\u23f3\u25fd\u25fe\u2614\u2615"
    "\u2648-\u2653\u267f\u2693\u26a1\u26aa\u26ab\u26bd\u26be\u26c4\u26c5\u26ce\u26d4\u26ea"
    "\u26f2\u26f3\u26f5\u26fa\u26fd\u2705\u270a\u270b\u2728\u274c\u274e\u2753-\u2755\u2757"
    "\u2795-\u2797\u27b0\u27bf\u2b1b\u2b1c\u2b50\u2b55\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf"
    "\u4e00-\u9fff\ua000-\ua4cf\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe10-\ufe19\ufe30-\ufe6f"
    "\uff01-\uff60\uffe0-\uffe6\U00016fe0-\U0001b2ff\U0001f004\U0001f0cf\U0001f18e\U0001f191-\U0001f19a"
    "\U0001f200-\U0001f64f\U0001f680-\U0001f6ff\U0001f7e0-\U0001f7eb\U0001f7f0\U0001f90c-\U0001f9ff"
    "\U0001fa70-\U0001faff\U00020000-\U0002fffd\U00030000-\U0003fffd]"
)
_WIDE_RUNS = re.compile(f"{_WIDE.pattern}+")  # counted by runs: fewer matches to build than one a character


@functools.lru_cache(maxsize=65_536)
def wrapped_lines(text: str, width: float) -> int:
    """Return how many lines a text takes in a wrapped cell of a width, line breaks included."""
    usable = max(1.0, width - CELL_PADDING)
    return sum(max(1, math.ceil(text_width(line) / usable)) for line in text.split("\n"))


def row_height(cells: Iterable[tuple[object, CellFormat, float]]) -> float | None:
    """Return the height a row needs for its wrapped text and large fonts, or None when the default fits."""
    height = DEFAULT_ROW_HEIGHT
    for value, fmt, width in cells:
        if value is None or value == "" or (not fmt.wrap and fmt.size <= FONT_SIZE):
            continue  # one line of text no larger than the default: the default height holds it
        lines = wrapped_lines(str(value), width) if fmt.wrap else 1
        height = max(height, lines * fmt.size * LINE_SPACING + ROW_PADDING)
    return None if height <= DEFAULT_ROW_HEIGHT else round(height, 1)


def header_footer_text(text: str) -> str:
    """Return text for a page header or footer: '&' doubled (a lone one starts a code), length capped."""
    return spreadsheet_text(text)[:MAX_HEADER_FOOTER_CHARS].replace("&", "&&")


class CellStyles:
    """The cell formats of one workbook, each registered once and then shared by every cell that uses it."""

    def __init__(self) -> None:
        self._arrays: dict[CellFormat, Any] = {}
        self._indices: dict[CellFormat, int | None] = {}
        self.frozen = False  # set in a process that writes rows only: every format must be registered already

    def cell(self, sheet: Any, value: object, fmt: CellFormat = TEXT) -> Cell:
        """Return a write-only cell holding a value in a format; text is always a string cell, never a formula."""
        from openpyxl.cell import Cell

        cell = Cell(sheet, row=1, column=1, style_array=self.style_array(sheet, fmt))
        if isinstance(value, str):
            cell.value = spreadsheet_text(value)
            # openpyxl reads '=…' as a formula and '#N/A' as an error; inventory text is neither.
            cell.data_type = "s"
        else:
            cell.value = value
        return cell

    def style_array(self, sheet: Any, fmt: CellFormat) -> Any:
        """Return openpyxl's style array of a format, registering its font, fill and border on first use."""
        array = self._arrays.get(fmt)
        if array is None:
            if self.frozen:
                raise RuntimeError(f"a cell format was not registered before the rows were written: {fmt}")
            array = self._arrays[fmt] = self._register(sheet, fmt)
        return array

    def style_index(self, sheet: Any, fmt: CellFormat) -> int | None:
        """Return a format's index among the workbook's cell styles, registered on first use; None: no style."""
        if fmt in self._indices:
            return self._indices[fmt]
        array = self.style_array(sheet, fmt)
        if self.frozen:
            raise RuntimeError(f"a cell format was not registered before the rows were written: {fmt}")
        index = self._indices[fmt] = style_index(sheet.parent, array) if any(array) else None
        return index

    def registered(self) -> dict[CellFormat, int | None]:
        """Return the style index of every format registered so far: what another process needs to write rows."""
        return dict(self._indices)

    def adopt(self, indices: dict[CellFormat, int | None]) -> None:
        """Take another process's style indices and register nothing more: this process writes rows only (cores.py)."""
        self._indices = dict(indices)
        self.frozen = True

    @staticmethod
    def _register(sheet: Any, fmt: CellFormat) -> Any:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        template = WriteOnlyCell(sheet)
        template.font = Font(
            name=FONT_NAME, charset=JAPANESE_CHARSET, family=3, sz=fmt.size, b=fmt.bold, color=fmt.colour
        )
        template.alignment = Alignment(horizontal=fmt.horizontal, vertical=fmt.vertical, wrap_text=fmt.wrap)
        template.number_format = fmt.number_format
        if fmt.fill is not None:
            template.fill = PatternFill(fill_type=fmt.pattern, start_color=fmt.fill, end_color=fmt.fill)
        if fmt.border is not None:
            side = Side(style=fmt.border, color=fmt.border_colour)
            template.border = Border(left=side, right=side, top=side, bottom=side)
        # The style array is openpyxl's per-cell index into the workbook's style tables: copying it is
        # what lets 100,000 rows share a handful of registered styles instead of hashing each one.
        return style_array(template)


def set_print_layout(
    sheet: Any, *, title: str, footer: str, title_rows: int, paper: str = "a4", issuer: str = ""
) -> None:
    """Print on A4 (or A3) landscape, fit to the page width, title rows repeated, the issuer, page numbers."""
    from openpyxl.worksheet.page import PageMargins

    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = PAPER_SIZES[paper]
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.7, bottom=0.6, header=0.3, footer=0.3)
    sheet.sheet_format.defaultRowHeight = DEFAULT_ROW_HEIGHT
    sheet.sheet_format.customHeight = True
    if title_rows:
        sheet.print_title_rows = f"1:{title_rows}"
    sheet.oddHeader.left.text = header_footer_text(title)
    if issuer:
        sheet.oddHeader.center.text = header_footer_text(issuer)
    sheet.oddHeader.right.text = "&A"
    sheet.oddFooter.left.text = header_footer_text(footer)
    sheet.oddFooter.center.text = "&P / &N ページ"
