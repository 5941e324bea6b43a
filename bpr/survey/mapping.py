"""Which counter and section each procedure of the national survey goes to (`--mapping FILE`).

The shipped default (`default-mapping.yaml` beside this module, printed by `bpr import national
--show-mapping`) follows the sample inventory's organisation; a city passes its own. A mapping file
is checked as the config is: an unknown key or a wrong type is an error at its file, line and column.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StringConstraints, ValidationError

from bpr.config import ConfigError
from bpr.i18n import _
from bpr.inventory.enums import SLUG_PATTERN
from bpr.inventory.problem import Problem, Severity, YamlInputError, found
from bpr.inventory.pydantic_errors import findings_from_error
from bpr.inventory.sources import read_text
from bpr.inventory.yamlfile import ParsedYaml, locate, parse_yaml
from bpr.names import compared_name

Text = Annotated[str, StringConstraints(strict=True, min_length=1)]
DEFAULT_MAPPING = "default-mapping.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Rule(_Strict):
    """Criteria that must all match: 所管府省庁 exactly, or text within 法令名 or 手続名."""

    ministry: list[Text] = []
    law: list[Text] = []
    name: list[Text] = []

    def matches(self, ministry: str, law: str, name: str) -> bool:
        """Tell whether a survey row meets every criterion of the rule."""
        return (
            (not self.ministry or ministry in self.ministry)
            and (not self.law or any(text in law for text in self.law))
            and (not self.name or any(text in name for text in self.name))
        )


class NotHandledRule(Rule):
    """Procedures the city does not handle: imported with `handled: false` and this reason."""

    reason: Text


class PriorityItem(_Strict):
    """One item of the official list of national-priority procedures and the survey's names for it."""

    item: Text
    names: list[Text] = []


class CounterRule(_Strict):
    """A counter of the city and the rules that send procedures to it."""

    id: Annotated[str, StringConstraints(strict=True, pattern=SLUG_PATTERN)]
    name: Text
    section: Text
    department: Text | None = None
    when: list[Rule] = []


class Mapping(_Strict):
    """The counters in the order they are tried, and the names of the national-priority procedures."""

    counters: Annotated[list[CounterRule], Field(min_length=1)]
    # A plain string is an item whose one survey name is the string itself.
    national_priority: list[PriorityItem | Text] = []
    not_handled: list[NotHandledRule] = []
    _priority_by_name: dict[str, str] | None = PrivateAttr(default=None)

    def counter_for(self, ministry: str, law: str, name: str) -> CounterRule | None:
        """Return the first counter with a rule the row matches."""
        for counter in self.counters:
            if any(rule.matches(ministry, law, name) for rule in counter.when):
                return counter
        return None

    @property
    def priority_items(self) -> list[PriorityItem]:
        """Return the national-priority items, a plain string as an item named by itself."""
        return [
            PriorityItem(item=entry, names=[entry]) if isinstance(entry, str) else entry
            for entry in self.national_priority
        ]

    def priority_item(self, name: str) -> str | None:
        """Return the official item a procedure's whole name stands for, None when it is none of them."""
        if self._priority_by_name is None:
            # Built once per mapping, not once per survey row: the first item naming a key keeps it.
            index: dict[str, str] = {}
            for item in self.priority_items:
                for text in item.names:
                    index.setdefault(compared_name(text), item.item)
            self._priority_by_name = index
        return self._priority_by_name.get(compared_name(name))


def default_mapping_text() -> str:
    """Return the text of the shipped default mapping."""
    return resources.files("bpr.survey").joinpath(DEFAULT_MAPPING).read_text(encoding="utf-8")


_M = TypeVar("_M", bound=_Strict)


class NotHandledFile(_Strict):
    """A file of not-handled rules (`bpr import national --not-handled FILE`): the mapping's `not_handled` alone."""

    not_handled: list[NotHandledRule] = []


def load_not_handled(path: Path) -> list[NotHandledRule]:
    """Load a file of not-handled rules; raise ConfigError with positions."""
    loaded, _node = _load(path, str(path), NotHandledFile)
    return loaded.not_handled


def _load(path: Path | None, display: str, model: type[_M]) -> tuple[_M, ParsedYaml]:
    try:
        node = parse_yaml(read_text(path) if path is not None else default_mapping_text())
    except YamlInputError as exc:
        raise ConfigError([Problem(display, exc.line, exc.column, Severity.ERROR, exc.code, exc.message)]) from None
    problems = [Problem(display, f.line, f.column, Severity.ERROR, f.code, f.message) for f in node.findings]
    try:
        loaded = model.model_validate(node.data if node.data is not None else {})
    except ValidationError as exc:
        for code, finding in findings_from_error(exc, model, ()):
            line, column = locate(node, finding.path, finding.at_key)
            problems.append(found(display, line, column, Severity.ERROR, code, finding.message))
        raise ConfigError(sorted(problems)) from None
    if problems:
        raise ConfigError(sorted(problems))
    return loaded, node


def load_mapping(path: Path | None) -> Mapping:
    """Load a mapping file (None: the default); raise ConfigError with positions."""
    display = str(path) if path is not None else f"bpr/survey/{DEFAULT_MAPPING}"
    mapping, node = _load(path, display, Mapping)
    problems: list[Problem] = []
    ids = [counter.id for counter in mapping.counters]
    for index, counter_id in enumerate(ids):
        if counter_id in ids[:index]:
            line, column = locate(node, ("counters", index, "id"))
            problems.append(
                Problem(
                    display,
                    line,
                    column,
                    Severity.ERROR,
                    "duplicate-id",
                    _("counter '{counter}' is listed twice").format(counter=counter_id),
                )
            )
    if problems:
        raise ConfigError(sorted(problems))
    return mapping
