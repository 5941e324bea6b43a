"""placeholder: text still holds the template's 〇〇 (or ○○), which `bpr new` writes for the facts to fill in.

Such a procedure is reported, not dropped: it stays in the scores and the roadmap as written (a 〇〇 left in
`legal_basis` or an `issues` line says nothing of its cases), as a skeleton flow does. The starter procedure of
`bpr new` is out of the roadmap anyway until its real volume is written: the template's `annual_volume` is 0.

Passes: ``name: 住民票の写しの交付``. Warns: ``name: 〇〇の申請``, ``system: 〇〇システム``, ``section: 〇〇課``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from typing import TYPE_CHECKING

from bpr.i18n import N_, Named, phrase
from bpr.inventory.problem import Severity
from bpr.inventory.rules.base import PathKey, ProcedureContext, RuleFinding

if TYPE_CHECKING:
    from bpr.inventory.models import Counter

CODE = "placeholder"
SEVERITY = Severity.WARNING  # the default; `validate.severity` in the config may raise or drop a warning
MEANING = "text still holds a placeholder of the template (〇〇)"
TITLE = N_("placeholder left")  # heads the warning in 課題一覧 and the report

# The template's 〇〇 (U+3007, 漢数字のゼロ) and the ○○ (U+25CB) people type for it.
PLACEHOLDERS = ("〇〇", "○○")
# What the message quotes of a long text: enough to find it.
QUOTED = 40


def holds_placeholder(text: str) -> bool:
    """Tell whether a text still holds a placeholder."""
    return any(mark in text for mark in PLACEHOLDERS)


def texts(value: object, path: PathKey = ()) -> Iterator[tuple[PathKey, str]]:
    """Yield every text a model holds as written in the file (fields set, lists, mappings), with its path."""
    from pydantic import BaseModel  # here, not at the top: the rules' registry is read without pydantic

    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            if name in value.model_fields_set:
                yield from texts(getattr(value, name), (*path, name))
    elif isinstance(value, str) and not isinstance(value, enum.Enum):
        yield path, value
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from texts(item, (*path, index))
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                yield from texts(item, (*path, key))


def field_name(path: PathKey) -> str:
    """Return a path as the YAML reads: steps[2].system, issues[0]."""
    shown = ""
    for part in path:
        shown += f"[{part}]" if isinstance(part, int) else f".{part}" if shown else part
    return shown


def _quoted(text: str) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= QUOTED else one_line[: QUOTED - 1] + "…"


def applies_to_file(file_text: str) -> bool:
    """Tell whether a file's text may hold a placeholder in some value: it has one, or an escape that could write one.

    The checker asks once per file and runs `check_procedure` on the procedures of the files that may: walking
    every text of every procedure cost a cold load a sixth of its time, and most files hold no 〇〇 at all.
    """
    return holds_placeholder(file_text) or "\\" in file_text


def check_procedure(ctx: ProcedureContext) -> Iterator[RuleFinding]:
    """Yield each text of the procedure that still holds a placeholder."""
    for path, text in texts(ctx.procedure):
        if holds_placeholder(text):
            yield RuleFinding(
                path,
                phrase(
                    N_("procedure {procedure}: {field} still reads '{text}': replace the placeholder with the facts"),
                    procedure=Named(ctx.procedure.id, ctx.procedure.name),
                    field=field_name(path),
                    text=_quoted(text),
                ),
            )


def check_counter(counter: Counter) -> Iterator[RuleFinding]:
    """Yield each text of the file's counter that still holds a placeholder (`bpr new`'s 〇〇課 窓口)."""
    for path, text in texts(counter, ("counter",)):
        if holds_placeholder(text):
            message = phrase(
                N_("counter field {field} still reads '{text}': replace the placeholder with the facts"),
                field=field_name(path[1:]),
                text=_quoted(text),
            )
            yield RuleFinding(path, message)
