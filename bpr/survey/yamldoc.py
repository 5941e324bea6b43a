"""Counter files held as round-trip YAML, changed field by field so that comments, order and style survive.

Importers (the national survey, the section staff's 調査票) bring plain data. A procedure's field is
rewritten only when its new value differs *in meaning* from the file's (compared through the format's
models: ``effort: "5m"`` equals ``5``, an omitted ``medium`` equals ``none``), and then only the parts
that differ: a changed step keeps its flow style, its key order and the comments around it. A file in
which nothing differs is not written at all, so a no-op import leaves every byte as it was.
"""

from __future__ import annotations

import contextlib
import difflib
import io
import math
import os
import stat
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarfloat import ScalarFloat
from ruamel.yaml.scalarstring import DoubleQuotedScalarString
from ruamel.yaml.tokens import CommentToken

from bpr.export.filenames import safe_stem
from bpr.i18n import _
from bpr.inventory.models import Attachment, Counter, Fee, Online, Plan, Procedure, Step, SurveyAnswer
from bpr.inventory.problem import YamlInputError
from bpr.inventory.sources import read_text
from bpr.inventory.yamlfile import parse_yaml
from bpr.survey.emit import counter_file_text, scalar

PROCEDURE_FIELDS: tuple[str, ...] = tuple(Procedure.model_fields)
COUNTER_FIELDS: tuple[str, ...] = tuple(Counter.model_fields)
# Format 1.2's counter fields (待たせない) that a 調査票 may lack: the profiles are never in it, and a form
# exported before 1.2 has no 窓口数 or 受付時間 line. What the form does not give stays as the file holds it.
COUNTER_FIELDS_KEPT_UNLESS_GIVEN = frozenset({"windows", "opening_hours", "monthly_profile", "hourly_profile"})
# Written in flow style, one line each, as the sample inventory and `bpr new` write them.
_FLOW_FIELDS = frozenset({"life_events", "online", "fee"})
_ITEM_KEYS = {"steps": ("id", Step), "attachments": ("name", Attachment)}
# Where a key added to a mapping field goes: the order of its model.
_MAPPING_ORDER: dict[str, tuple[str, ...]] = {
    "online": tuple(Online.model_fields),
    "fee": tuple(Fee.model_fields),
    "plan": tuple(Plan.model_fields),
    "survey": tuple(SurveyAnswer.model_fields),
}
# A new procedure is written in the model's order, but with `flow_source` just above the steps it describes.
_WRITTEN_ORDER = tuple(
    name
    for field in PROCEDURE_FIELDS
    if field != "flow_source"
    for name in (("flow_source", field) if field == "steps" else (field,))
)
_SCHEMA_LINE = "# yaml-language-server: $schema=../schema/inventory.schema.json\n"


class YamlDocError(Exception):
    """A counter file that cannot be read or changed as a round-trip document."""


class _Representer(RoundTripRepresenter):
    """ruamel's representer, with floats written so that they read back as the same number.

    ruamel writes some floats with fewer digits than they need (2.2250738585072014e-311, or one it read
    from a file, comes out as 2.225073858507e-311); such a float is written as its shortest exact repr.
    """

    def represent_float(self, data: Any) -> Any:
        return self._exact(data, super().represent_float(data))

    def represent_scalar_float(self, data: Any) -> Any:
        return self._exact(data, super().represent_scalar_float(data))

    def _exact(self, data: Any, node: Any) -> Any:
        try:
            same = float(node.value) == float(data)
        except ValueError:
            same = True  # .inf, .nan and the like: as ruamel writes them
        return node if same else self.represent_scalar("tag:yaml.org,2002:float", repr(float(data)))


