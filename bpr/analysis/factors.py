"""The score factors, declared one by one, and `FACTORS`: the registry the scores, 算定方法 and the docs read.

Each factor says what it reads, how it acts on a measure (a gate, or a feasibility multiplier), its reason
(an English message id, said in Japanese by bpr/locale/ja/factors.po), its row of settings on 算定方法 and
its row in docs/scoring.md. `FACTORS` is in the order they apply: a measure's gates first, the first that
applies being its only reason; then its feasibility factors, multiplied in turn, their reasons in that order.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator

from pydantic import BaseModel

from bpr.analysis.factor import Acts, DocRow, Effect, Factor, MethodRow, Subject
from bpr.analysis.labels import LEGAL_LEVEL_LABELS
from bpr.config import ScoringConfig
from bpr.i18n import N_, Phrase, phrase
from bpr.inventory.enums import IdentityCheck, LegalLevel, Measure, OnlineStatus, Payment, Source
from bpr.inventory.models import Procedure

# A rule with no level written (the 1.0 flag `in_person_required_by_law`) is said as 法令.
_ANY_LAW = N_("a law")
_FULLY_ONLINE = N_("already fully online (online score 0)")
_PRESENCE_BY_LAW = N_("{level} requires the applicant in person: not a candidate for going online")
_SEAL_BY_LAW = N_("{level} requires a seal: not a candidate for going online (until it is amended)")
_PAPER_ATTACHMENTS = N_("{count} attachments not available electronically (feasibility ×{factor})")
_SEAL_CERTIFICATE = N_(
    "the identity check needs a seal (a seal certificate or a registered seal): going online needs a switch to"
    " the JPKI e-signature (feasibility ×{factor})"
)
_JPKI = N_("the identity check ({check}) is done online by JPKI (the My Number Card)")
_CASH_ONLY_FEE = N_("a fee of {amount} yen payable only in cash (feasibility ×{factor})")
_HANDWRITTEN_FORMS = N_("handwritten forms (reading feasibility ×{factor})")
_FEW_PAPER_CASES = N_("few cases (feasibility ×{factor})")


def _times(value: float) -> Phrase:
    return phrase(N_("×{factor}"), factor=f"{value:g}")


def _level(basis: LegalLevel | None) -> Phrase | str:
    """Return the level of a national rule as the reason names it: 法律, 政令, 省令, or 法令 when none is written."""
    return Phrase(_ANY_LAW) if basis is None else LEGAL_LEVEL_LABELS[basis]


# Online: gates ---------------------------------------------------------------------------------------


def _fully_online(subject: Subject) -> Effect | None:
    if subject.procedure.online.status is not OnlineStatus.FULL:
        return None
    return Effect(0.0, phrase(_FULLY_ONLINE))


def _presence_by_law(subject: Subject) -> Effect | None:
    online = subject.procedure.online
    if not online.presence_gated:
        return None
    return Effect(0.0, phrase(_PRESENCE_BY_LAW, level=_level(online.presence_basis)))


def _seal_by_law(subject: Subject) -> Effect | None:
    online = subject.procedure.online
    if not online.seal_gated:
        return None
    return Effect(0.0, phrase(_SEAL_BY_LAW, level=_level(online.seal_basis)))


# Online: feasibility ---------------------------------------------------------------------------------


def _paper_attachments(subject: Subject) -> Effect | None:
    procedure, cfg = subject.procedure, subject.config.online
    paper = [a for a in procedure.attachments if not a.electronic and a.source is not Source.SELF]
    if not paper:
        return None
    factor = max(cfg.min_attachment_factor, cfg.paper_attachment_factor ** len(paper))
    return Effect(factor, phrase(_PAPER_ATTACHMENTS, count=str(len(paper)), factor=f"{factor:.2f}"))


class IdentityRoute(enum.StrEnum):
    """How a procedure's identity check can be done online."""

    JPKI = "jpki"  # 公的個人認証: the マイナンバーカード's certificate replaces showing a card at the counter
    SEAL_CERTIFICATE = "seal_certificate"  # 印鑑登録証明書 and 実印: online needs the law's form changed to JPKI
    NONE = "none"  # no identity check, or one the inventory does not name


def identity_route(procedure: Procedure) -> IdentityRoute:
    """Tell how the identity check of a procedure goes online (docs/scoring.md, 本人確認)."""
    check = procedure.online.identity_check
    if check is IdentityCheck.SEAL_CERTIFICATE:
        return IdentityRoute.SEAL_CERTIFICATE
    if check in (IdentityCheck.MY_NUMBER_CARD, IdentityCheck.PHOTO_ID):
        return IdentityRoute.JPKI
    return IdentityRoute.NONE


