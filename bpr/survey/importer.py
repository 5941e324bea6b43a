"""`bpr import survey`: the national survey into counter files, updating what an earlier import wrote.

A re-import is a three-way merge per group of fields the survey owns (name, volume and its source, online
status and share, …). The base is what the previous answer (the procedure's `survey` block) gives; the
file holds the current value; the new answer gives the incoming one. The file's value is replaced only
when it still equals the base, that is when no person changed it. A procedure made by hand (no
`survey` block yet) only has its empty fields filled. A flow stays a skeleton the survey may redraw
until someone surveys it (or edits it). Files are parsed with the fast loader; only those that change
are read again as round-trip documents, so that their comments and order are kept.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bpr.i18n import _
from bpr.inventory.models import Step, SurveyAnswer
from bpr.inventory.sources import iter_yaml_files, read_text
from bpr.inventory.yamlfile import YamlInputError, parse_yaml
from bpr.survey.mapping import Mapping
from bpr.survey.national import (
    ID_COLUMN,
    answer_from_row,
    derive_fields,
    is_city_procedure,
    skeleton_steps,
)
from bpr.survey.yamldoc import CounterDocument, YamlDocError, counter_file_name, to_plain

# The groups of fields the survey owns; each group is merged as one (a volume travels with its source).
OWNED: tuple[tuple[str, ...], ...] = (
    ("name",),
    ("kind",),
    ("legal_basis",),
    ("annual_volume", "volume_source"),
    ("life_events",),
    ("national_priority",),
    ("online.status", "online.share"),
    ("online.identity_check",),
    ("fee",),
    ("attachments",),
    ("flow_source", "steps"),
)
_DEFAULTS: dict[str, Any] = {
    "kind": "other",
    "national_priority": False,
    "flow_source": "surveyed",
    "online.status": "none",
    "online.identity_check": "none",
    "life_events": [],
    "attachments": [],
}


class SurveyImportError(Exception):
    """The survey cannot be imported into the folder (an unreadable file there, a clash of names)."""


@dataclass
class ProcedureChange:
    """What an import did to one procedure."""

    id: str
    national_id: str
    file: Path
    action: str  # added | updated | unchanged
    fields: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # fields a person changed, which the survey would change too


@dataclass
class ImportPlan:
    """The documents to write and what happens to each procedure."""

    documents: list[CounterDocument]
    changes: list[ProcedureChange]
    rows: int
    skipped_not_city: int = 0
    skipped_no_id: list[int] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    not_in_survey: list[str] = field(default_factory=list)  # procedures with a national_id the file lacks

    def count(self, action: str) -> int:
        """Return how many procedures had this action."""
        return sum(1 for change in self.changes if change.action == action)


@dataclass
class _Existing:
    path: Path
    counter_id: str | None
    procedures: list[dict[str, Any]]


def national_id_of(value: str) -> str:
    """Return a 手続ID as the inventory keeps it: NFKC, trimmed, '9108.0' as '9108'."""
    text = unicodedata.normalize("NFKC", value).strip()
    return text[:-2] if re.fullmatch(r"\d+\.0", text) else text


def plan_import(rows: Sequence[dict[str, str]], folder: Path, mapping: Mapping, population: int | None) -> ImportPlan:
    """Work out, without writing, what importing the survey's rows into `folder` changes."""
    existing = _read_folder(folder)
    by_national: dict[str, tuple[_Existing, dict[str, Any]]] = {}
    used_ids: set[str] = set()
    for item in existing:
        for procedure in item.procedures:
            used_ids.add(str(procedure.get("id")))
            nid = procedure.get("national_id")
            if nid is not None:
                by_national.setdefault(str(nid), (item, procedure))
    documents: dict[Path, CounterDocument] = {}
    by_counter = {item.counter_id: item.path for item in existing if item.counter_id}
    plan = ImportPlan([], [], rows=len(rows))
    seen: set[str] = set()
    for number, row in enumerate(rows, start=1):
        if not is_city_procedure(row):
            plan.skipped_not_city += 1
            continue
        nid = national_id_of(row.get(ID_COLUMN, ""))
        if not nid:
            plan.skipped_no_id.append(number)
            continue
        if nid in seen:
            plan.duplicates.append(nid)
            continue
        seen.add(nid)
        answer = answer_from_row(row, population)
        incoming = _incoming(answer, nid, mapping)
        if nid in by_national:
            item, current = by_national[nid]
            plan.changes.append(_update(documents, item.path, current, incoming))
            continue
        counter = mapping.counter_for(answer.ministry or "", answer.law or "", answer.name or "")
        if counter is None:
            raise SurveyImportError(
                _(
                    "no counter of the mapping takes 手続ID {national_id} ({name}): add a last counter with `when: [{{}}]`"
                ).format(national_id=nid, name=answer.name)
            )
        path = by_counter.get(counter.id) or folder / counter_file_name(counter.id)
        if counter.id not in by_counter and any(item.path == path for item in existing):
            raise SurveyImportError(
                _("{path}: holds another counter, not '{counter}': rename it or change the mapping").format(
                    path=path, counter=counter.id
                )
            )
        if path not in documents:
            documents[path] = _open(path, counter.model_dump(exclude={"when"}))
        procedure_id = _new_id(counter.id, nid, used_ids)
        documents[path].update_procedure({"id": procedure_id, **incoming})
        by_counter.setdefault(counter.id, path)
        plan.changes.append(ProcedureChange(procedure_id, nid, path, "added", ["(new)"]))
    plan.not_in_survey = sorted(str(p.get("id")) for nid, (_item, p) in by_national.items() if nid not in seen)
    plan.documents = [documents[path] for path in sorted(documents)]
    return plan


