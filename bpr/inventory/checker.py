"""Checking one parsed file part by part, and running the rules on it and across files."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

from pydantic import ValidationError

from bpr.i18n import N_, _, ngettext
from bpr.inventory.codes import severity_of
from bpr.inventory.flow import build_flow
from bpr.inventory.models import Counter, Procedure
from bpr.inventory.problem import Problem, YamlInputError, found
from bpr.inventory.pydantic_errors import findings_from_error, missing_field_finding, unknown_field_message
from bpr.inventory.records import LoadedFile
from bpr.inventory.records import run_inventory_rules as run_inventory_rules  # lived here before
from bpr.inventory.rules import RULES_BY_CODE
from bpr.inventory.rules.base import PathKey, ProcedureContext, Reference, RuleFinding, references_of
from bpr.inventory.yamlfile import ParsedYaml, Positions, StreamAbandonedError, locate, locate_in, parse_yaml

TOP_LEVEL_FIELDS = ("version", "counter", "procedures")
FLOW_CODES = frozenset({"no-end", "endless-loop", "unreachable-step", "rework-loop"})
_NOT_A_MAPPING_LIST = N_(
    "the file is a list; an inventory file is a mapping with 'version', 'counter' and 'procedures'"
)
_NOT_A_MAPPING_VALUE = N_(
    "the file is a single value; an inventory file is a mapping with 'version', 'counter' and 'procedures'"
)


def procedure_rules(text: str | None) -> list[tuple[str, Callable[[ProcedureContext], Iterator[RuleFinding]]]]:
    """Return the procedure rules to run on a file's procedures, in the registry's order.

    A rule with `applies_to_file(text)` is asked once per file whether the file's text may hold what it looks
    for; without the text (None) every rule runs.
    """
    return _rules_with("check_procedure", text)


def counter_rules(text: str | None) -> list[tuple[str, Callable[[Counter], Iterator[RuleFinding]]]]:
    """Return the rules to run on a file's valid counter (`check_counter`), asked as `procedure_rules` are.

    A counter is one file's own: its findings are stored with the file's other problems (and cached with
    them), not found again across files on every run.
    """
    return _rules_with("check_counter", text)


def _rules_with(hook: str, text: str | None) -> list[tuple[str, Any]]:
    chosen = []
    for code, rule in RULES_BY_CODE.items():
        check = getattr(rule, hook, None)
        applies = getattr(rule, "applies_to_file", None)
        if check is not None and (text is None or applies is None or applies(text)):
            chosen.append((code, check))
    return chosen


def supported_version(data: dict[str, Any]) -> bool:
    """Tell whether a file's root mapping has no `version` or version 1, the one this bpr reads."""
    return "version" not in data or (data["version"] == 1 and not isinstance(data["version"], bool))


