"""Labels of the fields a diff reports, and values shown as a person reads them, in the language of the run.

The labels are English message ids said in Japanese by the catalog (bpr/locale/ja/diff.po); lists are
joined by the catalog's list patterns (``{list}, {item}`` is ``{list}、{item}`` in Japanese), so that a run
speaks one language down to its punctuation.
"""

from __future__ import annotations

from bpr.analysis.labels import MEASURE_NAMES as ANALYSIS_MEASURE_NAMES
from bpr.diff.results import JsonValue, KpiMove, OnlineMove, ScoreMove, Side, StepChanges, VerifiedMeasure
from bpr.fiscal import fiscal_year
from bpr.i18n import N_, _, joined, ngettext

__all__ = [
    "FIELD_LABELS",
    "MEASURE_NAMES",
    "RENAME_REASONS",
    "field_label",
    "field_title",
    "fiscal_year",
    "joined",
    "kpi_target",
    "measure_label",
    "met_label",
    "online_summary",
    "rename_reason",
    "scores_summary",
    "show_value",
    "side_text",
    "signed",
    "step_field_label",
    "steps_summary",
]

FIELD_LABELS: dict[str, str] = {
    "counter": N_("counter"),
    "name": N_("procedure name"),
    "kind": N_("kind of procedure"),
    "legal_basis": N_("legal basis"),
    "annual_volume": N_("annual volume"),
    "volume_source": N_("source of the volume"),
    "national_id": N_("national procedure id"),
    "flow_source": N_("source of the flow"),
    "life_events": N_("life events"),
    "national_priority": N_("national priority"),
    "online.status": N_("online status"),
    "online.channel": N_("online channel"),
    "online.in_person_required_by_law": N_("visit required by law"),
    "online.identity_check": N_("identity check"),
    "online.share": N_("share without a visit"),
    "online.mynaportal": N_("Mynaportal"),
    "online.channels": N_("channels that exist"),
    "online.presence_basis": N_("what requires presence"),
    "online.seal_basis": N_("what requires the seal"),
    "handled": N_("handled by the city"),
    "handled_reason": N_("why not handled"),
    "shared_with": N_("other bodies taking it"),
    "fee.amount": N_("fee"),
    "fee.payment": N_("payment methods"),
    "attachments": N_("attachments"),
    "plan.measure": N_("planned measure"),
    "plan.target_fy": N_("planned fiscal year"),
    "plan.progress": N_("progress of the plan"),
    "plan.done_fy": N_("fiscal year done"),
    "plan.cost": N_("cost of the measure"),
    "plan.cost.initial": N_("initial cost (thousand yen)"),
    "plan.cost.annual": N_("annual cost (thousand yen)"),
    "plan.actual": N_("effect measured"),
    "plan.actual.measured_fy": N_("fiscal year measured"),
    "plan.actual.staff_minutes_per_case": N_("staff minutes a case, measured"),
    "plan.actual.cases": N_("cases, measured"),
    "plan.actual.online_share": N_("share online, measured"),
    "plan.actual.note": N_("note on the measurement"),
    "online.uptake": N_("uptake of the channel"),
    "steps": N_("flow"),
    "issues": N_("issues"),
    "notes": N_("notes"),
    "survey": N_("answer to the national survey"),
}
STEP_FIELD_LABELS: dict[str, str] = {
    "name": N_("step name"),
    "actor": N_("actor"),
    "action": N_("action"),
    "medium": N_("medium"),
    "handwritten": N_("handwritten"),
    "seal": N_("seal"),
    "in_person": N_("visit"),
    "rule_based": N_("rule-based"),
    "effort": N_("effort"),
    "wait": N_("wait"),
    "system": N_("system"),
    "next": N_("next step"),
}
# A score that moved, by its key: 'online 80.1 → 20.3'.
SCORE_MOVES: dict[str, str] = {
    "online": N_("online {old} → {new}"),
    "rpa": N_("RPA {old} → {new}"),
    "ai_ocr": N_("AI-OCR {old} → {new}"),
}
# The measures by their value (the analysis' names; in Japanese MEASURE_LABELS' words, a test holds them equal).
MEASURE_NAMES: dict[str, str] = {measure.value: name for measure, name in ANALYSIS_MEASURE_NAMES.items()}
RENAME_REASONS: dict[str, str] = {
    "national_id": N_("same national procedure id"),
    "name": N_("same name at the same counter"),
}
# The list patterns: how items of a list are joined, item by item.
LIST = N_("{list}, {item}")  # values, and the parts of a summary
STEP_LIST = N_("{steps}, {step}")  # step ids and step fields
PART_LIST = N_("{parts}; {part}")  # the parts of a flow's summary
MAX_VALUE_CHARS = 80


def field_label(field: str) -> str:
    """Return the label of a dotted field path (`survey.*` by its block), or '' when it has none."""
    # The longest labelled prefix: online.uptake.2 (a year of a mapping) is the uptake's.
    parts = field.split(".")
    label = next(
        (FIELD_LABELS[k] for n in range(len(parts), 0, -1) if (k := ".".join(parts[:n])) in FIELD_LABELS), None
    )
    return _(label) if label else ""


def field_title(field: str, shown: str | None = None) -> str:
    """Return a field as a change names it: its label and its path ('annual volume (annual_volume)'), or the path."""
    label = field_label(field)
    path = shown if shown is not None else field
    return _("{label} ({field})").format(label=label, field=path) if label else path