_Representer.add_representer(float, _Representer.represent_float)
_Representer.add_representer(ScalarFloat, _Representer.represent_scalar_float)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Representer = _Representer
    yaml.preserve_quotes = True
    # Never fold a line. Past `width`, ruamel folds a double-quoted scalar after an escape (`"\x03` then a
    # line break) with no `\` to join it, and the break reads back as a space; a flow mapping of one long
    # line reaches any finite width, so none is set.
    yaml.width = sys.maxsize
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def duration_text(minutes: float) -> str | float:
    """Return a duration as the format writes it: 5 -> "5m", 90 -> "1.5h", 4320 -> "3d".

    A number of minutes the unit form cannot hold exactly (1e-06, 1.4e-45) stays a number: the
    format's duration strings have no exponent, and rounding would change the value.
    """
    for unit, size in (("d", 1440.0), ("h", 60.0)):
        if minutes >= size and _round_number(minutes / size):
            return f"{minutes / size:g}{unit}"
    text = repr(float(minutes))
    if "e" in text or "n" in text:
        return float(minutes)
    return (text[:-2] if text.endswith(".0") else text) + "m"


def _round_number(value: float) -> bool:
    return math.isclose(value * 4, round(value * 4), abs_tol=1e-9)


def to_plain(value: Any) -> Any:
    """Return a plain dict/list/scalar copy of round-trip data."""
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return value


def _model(model: Any, value: Any) -> Any:
    try:
        return model.model_validate(value)
    except (ValidationError, TypeError, ValueError):
        return None


