"""Reading YAML through ruamel's C parser, keeping the position of every key and value."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

try:  # ruamel.yaml.clib: the C parser; without it (a broken install) the pure-Python parser, several times slower
    from _ruamel_yaml import CParser  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - the test suite asserts the C parser is in use
    CParser = None

# An alias may repeat a subtree; a document whose aliases expand it past both limits is refused
# before anything walks it ("billion laughs").
ALIAS_EXPANSION_MIN = 100_000
ALIAS_EXPANSION_RATIO = 10

_STR_TAG = "tag:yaml.org,2002:str"
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_NULL_TAG = "tag:yaml.org,2002:null"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_EMPTY_MESSAGE = "is empty: an inventory file needs 'version', 'counter' and 'procedures'"

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


def parser_class_name() -> str:
    """Return the name of the YAML parser class in use (CParser when the C extension is active)."""
    return CParser.__name__ if CParser is not None else "Parser"


# Positions mirror the data: a mapping's positions are {key: (key line, key column, value line,
# value column, positions of the value)}, a sequence's are [(line, column, positions of the item)],
# a scalar's are None. Lines and columns are 1-based.
Positions = dict[str, tuple[int, int, int, int, Any]] | list[tuple[int, int, Any]] | None


@dataclass
class ParsedYaml:
    """A document's plain data, the positions of its keys and values, and duplicate-key findings."""

    data: Any
    positions: Positions
    line: int
    column: int
    findings: list[Finding]


class _Builder:
    """Builds plain data straight from the C parser's events, keeping every position.

    Going from events to data skips ruamel's Python composer and node objects, which cost most of
    the time of reading a large inventory; aliases become shared references, checked for bombs.
    """

    def __init__(self, parser: Any) -> None:
        self.parser = parser
        self.anchors: dict[str, tuple[Any, Positions]] = {}
        self.findings: list[Finding] = []
        self.aliased = False
        self._open: set[str] = set()

    def value(self, event: Any) -> tuple[Any, Positions]:
        kind = type(event)
        if kind is ScalarEvent:
            result: tuple[Any, Positions] = (_scalar(event), None)
        elif kind is MappingStartEvent:
            result = self._mapping(event)
        elif kind is SequenceStartEvent:
            result = self._sequence(event)
        elif kind is AliasEvent:
            return self._alias(event)
        else:
            raise YamlInputError("yaml-syntax", "unexpected YAML structure", *_mark(event))
        if event.anchor is not None:
            self.anchors[event.anchor] = result
        return result

    def _alias(self, event: Any) -> tuple[Any, Positions]:
        name = event.anchor
        if name in self._open:
            raise YamlInputError("yaml-aliases", f"alias '*{name}' refers to the node that contains it", *_mark(event))
        if name not in self.anchors:
            raise YamlInputError("yaml-syntax", f"alias '*{name}' names no anchor defined before it", *_mark(event))
        self.aliased = True
        return self.anchors[name]

    def _mapping(self, start: Any) -> tuple[dict[str, Any], Positions]:
        if start.anchor is not None:
            self._open.add(start.anchor)
        data: dict[str, Any] = {}
        positions: dict[str, tuple[int, int, int, int, Any]] = {}
        merged: list[tuple[Any, Positions]] = []
        get_event = self.parser.get_event
        while True:
            key_event = get_event()
            if type(key_event) is not ScalarEvent:
                if key_event.__class__.__name__ == "MappingEndEvent":
                    break
                line, column = _mark(key_event)
                self.findings.append(
                    Finding(line, column, "yaml-syntax", "a key must be a plain word, not a list or mapping")
                )
                self.value(key_event)
                self.value(get_event())
                continue
            key_line, key_column = _mark(key_event)
            value_event = get_event()
            value, value_positions = self.value(value_event)
            key = key_event.value
            if key == "<<" and key_event.implicit[0]:
                merged.extend(_merge_sources(value, value_positions))
                continue
            if key in positions:
                self.findings.append(
                    Finding(key_line, key_column, "duplicate-key", f"key '{key}' appears twice in this mapping")
                )
                continue
            line, column = _mark(value_event)
            data[key] = value
            positions[key] = (key_line, key_column, line, column, value_positions)
        for source, source_positions in merged:
            for key, item in source.items():
                if key not in data:
                    data[key] = item
                    if isinstance(source_positions, dict) and key in source_positions:
                        positions[key] = source_positions[key]
        if start.anchor is not None:
            self._open.discard(start.anchor)
        return data, positions

    def _sequence(self, start: Any) -> tuple[list[Any], Positions]:
        if start.anchor is not None:
            self._open.add(start.anchor)
        data: list[Any] = []
        positions: list[tuple[int, int, Any]] = []
        get_event = self.parser.get_event
        while True:
            event = get_event()
            if event.__class__.__name__ == "SequenceEndEvent":
                break
            line, column = _mark(event)
            value, value_positions = self.value(event)
            data.append(value)
            positions.append((line, column, value_positions))
        if start.anchor is not None:
            self._open.discard(start.anchor)
        return data, positions


def _mark(event: Any) -> tuple[int, int]:
    mark = event.start_mark
    return mark.line + 1, mark.column + 1


def _merge_sources(value: Any, positions: Positions) -> list[tuple[Any, Positions]]:
    if isinstance(value, dict):
        return [(value, positions)]
    if isinstance(value, list) and isinstance(positions, list):
        return [(item, pos[2]) for item, pos in zip(value, positions, strict=False) if isinstance(item, dict)]
    return []


