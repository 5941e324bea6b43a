"""A procedure read from a 調査票, as a counter file writes it.

Durations get their unit (``"5m"``, ``"3d"``), defaults are left out (a step with no seal has no
``seal: false``), and every part that means the same as in the file is written as the file writes it:
``effort: 5`` stays ``5``, an explicit ``medium: none`` stays, a step that did not change is the file's
step. So an import changes the lines that changed and no others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from bpr.inventory.models import Attachment, Fee, Online, Procedure, Step

# Values a counter file leaves out because they are what the format assumes.
_STEP_DEFAULTS = {
    "action": "other",
    "medium": "none",
    "handwritten": False,
    "seal": False,
    "in_person": False,
    "rule_based": False,
}
_ONLINE_DEFAULTS = {"status": "none", "identity_check": "none", "in_person_required_by_law": False, "mynaportal": False}
_PROCEDURE_DEFAULTS = {
    "national_priority": False,
    "flow_source": "surveyed",
    "life_events": [],
    "issues": [],
    "handled": True,
    "shared_with": [],
}


def compact_procedure(data: dict[str, Any], duration_text: Callable[[float], str | float]) -> dict[str, Any]:
    """Return a procedure's data as a new counter file would hold it: durations with units, defaults left out."""
    out = {key: value for key, value in data.items() if _PROCEDURE_DEFAULTS.get(key, ...) != value}
    online = {key: value for key, value in data.get("online", {}).items() if _ONLINE_DEFAULTS.get(key, ...) != value}
    out.pop("online", None)
    if online:
        out["online"] = online
    fee = dict(data.get("fee", {}))
    if fee.get("amount") == 0 and not fee.get("payment"):
        fee.pop("amount")
    out.pop("fee", None)
    if fee:
        out["fee"] = fee
    if "steps" in data:
        out["steps"] = [_compact_step(step, duration_text) for step in data["steps"]]
    if "attachments" in data:
        out["attachments"] = [
            {k: v for k, v in item.items() if not (k == "electronic" and v is False)} for item in data["attachments"]
        ]
    return _ordered(out, Procedure.model_fields)


def _compact_step(step: dict[str, Any], duration_text: Callable[[float], str | float]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in step.items():
        if _STEP_DEFAULTS.get(key, ...) == value:
            continue
        if key in ("effort", "wait") and isinstance(value, int | float) and not isinstance(value, bool):
            if value == 0:
                continue
            value = duration_text(float(value))
        out[key] = value
    return _ordered(out, Step.model_fields)


def _ordered(mapping: dict[str, Any], order: Iterable[str]) -> dict[str, Any]:
    names = list(order)
    return dict(sorted(mapping.items(), key=lambda item: names.index(item[0]) if item[0] in names else len(names)))


def keep_forms(old: dict[str, Any], new: dict[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    """Return procedure `new`, written as `old` wherever the two mean the same; fields not in `fields` stay old's."""
    merged: dict[str, Any] = _merge(old, new, Procedure, fields)
    return merged


def _valid(model: type[BaseModel], value: Any) -> BaseModel | None:
    try:
        return model.model_validate(value)
    except (ValidationError, TypeError, ValueError):
        return None


_NESTED: dict[str, type[BaseModel]] = {"online": Online, "fee": Fee}
# Fields of a nested part that the 調査票 does not carry: the DX team sets them (online.uptake, a step's covers: 1.2),
# so a returned form keeps the file's value.
_NOT_IN_FORM: dict[type[BaseModel], frozenset[str]] = {Online: frozenset({"uptake"}), Step: frozenset({"covers"})}
_ITEMS: dict[str, tuple[str, type[BaseModel]]] = {"steps": ("id", Step), "attachments": ("name", Attachment)}


def _merge(old: Any, new: Any, model: type[BaseModel], fields: Sequence[str] | None = None) -> Any:
    before, after = _valid(model, old), _valid(model, new)
    if before is None or after is None or not isinstance(old, dict) or not isinstance(new, dict):
        return new
    names = list(model.model_fields)
    chosen = names if fields is None else [name for name in names if name in fields]
    result: dict[str, Any] = {}
    kept = _NOT_IN_FORM.get(model, frozenset())
    for name in names:
        if name not in chosen or name in kept or getattr(before, name) == getattr(after, name):
            if name in old:
                result[name] = old[name]
        elif name in new:
            result[name] = _merge_field(name, old.get(name), new[name], model)
    return _in_old_order(result, old, names)


def _merge_field(name: str, old: Any, new: Any, model: type[BaseModel]) -> Any:
    if old is None:
        return new
    if model is Procedure and name in _NESTED:
        return _merge(old, new, _NESTED[name])
    if model is Procedure and name in _ITEMS and isinstance(old, list) and isinstance(new, list):
        key, item_model = _ITEMS[name]
        unused = [item for item in old if isinstance(item, dict)]
        merged = []
        for item in new:
            match = next((o for o in unused if isinstance(item, dict) and o.get(key) == item.get(key)), None)
            if match is None:
                merged.append(item)
            else:
                unused.remove(match)
                merged.append(_merge(match, item, item_model))
        return merged
    return new


def _in_old_order(result: dict[str, Any], old: dict[str, Any], names: list[str]) -> dict[str, Any]:
    """Return the keys in the old mapping's order; a new key goes after the key that precedes it in the model."""
    keys = [key for key in old if key in result]
    for key in result:
        if key in keys:
            continue
        rank = names.index(key)
        position = 0
        for index, present in enumerate(keys):
            if present in names and names.index(present) < rank:
                position = index + 1
        keys.insert(position, key)
    return {key: result[key] for key in keys}
