"""Documents the city asks of itself (添付書類の簡略化), and cash-only fees (キャッシュレス化).

Attachments issued by the city itself (`source: self`), or by another municipality when they are of a
kind that data linkage replaces (住民票, 戸籍, 所得・課税証明 …), are grouped by
document: by the issuing procedure when the attachment names it, else by the kind of document its name
says (住民票, 戸籍, 所得・課税証明 …). For each: the procedures that ask for it, the cases a year that
bring it (their cases still at the counter), the citizen hours it costs (each case obtains it once, at
the issuing procedure's citizen minutes per case, else one trip), the fees citizens pay for it, and how
it could be dropped: a lookup inside the city (庁内連携) for its own documents, マイナンバーによる情報連携
(or 戸籍情報連携) for another municipality's.

Cash-only fees: procedures with a fee payable only in cash, ranked by cases × fee (円 a year), beside the
ways of paying the city already offers elsewhere (the strategy: start where cash is used most).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bpr.analysis.results import ScoredProcedure
from bpr.inventory.enums import Payment, Source
from bpr.inventory.vocabulary import PAYMENT_LABELS as PAYMENT_LABELS

# The kind of document an attachment's name says, in the order they are tried.
DOCUMENT_KINDS: tuple[tuple[str, str], ...] = (
    ("附票", "戸籍の附票の写し"),
    ("戸籍", "戸籍謄抄本"),
    ("住民票", "住民票の写し"),
    ("納税", "納税証明書"),
    ("所得", "所得・課税証明書"),
    ("課税", "所得・課税証明書"),
    ("非課税", "所得・課税証明書"),
    ("印鑑", "印鑑登録証明書"),
    ("評価", "固定資産評価証明書"),
)
_DROP = {
    Source.SELF: "庁内連携で確認（住基・税・戸籍システムの照会）: 市民に求めない",
    Source.OTHER_MUNICIPALITY: "マイナンバーによる情報連携で取得（戸籍は戸籍情報連携）",
}


@dataclass(frozen=True, slots=True)
class SelfIssuedDocument:
    """One document the city (or another municipality) issues and yet asks citizens to bring."""

    name: str
    source: Source
    issuer: str | None  # the issuing procedure's id, when the inventory has it
    procedures: tuple[str, ...]  # ids of the procedures that ask for it
    cases: float  # a year, at the counter
    citizen_hours: float  # a year
    fees_yen: float  # a year
    electronic: bool  # every asking procedure already takes it electronically
    drop: str


@dataclass(frozen=True, slots=True)
class CashlessCandidate:
    """A procedure whose fee can be paid only in cash."""

    id: str
    name: str
    section: str
    amount: int
    cases: float  # a year, at the counter
    yen: float  # cases × amount


def document_kind(name: str) -> str:
    """Return the kind of document an attachment's name says (the name itself when none fits)."""
    return next((kind for word, kind in DOCUMENT_KINDS if word in name), name)


def self_issued_documents(
    procedures: Sequence[ScoredProcedure], travel_minutes_per_visit: float
) -> tuple[SelfIssuedDocument, ...]:
    """Return the documents of this city or another that procedures ask for, most citizen hours first."""
    kinds: dict[str, str] = {}  # names repeat (procedures, attachments): each is looked through the kinds once

    def kind_of(name: str) -> str:
        found = kinds.get(name)
        if found is None:
            found = kinds[name] = document_kind(name)
        return found

    by_id = {p.procedure.id: p for p in procedures}
    by_kind = {kind_of(p.procedure.name): p for p in sorted(procedures, key=lambda p: -p.procedure.annual_volume)}
    groups: dict[tuple[str, Source], list[tuple[ScoredProcedure, bool, str | None]]] = {}
    for scored in procedures:
        for attachment in scored.procedure.attachments:
            if attachment.source not in _DROP:
                continue
            if attachment.source is Source.OTHER_MUNICIPALITY and kind_of(attachment.name) == attachment.name:
                continue  # a 運転免許証 or a police receipt: no data linkage replaces it
            issuer = attachment.procedure if attachment.procedure in by_id else None
            if issuer is None and attachment.source is Source.SELF:
                candidate = by_kind.get(kind_of(attachment.name))
                issuer = candidate.procedure.id if candidate is not None else None
            name = by_id[issuer].procedure.name if issuer is not None else kind_of(attachment.name)
            groups.setdefault((name, attachment.source), []).append((scored, attachment.electronic, issuer))
    out = []
    for (name, source), asked in groups.items():
        issuer = next((i for _, _, i in asked if i is not None), None)
        issuing = by_id.get(issuer) if issuer is not None else None
        minutes = issuing.figures.citizen_minutes_per_case if issuing is not None else travel_minutes_per_visit
        fee = issuing.procedure.fee.amount if issuing is not None else 0
        cases = sum(p.procedure.annual_volume * (1 - p.online_share) for p, electronic, _ in asked if not electronic)
        out.append(
            SelfIssuedDocument(
                name=name,
                source=source,
                issuer=issuer,
                procedures=tuple(sorted({p.procedure.id for p, _, _ in asked})),
                cases=cases,
                citizen_hours=cases * minutes / 60,
                fees_yen=cases * fee,
                electronic=all(electronic for _, electronic, _ in asked),
                drop=_DROP[source],
            )
        )
    return tuple(sorted(out, key=lambda d: (-d.citizen_hours, d.name, d.source.value)))


def cashless_candidates(procedures: Sequence[ScoredProcedure]) -> tuple[CashlessCandidate, ...]:
    """Return the procedures with a fee payable only in cash, most yen a year first."""
    out = []
    for scored in procedures:
        fee = scored.procedure.fee
        if fee.amount <= 0 or set(fee.payment or []) - {Payment.CASH}:
            continue
        cases = scored.procedure.annual_volume * (1 - scored.online_share)
        out.append(
            CashlessCandidate(
                scored.procedure.id,
                scored.procedure.name,
                scored.counter.section,
                fee.amount,
                cases,
                cases * fee.amount,
            )
        )
    return tuple(sorted(out, key=lambda c: (-c.yen, c.id)))


def payment_methods_offered(procedures: Sequence[ScoredProcedure]) -> tuple[tuple[Payment, int], ...]:
    """Return each way of paying other than cash with the number of procedures that already take it."""
    counts = {method: 0 for method in Payment if method is not Payment.CASH}
    for scored in procedures:
        for method in set(scored.procedure.fee.payment or []):
            if method in counts:
                counts[method] += 1
    return tuple((method, count) for method, count in counts.items() if count)
