"""Every problem code bpr reports, with its severity and what it means: below the loader and the rules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from bpr.i18n import N_
from bpr.inventory.problem import Problem, Severity

# Every code bpr can report, with its severity and what it means. The loader's codes come first.
CODES: dict[str, tuple[Severity, str]] = {
    "file-unreadable": (Severity.ERROR, "the file or folder cannot be read"),
    "file-encoding": (Severity.ERROR, "the file is not UTF-8 text (e.g. saved as Shift_JIS by Excel)"),
    "empty-file": (Severity.ERROR, "the file has no content"),
    "yaml-syntax": (Severity.ERROR, "the YAML cannot be parsed (including tabs used for indentation)"),
    "yaml-aliases": (Severity.ERROR, "aliases that expand without bound or refer to themselves"),
    "duplicate-key": (Severity.ERROR, "a key appears twice in one mapping"),
    "not-a-mapping": (Severity.ERROR, "the file's top level is not a mapping"),
    "unsupported-version": (Severity.ERROR, "`version` is not 1"),
    "unknown-field": (Severity.ERROR, "a field the format does not define"),
    "missing-field": (Severity.ERROR, "a required field is missing"),
    "invalid-value": (Severity.ERROR, "a value of the wrong type, outside its range or not in its enum"),
    "no-inventory": (Severity.ERROR, "no inventory file was found under the given paths"),
    "duplicate-id": (Severity.ERROR, "a counter, procedure or step id is used twice"),
    "unknown-reference": (Severity.ERROR, "a `next` or attachment `procedure` id does not exist"),
    "no-end": (Severity.ERROR, "every path of a flow loops forever"),
    "endless-loop": (Severity.ERROR, "a loop that no case can leave: every way out has share 0"),
    "unreachable-step": (Severity.WARNING, "a step cannot be reached from the first step"),
    "rework-loop": (Severity.WARNING, "a flow goes back to an earlier step (差し戻し)"),
    "zero-volume": (Severity.WARNING, "`annual_volume: 0`"),
    "no-effort": (Severity.WARNING, "no step of a procedure has an `effort`"),
    "seal-required": (Severity.WARNING, "a step requires a seal (押印)"),
    "self-issued-attachment": (Severity.WARNING, "an attachment the city issues itself"),
    "online-in-person": (Severity.WARNING, "a fully online procedure with an in-person citizen step"),
    "online-share-missing": (Severity.WARNING, "`online.status: partial` without `online.share`"),
    "skeleton-flow": (Severity.WARNING, "`flow_source: skeleton`: steps made by an importer, not yet surveyed"),
}

# The short title of each warning code, as the documents head a warning with it (課題一覧, the report).
TITLES: dict[str, str] = {
    "unreachable-step": N_("unreachable step"),
    "rework-loop": N_("rework loop"),
    "zero-volume": N_("no cases a year"),
    "no-effort": N_("no working time"),
    "seal-required": N_("seal"),
    "self-issued-attachment": N_("attachment the city issues"),
    "online-in-person": N_("online, yet in person"),
    "online-share-missing": N_("online share missing"),
    "skeleton-flow": N_("flow not surveyed"),
}


def apply_severities(problems: list[Problem], severity: Mapping[str, str]) -> list[Problem]:
    """Return problems with the config's severities (`validate.severity`): a warning raised to error, or left out."""
    if not severity:
        return problems
    out = []
    for problem in problems:
        wanted = severity.get(problem.code)
        if wanted == "off":
            continue
        if wanted is not None and wanted != problem.severity.value:
            problem = replace(problem, severity=Severity(wanted))
        out.append(problem)
    return out


def severity_of(code: str) -> Severity:
    """Return the severity the runner gives a code."""
    return CODES[code][0]