def same_procedure_field(field: str, old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Tell whether `field` means the same in two plain procedures (through the model when both are valid)."""
    if field not in old and field not in new:
        return True
    before, after = _model(Procedure, old), _model(Procedure, new)
    if before is not None and after is not None:
        return bool(getattr(before, field) == getattr(after, field))
    return bool(to_plain(old.get(field)) == to_plain(new.get(field)))


def _same_item(model: Any, old: Any, new: Any) -> bool:
    before, after = _model(model, old), _model(model, new)
    if before is not None and after is not None:
        return bool(before == after)
    return bool(to_plain(old) == to_plain(new))


def styled(value: Any, flow: bool = False) -> Any:
    """Return plain data as round-trip data: flow style where `flow`, steps and attachments one line each."""
    if isinstance(value, dict):
        out = CommentedMap()
        for key, item in value.items():
            out[key] = styled(item, flow or key in _FLOW_FIELDS or key == "next")
        if flow:
            out.fa.set_flow_style()
        return out
    if isinstance(value, list):
        seq = CommentedSeq(styled(item, flow) for item in value)
        if flow or all(not isinstance(item, dict | list) for item in value):
            seq.fa.set_flow_style()
        return seq
    if isinstance(value, str) and scalar(value).startswith('"'):
        # ruamel's emitter can write a plain scalar the parser then misreads ('a: ' at the end of a
        # flow mapping's value); what bpr's own emitter would quote is written double-quoted.
        return DoubleQuotedScalarString(value)
    return value


def _styled_field(field: str, value: Any) -> Any:
    if field in _ITEM_KEYS and isinstance(value, list):
        seq = CommentedSeq(styled(item, flow=True) for item in value)
        return seq
    if field == "issues" and isinstance(value, list):
        return CommentedSeq(styled(item) for item in value)
    return styled(value, flow=field in _FLOW_FIELDS)


class CounterDocument:
    """One counter file as round-trip data, with the procedures' fields changed in place."""

    def __init__(self, path: Path, data: CommentedMap, original: str | None) -> None:
        self.path = path
        self.data = data
        self._original = original
        self._changed = original is None
        # A new file holds plain procedures until it is written: it has no comments to keep, and
        # emitting it directly is a hundred times quicker than ruamel (bpr/survey/emit.py).
        self._fresh: dict[str, dict[str, Any]] | None = {} if original is None else None

    @classmethod
    def load(cls, path: Path) -> CounterDocument:
        """Read a counter file for changing; raise YamlDocError saying why it cannot be."""
        try:
            text = read_text(path)
        except YamlInputError as exc:
            raise YamlDocError(f"{path}: {exc.message}") from None
        except OSError as exc:
            raise YamlDocError(
                _("{path}: cannot be read ({error})").format(path=path, error=exc.strerror or exc)
            ) from None
        try:
            data = _yaml().load(text)
        except YAMLError as exc:
            raise YamlDocError(
                _("{path}: is not valid YAML ({error}): run `bpr validate`").format(
                    path=path, error=str(exc).splitlines()[0]
                )
            ) from None
        if not isinstance(data, CommentedMap) or not isinstance(data.get("procedures"), list):
            raise YamlDocError(
                _("{path}: is not a counter file with a list of procedures: run `bpr validate`").format(path=path)
            )
        if not isinstance(data.get("counter"), dict):
            raise YamlDocError(_("{path}: has no counter mapping: run `bpr validate`").format(path=path))
        return cls(path, data, text)

    @classmethod
    def create(cls, path: Path, counter: dict[str, Any]) -> CounterDocument:
        """Start a new counter file with no procedures yet."""
        data = CommentedMap()
        data["version"] = 1
        data["counter"] = styled({k: counter[k] for k in COUNTER_FIELDS if counter.get(k) is not None})
        data["procedures"] = CommentedSeq()
        return cls(path, data, None)

    def _thaw(self) -> None:
        """Turn a new file's plain procedures into round-trip data, for changes beyond appending."""
        if self._fresh is None:
            return
        procedures = self._procedures()
        for plain in self._fresh.values():
            procedures.append(_styled_procedure(plain))
        self._fresh = None

    @property
    def counter_id(self) -> str:
        """Return the id of the file's counter."""
        return str(self.data["counter"].get("id", ""))

    @property
    def changed(self) -> bool:
        """Tell whether the document differs from the file it was read from."""
        return self._changed

    def _procedures(self) -> CommentedSeq:
        procedures: CommentedSeq = self.data["procedures"]
        return procedures

    def _find(self, procedure_id: str) -> CommentedMap | None:
        if self._fresh is not None and procedure_id in self._fresh:
            self._thaw()
        for item in self._procedures():
            if isinstance(item, CommentedMap) and item.get("id") == procedure_id:
                return item
        return None

    def procedure_ids(self) -> list[str]:
        """Return the ids of the file's procedures, in file order."""
        self._thaw()
        return [str(p["id"]) for p in self._procedures() if isinstance(p, dict) and isinstance(p.get("id"), str)]

    def plain_procedure(self, procedure_id: str) -> dict[str, Any]:
        """Return a plain copy of one procedure."""
        found = self._find(procedure_id)
        if found is None:
            raise KeyError(procedure_id)
        plain: dict[str, Any] = to_plain(found)
        return plain

    def plain_procedures(self) -> list[dict[str, Any]]:
        """Return plain copies of every procedure mapping, in file order."""
        self._thaw()
        return [to_plain(p) for p in self._procedures() if isinstance(p, dict)]

    def update_procedure(self, plain: dict[str, Any], fields: Iterable[str] | None = None) -> list[str]:
        """Add a procedure, or change the fields of one whose meaning differs; return the changed fields."""
        found = self._find(plain["id"])
        if found is None:
            self._append(plain)
            return ["(added)"]
        names = [f for f in (PROCEDURE_FIELDS if fields is None else fields) if f != "id"]
        old = to_plain(found)
        candidate = dict(old)
        for name in names:
            if name in plain and plain[name] is not None:
                candidate[name] = plain[name]
            else:
                candidate.pop(name, None)
        changed = [name for name in names if not same_procedure_field(name, old, candidate)]
        if changed:
            # The blank line after a procedure belongs to its last key: it stays last whatever changes.
            trailing = _take_trailing(found)
            for name in changed:
                _assign(found, name, candidate.get(name), _position(found, name))
            if trailing is not None:
                _put_trailing(found, trailing)
            self._changed = True
        return changed

    def _append(self, plain: dict[str, Any]) -> None:
        if self._fresh is not None:
            self._fresh[plain["id"]] = _ordered(plain)
            return
        item = _styled_procedure(plain)
        procedures = self._procedures()
        if self._original is not None and procedures and _blank_separated(procedures):
            last = procedures[-1]
            if isinstance(last, CommentedMap) and _take_trailing(last) is None:
                _put_trailing(last, CommentToken("\n\n", CommentMark(0), None))
        procedures.append(item)
        self._changed = True

    def remove_procedure(self, procedure_id: str) -> bool:
        """Remove a procedure by id; tell whether there was one."""
        self._thaw()
        procedures = self._procedures()
        for index, item in enumerate(procedures):
            if isinstance(item, dict) and item.get("id") == procedure_id:
                del procedures[index]
                self._changed = True
                return True
        return False

    def update_counter(self, counter: dict[str, Any]) -> list[str]:
        """Change the counter's fields whose value differs; return their names."""
        mapping = self.data["counter"]
        changed = []
        self._thaw()
        for name in COUNTER_FIELDS:
            new = counter.get(name)
            old = mapping.get(name)
            if new is None and name in COUNTER_FIELDS_KEPT_UNLESS_GIVEN:
                continue
            if to_plain(old) == to_plain(new) or (name == "surveyed_on" and str(old) == str(new)):
                continue
            changed.append(name)
            _assign(mapping, name, new, _position_in(mapping, name, COUNTER_FIELDS))
        if changed:
            self._changed = True
        return changed

    def text(self) -> str:
        """Return the document as YAML text (the file's own text when nothing changed)."""
        if self._original is not None and not self._changed:
            return self._original
        if self._fresh is not None:
            counter = {k: to_plain(v) for k, v in self.data["counter"].items()}
            return counter_file_text(_SCHEMA_LINE, counter, list(self._fresh.values()))
        stream = io.StringIO()
        _yaml().dump(self.data, stream)
        text = stream.getvalue()
        if self._original is None:
            text = _SCHEMA_LINE + _spaced(text)
        else:
            kept = keep_unchanged_lines(self._original, text)
            with contextlib.suppress(YamlDocError):
                _check_reads_back(self.path, kept, to_plain(self.data))
                return kept
        _check_reads_back(self.path, text, to_plain(self.data))
        return text


def keep_unchanged_lines(original: str, written: str) -> str:
    """Return `written` with every line that means what an original line meant spelled as the original spelled it.

    ruamel re-emits the flow mappings it round-trips with its own spacing (`{ id:  a ,  name: x}` becomes
    `{id: a, name: x}`), even in procedures an import did not change. Where the two texts differ, a written
    line whose YAML reads the same as the original line facing it takes the original's spelling; the
    caller checks that the whole text still reads back to the data meant.
    """
    before, after = original.splitlines(keepends=True), written.splitlines(keepends=True)
    out: list[str] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    reader = YAML(typ="safe", pure=True)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag != "replace":
            out.extend(after[b0:b1])
            continue
        olds = before[a0:a1]
        for line in after[b0:b1]:
            match = next((old for old in olds if _same_line(old, line, reader)), None)
            if match is None:
                out.append(line)
            else:
                olds.remove(match)
                out.append(match)
    return "".join(out)


def _same_line(old: str, new: str, reader: YAML) -> bool:
    """Tell whether two lines are the same YAML at the same indent (a list item, a key, a flow mapping)."""
    if old == new:
        return True
    indent = len(old) - len(old.lstrip(" "))
    if indent != len(new) - len(new.lstrip(" ")):
        return False
    one, two = old.strip(), new.strip()
    if one.startswith("- ") != two.startswith("- "):
        return False
    if one.startswith("- "):
        one, two = one[2:], two[2:]
    if not (one.startswith("{") and two.startswith("{")):
        return False  # only flow mappings are re-spaced; keys and scalars are written as they were
    try:
        return bool(reader.load(one) == reader.load(two))
    except YAMLError:
        return False


def _check_reads_back(path: Path, text: str, data: Any) -> None:
    """Raise YamlDocError unless the text reads back as the data: a file bpr writes is never one it cannot read."""
    try:
        parsed = parse_yaml(text).data
    except YamlInputError as exc:
        raise YamlDocError(
            _("{path}: the changed file would not read back ({error}); nothing was written").format(
                path=path, error=exc.message
            )
        ) from None
    if to_plain(parsed) != data:
        where = _first_difference(to_plain(parsed), data)
        raise YamlDocError(
            _("{path}: the changed file would not read back as written (at {where}); nothing was written").format(
                path=path, where=where
            )
        )


def _first_difference(read: Any, meant: Any, path: str = "") -> str:
    if isinstance(read, dict) and isinstance(meant, dict):
        for key in meant:
            if key not in read or read[key] != meant[key]:
                return _first_difference(read.get(key), meant[key], f"{path}.{key}" if path else str(key))
    if isinstance(read, list) and isinstance(meant, list) and len(read) == len(meant):
        for index, (a, b) in enumerate(zip(read, meant, strict=True)):
            if a != b:
                return _first_difference(a, b, f"{path}[{index}]")
    return _("{path}: {meant} read as {read}").format(
        path=path or _("the file"), meant=f"{meant!r:.60}", read=f"{read!r:.60}"
    )


def _ordered(plain: dict[str, Any]) -> dict[str, Any]:
    """Return a procedure's present fields in the format's order (unknown keys last)."""
    names = (*_WRITTEN_ORDER, *[k for k in plain if k not in _WRITTEN_ORDER])
    return {name: plain[name] for name in names if plain.get(name) is not None}


def _styled_procedure(plain: dict[str, Any]) -> CommentedMap:
    item = CommentedMap()
    for name, value in _ordered(plain).items():
        item[name] = _styled_field(name, value)
    return item


def _spaced(text: str) -> str:
    """Put a blank line between procedures of a new file, as people write them."""
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    in_procedures = False
    for line in lines:
        if line.startswith("procedures:"):
            in_procedures = True
        elif in_procedures and line.startswith("  - ") and out and not out[-1].startswith("procedures:"):
            out.append("\n")
        out.append(line)
    return "".join(out)


def _blank_separated(procedures: CommentedSeq) -> bool:
    """Tell whether a file puts a blank line between its procedures."""
    return any(
        isinstance(item, CommentedMap) and _peek_trailing(item) is not None for item in list(procedures)[:-1]
    ) or any(entry[1] for entry in procedures.ca.items.values() if len(entry) > 1)


def _trailing_slot(node: Any) -> tuple[list[Any], int] | None:
    """Return the comment slot that holds what follows a block node's last value (blank lines, comments)."""
    if isinstance(node, CommentedMap) and len(node) and not node.fa.flow_style():
        key = list(node)[-1]
        if _is_block(node[key]):
            # The comment slot of a key whose value is a block holds the comment on the key's own line
            # (`issues:  # 課題`): what follows the value lives inside it.
            return _trailing_slot(node[key])
        entry = node.ca.items.get(key)
        if entry is not None and len(entry) > 2 and entry[2] is not None:
            return entry, 2
        return None
    if isinstance(node, CommentedSeq) and len(node) and not node.fa.flow_style():
        if _is_block(node[-1]):
            return _trailing_slot(node[-1])
        entry = node.ca.items.get(len(node) - 1)
        if entry is not None and entry[0] is not None:
            return entry, 0
        return None
    return None


def _is_block(value: Any) -> bool:
    return isinstance(value, CommentedMap | CommentedSeq) and len(value) > 0 and not value.fa.flow_style()


def _peek_trailing(node: Any) -> Any:
    slot = _trailing_slot(node)
    return None if slot is None else slot[0][slot[1]]


def _take_trailing(node: Any) -> Any:
    slot = _trailing_slot(node)
    if slot is None:
        return None
    entry, index = slot
    token = entry[index]
    entry[index] = None
    return token


def _put_trailing(node: Any, token: Any) -> None:
    """Attach a trailing comment token after a block node's last value."""
    if isinstance(node, CommentedMap) and len(node):
        key = list(node)[-1]
        value = node[key]
        if isinstance(value, CommentedMap | CommentedSeq) and len(value) and not value.fa.flow_style():
            _put_trailing(value, token)
            return
        entry = node.ca.items.setdefault(key, [None, None, None, None])
        entry[2] = token
    elif isinstance(node, CommentedSeq) and len(node):
        value = node[-1]
        if isinstance(value, CommentedMap | CommentedSeq) and len(value) and not value.fa.flow_style():
            _put_trailing(value, token)
            return
        entry = node.ca.items.setdefault(len(node) - 1, [None, None, None, None])
        entry[0] = token


def _position(procedure: CommentedMap, name: str) -> int:
    return _position_in(procedure, name, PROCEDURE_FIELDS)


def _position_in(mapping: CommentedMap, name: str, order: Sequence[str]) -> int:
    """Return where a missing key goes: after the last present key that comes before it in the model."""
    if name not in order:
        return len(mapping)
    rank = order.index(name)
    position = 0
    for index, key in enumerate(mapping):
        if key in order and order.index(key) < rank:
            position = index + 1
    return position


def _assign(mapping: CommentedMap, name: str, new: Any, position: int) -> None:
    """Set one key to a plain value, changing only what differs inside it."""
    if new is None:
        if name in mapping:
            del mapping[name]
        return
    old = mapping.get(name)
    if name in _ITEM_KEYS and isinstance(old, CommentedSeq) and isinstance(new, list):
        _merge_items(old, new, *_ITEM_KEYS[name])
    elif isinstance(old, CommentedMap) and isinstance(new, dict):
        _merge_mapping(old, new, _MAPPING_ORDER.get(name, ()))
    elif name in mapping:
        mapping[name] = _keep_style(old, _styled_field(name, new))
    else:
        mapping.insert(position, name, _styled_field(name, new))


def _keep_style(old: Any, new: Any) -> Any:
    if isinstance(old, CommentedSeq) and isinstance(new, CommentedSeq):
        if old.fa.flow_style():
            new.fa.set_flow_style()
        else:
            new.fa.set_block_style()
    return new


def _merge_mapping(old: CommentedMap, new: dict[str, Any], order: Sequence[str] = ()) -> None:
    """Change a mapping in place to a plain one: keys removed, changed, or added where the model puts them."""
    for key in [k for k in old if k not in new]:
        del old[key]
    for key, value in new.items():
        if to_plain(old.get(key)) == to_plain(value):
            continue
        if isinstance(old.get(key), CommentedMap) and isinstance(value, dict):
            _merge_mapping(old[key], value)
        elif key in old:
            old[key] = _keep_style(old[key], styled(value, flow=bool(old.fa.flow_style())))
        elif key in order:
            old.insert(_position_in(old, key, order), key, styled(value, flow=bool(old.fa.flow_style())))
        else:
            old[key] = styled(value, flow=bool(old.fa.flow_style()))


def _merge_items(old: CommentedSeq, new: list[Any], key: str, model: Any) -> None:
    """Merge a list of steps or attachments matched by id or name, keeping unchanged items as they are."""
    by_key = {item.get(key): item for item in old if isinstance(item, CommentedMap)}
    merged = []
    for value in new:
        existing = by_key.pop(value.get(key), None) if isinstance(value, dict) else None
        if existing is None:
            merged.append(styled(value, flow=True))
        else:
            if not _same_item(model, to_plain(existing), value):
                _merge_mapping(existing, value, tuple(model.model_fields))
            merged.append(existing)
    if [id(x) for x in merged] == [id(x) for x in old]:
        return
    # Keep the sequence object (its comments and style); only its items change.
    old[:] = merged


def write_documents(documents: Sequence[CounterDocument]) -> list[Path]:
    """Write the changed documents: every text to a temporary file first, then each renamed over its target.

    A failure while writing (a full disk, a read-only folder) leaves every target as it was; only the
    renames, which do not fail for lack of space, come after the first target is replaced.
    """
    changed = [document for document in documents if document.changed]
    staged: list[tuple[Path, Path]] = []
    try:
        for document in changed:
            descriptor, name = tempfile.mkstemp(
                prefix=f".{document.path.name[:40]}.", suffix=".part", dir=document.path.parent
            )
            temporary = Path(name)
            staged.append((temporary, document.path))
            with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as stream:
                stream.write(document.text())
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(temporary, _mode_for(document.path))
        for temporary, target in staged:
            os.replace(temporary, target)
    finally:
        for temporary, _target in staged:
            temporary.unlink(missing_ok=True)
    return [document.path for document in changed]


def _mode_for(target: Path) -> int:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def counter_file_name(counter_id: str) -> str:
    """Return the name of a new counter file: the counter id's safe stem (`_con` where Windows reserves the id)."""
    return f"{safe_stem(counter_id, fallback='counter')}.yaml"
