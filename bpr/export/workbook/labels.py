"""Japanese words the workbook and the terminal share, so that both read a KPI and an uptake the same way."""

from __future__ import annotations

from bpr.analysis.labels import MEASURE_LABELS
from bpr.analysis.planned import Planned
from bpr.analysis.results import KpiStatus

# A KPI before its fiscal year ends is judged by the plan, afterwards by what was done (model v3, property
# 8): only 実績で達成 is green; a plan alone never is.
MET = "実績で達成"
PLANNED = "計画で達成"
NOT_MET = "計画で未達"
OVERDUE = "未達（期限経過）"
EMPTY = "対象なし"  # a KPI over an empty population: never 達成 (model v2, property 8)
CHECK = "要確認"  # a KPI with another warning (a target of 0)
UPTAKE = "マイナポータルで申請可能: 利用率の向上"
COMPLEMENT = "補完"
NATIONAL = "国の優先"
REVIEW = "見直し"  # a presence or seal the city required itself (model v3, property 7)
ROLE_MARKS = {"complement": COMPLEMENT, "national": NATIONAL, "review": REVIEW}  # a primary measure goes unmarked


def kpi_status_label(kpi: KpiStatus) -> str:
    """Return how a KPI reads: 計画で達成 / 計画で未達 before its year ends, 実績で達成 / 未達（期限経過） after it,
    or 対象なし / 要確認 when it carries a warning (never 達成)."""
    if kpi.warning is not None:
        return EMPTY if kpi.population == 0 else CHECK
    if kpi.judged_on_results:
        return MET if kpi.met else OVERDUE
    return PLANNED if kpi.met else NOT_MET


def hides_kpi_warning(message: str, kpis: tuple[KpiStatus, ...]) -> bool:
    """Tell whether a shortfall only repeats a KPI's warning, which is shown with the KPI itself."""
    return any(kpi.warning is not None and kpi.warning in message for kpi in kpis)


def added_measures(planned: Planned) -> list[str]:
    """Return the measures the roadmap holds besides the primary, e.g. ['RPA', 'オンライン化 (国の優先)'] (a fixed plan wins)."""
    return [
        MEASURE_LABELS[measure] + ("" if role == "complement" else f" ({ROLE_MARKS.get(role, role)})")
        for measure, role in planned.added
    ]
