"""Japanese labels of the measures, shared by the terminal, the workbook and the diagrams."""

from __future__ import annotations

from bpr.i18n import N_, Phrase
from bpr.inventory.enums import Channel, LegalLevel, Measure
from bpr.inventory.vocabulary import CHANNEL_LABELS as CHANNEL_LABELS
from bpr.inventory.vocabulary import LEGAL_LEVEL_LABELS as LEGAL_LEVEL_LABELS
from bpr.inventory.vocabulary import MEASURE_LABELS as MEASURE_LABELS
from bpr.inventory.vocabulary import SHARED_WITH_LABELS as SHARED_WITH_LABELS

# The measures as the terminal says them, in the run's language; in Japanese, MEASURE_LABELS' words.
MEASURE_NAMES: dict[Measure, str] = {
    Measure.ONLINE: N_("going online"),
    Measure.RPA: N_("RPA"),
    Measure.AI_OCR: N_("AI-OCR"),
    Measure.BPR: N_("process review (BPR)"),
    Measure.NONE: N_("no measure"),
}


def measure_phrase(measure: Measure) -> Phrase:
    """Return a measure's name as a Phrase (オンライン化 in Japanese, 'going online' in English)."""
    return Phrase(MEASURE_NAMES[measure])


def channels_text(channels: tuple[Channel, ...]) -> str:
    """Return the existing channels as one Japanese phrase (マイナポータル・コンビニ交付)."""
    return "・".join(CHANNEL_LABELS[c] for c in channels)


CITY_RULE_LABELS = {"presence": "本人の来庁", "seal": "押印"}


def city_rule_text(what: str, level: LegalLevel) -> str:
    """Return '本人の来庁の義務は要綱・要領によるもの（市が定めたもの）' for a requirement the city can review."""
    return f"{CITY_RULE_LABELS[what]}の義務は{LEGAL_LEVEL_LABELS[level]}によるもの（市が定めたもの）"
