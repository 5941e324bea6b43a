"""What a rule receives and what it yields.

Nothing here imports pydantic or the models at run time (only their types, for the checkers): the cross-file
rules run on what `bpr validate` reads from the cache, which builds no model.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TypeVar

from bpr.i18n import N_, Phrase, phrase, say

if TYPE_CHECKING:
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


@dataclass(frozen=True, slots=True)
class Reference:
    """A file's name of another procedure, and where it is: an attachment's `procedure` or a step's `covers` entry."""

    path: PathKey  # ("procedures", i, "attachments", n, "procedure") or ("procedures", i, "steps", n, "covers", k)
    target: str
    attachment: str | None = None  # the attachment's name, when an attachment names the procedure
    step: str | None = None  # the step's id, when a step covers the procedure


def references_of(procedures: Iterable[tuple[int, Procedure]]) -> list[Reference]:
    """Return every name of another procedure that these procedures (with their index in the file) hold."""
    found: list[Reference] = []
    for index, procedure in procedures:
        for number, attachment in enumerate(procedure.attachments):
            if attachment.procedure is not None:
                path = ("procedures", index, "attachments", number, "procedure")
                found.append(Reference(path, attachment.procedure, attachment=attachment.name))
        for number, step in enumerate(procedure.steps):
            for position, target in enumerate(step.covers or []):
                found.append(
                    Reference(("procedures", index, "steps", number, "covers", position), target, step=step.id)
                )
    return found


class FileFacts(Protocol):
    """What a cross-file rule reads of each loaded file (`bpr/inventory/records.py`'s LoadedFile has it)."""

    @property
    def counter_id(self) -> str | None:
        """The id of the file's counter, when the counter is valid."""
        ...

    @property
    def references(self) -> list[Reference]:
        """Every name of another procedure in the file's valid procedures."""
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
