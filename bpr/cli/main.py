"""The `bpr` command. Each subcommand lives in bpr/cli/<name>.py and is registered here in one line.

Command modules import heavy libraries (networkx, openpyxl) inside their functions, never at
module top, so that `bpr --help` and `bpr validate` stay quick.

Every run goes through `BprGroup`: its output never fails on the console's encoding, and an unexpected
exception (a bug) exits 3 with one line, the traceback only under `--debug` or BPR_DEBUG=1.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from bpr import __version__
from bpr.cli import (
    EXIT_READER_GONE,
    EXIT_USAGE,
    debug_requested,
    reader_gone,
    report_internal_error,
    silence_stdout,
    stdout_reader_gone,
    stop_for_gone_reader,
    use_safe_streams,
)
from bpr.cli.clicktext import speak_the_run_language
from bpr.cli.session import set_quiet, take_run_options, translate_help
from bpr.i18n import LANGUAGES, N_, UnknownLanguage, _, language_from_environment, set_language

# What Typer itself turns into an exit code: usage errors (2), typer.Exit, Ctrl-D and Ctrl-C.
_TYPER_EXITS = (typer.TyperException, typer.Exit, typer.Abort, EOFError)


class BprGroup(TyperGroup):
    """The `bpr` group: safe console streams, and exit 3 for what no command expected."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None, *rest: Any, **kwargs: Any) -> Any:
        """Run the command line in one language, with streams that replace what their encoding cannot show.

        `--lang` and `-q/--quiet` are taken from anywhere before `--` (`bpr validate --lang en` as well
        as `bpr --lang en validate`): the language must be known before the help is written.
        """
        use_safe_streams()
        argv = list(sys.argv[1:] if args is None else args)
        try:
            argv, options = take_run_options(argv)
        except UnknownLanguage as exc:
            set_language(language_from_environment())
            sys.stderr.write(
                _("bpr: --lang: unknown language {value!r} (one of: {choices})").format(
                    value=str(exc), choices=", ".join(LANGUAGES)
                )
                + "\n"
            )
            raise SystemExit(EXIT_USAGE) from None
        set_language(options.language or language_from_environment())
        set_quiet(options.quiet)
        speak_the_run_language()
        translate_help(self)
        direct = _direct_run(argv)
        try:
            if direct is not None:
                _run_direct(*direct)
            return super().main(argv, prog_name, *rest, **kwargs)
        except SystemExit as exc:
            # rich (a table's write) and click (the help's) catch a closed pipe themselves and exit 1; the
            # exception they were handling tells. Whatever the code, what is left to print goes now, not at exit.
            if exc.code not in (0, None) and _after_gone_reader(exc):
                silence_stdout()
                raise SystemExit(EXIT_READER_GONE) from None
            _flush_stdout()
            raise

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        """Find the subcommand; for a typo, Typer's suggestion said in the run's language (its own is English)."""
        try:
            return super().resolve_command(ctx, args)
        except typer.TyperException as exc:
            message = getattr(exc, "message", None)
            if isinstance(message, str) and _SUGGESTION in message:
                unknown, _sep, names = message.partition(_SUGGESTION)
                exc.message = f"{unknown.rstrip('.')}{_ended(unknown)} " + _("Did you mean {names}?").format(
                    names=names.removesuffix("?")
                )
            raise

    def invoke(self, ctx: Any) -> Any:
        """Run the subcommand; an exception that is not an exit is a bug: one line, exit 3."""
        return _guarded(lambda: super(BprGroup, self).invoke(ctx), bool(ctx.params.get("debug")))


def _guarded(run: Callable[[], Any], debug: bool) -> Any:
    """Return what a command returns; an exception that is not an exit is a bug: one line, exit 3."""
    try:
        return run()
    except _TYPER_EXITS:
        raise
    except OSError as exc:
        # The reader went away in the middle of the output (`bpr score | head -1`): as `emit` does. A broken
        # pipe that is not stdout's (a child process that died) is a failure like any other.
        if reader_gone(exc) and stdout_reader_gone():
            stop_for_gone_reader()
        report_internal_error(exc, debug_requested(debug))
    except Exception as exc:
        report_internal_error(exc, debug_requested(debug))