def _identity_check(subject: Subject) -> Effect | None:
    procedure = subject.procedure
    route = identity_route(procedure)
    if route is IdentityRoute.SEAL_CERTIFICATE:
        factor = subject.config.online.seal_certificate_factor
        return Effect(factor, phrase(_SEAL_CERTIFICATE, factor=f"{factor:g}"))
    if route is IdentityRoute.JPKI:
        card = procedure.online.identity_check is IdentityCheck.MY_NUMBER_CARD
        check = Phrase(N_("the My Number Card") if card else N_("an identity document shown"))
        return Effect(1.0, phrase(_JPKI, check=check))
    return None


def _cash_only_fee(subject: Subject) -> Effect | None:
    fee = subject.procedure.fee
    if not (fee.amount > 0 and set(fee.payment or [Payment.CASH]) <= {Payment.CASH}):
        return None
    factor = subject.config.online.cash_only_fee_factor
    return Effect(factor, phrase(_CASH_ONLY_FEE, amount=f"{fee.amount:,}", factor=f"{factor:g}"))


# AI-OCR: feasibility --------------------------------------------------------------------------------


def _handwritten_forms(subject: Subject) -> Effect | None:
    if not subject.figures.handwritten_steps:
        return None
    factor = subject.config.ai_ocr.handwritten_factor
    return Effect(factor, phrase(_HANDWRITTEN_FORMS, factor=f"{factor:g}"))


def _paper_volume(subject: Subject) -> Effect:
    # Few paper cases are not worth a form definition: half worth it at `half_volume` cases a year.
    cases, half = subject.cases, subject.config.ai_ocr.half_volume
    scale = cases / (cases + half) if cases + half > 0 else 0.0
    return Effect(scale, phrase(_FEW_PAPER_CASES, factor=f"{scale:.2f}") if cases < 4 * half else None)


_NATIONAL_RULE = "law, cabinet order or ministerial ordinance; section 7"

FACTORS: tuple[Factor, ...] = (
    Factor(
        key="fully_online",
        measure=Measure.ONLINE,
        acts=Acts.GATE,
        reads=("online.status",),
        settings=(),
        effect=_fully_online,
        reasons=(_FULLY_ONLINE,),
        doc=DocRow("`online.status: full`", lambda _: "**gate**: no online gain (score 0)"),
    ),
    Factor(
        key="presence_by_law",
        measure=Measure.ONLINE,
        acts=Acts.GATE,
        reads=("online.in_person_required_by_law", "online.presence_basis"),
        settings=(),
        effect=_presence_by_law,
        reasons=(_PRESENCE_BY_LAW,),
        doc=DocRow(
            f"presence required by a national rule (`in_person_required_by_law`, or `presence_basis`: {_NATIONAL_RULE})",
            lambda _: (
                "**gate**: no online gain, no online recommendation or complement, and no `national` online"
                " measure either (complements, point 5); the BPR gain adds 予約 and 書かない窓口 (below), and when BPR"
                " saves any hours BPR is the recommendation (see Recommendation); BPR's reason names what replaces"
                " it: 「来庁が必要な手続: 予約で待ち時間を、書かない窓口で記入を減らす → 住民 N時間/年」"
            ),
        ),
    ),
    Factor(
        key="seal_by_law",
        measure=Measure.ONLINE,
        acts=Acts.GATE,
        reads=("online.seal_basis",),
        settings=(),
        effect=_seal_by_law,
        reasons=(_SEAL_BY_LAW,),
        doc=DocRow(
            f"a seal required by a national rule (`seal_basis`: {_NATIONAL_RULE})",
            lambda _: "**gate**, as for presence, until that rule is amended",
        ),
    ),
    Factor(
        key="paper_attachments",
        measure=Measure.ONLINE,
        acts=Acts.FEASIBILITY,
        reads=("attachments[].electronic", "attachments[].source"),
        settings=("online.paper_attachment_factor", "online.min_attachment_factor"),
        effect=_paper_attachments,
        reasons=(_PAPER_ATTACHMENTS,),
        doc=DocRow(
            "each attachment not available electronically (`electronic: false`, source other than `self`)",
            lambda c: f"`f × {c.online.paper_attachment_factor:g}^k`, not below {c.online.min_attachment_factor:g}",
        ),
        method=MethodRow(
            N_("Feasibility: attachments not available electronically"),
            lambda c: phrase(
                N_("×{factor} (not below ×{minimum})"),
                factor=f"{c.online.paper_attachment_factor:g}",
                minimum=f"{c.online.min_attachment_factor:g}",
            ),
            N_("for each one"),
        ),
    ),
    Factor(
        key="identity_check",
        measure=Measure.ONLINE,
        acts=Acts.FEASIBILITY,
        reads=("online.identity_check",),
        settings=("online.seal_certificate_factor",),
        effect=_identity_check,
        reasons=(_SEAL_CERTIFICATE, _JPKI),
        doc=DocRow(
            "`online.identity_check: seal_certificate` (印鑑登録証明書, 実印, a bank's 届出印); `my_number_card` or"
            " `photo_id` become JPKI (公的個人認証) online",
            lambda c: f"`f × {c.online.seal_certificate_factor:g}` for a seal certificate; JPKI: no factor, a reason",
        ),
        method=MethodRow(
            N_("Feasibility: seal certificate or registered seal"),
            lambda c: _times(c.online.seal_certificate_factor),
            N_("going online needs a switch to the JPKI e-signature"),
        ),
    ),
    Factor(
        key="cash_only_fee",
        measure=Measure.ONLINE,
        acts=Acts.FEASIBILITY,
        reads=("fee.amount", "fee.payment"),
        settings=("online.cash_only_fee_factor",),
        effect=_cash_only_fee,
        reasons=(_CASH_ONLY_FEE,),
        doc=DocRow("fee > 0 payable only in cash", lambda c: f"`f × {c.online.cash_only_fee_factor:g}`"),
        method=MethodRow(N_("Feasibility: fee payable only in cash"), lambda c: _times(c.online.cash_only_fee_factor)),
    ),
    Factor(
        key="handwritten_forms",
        measure=Measure.AI_OCR,
        acts=Acts.FEASIBILITY,
        reads=("steps[].handwritten",),
        settings=("ai_ocr.handwritten_factor",),
        effect=_handwritten_forms,
        reasons=(_HANDWRITTEN_FORMS,),
        doc=DocRow(
            "the procedure has handwritten steps (`handwritten: true`): they read less reliably",
            lambda c: f"`f × {c.ai_ocr.handwritten_factor:g}`",
        ),
        method=MethodRow(
            N_("Feasibility: handwritten forms (AI-OCR)"),
            lambda c: _times(c.ai_ocr.handwritten_factor),
            N_("procedures with handwritten steps"),
        ),
    ),
    Factor(
        key="paper_volume",
        measure=Measure.AI_OCR,
        acts=Acts.FEASIBILITY,
        reads=("annual_volume", "online.status", "online.share"),
        settings=("ai_ocr.half_volume",),
        effect=_paper_volume,
        reasons=(_FEW_PAPER_CASES,),
        doc=DocRow(
            "always, on the paper cases a year (volume × the paper share that stays, section AI-OCR)",
            lambda c: (
                f"`f × paper cases / (paper cases + {c.ai_ocr.half_volume:g})`; the reason is said below"
                f" {4 * c.ai_ocr.half_volume:g} paper cases"
            ),
        ),
        method=MethodRow(
            N_("Feasibility: paper cases (AI-OCR)"),
            lambda c: phrase(N_("paper cases ÷ (paper cases + {half})"), half=f"{c.ai_ocr.half_volume:,g}"),
            N_("few cases are not worth a form definition"),
        ),
    ),
)


