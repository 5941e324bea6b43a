"""Every problem code bpr reports, with its severity and what it means.

The loader's and the checker's codes are declared here; each rule declares its own (`CODE`, `SEVERITY`,
`MEANING` and, for a warning, the `TITLE` the documents head it with) in its module, as yamllint's
rules do, and the config may raise or drop a warning (`validate.severity`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from bpr.inventory.problem import Problem, Severity
from bpr.inventory.rules import RULES_BY_CODE

# The codes of reading a file and of checking it against the format's models.
LOADER_CODES: dict[str, tuple[Severity, str]] = {
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
}
# Every code bpr can report, with its severity and what it means: the loader's first, then the rules'.
CODES: dict[str, tuple[Severity, str]] = LOADER_CODES | {
    code: (rule.SEVERITY, rule.MEANING) for code, rule in RULES_BY_CODE.items()
}
# The short title of each warning code, as the documents head a warning with it (課題一覧, the report).
TITLES: dict[str, str] = {code: rule.TITLE for code, rule in RULES_BY_CODE.items() if hasattr(rule, "TITLE")}


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
