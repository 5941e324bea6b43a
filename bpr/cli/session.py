"""What a run of bpr decides before any command starts: its language and whether it is quiet.

Both may be given anywhere before `--` (`bpr validate -q --lang en` as well as `bpr -q --lang en
validate`), so they are taken from the arguments before click parses them; the root command declares
them too, so that `bpr --help` lists them. The language must be known before the help is written,
which is why the help of every command and option is translated here, on the click tree of the run.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from bpr.i18n import _, normalise

_quiet = False


@dataclass(frozen=True)
class RunOptions:
    """The options of the whole run: a language (None: BPR_LANG or the default) and quiet."""

    language: str | None = None
    quiet: bool = False


def take_run_options(argv: list[str]) -> tuple[list[str], RunOptions]:
    """Return the arguments without --lang and -q/--quiet, and what they asked; UnknownLanguage for a bad one."""
    rest: list[str] = []
    language: str | None = None
    quiet = False
    items = iter(enumerate(argv))
    for index, arg in items:
        if arg == "--":
            rest.extend(argv[index:])
            break
        if arg == "--lang":
            value = next(items, (index, ""))[1]
            language = normalise(value)
        elif arg.startswith("--lang="):
            language = normalise(arg.partition("=")[2])
        elif arg in ("-q", "--quiet"):
            quiet = True
        else:
            rest.append(arg)
    return rest, RunOptions(language, quiet)


def set_quiet(quiet: bool) -> None:
    """Make this run quiet (print problems and errors only) or not."""
    global _quiet
    _quiet = quiet


def is_quiet() -> bool:
    """Tell whether this run prints problems and errors only (-q/--quiet)."""
    return _quiet


def _commands(command: Any) -> Iterator[Any]:
    yield command
    for child in getattr(command, "commands", {}).values():
        yield from _commands(child)


def translate_help(root: Any) -> None:
    """Put the help of every command and parameter of a click tree into the language of the run.

    The English help stays in `_bpr_msgid`, so that a second run in the same process (a test, an
    embedding program) translates from the message ids again, not from the first run's words.
    """
    for command in _commands(root):
        for owner, attribute in [(command, "help"), (command, "short_help"), (command, "epilog")] + [
            (param, "help") for param in command.params
        ]:
            key = f"_bpr_msgid_{attribute}"
            original = owner.__dict__.get(key, getattr(owner, attribute, None))
            if not original:
                continue
            owner.__dict__[key] = original
            setattr(owner, attribute, _(original))