def _direct_run(argv: Sequence[str]) -> tuple[Callable[..., Any], dict[str, Any]] | None:
    """Return a command and its arguments when the command line is one bpr reads without click, else None.

    Only `bpr validate` with paths and flags (`bpr.cli.validate.direct_arguments`): the command a one-file
    pre-commit hook runs, whose start-up click's parser would make a third longer (it imports pydantic).
    """
    if command_named(argv) != "validate" or argv[:1] != ["validate"]:
        return None  # an option of the root command before it (--debug, --follow-links) goes through click
    from bpr.cli.validate import direct_arguments, validate

    arguments = direct_arguments(argv[1:])
    return None if arguments is None else (validate, arguments)


def _run_direct(command: Callable[..., Any], arguments: dict[str, Any]) -> NoReturn:
    """Run a command on arguments read without click, and exit as click's main (Typer's `_main`) would."""
    try:
        try:
            _guarded(lambda: command(**arguments), False)
        except EOFError as exc:
            sys.stderr.write("\n")
            raise typer.Abort() from exc
        except KeyboardInterrupt as exc:
            raise typer.Exit(130) from exc
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.stderr.write(_("Aborted!") + "\n")
        sys.exit(1)
    sys.exit(0)


# What Typer puts between "No such command 'x'" and the close names (typer.core.TyperGroup.resolve_command).
_SUGGESTION = ". Did you mean "


def _ended(sentence: str) -> str:
    """Return the full stop a sentence whose end Typer cut needs: none after Japanese 。, else '.'."""
    return "" if sentence.endswith("。") else "."


def _after_gone_reader(exc: BaseException) -> bool:
    """Tell whether an exit was made while handling a closed pipe (rich's and click's own handlers exit 1 then).

    Only the exception being handled counts: bpr's own exits (3 for a broken pipe that is not stdout's)
    carry the error they report further down the chain.
    """
    return exc.__context__ is not None and reader_gone(exc.__context__)


def _flush_stdout() -> None:
    """Write what stdout still buffers; a reader gone by now stops the run quietly instead of a message at exit."""
    try:
        sys.stdout.flush()
    except OSError as exc:
        if not reader_gone(exc):
            raise
        silence_stdout()
        raise SystemExit(EXIT_READER_GONE) from None
    except ValueError:  # a closed stream: nothing to write
        pass


_APP_SETTINGS: dict[str, Any] = {
    "name": "bpr",
    "cls": BprGroup,
    "help": N_("bpr: the inventory (棚卸) of a city's counter procedures, validated, scored and planned for DX."),
    "no_args_is_help": True,
    "context_settings": {"help_option_names": ["-h", "--help"]},
    "add_completion": True,
    "pretty_exceptions_enable": False,
    "rich_markup_mode": None,
}


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"bpr {__version__}")
        raise typer.Exit(0)


def _root(  # the options act through their callbacks and the session, read before this runs
    version: Annotated[  # noqa: ARG001
        bool, typer.Option("--version", callback=_show_version, is_eager=True, help=N_("Show the version and exit."))
    ] = False,
    debug: Annotated[  # noqa: ARG001
        bool,
        typer.Option("--debug", help=N_("On an internal error (a bug), print the traceback too (or BPR_DEBUG=1).")),
    ] = False,
    lang: Annotated[  # noqa: ARG001
        str | None,
        typer.Option(
            "--lang",
            metavar="ja|en",
            help=N_(
                "The language of messages, help and summaries: ja (default) or en (or BPR_LANG=en). "
                "Workbooks, diagrams and the report are Japanese whatever it is."
            ),
            show_default=False,
        ),
    ] = None,
    quiet: Annotated[  # noqa: ARG001
        bool,
        typer.Option("--quiet", "-q", help=N_("Print only problems and errors: no summary, no list of files written.")),
    ] = False,
    follow_links: Annotated[
        bool,
        typer.Option(
            "--follow-links",
            help=N_(
                "Read files in the inventory folders that link out of them (or BPR_FOLLOW_LINKS=1). Without it such"
                " a link is an error and its target is never read."
            ),
        ),
    ] = False,
) -> None:
    """bpr: the inventory (棚卸) of a city's counter procedures, validated, scored and planned for DX."""
    if follow_links:
        import os

        from bpr.inventory.sources import FOLLOW_LINKS_ENV

        os.environ[FOLLOW_LINKS_ENV] = "1"  # read by bpr.inventory.sources, also in the loader's worker processes


