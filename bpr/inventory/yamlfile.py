"""Reading YAML through ruamel's C parser, keeping the position of every key and value."""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from ruamel.yaml.reader import ReaderError

from bpr.i18n import N_, _
from bpr.inventory.problem import YamlInputError  # defined apart from ruamel.yaml; importable from here too

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
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_CORE_PREFIX = "tag:yaml.org,2002:"
# The tags a scalar may carry: the YAML 1.2 core schema's, dates, and '!' (no tag). Any other tag
# (`!!binary`, `!!set`, `!foo`) names a type the format does not have, so it is a problem, not text.
_SCALAR_TAGS = frozenset({"!", _STR_TAG, _INT_TAG, _FLOAT_TAG, _BOOL_TAG, _NULL_TAG, _TIMESTAMP_TAG})

# Python refuses to turn an integer of more than 4,300 digits into text (or back), so a longer one
# is refused where it is written; every bound of the format is far lower.
MAX_INTEGER_DIGITS = 4300

# Characters YAML does not allow in a stream (c-printable of YAML 1.2), as libyaml refuses them.
_NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_EMPTY_MESSAGE = N_("is empty: an inventory file needs 'version', 'counter' and 'procedures'")

PathKey = tuple[str | int, ...]


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
    findings_dropped: int = 0  # findings past MAX_PARSE_FINDINGS, counted but not kept


# A file with a million duplicate keys built a million findings (658 MB, 35 s to print): past this many a
# file's parse findings are counted, not kept (issue 24, item 16).
MAX_PARSE_FINDINGS = 1000


class _FindingList(list[Finding]):
    """The parse findings of a file: the first MAX_PARSE_FINDINGS kept, the rest counted."""

    dropped = 0

    def append(self, finding: Finding) -> None:
        if len(self) < MAX_PARSE_FINDINGS:
            super().append(finding)
        else:
            self.dropped += 1


class ItemSink(Protocol):
    """Takes the items of one list of the root mapping as they are read, so that the list is never held whole."""

    key: str  # the root key whose list is handed over item by item

    def begin(self, root: dict[str, Any]) -> bool:
        """Tell whether to hand the list over, given the root keys read before it; False: build it as any value."""
        ...

    def item(self, index: int, value: Any, positions: Positions, line: int, column: int) -> None:
        """Take one item of the list, with its positions and its 1-based place."""
        ...


class StreamAbandonedError(Exception):
    """An alias in a file whose list was handed over: the alias checks need the whole document, so parse it whole."""


