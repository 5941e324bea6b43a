"""The shape of a score factor: what it reads, how it acts on a measure's hours, what it says, where it is shown.

A factor is a declaration (`Factor`), not an if-block: `bpr/analysis/factors.py` lists them all in
`FACTORS`, in the order they apply. The scores apply the registry; the 算定方法 sheet shows each factor's
`MethodRow` and `scripts/scoring_doc.py` writes each factor's `DocRow` into docs/scoring.md, so that a new
factor is its declaration, its test and its catalog entry (docs/scoring.md, 2: gates and factors).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from bpr.analysis.results import Figures
from bpr.config import ScoringConfig
from bpr.i18n import Phrase
from bpr.inventory.enums import Measure
from bpr.inventory.models import Procedure


class Acts(enum.StrEnum):
    """How a factor acts on a measure's hours."""

    GATE = "gate"  # the measure saves nothing for this procedure: its reason is the measure's only one
    FEASIBILITY = "feasibility"  # multiplies the feasibility f: expected hours E = hours × f


@dataclass(frozen=True, slots=True)
class Subject:
    """What a factor may read: the procedure, its figures, the scoring config, and the cases a year the measure works on."""

    procedure: Procedure
    figures: Figures
    config: ScoringConfig
    cases: float  # online: the cases left at the counter; AI-OCR: the paper cases


@dataclass(frozen=True, slots=True)
class Effect:
    """What a factor does to one measure of one procedure: multiply by `value` (0 for a gate), and why."""

    value: float
    reason: Phrase | None = None


@dataclass(frozen=True, slots=True)
class MethodRow:
    """A factor's row of settings on 算定方法: its label, its value in the config in force, and what it means.

    `label` and `meaning` are message ids (marked with N_); the sheet says them in Japanese.
    """

    label: str
    value: Callable[[ScoringConfig], Phrase]
    meaning: str | None = None


@dataclass(frozen=True, slots=True)
class DocRow:
    """A factor's row of the table in docs/scoring.md: when it applies, and what it does with the config given."""

    condition: str
    effect: Callable[[ScoringConfig], str]


@dataclass(frozen=True, slots=True)
class Factor:
    """One score factor, declared: its key, the measure it acts on and how, what it reads, what it says.

    `reads` names the inventory fields it reads (`online.identity_check`, `attachments[].source`) and
    `settings` the keys under `scoring` of the config (`online.cash_only_fee_factor`); `effect` is pure and
    returns None where the factor does not apply. `reasons` are the message ids its effects may say.
    A factor with settings shows them on 算定方法 (`method`); a gate without settings has no row there.
    """

    key: str
    measure: Measure
    acts: Acts
    reads: tuple[str, ...]
    settings: tuple[str, ...]
    effect: Callable[[Subject], Effect | None]
    reasons: tuple[str, ...]
    doc: DocRow
    method: MethodRow | None = None