# Every command: its name, then the module and the function (a command) or Typer app (a group) that is it, in the
# order of `bpr --help`. A run of one command imports and builds that one only (`main`): the other fifteen would
# cost a one-file `bpr validate` a fifth of its start-up (docs/performance.md).
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("bpr.cli.validate", "validate"),
    "schema": ("bpr.cli.schema", "schema"),
    "new": ("bpr.cli.new", "new"),
    "score": ("bpr.cli.score", "score"),
    "roadmap": ("bpr.cli.roadmap", "roadmap"),
    "config": ("bpr.cli.config_cmd", "config"),
    "diagram": ("bpr.cli.diagram", "diagram"),
    "diff": ("bpr.cli.diff", "diff"),
    "doctor": ("bpr.cli.doctor", "doctor"),
    "build": ("bpr.cli.build", "build"),
    "journeys": ("bpr.cli.journeys", "journeys"),
    "queue": ("bpr.cli.queue", "queue"),
    "report": ("bpr.cli.report", "report"),
    "docs": ("bpr.cli.docs", "docs"),
}
GROUPS: dict[str, tuple[str, str]] = {
    "import": ("bpr.cli.importer", "app"),
    "survey": ("bpr.cli.survey", "app"),
}
# Options of the root command that take a value in the next argument (--lang is taken out before).
_ROOT_OPTIONS_WITH_VALUE = frozenset({"--show-completion"})


def make_app(only: str | None = None) -> typer.Typer:
    """Return the `bpr` command line with every command, or with the one named `only` (which must be one)."""
    import importlib

    made = typer.Typer(**_APP_SETTINGS)
    made.callback()(_root)
    for name, (module, attribute) in COMMANDS.items():
        if only in (None, name):
            made.command(name)(getattr(importlib.import_module(module), attribute))
    for name, (module, attribute) in GROUPS.items():
        if only in (None, name):
            made.add_typer(getattr(importlib.import_module(module), attribute), name=name)
    return made


def command_named(argv: Sequence[str]) -> str | None:
    """Return the command a command line runs when it names one that bpr has, else None (help, completion, typos)."""
    import os

    if any(key.startswith("_BPR_COMPLETE") for key in os.environ):
        return None  # shell completion lists every command
    arguments, _options = take_run_options(list(argv))
    skip = False
    for argument in arguments:
        if skip:
            skip = False
        elif argument == "--":
            return None
        elif argument.startswith("-"):
            skip = argument in _ROOT_OPTIONS_WITH_VALUE
        else:
            return argument if argument in COMMANDS or argument in GROUPS else None
    return None


def __getattr__(name: str) -> Any:
    """Build `app`, the whole command line, when it is first asked for (tests and embedding programs use it)."""
    if name == "app":
        globals()["app"] = made = make_app()
        return made
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    """Run the bpr command line, built with only the command it runs when it names one."""
    import atexit
    import gc

    from bpr.collector import freeze_after_pauses

    # On exit Python walks every object still tracked for cycles (after a roadmap of 10,000 procedures some
    # 600,000, 0.3 s) just before the process ends and its memory goes back whole; frozen, they are not walked.
    # The first handler registered runs last; only the command's own process: a program that embeds bpr
    # (the tests' runner) collects as before.
    atexit.register(gc.freeze)
    freeze_after_pauses()  # bpr.collector: what loading and analysing leave alive is not walked again
    make_app(command_named(sys.argv[1:]))(prog_name="bpr")