class _Builder:
    """Builds plain data straight from the C parser's events, keeping every position.

    Going from events to data skips ruamel's Python composer and node objects, which cost most of
    the time of reading a large inventory; aliases become shared references, checked for bombs.
    """

    def __init__(self, parser: Any, text: str) -> None:
        self.parser = parser
        self.text = text
        self.anchors: dict[str, tuple[Any, Positions]] = {}
        self.findings = _FindingList()
        self.aliased = False
        self._open: set[str] = set()
        self.streamed = False  # whether an ItemSink took a list's items: then an alias abandons the parse

    def value(self, event: Any, sink: ItemSink | None = None) -> tuple[Any, Positions]:
        kind = type(event)
        if kind is ScalarEvent:
            if event.tag is not None and event.tag not in _SCALAR_TAGS:
                self._unknown_tag(event, "value")
            result: tuple[Any, Positions] = (self._scalar(event), None)
        elif kind is MappingStartEvent:
            if event.tag not in (None, "!", _MAP_TAG):
                self._unknown_tag(event, "mapping")
            result = self._mapping(event, sink)
        elif kind is SequenceStartEvent:
            if event.tag not in (None, "!", _SEQ_TAG):
                self._unknown_tag(event, "list")
            result = self._sequence(event)
        elif kind is AliasEvent:
            return self._alias(event)
        else:
            raise YamlInputError("yaml-syntax", _("unexpected YAML structure"), *_mark(event))
        if event.anchor is not None:
            self.anchors[event.anchor] = result
        return result

    def _scalar(self, event: Any) -> Any:
        try:
            return _scalar(event)
        except _TagMismatchError as exc:
            line, column = self._tag_mark(event)
            self.findings.append(Finding(line, column, "yaml-syntax", str(exc)))
            return event.value
        except _TooLongError as exc:
            raise YamlInputError("invalid-value", str(exc), *_mark(event)) from None

    def _unknown_tag(self, event: Any, what: str) -> None:
        line, column = self._tag_mark(event)
        tag = _shown_tag(event.tag)
        if event.tag in _SCALAR_TAGS or event.tag in (_MAP_TAG, _SEQ_TAG):
            message = _(_MISPLACED_TAG[what]).format(tag=tag)
        else:
            message = _(
                "unknown tag '{tag}': an inventory holds text, numbers, true/false, dates, lists and "
                "mappings only; remove the tag (or quote the value to keep it as text)"
            ).format(tag=tag)
        self.findings.append(Finding(line, column, "yaml-syntax", message))

    def _tag_mark(self, event: Any) -> tuple[int, int]:
        """Return the 1-based position of a node's tag, which may follow its anchor."""
        mark = event.start_mark
        text, index = self.text, mark.index
        line, column = mark.line + 1, mark.column + 1
        if not 0 <= index < len(text) or text[index] not in "&!":
            return line, column
        if text[index] == "&":
            while index < len(text) and not text[index].isspace():
                index, column = index + 1, column + 1
            while index < len(text) and (text[index].isspace() or text[index] == "#"):
                if text[index] == "#":
                    while index < len(text) and text[index] != "\n":
                        index += 1
                    continue
                if text[index] == "\n":
                    line, column = line + 1, 0
                index, column = index + 1, column + 1
            if index >= len(text) or text[index] != "!":
                return mark.line + 1, mark.column + 1
        return line, column

    def _alias(self, event: Any) -> tuple[Any, Positions]:
        name = event.anchor
        if self.streamed:
            raise StreamAbandonedError(name)
        if name in self._open:
            message = _("alias '*{name}' refers to the node that contains it").format(name=name)
            raise YamlInputError("yaml-aliases", message, *_mark(event))
        if name not in self.anchors:
            message = _("alias '*{name}' names no anchor defined before it").format(name=name)
            raise YamlInputError("yaml-syntax", message, *_mark(event))
        self.aliased = True
        return self.anchors[name]

    def _mapping(self, start: Any, sink: ItemSink | None = None) -> tuple[dict[str, Any], Positions]:
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
                    Finding(line, column, "yaml-syntax", _("a key must be a plain word, not a list or mapping"))
                )
                self.value(key_event)
                self.value(get_event())
                continue
            key_line, key_column = _mark(key_event)
            value_event = get_event()
            key = key_event.value
            if sink is not None and key == sink.key and self._hands_over(key_event, value_event, positions, data, sink):
                value, value_positions = self._hand_over(value_event, sink)
            else:
                value, value_positions = self.value(value_event)
            if key == "<<" and (key_event.implicit[0] or key_event.tag == _MERGE_TAG):
                if not _merges_only_mappings(value):
                    self.findings.append(Finding(key_line, key_column, "yaml-syntax", _merge_message(value)))
                merged.extend(_merge_sources(value, value_positions))
                continue
            if key_event.tag not in (None, "!", _STR_TAG):
                self._unknown_tag(key_event, "key")
            if key in positions:
                message = _("key '{key}' appears twice in this mapping").format(key=key)
                self.findings.append(Finding(key_line, key_column, "duplicate-key", message))
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

    def _hands_over(
        self, key_event: Any, value_event: Any, positions: dict[str, Any], data: dict[str, Any], sink: ItemSink
    ) -> bool:
        """Tell whether the sink takes this list: the key's first time, a plain key, a list with no anchor, no alias yet."""
        return (
            key_event.value not in positions
            and key_event.tag is None
            and type(value_event) is SequenceStartEvent
            and value_event.anchor is None
            and not self.aliased
            and sink.begin(data)
        )

    def _hand_over(self, start: Any, sink: ItemSink) -> tuple[list[Any], Positions]:
        """Give the sink each item of a list as it is read; the list left in the data is empty."""
        if start.tag not in (None, "!", _SEQ_TAG):
            self._unknown_tag(start, "list")
        self.streamed = True
        get_event = self.parser.get_event
        index = 0
        while True:
            event = get_event()
            if type(event) is SequenceEndEvent:
                break
            line, column = _mark(event)
            value, positions = self.value(event)
            sink.item(index, value, positions, line, column)
            index += 1
        return [], []

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
    """Return the mappings a merge key `<<` takes fields from: its value, or the mappings of its list."""
    if isinstance(value, dict):
        return [(value, positions)]
    if isinstance(value, list) and isinstance(positions, list):
        return [(item, pos[2]) for item, pos in zip(value, positions, strict=False) if isinstance(item, dict)]
    return []


