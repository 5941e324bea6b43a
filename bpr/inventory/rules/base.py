"""What a rule receives and what it yields."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from bpr.i18n import N_, Phrase, phrase, say
from bpr.inventory.flow import Flow
from bpr.inventory.models import Counter, Procedure

PathKey = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class RuleFinding:
    """A finding at a path inside a file (a procedure's path for procedure rules)."""

    path: PathKey
    message: str | Phrase  # a rule's finding is a Phrase; a schema error is text in the run's language
    at_key: bool = False
    # The field a missing-field finding is about (its path is the mapping that lacks it): the message is
    # in the language of the run, so whoever needs the field's name reads it here, not in the message.
    field: str | None = None


@dataclass(frozen=True, slots=True)
class ProcedureContext:
    """A valid procedure, its flow and its counter (None when the counter has errors), as a rule sees them."""

    procedure: Procedure
    flow: Flow
    counter: Counter | None = None
    # The text of the whole file, when the rule may skip what the text cannot hold (None: unknown, check all).
    file_text: str | None = None


class FileFacts(Protocol):
    """What a cross-file rule reads of each loaded file (`bpr/inventory/records.py`'s LoadedFile has it)."""

    @property
    def counter(self) -> Counter | None:
        """The file's counter, when valid."""
        ...

    @property
    def procedures(self) -> list[tuple[int, Procedure]]:
        """The file's valid procedures, with their index in the file."""
        ...

    @property
    def declared_ids(self) -> dict[int, str]:
        """Every procedure id the file declares, by index, valid or not."""
        ...

    def where(self, path: PathKey) -> str:
        """Return 'FILE:LINE:COL' of a recorded path."""
        ...


# A cross-file rule yields each finding with the file it is about, of whatever type it was given.
LoadedT = TypeVar("LoadedT", bound=FileFacts)


def suggestion(word: str, candidates: Iterable[str]) -> Phrase | str:
    """Return the phrase " (did you mean 'x'?)" for the closest candidate, or ""."""
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return phrase(N_(" (did you mean '{match}'?)"), match=matches[0]) if matches else ""


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """Return " (did you mean 'x'?)" for the closest candidate, or "", in the run's language."""
    return say(suggestion(word, candidates))
