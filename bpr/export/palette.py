"""One palette for the measures, shared by the workbook, the diagrams and the report.

Okabe–Ito hues (told apart with the common colour-vision deficiencies), lightened so that black text
stays readable on them and they stay distinct on a grey printer; each has a strong border of the same
hue. A fixed plan (確定) is marked by a thick black border on its measure's colour, never by a fill of its
own, so it cannot be mistaken for 対象外.
"""

from __future__ import annotations

from bpr.inventory.enums import Measure

# RRGGBB, without '#': openpyxl takes them so; DOT and CSS add the '#'.
MEASURE_FILLS: dict[Measure, str] = {
    Measure.ONLINE: "9FD3F5",
    Measure.RPA: "F7C873",
    Measure.AI_OCR: "8ED8BD",
    Measure.BPR: "E8B4D3",
    Measure.NONE: "E4E4E4",
}
MEASURE_BORDERS: dict[Measure, str] = {
    Measure.ONLINE: "0072B2",
    Measure.RPA: "B07800",
    Measure.AI_OCR: "007A5A",
    Measure.BPR: "A5507F",
    Measure.NONE: "888888",
}
FIXED_BORDER = "000000"


def css(colour: str) -> str:
    """Return a palette colour as CSS and DOT write it: '#rrggbb'."""
    return f"#{colour.lower()}"