def _merges_only_mappings(value: Any) -> bool:
    return isinstance(value, dict) or (isinstance(value, list) and all(isinstance(item, dict) for item in value))


def _merge_message(value: Any) -> str:
    if isinstance(value, list):
        number, item = next((n, item) for n, item in enumerate(value, 1) if not isinstance(item, dict))
        return _(
            "the merge key '<<' takes a mapping or a list of mappings (such as '<<: *defaults'), "
            "item {number} of its list is {value}"
        ).format(number=number, value=_shown_value(item))
    return _("the merge key '<<' takes a mapping or a list of mappings (such as '<<: *defaults'), not {value}").format(
        value=_shown_value(value)
    )


def _shown_value(value: Any) -> str:
    if value is None:
        return _("empty")
    if isinstance(value, list):
        return _("a list of other values")
    if isinstance(value, str):
        return _("the text {text}").format(text=repr(value[:40]))
    text = repr(value) if not isinstance(value, int) or value.bit_length() < 200 else _("a long number")
    return text[:40]


def _shown_tag(tag: str) -> str:
    return "!!" + tag[len(_CORE_PREFIX) :] if tag.startswith(_CORE_PREFIX) else tag


# Where a tag of the core schema may not stand, by the kind of node it marks.
_MISPLACED_TAG = {
    "value": N_("the tag '{tag}' cannot mark a value: remove it"),
    "mapping": N_("the tag '{tag}' cannot mark a mapping: remove it"),
    "list": N_("the tag '{tag}' cannot mark a list: remove it"),
    "key": N_("the tag '{tag}' cannot mark a key: remove it"),
}


class _TagMismatchError(ValueError):
    """A scalar whose text is not of the type its core-schema tag names."""


class _TooLongError(ValueError):
    """An integer too long to read."""


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
    limit = _integer_digits_limit()
    number: int | None = None
    if digits.startswith("0o"):
        number = int(digits[2:], 8)
    elif digits.startswith("0x"):
        number = int(digits[2:], 16)
    elif len(digits) <= limit:
        number = int(digits)
    if number is None or number >= _ten_to_the(limit):
        raise _TooLongError(
            _(
                "a whole number of {length} characters is too long to read: bpr reads at most "
                "{limit} digits, and every bound of the format is far lower"
            ).format(length=f"{len(value):,}", limit=f"{limit:,}")
        )
    return sign * number


@functools.lru_cache(maxsize=4)
def _ten_to_the(digits: int) -> int:
    """Return 10**digits, made once: it is thousands of digits long, and every integer of a file is compared to it."""
    return int(10**digits)


def _integer_digits_limit() -> int:
    # PYTHONINTMAXSTRDIGITS may set Python's own limit lower than ours (never below 640).
    return min(MAX_INTEGER_DIGITS, sys.get_int_max_str_digits() or MAX_INTEGER_DIGITS)


