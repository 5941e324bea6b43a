"""The `bpr` command. Each subcommand lives in bpr/cli/<name>.py and is registered here in one line.

Command modules import heavy libraries (networkx, openpyxl) inside their functions, never at
module top, so that `bpr --help` and `bpr validate` stay quick.

Every run goes through `BprGroup`: its output never fails on the console's encoding, and an unexpected
exception (a bug) exits 3 with one line, the traceback only under `--debug` or BPR_DEBUG=1.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from bpr import __version__
from bpr.cli import (
    EXIT_READER_GONE,
    EXIT_USAGE,
    build,
    config_cmd,
    debug_requested,
    diagram,
    diff,
    docs,
    doctor,
    importer,
    journeys,
    new,
    queue,
    reader_gone,
    report,
    report_internal_error,
    roadmap,
    schema,
    score,
    silence_stdout,
    stdout_reader_gone,
    stop_for_gone_reader,
    survey,
    use_safe_streams,
    validate,
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
        try:
            return super().main(argv, prog_name, *rest, **kwargs)
        except SystemExit as exc:
            # rich (a table's write) and click (the help's) catch a closed pipe themselves and exit 1; the
            # exception they were handling tells. Whatever the code, what is left to print goes now, not at exit.
            if exc.code not in (0, None) and _after_gone_reader(exc):
                silence_stdout()
                raise SystemExit(EXIT_READER_GONE) from None
            _flush_stdout()
            raise

    def invoke(self, ctx: Any) -> Any:
        """Run the subcommand; an exception that is not an exit is a bug: one line, exit 3."""
        try:
            return super().invoke(ctx)
        except _TYPER_EXITS:
            raise
        except OSError as exc:
            # The reader went away in the middle of the output (`bpr score | head -1`): as `emit` does. A broken
            # pipe that is not stdout's (a child process that died) is a failure like any other.
            if reader_gone(exc) and stdout_reader_gone():
                stop_for_gone_reader()
            report_internal_error(exc, debug_requested(bool(ctx.params.get("debug"))))
        except Exception as exc:
            report_internal_error(exc, debug_requested(bool(ctx.params.get("debug"))))


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


app = typer.Typer(
    name="bpr",
    cls=BprGroup,
    help=N_("bpr: the inventory (棚卸) of a city's counter procedures, validated, scored and planned for DX."),
    no_args_is_help=True,
    # -h is --help on every command (subcommands inherit it from the root's context), as ruff and yamllint.
    context_settings={"help_option_names": ["-h", "--help"]},
    # --install-completion / --show-completion: bash, zsh, fish and PowerShell, through Typer (shellingham).
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"bpr {__version__}")
        raise typer.Exit(0)


@app.callback()
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


app.command("validate")(validate.validate)
app.command("schema")(schema.schema)
app.command("new")(new.new)
app.command("score")(score.score)
app.command("roadmap")(roadmap.roadmap)
app.command("config")(config_cmd.config)
app.command("diagram")(diagram.diagram)
app.command("diff")(diff.diff)
app.command("doctor")(doctor.doctor)
app.command("build")(build.build)
app.command("journeys")(journeys.journeys)
app.command("queue")(queue.queue)
app.command("report")(report.report)
app.command("docs")(docs.docs)
app.add_typer(importer.app, name="import")
app.add_typer(survey.app, name="survey")


def main() -> None:
    """Run the bpr command line."""
    app(prog_name="bpr")