def factors_of(measure: Measure, acts: Acts) -> Iterator[Factor]:
    """Yield the registry's factors of a measure that act this way, in the order they apply."""
    return (f for f in FACTORS if f.measure is measure and f.acts is acts)


def first_gate(measure: Measure, subject: Subject) -> Effect | None:
    """Return the effect of the first gate that keeps a measure from saving anything, or None when none does."""
    for factor in factors_of(measure, Acts.GATE):
        effect = factor.effect(subject)
        if effect is not None:
            return effect
    return None


def feasibility_of(measure: Measure, subject: Subject) -> tuple[float, tuple[Phrase, ...]]:
    """Return a measure's feasibility, the product of the factors that apply, and their reasons in order."""
    value = 1.0
    reasons: list[Phrase] = []
    for factor in factors_of(measure, Acts.FEASIBILITY):
        effect = factor.effect(subject)
        if effect is None:
            continue
        value *= effect.value
        if effect.reason is not None:
            reasons.append(effect.reason)
    return value, tuple(reasons)


def setting_keys(model: type[BaseModel] = ScoringConfig, prefix: str = "") -> list[str]:
    """Return every key under `scoring` of the config, dotted, in the order bpr.yaml lists them."""
    keys: list[str] = []
    for name, info in model.model_fields.items():
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            keys.extend(setting_keys(annotation, f"{prefix}{name}."))
        else:
            keys.append(f"{prefix}{name}")
    return keys


def method_rows(config: ScoringConfig) -> list[tuple[str, Phrase, str | None]]:
    """Return the factors' rows of settings for 算定方法, (label, value, meaning), in bpr.yaml's order of their settings."""
    order = {key: index for index, key in enumerate(setting_keys())}
    shown = sorted(
        (f for f in FACTORS if f.method is not None),
        key=lambda f: min((order.get(k, len(order)) for k in f.settings), default=len(order)),
    )
    return [(f.method.label, f.method.value(config), f.method.meaning) for f in shown if f.method is not None]
