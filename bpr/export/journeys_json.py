"""Life-event journeys, self-issued documents and cash-only fees as JSON (`bpr journeys --format json`)."""

from __future__ import annotations

import json
import math
from typing import Any

from bpr.analysis.documents import PAYMENT_LABELS, CashlessCandidate, SelfIssuedDocument
from bpr.analysis.journeys import Journey
from bpr.analysis.results import Analysis
from bpr.export.presentation import journey_assumptions


def _number(value: float, digits: int = 2) -> float | int | None:
    if not math.isfinite(value):
        return None
    rounded = round(value, digits)
    return int(rounded) if rounded == int(rounded) else rounded


def journey_record(journey: Journey) -> dict[str, Any]:
    """Return one journey: per occurrence, per year, its procedures and the gaps of the inventory."""
    return {
        "event": journey.event.value,
        "label": journey.label,
        "occurrences": journey.occurrences,
        "occurrences_source": journey.occurrences_source,
        "sections": list(journey.sections),
        "counters": list(journey.counters),
        "visits": _number(journey.visits),
        # Journeys v2: trips out of the house (the first day's visits to one building are one trip).
        "trips": _number(journey.trips),
        "travel_minutes": _number(journey.travel_minutes, 1),
        "buildings": [{"name": name, "chance": _number(chance, 3)} for name, chance in journey.buildings],
        "handwritten_forms": _number(journey.forms),
        "repeated_facts": _number(journey.repeated_facts, 1),
        "citizen_hours": _number(journey.citizen_hours),
        "citizen_hours_year": _number(journey.citizen_hours_year, 0),
        "one_stop_hours": _number(journey.one_stop_hours),
        "one_stop_hours_year": _number(journey.one_stop_hours_year, 0),
        "one_stop_minutes": {part: _number(minutes, 1) for part, minutes in journey.one_stop_parts},
        "procedures": [
            {
                "id": p.id,
                "name": p.name,
                "section": p.section,
                "annual_volume": p.annual_volume,
                "share": _number(p.share, 3),
                "visits": _number(p.visits),
                "handwritten_forms": _number(p.forms),
                "citizen_minutes": _number(p.citizen_minutes, 1),
                "building": p.building,
                "covered_by_its_steps": list(p.covered),
                "trigger": p.trigger,
            }
            for p in journey.procedures
        ],
        "gaps": list(journey.gaps),
    }


def document_record(document: SelfIssuedDocument) -> dict[str, Any]:
    """Return one document the city asks of itself."""
    return {
        "name": document.name,
        "source": document.source.value,
        "issued_by": document.issuer,
        "asked_by": list(document.procedures),
        "cases": _number(document.cases, 0),
        "citizen_hours": _number(document.citizen_hours, 0),
        "fees_yen": _number(document.fees_yen, 0),
        "electronic": document.electronic,
        "how_to_drop": document.drop,
    }


def cashless_record(candidate: CashlessCandidate) -> dict[str, Any]:
    """Return one procedure whose fee is payable only in cash."""
    return {
        "id": candidate.id,
        "name": candidate.name,
        "section": candidate.section,
        "amount": candidate.amount,
        "cases": _number(candidate.cases, 0),
        "yen": _number(candidate.yen, 0),
    }


def journeys_json(analysis: Analysis) -> str:
    """Return journeys, documents and cash-only fees as JSON text, deterministic byte for byte."""
    payload = {
        "journeys": [journey_record(j) for j in analysis.journeys],
        # What the journeys' figures assume, as 算定方法 and the report's event pages say it.
        "assumptions": [
            {"label": label, "assumed": assumed} for label, assumed in journey_assumptions(analysis.config)
        ],
        "documents": [document_record(d) for d in analysis.documents],
        "cashless": [cashless_record(c) for c in analysis.cashless],
        "payment_methods_offered": [
            {"method": method.value, "label": PAYMENT_LABELS[method], "procedures": count}
            for method, count in analysis.payment_methods
        ],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
