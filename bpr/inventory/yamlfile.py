"""Reading YAML through ruamel's C parser, keeping the position of every key and value."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

# An alias may repeat a subtree; a document whose aliases expand it past both limits is refused
# before anything walks it ("billion laughs").
ALIAS_EXPANSION_MIN = 100_000
ALIAS_EXPANSION_RATIO = 10

_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_NULL_TAG = "tag:yaml.org,2002:null"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_BOM = "\ufeff"

PathKey = tuple[str | int, ...]


class YamlInputError(Exception):
    """A file that cannot be read as a YAML mapping at all."""

    def __init__(self, code: str, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line
        self.column = column


@dataclass(frozen=True, slots=True)
class Finding:
    """A problem found while reading, at a 1-based position, without file or severity yet."""

    line: int
    column: int
    code: str
    message: str


def _new_yaml() -> YAML:
    yaml = YAML(typ="safe", pure=False)
    return yaml


_YAML = _new_yaml()


def parser_class_name() -> str:
    """Return the name of the YAML parser class in use (CParser when the C extension is active)."""
    return _YAML.Parser.__name__


def read_text(path: Path) -> str:
    """Read a file as UTF-8 (a BOM is dropped), or raise YamlInputError saying why not."""
    try:
        raw = path.read_bytes()
    except IsADirectoryError:
        raise YamlInputError("file-unreadable", "is a folder, not a file") from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise YamlInputError("file-unreadable", f"cannot be read: {reason}") from None
    if b"\x00" in raw[:8192]:
        raise YamlInputError("file-encoding", "is a binary file, not YAML text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position_of_byte(raw, exc.start)
        guess = _guess_encoding(raw)
        hint = f" (it looks like {guess})" if guess else ""
        raise YamlInputError(
            "file-encoding",
            f"is not UTF-8{hint}: save it as UTF-8 (in Excel or Notepad: 'UTF-8' encoding)",
            line,
            column,
        ) from None
    if text.startswith(_BOM):
        text = text[1:]
    return text


def _position_of_byte(raw: bytes, offset: int) -> tuple[int, int]:
    before = raw[:offset]
    line = before.count(b"\n") + 1
    line_start = before.rfind(b"\n") + 1
    column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
    return line, column


def _guess_encoding(raw: bytes) -> str | None:
    for name, label in (("cp932", "Shift_JIS/CP932"), ("euc_jp", "EUC-JP")):
        try:
            raw.decode(name)
        except UnicodeDecodeError:
            continue
        return label
    return None


def compose(text: str) -> Node:
    """Parse text into a node tree with the C parser, or raise YamlInputError."""
    if not text.strip() or _only_comments(text):
        raise YamlInputError("empty-file", "is empty: an inventory file needs 'version', 'counter' and 'procedures'")
    try:
        node: Node | None = _YAML.compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        column = mark.column + 1 if mark is not None else 1
        problem = exc.problem or "invalid YAML"
        if "\t" in text and "cannot start any token" in problem:
            problem = "a tab character cannot indent YAML: use spaces"
        context = f" {exc.context}" if exc.context else ""
        raise YamlInputError("yaml-syntax", f"{problem}{context}".strip(), line, column) from None
    except YAMLError as exc:
        raise YamlInputError("yaml-syntax", str(exc).splitlines()[0] if str(exc) else "invalid YAML") from None
    except (ValueError, UnicodeError) as exc:
        raise YamlInputError("yaml-syntax", f"cannot be parsed: {exc}") from None
    if node is None or (isinstance(node, ScalarNode) and node.tag == _NULL_TAG and node.value == ""):
        # A document with only markers (`---`, `...`) composes to an empty null scalar: as empty as no document.
        raise YamlInputError("empty-file", "is empty: an inventory file needs 'version', 'counter' and 'procedures'")
    return node


def _only_comments(text: str) -> bool:
    return all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines())


def _start(node: Node) -> tuple[int, int]:
    mark = node.start_mark
    return mark.line + 1, mark.column + 1


class _Constructor:
    """Builds plain Python data from a node tree, recording duplicate keys and refusing alias bombs."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self._built: dict[int, Any] = {}
        self._building: set[int] = set()
        self.shared = False

    def build(self, node: Node) -> Any:
        if isinstance(node, ScalarNode):
            return _scalar(node)
        key = id(node)
        if key in self._built:
            self.shared = True
            return self._built[key]
        if key in self._building:
            line, column = _start(node)
            raise YamlInputError("yaml-aliases", "an alias refers to the node that contains it (a recursive alias)", line, column)
        self._building.add(key)
        if isinstance(node, SequenceNode):
            value: Any = [self.build(item) for item in node.value]
        elif isinstance(node, MappingNode):
            value = self._mapping(node)
        else:
            raise TypeError(f"unexpected YAML node {type(node).__name__}")
        self._building.discard(key)
        self._built[key] = value
        return value

    def _mapping(self, node: MappingNode) -> dict[str, Any]:
        result: dict[str, Any] = {}
        merged: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                for source in _merge_sources(value_node):
                    built = self.build(source)
                    if isinstance(built, dict):
                        for k, v in built.items():
                            merged.setdefault(k, v)
                continue
            if not isinstance(key_node, ScalarNode):
                line, column = _start(key_node)
                self.findings.append(Finding(line, column, "yaml-syntax", "a key must be a plain word, not a list or mapping"))
                continue
            name = str(key_node.value)
            if name in result:
                line, column = _start(key_node)
                self.findings.append(Finding(line, column, "duplicate-key", f"key '{name}' appears twice in this mapping"))
                continue
            result[name] = self.build(value_node)
        for k, v in merged.items():
            result.setdefault(k, v)
        return result


