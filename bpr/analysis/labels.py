"""Japanese labels of the measures, shared by the terminal, the workbook and the diagrams."""

from __future__ import annotations

from bpr.inventory.models import Measure

MEASURE_LABELS: dict[Measure, str] = {
    Measure.ONLINE: "オンライン化",
    Measure.RPA: "RPA",
    Measure.AI_OCR: "AI-OCR",
    Measure.BPR: "業務改善(BPR)",
    Measure.NONE: "対象外",
}