class FileChecker:
    """Validates one parsed document, part by part, so that one bad part hides nothing else."""

    def __init__(self, loaded: LoadedFile, root: Any, text: str | None = None) -> None:
        self.loaded = loaded
        self.root = root
        self.text = text
        self.findings: list[tuple[str, RuleFinding]] = []
        self._procedure_rules = procedure_rules(text)
        # Set by a ProcedureSink: the counter was checked, and the procedures one by one as they were read.
        self.counter_checked = False
        self.procedures_checked = False

    def add(self, code: str, finding: RuleFinding) -> None:
        self.findings.append((code, finding))

    def check(self, data: Any) -> None:
        if not isinstance(data, dict):
            message = _NOT_A_MAPPING_LIST if isinstance(data, list) else _NOT_A_MAPPING_VALUE
            self.add("not-a-mapping", RuleFinding((), _(message)))
            return
        for key in data:
            if key not in TOP_LEVEL_FIELDS:
                self.add(
                    "unknown-field", RuleFinding((key,), unknown_field_message(key, TOP_LEVEL_FIELDS), at_key=True)
                )
        for key in TOP_LEVEL_FIELDS:
            if key not in data:
                self.add("missing-field", missing_field_finding((), key))
        if not supported_version(data):
            self.add(
                "unsupported-version",
                RuleFinding(
                    ("version",),
                    _("version {version} is not supported: this bpr reads version 1").format(
                        version=repr(data["version"])
                    ),
                ),
            )
            return
        if "counter" in data and not self.counter_checked:
            self.check_counter(data["counter"])
        procedures = data.get("procedures")
        if self.procedures_checked:
            return
        if "procedures" in data and not isinstance(procedures, list):
            self.add("invalid-value", RuleFinding(("procedures",), _("procedures: must be a list of procedures")))
        elif isinstance(procedures, list) and not procedures:
            self.add("invalid-value", RuleFinding(("procedures",), _("procedures: list at least one procedure")))
        elif isinstance(procedures, list):
            for index, item in enumerate(procedures):
                procedure = self.check_procedure(index, item)
                if procedure is not None:
                    self.loaded.procedures.append((index, procedure))

    def check_counter(self, value: Any) -> None:
        """Validate the file's counter (kept in the loaded file when valid)."""
        self.counter_checked = True
        self._validate(Counter, value, ("counter",))

    def check_procedure(self, index: int, item: Any) -> Procedure | None:
        """Validate the item at `index` of `procedures` and run the procedure rules; return it when valid."""
        procedure = self._validate(Procedure, item, ("procedures", index))
        if not isinstance(procedure, Procedure):
            return None
        self._run_procedure_rules(index, procedure)
        return procedure

    def _validate(self, model: type[Counter] | type[Procedure], value: Any, prefix: PathKey) -> Any:
        try:
            result = model.model_validate(value)
        except ValidationError as exc:
            for code, finding in findings_from_error(exc, model, prefix):
                self.add(code, finding)
            return None
        if isinstance(result, Counter):
            self.loaded.counter = result
            for code, check in counter_rules(self.text):
                for finding in check(result):
                    self.add(code, finding)
        return result

    def _run_procedure_rules(self, index: int, procedure: Procedure) -> None:
        ctx = ProcedureContext(procedure, build_flow(procedure.steps), self.loaded.counter)
        prefix: PathKey = ("procedures", index)
        # With a step id used twice the flow is ambiguous: report the duplicate, not the loops it seems to make.
        ambiguous = len({step.id for step in procedure.steps}) < len(procedure.steps)
        for code, check in self._procedure_rules:
            if ambiguous and code in FLOW_CODES:
                continue
            for finding in check(ctx):
                self.add(code, RuleFinding(prefix + finding.path, finding.message, finding.at_key))

    def _procedure_id(self, path: PathKey) -> str | None:
        if len(path) < 2 or path[0] != "procedures" or not isinstance(path[1], int):
            return None
        procedures = self.root.get("procedures") if isinstance(self.root, dict) else None
        if not isinstance(procedures, list) or path[1] >= len(procedures) or not isinstance(procedures[path[1]], dict):
            return None
        value = procedures[path[1]].get("id")
        return value if isinstance(value, str) else None

    def problems(self, document: ParsedYaml) -> list[Problem]:
        out = []
        for code, finding in self.findings:
            line, column = locate(document, finding.path, finding.at_key)
            owner = self._procedure_id(finding.path)
            out.append(found(self.loaded.path, line, column, severity_of(code), code, finding.message, owner))
        return out


class ProcedureSink:
    """Checks each procedure of a file as the parser reads it and keeps its problems and facts, not the procedure.

    It takes the `procedures` list only when `version` and `counter` come before it (as `bpr new` and the
    generator write them): its procedures are then checked against the counter they would be checked against
    whole. In any other order the list is parsed whole, and checked as `load_text` checks it.
    """

    key = "procedures"

    def __init__(self, checker: FileChecker) -> None:
        self.checker = checker
        self.loaded = checker.loaded
        self.problems: list[Problem] = []
        self.references: list[Reference] = []
        self.valid_count = 0
        self.checking = False

    def begin(self, root: dict[str, Any]) -> bool:
        """Take the list when `version` and `counter` were read before it; check the counter now when the version is read."""
        if "version" not in root or "counter" not in root:
            return False
        # A version this bpr does not read leaves the counter and the procedures unchecked, as `FileChecker.check` does.
        self.checking = supported_version(root)
        if self.checking:
            self.checker.check_counter(root["counter"])
        return True

    def item(self, index: int, value: Any, positions: Positions, line: int, column: int) -> None:
        """Check one procedure, and keep its problems, its declared id, its references and their positions."""
        checker, loaded = self.checker, self.loaded
        # Its id counts for the cross-file rules even when it is not checked (an unsupported version), as `_record_positions`.
        owner = value.get("id") if isinstance(value, dict) else None
        owner = owner if isinstance(owner, str) else None
        if owner is not None:
            loaded.declared_ids[index] = owner
            loaded.positions[("procedures", index, "id")] = locate_in(positions, (line, column), ("id",))
        if not self.checking:
            return
        checker.procedures_checked = True
        mark = len(checker.findings)
        procedure = checker.check_procedure(index, value)
        for code, finding in checker.findings[mark:]:
            where = locate_in(positions, (line, column), finding.path[2:], finding.at_key)
            self.problems.append(found(loaded.path, *where, severity_of(code), code, finding.message, owner))
        del checker.findings[mark:]
        if procedure is None:
            return
        self.valid_count += 1
        for reference in references_of([(index, procedure)]):
            self.references.append(reference)
            loaded.positions[reference.path] = locate_in(positions, (line, column), reference.path[2:])