def step_field_label(field: str) -> str:
    """Return the label of a step's field, or the field itself."""
    label = STEP_FIELD_LABELS.get(field)
    return _(label) if label else field


def measure_label(measure: str) -> str:
    """Return the label of a measure given by its value ('ai_ocr' → 'AI-OCR')."""
    return _(MEASURE_NAMES[measure])


def rename_reason(by: str) -> str:
    """Return why two ids were taken for one procedure ('national_id' or 'name')."""
    return _(RENAME_REASONS[by])


def show_value(field: str, value: JsonValue) -> str:
    """Return a value as a person reads it: '(none)' for nothing, thousands separators, fiscal years by name."""
    text = _show(value, is_fiscal_year=field.endswith("_fy"))
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


def _show(value: JsonValue, is_fiscal_year: bool = False) -> str:
    if value is None:
        return _("(none)")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int):
        return fiscal_year(value) if is_fiscal_year else f"{value:,}"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return joined(_show(item) for item in value) if value else _("(none)")
    if isinstance(value, dict):
        # An attachment or a branch: its name (or target) first, then what else it says.
        head = value.get("name", value.get("to"))
        rest = [f"{k}={_show(v)}" for k, v in value.items() if k not in ("name", "to") and v not in (None, False)]
        return f"{_show(head)} ({', '.join(rest)})" if rest else _show(head)
    return str(value)


def side_text(side: Side, label: str, commit: str) -> str:
    """Return a side as a headline names it: its label, its commit, and how many files and procedures it holds."""
    return _("{label}{commit} ({files}, {procedures})").format(
        label=label,
        commit=commit,
        files=ngettext("{files} file", "{files} files", side.files).format(files=side.files),
        procedures=ngettext("{procedures} procedure", "{procedures} procedures", side.procedures).format(
            procedures=side.procedures
        ),
    )


def signed(number: float) -> str:
    """Return a difference with its sign and thousands separators (+2,632, -15, ±0)."""
    if number == 0:
        return "±0"
    return f"{number:+,.1f}".removesuffix(".0")


def steps_summary(steps: StepChanges) -> str:
    """Return how the steps differ in one line: added, removed and changed step ids, and a new order."""
    parts = []
    if steps.added:
        parts.append(_("added {steps}").format(steps=joined(steps.added, STEP_LIST)))
    if steps.removed:
        parts.append(_("removed {steps}").format(steps=joined(steps.removed, STEP_LIST)))
    if steps.changed:
        changed = (
            f"{ident} ({joined((step_field_label(f) for f in fields), STEP_LIST)})" for ident, fields in steps.changed
        )
        parts.append(_("changed {steps}").format(steps=joined(changed)))
    if steps.reordered:
        parts.append(_("new order"))
    return joined(parts, PART_LIST)


def online_summary(move: OnlineMove) -> str:
    """Return what moved a procedure further online: status, share of cases, Mynaportal, a plan done."""
    parts = []
    if move.old_status != move.new_status:
        parts.append(_("status {old} → {new}").format(old=move.old_status, new=move.new_status))
    if move.old_share != move.new_share:
        parts.append(
            _("share without a visit {old} → {new}").format(old=f"{move.old_share:.0%}", new=f"{move.new_share:.0%}")
        )
    if move.new_mynaportal and not move.old_mynaportal:
        parts.append(_("now on Mynaportal"))
    if move.plan_done:
        parts.append(_("plan to go online done"))
    return joined(parts)


def scores_summary(move: ScoreMove) -> str:
    """Return the scores and expected hours that moved, as 'online 80.1 → 20.3'."""
    parts = [
        _(SCORE_MOVES[key]).format(old=f"{move.old_scores[key]:.1f}", new=f"{value:.1f}")
        for key, value in move.new_scores.items()
        if move.old_scores.get(key) != value
    ]
    if move.old_hours != move.new_hours:
        parts.append(
            _("expected saving {old} → {new} hours/year").format(
                old=f"{move.old_hours:,.0f}", new=f"{move.new_hours:,.0f}"
            )
        )
    return joined(parts)


def kpi_target(kpi: KpiMove) -> str:
    """Return a KPI's target, as 'old → new' when it moved with its population."""
    return str(kpi.target) if kpi.target == kpi.old_target else f"{kpi.old_target} → {kpi.target}"


def met_label(met: bool) -> str:
    """Return met or not met (達成 or 未達)."""
    return _("met") if met else _("not met")


def verified_line(v: VerifiedMeasure) -> str:
    """Say a measured effect: 'RPA, measured in FY2024: 12 of the 18 staff minutes a case expected (67 %)'."""
    parts = []
    if v.measured_saving is not None:
        ratio = "" if v.ratio is None else f" ({v.ratio:.0%})"
        parts.append(
            _("{measured} of the {expected} staff minutes a case expected{ratio}").format(
                measured=f"{v.measured_saving:.3g}", expected=f"{v.expected_saving:.3g}", ratio=ratio
            )
        )
    if v.online_measured is not None:
        expected = "—" if v.online_expected is None else f"{v.online_expected:.0%}"
        parts.append(
            _("online {measured} of the cases against {expected} expected").format(
                measured=f"{v.online_measured:.0%}", expected=expected
            )
        )
    head = _("{measure}, measured in {year}").format(measure=measure_label(v.measure), year=fiscal_year(v.measured_fy))
    return joined([head, *parts]) if parts else head