def _tagged(tag: str, value: str) -> Any:
    """Resolve a scalar that carries a core-schema tag, or raise _TagMismatchError when its text is not of that type."""
    text = value.strip()
    if tag == _INT_TAG and _INT_RE.match(text):
        return _int(text)
    if tag == _FLOAT_TAG:
        if _INT_RE.match(text) and not text.lstrip("+-").startswith(("0x", "0o")):
            return float(text)
        if _FLOAT_RE.match(text):
            return float(text)
        if text.lower() in _SPECIAL_FLOATS:
            return _SPECIAL_FLOATS[text.lower()]
    if tag == _BOOL_TAG:
        if text in _TRUES:
            return True
        if text in _FALSES:
            return False
    if tag == _NULL_TAG and text in _NULLS:
        return None
    if tag == _TIMESTAMP_TAG and _DATE_RE.match(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    if tag not in _SCALAR_TAGS:
        return value
    raise _TagMismatchError(_(_TAG_MISMATCH[tag]).format(value=value[:40], tag=_shown_tag(tag)))


_TAG_MISMATCH = {
    _INT_TAG: N_("'{value}' is not a whole number, as its tag '{tag}' says"),
    _FLOAT_TAG: N_("'{value}' is not a number, as its tag '{tag}' says"),
    _BOOL_TAG: N_("'{value}' is not a boolean (true or false), as its tag '{tag}' says"),
    _NULL_TAG: N_("'{value}' is not a null, as its tag '{tag}' says"),
    _TIMESTAMP_TAG: N_("'{value}' is not a date (YYYY-MM-DD), as its tag '{tag}' says"),
}


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


def parse_yaml(text: str, sink: ItemSink | None = None) -> ParsedYaml:
    """Parse one YAML document with the C parser into data and positions, or raise YamlInputError.

    With a sink, the list of the root's `sink.key` goes to the sink item by item when the sink begins it
    (the data then holds an empty list there); an alias met after that raises StreamAbandonedError.
    """
    if _only_comments(text):
        raise YamlInputError("empty-file", _(_EMPTY_MESSAGE))
    if CParser is None:
        parser = _pure_parser(text)
    else:
        # Given the text whole, the C parser first copies all of it to UTF-8; read in chunks, it holds one chunk.
        parser = CParser(_TextChunks(text)) if sink is not None else CParser(text)
    try:
        event = parser.get_event()  # stream start
        event = parser.get_event()
        if type(event) is StreamEndEvent:
            raise YamlInputError("empty-file", _(_EMPTY_MESSAGE))
        if type(event) is DocumentStartEvent:
            event = parser.get_event()
        builder = _Builder(parser, text)
        line, column = _mark(event)
        data, positions = builder.value(event, sink)
        end = parser.get_event()
        if type(end) is DocumentEndEvent:
            end = parser.get_event()
        if type(end) is not StreamEndEvent:
            message = _("a file holds one YAML document: remove the second `---`")
            raise YamlInputError("yaml-syntax", message, *_mark(end))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        raise YamlInputError("yaml-syntax", _syntax_message(text, exc.problem, exc.context), *where) from None
    except ReaderError:
        raise _unacceptable_character(text) from None
    except YAMLError as exc:
        raise YamlInputError("yaml-syntax", str(exc).splitlines()[0] if str(exc) else _("invalid YAML")) from None
    except (ValueError, UnicodeError) as exc:
        raise YamlInputError("yaml-syntax", _("cannot be parsed: {error}").format(error=exc)) from None
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose is not None:
            dispose()
    if data is None and positions is None and not builder.anchors:
        raise YamlInputError("empty-file", _(_EMPTY_MESSAGE))
    if builder.aliased:
        expanded = _expanded_size(data, {})
        distinct = _distinct_size(data, set())
        if expanded > ALIAS_EXPANSION_MIN and expanded > ALIAS_EXPANSION_RATIO * distinct:
            message = _("its aliases expand {distinct} values into {expanded}: refused as an alias bomb")
            raise YamlInputError("yaml-aliases", message.format(distinct=f"{distinct:,}", expanded=f"{expanded:,}"))
    return ParsedYaml(data, positions, line, column, list(builder.findings), builder.findings.dropped)


def _unacceptable_character(text: str) -> YamlInputError:
    """Return the problem of the first character YAML does not allow, at its own position."""
    found = _NOT_PRINTABLE.search(text)
    if found is None:
        return YamlInputError("yaml-syntax", _("the file holds a character that YAML does not allow"))
    index = found.start()
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    code = ord(found.group())
    name = _CHARACTER_NAMES.get(code, _CONTROL_CHARACTER if code < 0xA0 else _NO_TEXT)
    message = _("{character} ({name}) is not allowed in YAML and is invisible in most editors: delete it")
    return YamlInputError("yaml-syntax", message.format(character=f"U+{code:04X}", name=_(name)), line, column)


_CONTROL_CHARACTER = N_("a control character")
_NO_TEXT = N_("a character that is no text")
_CHARACTER_NAMES = {
    0x7F: N_("DEL, a control character"),
    0xFFFE: N_("a noncharacter"),
    0xFFFF: N_("a noncharacter"),
}


def _syntax_message(text: str, problem: str | None, context: str | None) -> str:
    """Return what the YAML parser found wrong, and while reading what, in the language of the run."""
    if "\t" in text and problem is not None and "cannot start any token" in problem:
        problem = N_("a tab character cannot indent YAML: use spaces")
    # The parser's own words (libyaml's, listed below) are message ids; others stay as the parser says them.
    said = _(problem) if problem else _("invalid YAML")
    if not context:
        return said
    return _("{problem} {context}").format(problem=said, context=_(context))


# What libyaml (ruamel.yaml.clib) says of a file it cannot parse: its problems and their contexts, marked
# for the catalog so that `_syntax_message` can say them in the language of the run.
_PARSER_WORDS = (
    N_("mapping values are not allowed in this context"),
    N_("block sequence entries are not allowed in this context"),
    N_("could not find expected ':'"),
    N_("did not find expected key"),
    N_("did not find expected node content"),
    N_("did not find expected '-' indicator"),
    N_("did not find expected ',' or '}'"),
    N_("did not find expected ',' or ']'"),
    N_("did not find expected <document start>"),
    N_("did not find expected comment or line break"),
    N_("did not find expected whitespace or line break"),
    N_("did not find expected alphabetic or numeric character"),
    N_("did not find expected hexdecimal number"),
    N_("did not find the expected '>'"),
    N_("did not find expected tag URI"),
    N_("did not find expected '!'"),
    N_("did not find URI escaped octet"),
    N_("found character that cannot start any token"),
    N_("found a tab character that violates indentation"),
    N_("found a tab character where an indentation space is expected"),
    N_("found unexpected end of stream"),
    N_("found unexpected ':'"),
    N_("found unexpected document indicator"),
    N_("found unknown escape character"),
    N_("found undefined tag handle"),
    N_("found undefined alias"),
    N_("found duplicate anchor; first occurrence"),
    N_("found an indentation indicator equal to 0"),
    N_("found invalid Unicode character escape code"),
    N_("found unknown directive name"),
    N_("found duplicate %YAML directive"),
    N_("found duplicate %TAG directive"),
    N_("found incompatible YAML document"),
    N_("control characters are not allowed"),
    N_("could not find expected directive name"),
    N_("did not find expected digit or '.' character"),
    N_("did not find expected version number"),
    N_("did not find expected whitespace"),
    N_("found extremely long version number"),
    N_("duplicate %TAG directive"),
    N_("incompatible %YAML directive"),
    N_("while scanning a plain scalar"),
    N_("while scanning a quoted scalar"),
    N_("while scanning a block scalar"),
    N_("while scanning a simple key"),
    N_("while scanning an anchor"),
    N_("while scanning an alias"),
    N_("while scanning a tag"),
    N_("while scanning a directive"),
    N_("while scanning for the next token"),
    N_("while parsing a block mapping"),
    N_("while parsing a block collection"),
    N_("while parsing a block node"),
    N_("while parsing a flow mapping"),
    N_("while parsing a flow sequence"),
    N_("while parsing a flow node"),
    N_("while parsing a node"),
    N_("while parsing a tag"),
    N_("while parsing a quoted scalar"),
    N_("while parsing a tag directive"),
    N_("while parsing a %TAG directive"),
    N_("while scanning a tag directive"),
    N_("while scanning a %TAG directive"),
    N_("while scanning a %YAML directive"),
)


def _pure_parser(text: str) -> Any:
    from ruamel.yaml import YAML

    events = iter(YAML(typ="safe", pure=True).parse(text))

    class _Events:
        def get_event(self) -> Any:
            return next(events)

    return _Events()


class _TextChunks:
    """A text read as a file, a slice at a time (the C parser reads any object with `read`)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.offset = 0

    def read(self, size: int) -> str:
        chunk = self.text[self.offset : self.offset + size]
        self.offset += len(chunk)
        return chunk


# The line breaks of str.splitlines, and whitespace that breaks no line.
_LINE_BREAKS = "\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029"
# The start of a line's first character that is neither whitespace nor '#': a line that is no comment.
_CONTENT_LINE = re.compile(rf"(?:\A|[{_LINE_BREAKS}])[^\S{_LINE_BREAKS}]*[^\s#]")


def _only_comments(text: str) -> bool:
    """Tell whether every line of the text is blank or a comment (no list of its lines: a file may be huge)."""
    return _CONTENT_LINE.search(text) is None


def locate(document: ParsedYaml, path: Sequence[str | int], at_key: bool = False) -> tuple[int, int]:
    """Return the 1-based (line, column) of the key or value at path, or of its nearest existing parent."""
    return locate_in(document.positions, (document.line, document.column), path, at_key)


def locate_in(
    positions: Positions, where: tuple[int, int], path: Sequence[str | int], at_key: bool = False
) -> tuple[int, int]:
    """Return what `locate` does, from a value at `where` whose positions are these (an item of a list, say)."""
    key_where: tuple[int, int] | None = None
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