def load_text(text: str, display: str) -> LoadedFile:
    """Parse and validate the text of one file shown as `display`; never raises for bad input."""
    return _check_text(text, display, by_procedure=False)


def check_text(text: str, display: str) -> LoadedFile:
    """Check the text of one file as `load_text` does, and return what validate keeps of it (`facts_only`), problems too.

    The procedures are checked one by one as they are read and none is kept, so that a file of any size
    is checked in memory of about its text (files laid out otherwise, or with aliases, are parsed whole).
    """
    return _check_text(text, display, by_procedure=True)


def _check_text(text: str, display: str, by_procedure: bool) -> LoadedFile:
    loaded = LoadedFile(path=display)
    checker = FileChecker(loaded, None, text)
    sink = ProcedureSink(checker) if by_procedure else None
    try:
        document = parse_yaml(text, sink)
        data, parse_findings = document.data, document.findings
    except StreamAbandonedError:
        whole = load_text(text, display)
        return dataclasses.replace(whole.facts_only(), problems=whole.problems)
    except YamlInputError as exc:
        return unreadable(display, exc)
    except RecursionError:
        loaded.problems.append(
            Problem(
                display, 1, 1, severity_of("yaml-syntax"), "yaml-syntax", _("the YAML is nested too deeply to read")
            )
        )
        return loaded
    for item in parse_findings:
        loaded.problems.append(
            Problem(display, item.line, item.column, severity_of(item.code), item.code, item.message)
        )
    if document.findings_dropped:
        last = parse_findings[-1]
        message = ngettext(
            "and {count:,} more problem of the YAML in this file, not listed: fix the first ones and run again",
            "and {count:,} more problems of the YAML in this file, not listed: fix the first ones and run again",
            document.findings_dropped,
        ).format(count=document.findings_dropped)
        loaded.problems.append(
            Problem(display, last.line, last.column, severity_of("yaml-syntax"), "yaml-syntax", message)
        )
    checker.root = data
    checker.check(data)
    loaded.problems.extend(checker.problems(document))
    _record_positions(loaded, document)
    if sink is not None:
        loaded.problems.extend(sink.problems)
        if checker.procedures_checked:
            loaded = dataclasses.replace(
                loaded,
                counter=None,
                kept_counter_id=loaded.counter_id,
                valid_count=sink.valid_count,
                kept_references=sink.references,
            )
        else:
            loaded = dataclasses.replace(loaded.facts_only(), problems=loaded.problems)
    loaded.problems.sort()
    return loaded


def unreadable(display: str, exc: YamlInputError) -> LoadedFile:
    """Return the result of a file that could not be read or parsed at all: one problem."""
    # An encoding error names the file, as Excel users look for the name of the file to save again.
    if exc.code == "file-encoding":
        message = _("{file} {reason}").format(file=display, reason=exc.message)
    elif exc.code in {"file-unreadable", "empty-file"}:
        message = _("the file {reason}").format(reason=exc.message)
    else:
        message = exc.message
    return LoadedFile(
        path=display, problems=[Problem(display, exc.line, exc.column, severity_of(exc.code), exc.code, message)]
    )


def _record_positions(loaded: LoadedFile, document: ParsedYaml) -> None:
    """Keep the positions that the cross-file rules report, so the node tree can be dropped."""
    # The counter's id is reported by a cross-file rule (duplicate-id).
    paths: list[PathKey] = [("counter", "id")]
    raw = document.data.get("procedures") if isinstance(document.data, dict) else None
    if isinstance(raw, list):
        for index, item in enumerate(raw):
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                loaded.declared_ids[index] = item["id"]
                paths.append(("procedures", index, "id"))
    for index, procedure in loaded.procedures:
        for number, attachment in enumerate(procedure.attachments):
            if attachment.procedure is not None:
                paths.append(("procedures", index, "attachments", number, "procedure"))
        for number, step in enumerate(procedure.steps):
            for position in range(len(step.covers or [])):
                paths.append(("procedures", index, "steps", number, "covers", position))
    for path in paths:
        loaded.positions[path] = locate(document, path)
