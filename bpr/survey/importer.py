"""`bpr import national` (formerly `bpr import survey`): the national survey into counter files, updating what an earlier import wrote.

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
from bpr.inventory.enums import SharedWith
from bpr.inventory.models import Step, SurveyAnswer
from bpr.inventory.problem import YamlInputError
from bpr.inventory.sources import iter_yaml_files, read_text
from bpr.inventory.yamlfile import parse_yaml
from bpr.survey.mapping import Mapping, NotHandledRule
from bpr.survey.national import (
    ID_COLUMN,
    answer_from_row,
    derive_fields,
    is_business_procedure,
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
    ("shared_with",),
    ("online.status", "online.share"),
    ("online.channels",),
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
    "shared_with": [],
}
# Fields of format 1.2: a file an earlier import wrote does not have them yet, so an absent one is filled in
# as for a procedure made by hand (a person who means "none" writes the empty list).
_NEW_IN_1_2 = frozenset({("shared_with",), ("online.channels",)})
# The ledger of the national ids an import has written into a folder: a procedure a person deleted stays
# deleted, because its id is still listed here. It lives in the inventory folder, so it is committed with it.
LEDGER_NAME = "survey-imported.txt"
_LEDGER_HEADER = (
    "# bpr import national: the 手続ID of every procedure the national survey import has written into this folder.\n"
    "# A procedure deleted from the counter files stays deleted: the next import does not bring it back while its\n"
    "# 手続ID is listed here. Delete its line to have the next import add it again. (Written by bpr; one id a line.)\n"
)


class SurveyImportError(Exception):
    """The survey cannot be imported into the folder (an unreadable file there, a clash of names)."""


@dataclass
class ProcedureChange:
    """What an import did to one procedure."""

    id: str
    national_id: str
    file: Path
    action: str  # added | updated | unchanged | deleted (a person deleted it: not brought back)
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
    deleted: list[tuple[str, str]] = field(default_factory=list)  # (national id, name) a person deleted
    not_handled: list[str] = field(default_factory=list)  # procedures marked handled: false (kept out of scores)
    business: int = 0  # rows that are business procedures (手続主体 not a citizen)
    priority: dict[str, list[str]] = field(default_factory=dict)  # official item -> national ids mapped to it
    ledger: list[str] = field(default_factory=list)  # the national ids to list in the folder's ledger

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


def read_ledger(folder: Path) -> set[str]:
    """Return the national ids an earlier import wrote into `folder` (empty when it has no ledger)."""
    path = folder / LEDGER_NAME
    if not path.exists() and not path.is_symlink():
        return set()
    if not path.is_file():
        # A folder, a FIFO or a device under the ledger's name: refused before any counter file is written.
        raise SurveyImportError(_("{path}: is not a regular file").format(path=path))
    try:
        text = read_text(path)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise SurveyImportError(_("{path}: cannot be read ({error})").format(path=path, error=exc)) from None
    return {line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")}


def ledger_text(national_ids: Sequence[str]) -> str:
    """Return the text of a folder's ledger: its header and the ids, sorted."""
    return _LEDGER_HEADER + "".join(f"{nid}\n" for nid in sorted(set(national_ids)))


def plan_import(
    rows: Sequence[dict[str, str]],
    folder: Path,
    mapping: Mapping,
    population: int | None,
    shares: dict[SharedWith, float] | None = None,
    not_handled: Sequence[NotHandledRule] = (),
) -> ImportPlan:
    """Work out, without writing, what importing the survey's rows into `folder` changes.

    A row whose national id the folder's ledger lists, but that no file holds any longer, was deleted by a
    person: it is not added again. `not_handled` rules (with the mapping's own) mark new procedures
    `handled: false` with their reason.
    """
    existing = _read_folder(folder)
    ledger = read_ledger(folder)
    rules = [*mapping.not_handled, *not_handled]
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
        answer = answer_from_row(row, population, shares)
        incoming = _incoming(answer, nid, mapping)
        if incoming["survey"].get("priority_item"):
            plan.priority.setdefault(incoming["survey"]["priority_item"], []).append(nid)
        if is_business_procedure(answer):
            plan.business += 1
        if nid in by_national:
            item, current = by_national[nid]
            plan.changes.append(_update(documents, item.path, current, incoming))
            if current.get("handled") is False:
                plan.not_handled.append(str(current.get("id")))
            continue
        if nid in ledger:
            plan.deleted.append((nid, answer.name or nid))
            continue
        reason = next(
            (r.reason for r in rules if r.matches(answer.ministry or "", answer.law or "", answer.name or "")), None
        )
        if reason is not None:
            incoming = {**incoming, "handled": False, "handled_reason": reason}
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
        if reason is not None:
            plan.not_handled.append(procedure_id)
    # The ledger keeps every id listed before (the deleted ones too), and adds what the folder holds now.
    plan.ledger = sorted(ledger | (seen - {nid for nid, _name in plan.deleted}) | set(by_national))
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
        if found.outside is not None:
            raise SurveyImportError(
                _("{path}: links to {target}, outside the folder: not read (--follow-links reads it)").format(
                    path=found.path, target=found.outside
                )
            )
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
    """Return everything the survey says about a procedure, as procedure fields.

    The official item a procedure is mapped to is kept in its answer, so that a re-import under another
    mapping tells the mapping's change from a person's.
    """
    item = mapping.priority_item(answer.name or "")
    if item is not None:
        answer = answer.model_copy(update={"priority_item": item})
    fields = derive_fields(answer, national_id, item is not None)
    fields["flow_source"] = "skeleton"
    fields["steps"] = skeleton_steps(answer, fields.get("online", {}))
    fields["survey"] = answer.model_dump(mode="json", exclude_defaults=True)
    return fields


def _base(current: dict[str, Any]) -> dict[str, Any] | None:
    """Return what the previous answer gave, or None when the procedure has no valid survey block.

    An answer from before the official list was recorded (no `priority_item`) takes the file's own
    national_priority as what the survey gave: the mapping then owns it.
    """
    raw = current.get("survey")
    if not isinstance(raw, dict):
        return None
    try:
        answer = SurveyAnswer.model_validate(raw)
    except ValidationError:
        return None
    nid = str(current.get("national_id"))
    priority = answer.priority_item is not None if "priority_item" in raw else current.get("national_priority") is True
    fields = derive_fields(answer, nid, priority)
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
    base = _base(current)
    merged = to_plain(current)
    fields: list[str] = []
    kept: list[str] = []
    for unit in OWNED:
        theirs = _unit(incoming, unit)
        mine = _unit(current, unit)
        if mine == theirs:
            continue
        if base is None or (unit in _NEW_IN_1_2 and _absent(current, unit)):
            replace = _absent(current, unit)
        else:
            replace = mine == _unit(base, unit)
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
