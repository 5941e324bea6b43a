"""Japanese labels of the measures, shared by the terminal, the workbook and the diagrams."""

from __future__ import annotations

from bpr.i18n import N_, Phrase
from bpr.inventory.models import Channel, LegalLevel, Measure, SharedWith

MEASURE_LABELS: dict[Measure, str] = {
    Measure.ONLINE: "オンライン化",
    Measure.RPA: "RPA",
    Measure.AI_OCR: "AI-OCR",
    Measure.BPR: "業務改善(BPR)",
    Measure.NONE: "対象外",
}

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


# The channels a case can already take instead of the counter (online.channels), as the documents say them.
CHANNEL_LABELS: dict[Channel, str] = {
    Channel.MYNAPORTAL: "マイナポータル",
    Channel.CITY_FORM: "市の電子申請",
    Channel.CONVENIENCE_STORE: "コンビニ交付",
    Channel.KIOSK: "キオスク端末",
    Channel.SMARTPHONE_PAYMENT: "スマホ決済",
    Channel.POST: "郵送",
    Channel.OTHER: "その他の電子申請",
}


def channels_text(channels: tuple[Channel, ...]) -> str:
    """Return the existing channels as one Japanese phrase (マイナポータル・コンビニ交付)."""
    return "・".join(CHANNEL_LABELS[c] for c in channels)


# The other bodies that take a procedure (shared_with), as the documents and the 調査票 say them.
SHARED_WITH_LABELS: dict[SharedWith, str] = {
    SharedWith.PREFECTURE: "都道府県",
    SharedWith.NATIONAL: "国",
    SharedWith.OTHER_MUNICIPALITY: "他の市町村・組合",
    SharedWith.PRIVATE: "民間等",
}


# The level of the rule that requires presence or a seal (presence_basis, seal_basis).
LEGAL_LEVEL_LABELS: dict[LegalLevel, str] = {
    LegalLevel.LAW: "法律",
    LegalLevel.CABINET_ORDER: "政令",
    LegalLevel.MINISTERIAL_ORDINANCE: "省令",
    LegalLevel.ORDINANCE: "条例",
    LegalLevel.RULE: "規則",
    LegalLevel.GUIDELINE: "要綱・要領",
    LegalLevel.PRACTICE: "慣行",
}
CITY_RULE_LABELS = {"presence": "本人の来庁", "seal": "押印"}


def city_rule_text(what: str, level: LegalLevel) -> str:
    """Return '本人の来庁の義務は要綱・要領によるもの（市が定めたもの）' for a requirement the city can review."""
    return f"{CITY_RULE_LABELS[what]}の義務は{LEGAL_LEVEL_LABELS[level]}によるもの（市が定めたもの）"
