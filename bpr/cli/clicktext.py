"""Click's and Typer's own words (usage line, headings, usage errors) in the language of the run.

Typer ships its own copy of click, whose texts are English literals ("Usage: ", "Error: …", "No such
option: …"), and a few texts of Typer itself go through the standard library's `gettext` ("Options",
"Commands", "required"). A run in Japanese must not end in an English error, so `speak_the_run_language`
points those at bpr's catalog once per process: Typer's `_`, the usage prefix, the `--help` option's
help, and the way a usage error is shown, whose message is said again from a table of the forms click
and Typer produce. A form the table does not know keeps click's English words: the table is checked
against the real errors of bpr's commands in tests/test_language.py.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import IO, Any

from bpr.i18n import N_, _

# Typer's own texts, which it says through `gettext` and `speak_the_run_language` points at bpr's catalog:
# marked here so that the catalog holds them.
TYPER_TEXTS = (
    N_("Arguments"),
    N_("Options"),
    N_("Commands"),
    N_("default: {default}"),
    N_("required"),
    N_("env var: {var}"),
    N_("(dynamic)"),
    N_("Aborted!"),
    N_("Missing command."),
    N_("No such command {name!r}."),
)

_Say = Callable[[re.Match[str]], str]


def _detail(text: str) -> str:
    """Return the reason of an 'Invalid value' error (the type's own words) in the run's language."""
    for pattern, say in _DETAILS:
        match = pattern.fullmatch(text)
        if match:
            return say(match)
    return text


def _field(match: re.Match[str], name: str) -> str:
    return match.group(name) or ""


_DETAILS: list[tuple[re.Pattern[str], _Say]] = [
    (
        re.compile(r"'(?P<value>.*)' is not one of (?P<choices>.+)"),
        lambda m: _("'{value}' is not one of {choices}").format(value=m["value"], choices=m["choices"]),
    ),
    (
        re.compile(r"Input should be a valid integer, unable to parse string as an integer"),
        lambda m: _("Input should be a whole number"),
    ),
    (
        re.compile(r"Input should be a valid number, unable to parse string as a number"),
        lambda m: _("Input should be a number"),
    ),
    (
        re.compile(r"Input should be greater than or equal to (?P<limit>.+)"),
        lambda m: _("Input should be at least {limit}").format(limit=m["limit"]),
    ),
    (
        re.compile(r"Input should be less than or equal to (?P<limit>.+)"),
        lambda m: _("Input should be at most {limit}").format(limit=m["limit"]),
    ),
    (
        re.compile(r"Input should be greater than (?P<limit>.+)"),
        lambda m: _("Input should be more than {limit}").format(limit=m["limit"]),
    ),
    (
        re.compile(r"Input should be less than (?P<limit>.+)"),
        lambda m: _("Input should be less than {limit}").format(limit=m["limit"]),
    ),
]

_MESSAGES: list[tuple[re.Pattern[str], _Say]] = [
    (
        re.compile(r"No such option: (?P<name>\S+) \(Possible options: (?P<options>.+)\)", re.S),
        lambda m: _("No such option: {name} (did you mean: {options})").format(name=m["name"], options=m["options"]),
    ),
    (
        re.compile(r"No such option: (?P<name>.+)", re.S),
        lambda m: _("No such option: {name}").format(name=m["name"]),
    ),
    (
        re.compile(r"Missing argument (?P<name>.+)\.", re.S),
        lambda m: _("Missing argument {name}.").format(name=m["name"]),
    ),
    (
        re.compile(r"Missing option (?P<name>.+?)\.(?: (?P<more>.*))?", re.S),
        lambda m: _("Missing option {name}.").format(name=m["name"]) + (" " + _choices(m["more"]) if m["more"] else ""),
    ),
    (
        re.compile(r"Got unexpected extra argument(?:s|\(s\))? \((?P<args>.*)\)", re.S),
        lambda m: _("Unexpected extra arguments: {args}").format(args=m["args"]),
    ),
    (
        re.compile(r"Option (?P<name>'.+') requires an argument\.", re.S),
        lambda m: _("Option {name} needs a value.").format(name=m["name"]),
    ),
    (
        re.compile(r"Option (?P<name>'.+') requires (?P<count>\d+) arguments\.", re.S),
        lambda m: _("Option {name} needs {count} values.").format(name=m["name"], count=m["count"]),
    ),
    (
        re.compile(r"Option (?P<name>'.+') does not take a value\.", re.S),
        lambda m: _("Option {name} takes no value.").format(name=m["name"]),
    ),
    (
        re.compile(r"Invalid value for (?P<hint>.+?): (?P<detail>.*)", re.S),
        lambda m: _("Invalid value for {option}: {reason}").format(option=m["hint"], reason=_detail(m["detail"])),
    ),
]


def _choices(text: str) -> str:
    match = re.fullmatch(r"Choose from:\s*(?P<choices>.*)", text, re.S)
    if not match:
        return text
    choices = ", ".join(part.strip() for part in match["choices"].split(",") if part.strip())
    return _("Choose from: {choices}").format(choices=choices)


def say_usage_error(message: str) -> str:
    """Return a usage error of click or Typer in the language of the run (unknown forms as they are)."""
    for pattern, say in _MESSAGES:
        match = pattern.fullmatch(message)
        if match:
            return say(match)
    return message


def _show_error(self: Any, file: IO[Any] | None = None) -> None:
    from typer._click.utils import echo

    echo(_("Error: {message}").format(message=say_usage_error(self.format_message())), file=_stderr(file))


def _show_usage_error(self: Any, file: IO[Any] | None = None) -> None:
    from typer._click.utils import echo

    stream = _stderr(file)
    color = None
    if self.ctx is not None:
        color = self.ctx.color
        hint = ""
        if self.ctx.command.get_help_option(self.ctx) is not None:
            hint = (
                _("Try '{command} {option}' for help.").format(
                    command=self.ctx.command_path, option=self.ctx.help_option_names[0]
                )
                + "\n"
            )
        echo(f"{self.ctx.get_usage()}\n{hint}", file=stream, color=color)
    echo(_("Error: {message}").format(message=say_usage_error(self.format_message())), file=stream, color=color)


def _stderr(file: IO[Any] | None) -> IO[Any]:
    if file is not None:
        return file
    from typer._click._compat import get_text_stderr

    return get_text_stderr()


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _join(lines: list[str]) -> str:
    """Join the lines of a paragraph: a space between Latin words, none between Japanese characters."""
    text = ""
    for line in (line.strip() for line in lines):
        if text and line and not (_wide(text[-1]) and _wide(line[0])):
            text += " "
        text += line
    return text


def wrap_text(
    text: str, width: int = 78, initial_indent: str = "", subsequent_indent: str = "", preserve_paragraphs: bool = False
) -> str:
    """Wrap help text as click does, measuring Japanese characters as two columns and breaking by 禁則.

    Click counts characters and breaks only at spaces, so a Japanese help line ran past the terminal's
    width; paragraphs (and the `\\b` blocks that must not be rewrapped) are kept as click keeps them.
    """
    if not any(_wide(ch) for ch in text):
        return _click_wrap_text(text, width, initial_indent, subsequent_indent, preserve_paragraphs)
    from bpr.linebreak import wrap

    paragraphs: list[tuple[bool, list[str]]] = []
    for block in re.split(r"\n[ \t]*\n", text.expandtabs()) if preserve_paragraphs else [text.expandtabs()]:
        lines = [line for line in block.split("\n") if line.strip()]
        if lines:
            raw = lines[0].strip() == "\b"
            paragraphs.append((raw, lines[1:] if raw else lines))
    out: list[str] = []
    for raw, lines in paragraphs:
        if raw:
            out.append("\n".join(initial_indent + line for line in lines))
            continue
        # `wrap` lets a closing bracket or 。 hang up to two columns past the width (ぶら下げ): leave room.
        wrapped = wrap(_join(lines), max(width - len(subsequent_indent) - 2, 8), max_lines=1_000_000)
        out.append(
            "\n".join((initial_indent if i == 0 else subsequent_indent) + line for i, line in enumerate(wrapped))
        )
    return "\n\n".join(out)


def term_len(x: str) -> int:
    """Return the columns text takes at a terminal (Japanese characters two), without ANSI styles."""
    from typer._click._compat import strip_ansi

    return sum(2 if _wide(ch) else 1 for ch in strip_ansi(x))


_click_wrap_text: Callable[..., str]
_done = False


def speak_the_run_language() -> None:
    """Point Typer's and click's own texts at bpr's catalog (once per process; the language is read per call)."""
    global _done
    if _done:
        return
    _done = True
    from typer import core
    from typer._click import core as click_core
    from typer._click import exceptions, formatting

    core._ = _  # type: ignore[attr-defined]  # Typer's "Options", "Commands", "required", "Aborted!" …

    write_usage = formatting.HelpFormatter.write_usage

    def translated_usage(self: formatting.HelpFormatter, prog: str, args: str = "", prefix: str | None = None) -> None:
        write_usage(self, prog, args, _("Usage: ") if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = translated_usage  # type: ignore[method-assign]
    global _click_wrap_text
    _click_wrap_text = formatting.wrap_text
    formatting.wrap_text = wrap_text
    formatting.term_len = term_len  # type: ignore[attr-defined]

    get_help_option = click_core.Command.get_help_option

    def translated_help_option(self: click_core.Command, ctx: click_core.Context) -> Any:
        option = get_help_option(self, ctx)
        if option is not None:
            option.help = _("Show this message and exit.")
        return option

    click_core.Command.get_help_option = translated_help_option  # type: ignore[method-assign]
    exceptions.ClickException.show = _show_error  # type: ignore[method-assign]
    exceptions.UsageError.show = _show_usage_error  # type: ignore[method-assign]