def _read_folder(folder: Path) -> list[_Existing]:
    if not folder.exists():
        return []
    if not folder.is_dir():
        raise SurveyImportError(_("{path}: is not a folder").format(path=folder))
    out = []
    for found in iter_yaml_files([folder]):
        if found.error is not None:
            raise SurveyImportError(_("{path}: cannot be listed ({error})").format(path=found.path, error=found.error))
        try:
            data = parse_yaml(read_text(found.path)).data
        except YamlInputError as exc:
            raise SurveyImportError(
                _("{path}:{line}:{column}: {message}: run `bpr validate` and fix it first").format(
                    path=found.path, line=exc.line, column=exc.column, message=exc.message
                )
            ) from None
        if not isinstance(data, dict) or not isinstance(data.get("procedures"), list):
            raise SurveyImportError(
                _("{path}: is not a counter file: run `bpr validate` and fix it first").format(path=found.path)
            )
        counter = data.get("counter")
        counter_id = counter.get("id") if isinstance(counter, dict) and isinstance(counter.get("id"), str) else None
        procedures = [p for p in data["procedures"] if isinstance(p, dict)]
        out.append(_Existing(found.path, counter_id, procedures))
    return out


def _open(path: Path, counter: dict[str, Any]) -> CounterDocument:
    if not path.exists():
        return CounterDocument.create(path, counter)
    try:
        return CounterDocument.load(path)
    except YamlDocError as exc:
        raise SurveyImportError(str(exc)) from None


def _new_id(counter_id: str, national_id: str, used: set[str]) -> str:
    slug = re.sub(r"[^a-z0-9_-]+", "-", national_id.lower()).strip("-") or "x"
    candidate = base = f"{counter_id}-{slug}"
    number = 2
    while candidate in used:
        candidate = f"{base}-{number}"
        number += 1
    used.add(candidate)
    return candidate


def _incoming(answer: SurveyAnswer, national_id: str, mapping: Mapping) -> dict[str, Any]:
    """Return everything the survey says about a procedure, as procedure fields."""
    fields = derive_fields(answer, national_id, mapping.is_priority(answer.name or ""))
    fields["flow_source"] = "skeleton"
    fields["steps"] = skeleton_steps(answer, fields.get("online", {}))
    fields["survey"] = answer.model_dump(mode="json", exclude_defaults=True)
    return fields


def _base(current: dict[str, Any], mapping_priority: bool) -> dict[str, Any] | None:
    """Return what the previous answer gave, or None when the procedure has no valid survey block."""
    raw = current.get("survey")
    if not isinstance(raw, dict):
        return None
    try:
        answer = SurveyAnswer.model_validate(raw)
    except ValidationError:
        return None
    nid = str(current.get("national_id"))
    fields = derive_fields(answer, nid, mapping_priority)
    fields["flow_source"] = "skeleton"
    fields["steps"] = skeleton_steps(answer, fields.get("online", {}))
    return fields


def _get(plain: dict[str, Any], path: str) -> Any:
    if "." in path:
        head, key = path.split(".", 1)
        inner = plain.get(head)
        return inner.get(key) if isinstance(inner, dict) else None
    return plain.get(path)


def _normal(path: str, value: Any) -> Any:
    if value is None:
        value = _DEFAULTS.get(path)
    if path == "steps" and isinstance(value, list):
        try:
            return [Step.model_validate(step) for step in value]
        except (ValidationError, TypeError):
            return to_plain(value)
    if path == "online.share" and isinstance(value, int | float) and not isinstance(value, bool):
        return round(float(value), 6)
    return to_plain(value)


def _unit(plain: dict[str, Any], unit: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(_normal(path, _get(plain, path)) for path in unit)


def _absent(plain: dict[str, Any], unit: tuple[str, ...]) -> bool:
    return all(_get(plain, path) is None for path in unit)


def _set(plain: dict[str, Any], path: str, value: Any) -> None:
    if "." in path:
        head, key = path.split(".", 1)
        inner = dict(plain.get(head) or {})
        if value is None:
            inner.pop(key, None)
        else:
            inner[key] = value
        plain[head] = inner
    elif value is None:
        plain.pop(path, None)
    else:
        plain[path] = value


def _update(
    documents: dict[Path, CounterDocument], path: Path, current: dict[str, Any], incoming: dict[str, Any]
) -> ProcedureChange:
    """Merge the survey's fields into one existing procedure."""
    priority = bool(incoming.get("national_priority"))
    base = _base(current, priority)
    merged = to_plain(current)
    fields: list[str] = []
    kept: list[str] = []
    for unit in OWNED:
        theirs = _unit(incoming, unit)
        mine = _unit(current, unit)
        if mine == theirs:
            continue
        replace = _absent(current, unit) if base is None else mine == _unit(base, unit)
        if not replace:
            name = "steps" if unit[0] == "flow_source" else unit[0]
            if name not in kept:
                kept.append(name)
            continue
        for member in unit:
            _set(merged, member, _get(incoming, member))
        fields.extend(dict.fromkeys(member.split(".")[0] for member in unit))
    if to_plain(current.get("survey")) != incoming["survey"]:
        merged["survey"] = incoming["survey"]
        fields.append("survey")
    procedure_id = str(current.get("id"))
    fields = list(dict.fromkeys(fields))
    if fields:
        if path not in documents:
            documents[path] = _open(path, {})
        changed = documents[path].update_procedure(merged, fields)
        fields = changed
    return ProcedureChange(
        procedure_id, incoming["national_id"], path, "updated" if fields else "unchanged", fields, kept
    )