_INT_RE = re.compile(r"^[-+]?(?:[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT_RE = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUES = frozenset({"true", "True", "TRUE"})
_FALSES = frozenset({"false", "False", "FALSE"})
_SPECIAL_FLOATS = {".inf": math.inf, "+.inf": math.inf, "-.inf": -math.inf, ".nan": math.nan}


def _scalar(event: Any) -> Any:
    """Resolve a scalar by the YAML 1.2 core schema (dates too), as ruamel's safe loader does."""
    value: str = event.value
    tag = event.tag
    if tag is not None and tag not in ("!", _STR_TAG):
        return _tagged(tag, value)
    if tag == _STR_TAG or not event.implicit[0]:
        return value
    if not value or value in _NULLS:
        return None
    first = value[0]
    if first in "tTfF":
        if value in _TRUES:
            return True
        if value in _FALSES:
            return False
        return value
    if first in "0123456789+-.":
        if _INT_RE.match(value):
            return _int(value)
        if _FLOAT_RE.match(value):
            return float(value)
        lowered = value.lower()
        if lowered in _SPECIAL_FLOATS:
            return _SPECIAL_FLOATS[lowered]
        if _DATE_RE.match(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                return value
    return value


def _int(value: str) -> int:
    sign = -1 if value.startswith("-") else 1
    digits = value.lstrip("+-")
    if digits.startswith("0o"):
        return sign * int(digits[2:], 8)
    if digits.startswith("0x"):
        return sign * int(digits[2:], 16)
    return sign * int(digits)


def _tagged(tag: str, value: str) -> Any:
    try:
        if tag == _INT_TAG:
            return _int(value.strip())
        if tag == _FLOAT_TAG:
            return float(value)
        if tag == _BOOL_TAG:
            return value.strip().lower() == "true"
        if tag == _NULL_TAG:
            return None
        if tag == _TIMESTAMP_TAG:
            return dt.date.fromisoformat(value.strip())
    except ValueError:
        return value
    return value


def _expanded_size(value: Any, memo: dict[int, int]) -> int:
    if not isinstance(value, dict | list):
        return 1
    key = id(value)
    if key in memo:
        return memo[key]
    items = value.values() if isinstance(value, dict) else value
    size = 1 + sum(_expanded_size(item, memo) for item in items) + (len(value) if isinstance(value, dict) else 0)
    memo[key] = size
    return size


def _distinct_size(value: Any, seen: set[int]) -> int:
    if not isinstance(value, dict | list) or id(value) in seen:
        return 1
    seen.add(id(value))
    items = value.values() if isinstance(value, dict) else value
    return 1 + sum(_distinct_size(item, seen) for item in items) + (len(value) if isinstance(value, dict) else 0)


def parse_yaml(text: str) -> ParsedYaml:
    """Parse one YAML document with the C parser into data and positions, or raise YamlInputError."""
    if _only_comments(text):
        raise YamlInputError("empty-file", _EMPTY_MESSAGE)
    parser = CParser(text) if CParser is not None else _pure_parser(text)
    try:
        event = parser.get_event()  # stream start
        event = parser.get_event()
        if type(event) is StreamEndEvent:
            raise YamlInputError("empty-file", _EMPTY_MESSAGE)
        if type(event) is DocumentStartEvent:
            event = parser.get_event()
        builder = _Builder(parser)
        line, column = _mark(event)
        data, positions = builder.value(event)
        end = parser.get_event()
        if type(end) is DocumentEndEvent:
            end = parser.get_event()
        if type(end) is not StreamEndEvent:
            raise YamlInputError("yaml-syntax", "a file holds one YAML document: remove the second `---`", *_mark(end))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        problem = exc.problem or "invalid YAML"
        if "\t" in text and "cannot start any token" in problem:
            problem = "a tab character cannot indent YAML: use spaces"
        context = f" {exc.context}" if exc.context else ""
        raise YamlInputError("yaml-syntax", f"{problem}{context}".strip(), *where) from None
    except YAMLError as exc:
        raise YamlInputError("yaml-syntax", str(exc).splitlines()[0] if str(exc) else "invalid YAML") from None
    except (ValueError, UnicodeError) as exc:
        raise YamlInputError("yaml-syntax", f"cannot be parsed: {exc}") from None
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose is not None:
            dispose()
    if data is None and positions is None and not builder.anchors:
        raise YamlInputError("empty-file", _EMPTY_MESSAGE)
    if builder.aliased:
        expanded = _expanded_size(data, {})
        distinct = _distinct_size(data, set())
        if expanded > ALIAS_EXPANSION_MIN and expanded > ALIAS_EXPANSION_RATIO * distinct:
            raise YamlInputError(
                "yaml-aliases", f"its aliases expand {distinct:,} values into {expanded:,}: refused as an alias bomb"
            )
    return ParsedYaml(data, positions, line, column, builder.findings)


def _pure_parser(text: str) -> Any:
    from ruamel.yaml import YAML

    events = iter(YAML(typ="safe", pure=True).parse(text))

    class _Events:
        def get_event(self) -> Any:
            return next(events)

    return _Events()


def _only_comments(text: str) -> bool:
    return all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines())


def locate(document: ParsedYaml, path: Sequence[str | int], at_key: bool = False) -> tuple[int, int]:
    """Return the 1-based (line, column) of the key or value at path, or of its nearest existing parent."""
    where = (document.line, document.column)
    key_where: tuple[int, int] | None = None
    positions = document.positions
    for part in path:
        if isinstance(positions, dict) and isinstance(part, str) and part in positions:
            key_line, key_column, line, column, positions = positions[part]
            key_where, where = (key_line, key_column), (line, column)
        elif isinstance(positions, list) and isinstance(part, int) and 0 <= part < len(positions):
            line, column, positions = positions[part]
            key_where, where = None, (line, column)
        else:
            if isinstance(positions, dict) and positions:
                first = next(iter(positions.values()))
                return first[0], first[1]
            return where
    if at_key and key_where is not None:
        return key_where
    return where
