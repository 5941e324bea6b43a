"""Model v3's expectations: uptake year by year, what a measure costs and when it pays back, and 標準化.

docs/scoring.md §7 has every formula. Uptake: a channel (new, or one that exists) moves `uptake(t)` of
the cases left at the counter, `t` fiscal years after the measure's year (t ≥ 1; nothing in the year it
is built). Costs are in thousand yen (千円); staff hours are turned into yen at the config's hourly cost,
citizens' hours only when the config sets `citizen_yen_per_hour`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bpr.config import CostItem, ScoringConfig, StandardizationConfig
from bpr.inventory.enums import IdentityCheck, Measure
from bpr.inventory.models import Procedure
from bpr.names import compared_name

# The logistic curve's steepness: it rises over `years` years, from about 5 % to 95 % of the way.
_LOGISTIC_STEEPNESS = 6.0


def _logistic(t: float, years: int) -> float:
    return 1.0 / (1.0 + math.exp(-_LOGISTIC_STEEPNESS * (t / years - 0.5)))


def curve_share(share: float, years: int, curve: str, t: int) -> float:
    """Return the share reached `t` years after launch on the config's curve: 0 before, `share` from `years` on.

    Linear: share × t / years. Logistic: share × (L(t) − L(0)) / (L(years) − L(0)), L the logistic
    function centred on years / 2, so that it starts at 0 and reaches `share` exactly at `years`.
    """
    if t <= 0:
        return 0.0
    if t >= years:
        return share
    if curve == "logistic":
        low, high = _logistic(0, years), _logistic(years, years)
        return share * (_logistic(t, years) - low) / (high - low)
    return share * t / years


def needs_card(procedure: Procedure) -> bool:
    """Tell whether going online needs the マイナンバーカード (公的個人認証): its uptake follows the holding rate."""
    return procedure.online.identity_check in (IdentityCheck.MY_NUMBER_CARD, IdentityCheck.PHOTO_ID)


def _carried(by_year: Mapping[int, float], fy: int | None) -> float:
    """Return the value of the latest year listed up to fy (the first listed before it; the last when fy is None)."""
    years = sorted(by_year)
    if fy is None:
        return by_year[years[-1]]
    earlier = [y for y in years if y <= fy]
    return by_year[earlier[-1] if earlier else years[0]]


def uptake_at(procedure: Procedure, config: ScoringConfig, t: int | None, fy: int | None = None) -> float:
    """Return the share of the cases left at the counter that a channel moves, `t` years after launch.

    `t` None is the steady state (the share reached in the end). `online.uptake` of the procedure
    overrides the config: a number is the share reached, on the config's curve and years; a mapping
    gives each year after launch (a year left out keeps the latest listed before it, 0 before the first).
    Procedures that need the マイナンバーカード are multiplied by the card holding rate of `fy`
    (config `uptake.card_holding`; its latest year for the steady state) when the config lists one.
    """
    cfg = config.uptake
    written = procedure.online.uptake
    if isinstance(written, dict):
        if t is None:
            share = written[max(written)]
        else:
            listed = [y for y in written if y <= t]
            share = written[max(listed)] if listed else 0.0
    else:
        reached = cfg.share if written is None else written
        share = reached if t is None else curve_share(reached, cfg.years, cfg.curve, t)
    if cfg.card_holding and needs_card(procedure):
        share *= _carried(cfg.card_holding, None if t is None else fy)
    return share


def uptake_source(procedure: Procedure, config: ScoringConfig) -> str:
    """Say in Japanese where a procedure's uptake comes from: 手続の online.uptake, or the config's curve."""
    cfg = config.uptake
    card = "・マイナンバーカード保有率を乗じる" if cfg.card_holding and needs_card(procedure) else ""
    if isinstance(procedure.online.uptake, dict):
        return f"手続の設定 (開始後の年ごとの利用率){card}"
    shape = "直線" if cfg.curve == "linear" else "S字"
    reached = cfg.share if procedure.online.uptake is None else procedure.online.uptake
    whose = "既定値" if procedure.online.uptake is None else "手続の設定"
    return f"{cfg.years}年で{reached:.0%}に達する{shape} ({whose}){card}"


@dataclass(frozen=True, slots=True)
class Cost:
    """A measure's cost in thousand yen, and where it comes from (plan.cost or the config's kind)."""

    initial: float
    annual: float
    source: str  # "plan" or the config's kind: online, national_package, uptake, rpa, ai_ocr, bpr, counter


def measure_cost(procedure: Procedure, measure: Measure, kind: str, config: ScoringConfig) -> Cost:
    """Return the cost of a measure: the procedure's plan.cost when its plan is this measure, else the kind's default."""
    plan = procedure.plan
    if plan is not None and plan.measure is measure and plan.cost is not None:
        return Cost(plan.cost.initial, plan.cost.annual, "plan")
    item: CostItem | None = getattr(config.costs, kind, None)
    if item is None:
        return Cost(0.0, 0.0, kind)  # no measure (none) costs nothing
    return Cost(item.initial, item.annual, kind)


def round_half_up(value: float, digits: int = 1) -> float:
    """Round as a reader does (2.25 → 2.3), not to even."""
    scale = float(10**digits)
    return math.floor(value * scale + 0.5) / scale


def payback_years(initial: float, net_per_year: float) -> float | None:
    """Return initial / net benefit a year, rounded half up to 0.1 year; 0 when nothing is spent; None when it never pays."""
    if initial <= 0:
        return 0.0
    if net_per_year <= 0:
        return None
    return round_half_up(initial / net_per_year, 1)


def yen_value(staff_hours: float, citizen_hours: float, config: ScoringConfig) -> float:
    """Return what hours a year are worth in thousand yen: staff at the hourly cost, citizens only when configured."""
    value = staff_hours * config.staff_cost_per_hour / 1000
    if config.costs.citizen_yen_per_hour is not None:
        value += citizen_hours * config.costs.citizen_yen_per_hour / 1000
    return value


def standard_systems(systems: Iterable[str | None], config: StandardizationConfig) -> tuple[str, ...]:
    """Return the 標準化対象業務 whose words appear in any of these step systems, in the config's order."""
    names = [compared_name(s) for s in systems if s]
    if not names:
        return ()
    found = []
    for business, words in config.systems.items():
        if any(compared_name(word) in name for word in words for name in names):
            found.append(business)
    return tuple(found)