def _merge_sources(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    return [node]


_INT_RE = re.compile(r"^[-+]?(0o[0-7]+|0x[0-9a-fA-F]+|[0-9]+)$")


def _scalar(node: ScalarNode) -> Any:
    tag, value = node.tag, node.value
    if tag == _NULL_TAG:
        return None
    if tag == _BOOL_TAG:
        return value.lower() == "true"
    if tag == _INT_TAG:
        text = value.replace("_", "")
        if _INT_RE.match(text):
            return int(text, 0) if "0o" in text or "0x" in text else int(text)
        return value
    if tag == _FLOAT_TAG:
        lowered = value.lower().replace("_", "")
        if lowered.endswith(".nan"):
            return math.nan
        if lowered.endswith(".inf"):
            return -math.inf if lowered.startswith("-") else math.inf
        try:
            return float(lowered)
        except ValueError:
            return value
    if tag == _TIMESTAMP_TAG:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _expanded_size(node: Node, memo: dict[int, int]) -> int:
    key = id(node)
    if key in memo:
        return memo[key]
    if isinstance(node, ScalarNode):
        return 1
    if isinstance(node, SequenceNode):
        size = 1 + sum(_expanded_size(child, memo) for child in node.value)
    else:
        size = 1 + sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
    memo[key] = size
    return size


def construct(root: Node) -> tuple[Any, list[Finding]]:
    """Return the plain data of a node tree and the duplicate-key findings, refusing alias bombs."""
    constructor = _Constructor()
    data = constructor.build(root)
    if constructor.shared:
        memo: dict[int, int] = {}
        expanded = _expanded_size(root, memo)
        distinct = len(memo) + 1
        if expanded > ALIAS_EXPANSION_MIN and expanded > ALIAS_EXPANSION_RATIO * distinct:
            raise YamlInputError(
                "yaml-aliases",
                f"its aliases expand {distinct:,} nodes into {expanded:,}: refused as an alias bomb",
            )
    return data, constructor.findings


def locate(root: Node, path: Sequence[str | int], at_key: bool = False) -> tuple[int, int]:
    """Return the 1-based (line, column) of the key or value at path, or of its nearest existing parent."""
    node = root
    key_node: Node | None = None
    for part in path:
        found = _child(node, part)
        if found is None:
            return _start(key_node) if key_node is not None and at_key else _start(node)
        key_node, node = found
    if at_key and key_node is not None:
        return _start(key_node)
    return _start(node)


def _child(node: Node, part: str | int) -> tuple[Node | None, Node] | None:
    if isinstance(node, SequenceNode) and isinstance(part, int):
        if 0 <= part < len(node.value):
            return None, node.value[part]
        return None
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and str(key_node.value) == str(part) and key_node.tag != _MERGE_TAG:
                return key_node, value_node
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                for source in _merge_sources(value_node):
                    found = _child(source, part)
                    if found is not None:
                        return found
    return None


def iter_yaml_files(paths: Sequence[Path]) -> Iterator[tuple[Path, bool]]:
    """Yield (file, exists) for each YAML file under the given paths, sorted, folders searched recursively."""
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and not p.is_dir())
            yield from ((p, True) for p in found)
        else:
            yield path, path.exists()
