"""`bpr import national FILE -o DIR` (formerly `bpr import survey`): the national survey of procedures into counter files."""

from __future__ import annotations

import contextlib
import functools
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer

from bpr.cli import ConfigOption, emit, fail, load_config_or_exit, not_one_of, os_reason
from bpr.cli.session import is_quiet
from bpr.i18n import N_, _, joined, ngettext

if TYPE_CHECKING:
    from bpr.survey.importer import ImportPlan
    from bpr.survey.table import SurveyTable

app = typer.Typer(
    help=N_("Bring existing data into the inventory."),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
LISTED_AT_MOST = 40
PRIORITY_ITEMS = 27  # the items of the official list of national-priority procedures


@app.callback()
def _group() -> None:
    """Bring existing data into the inventory."""


def _check_format(value: str) -> str:
    if value not in ("text", "json"):
        raise not_one_of(value, ("text", "json"))
    return value


@app.command("national")
def national(
    file: Annotated[
        Path | None,
        typer.Argument(
            metavar="FILE", help=N_("The survey as CSV (UTF-8, UTF-8 with BOM or CP932) or XLSX."), show_default=False
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help=N_("The inventory folder to write into (new or existing)."), show_default=False
        ),
    ] = None,
    population: Annotated[
        int | None,
        typer.Option(
            "--population",
            min=1,
            max=50_000_000,
            help=N_("The city's population: annual volumes are the national counts × population / 124,500,000."),
        ),
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option(
            "--mapping",
            metavar="FILE",
            help=N_("Which counter and section each procedure goes to. Default: the shipped mapping (--show-mapping)."),
            show_default=False,
        ),
    ] = None,
    not_handled: Annotated[
        Path | None,
        typer.Option(
            "--not-handled",
            metavar="FILE",
            help=N_(
                "Rules for the procedures this city does not handle (not_handled: [{law: [...], reason: ...}]):"
                " imported with handled: false, listed but never scored."
            ),
            show_default=False,
        ),
    ] = None,
    config: ConfigOption = None,
    show_mapping: Annotated[
        bool, typer.Option("--show-mapping", help=N_("Print the default mapping (a start for your own) and exit."))
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help=N_("Say what would change; write nothing."))] = False,
    output_format: Annotated[
        str,
        typer.Option(
            "--format", "-f", metavar="text|json", callback=_check_format, help=N_("How to report the changes.")
        ),
    ] = "text",
) -> None:
    """Import the national survey of procedures into counter files (exit 0 ok, 2 usage or input problem)."""
    from bpr.config import ConfigError
    from bpr.export.atomic import atomic_write
    from bpr.survey.importer import LEDGER_NAME, SurveyImportError, ledger_text, plan_import
    from bpr.survey.lock import FolderLocked, writer_lock
    from bpr.survey.mapping import NotHandledRule, default_mapping_text, load_mapping, load_not_handled
    from bpr.survey.national import CITY_VOLUME_COLUMNS, OPTIONAL_COLUMNS, REQUIRED_COLUMNS
    from bpr.survey.table import SurveyInputError, read_survey_table
    from bpr.survey.yamldoc import YamlDocError, write_documents

    if show_mapping:
        emit(lambda stream: stream.write(default_mapping_text()), utf8=True)
        return
    if file is None or output is None:
        fail(_("give the survey file and the folder to write: bpr import national FILE -o DIR"))
    for given in (mapping, not_handled):
        if given is not None and given.exists() and not given.is_file():
            fail(_("{path}: is not a regular file: bpr reads its rules from a file").format(path=given))
    if mapping is not None and not mapping.is_file():
        fail(_("no such mapping file: {path}").format(path=mapping))
    if not_handled is not None and not not_handled.is_file():
        fail(_("no such file of not-handled rules: {path}").format(path=not_handled))
    settings = load_config_or_exit(config)
    try:
        rules = load_mapping(mapping)
    except ConfigError as exc:
        sys.stderr.write("".join(f"{problem}\n" for problem in exc.problems))
        fail(_("the mapping file has errors"))
    extra: list[NotHandledRule] = []
    if not_handled is not None:
        try:
            extra = load_not_handled(not_handled)
        except ConfigError as exc:
            sys.stderr.write("".join(f"{problem}\n" for problem in exc.problems))
            fail(_("the file of not-handled rules has errors"))
    try:
        table = read_survey_table(file, REQUIRED_COLUMNS, OPTIONAL_COLUMNS)
    except SurveyInputError as exc:
        fail(str(exc))
    for note in table.notes:
        sys.stderr.write(f"bpr: {file}: {note}\n")
    city_counts = bool(table.rows) and any(column in table.rows[0] for column in CITY_VOLUME_COLUMNS)
    if population is None and not city_counts:
        fail(_("give --population N (the city's population) to turn the national counts into the city's"))
    # One writer at a time, from reading the folder to writing it (a dry run writes nothing: no lock).
    lock = contextlib.nullcontext() if dry_run else writer_lock(output, "bpr import national")
    try:
        with lock:
            plan = plan_import(table.rows, output, rules, population, dict(settings.import_.shared_share), extra)
            written: list[Path] = []
            if not dry_run:
                written = write_documents(plan.documents)
                ledger = output / LEDGER_NAME
                text = ledger_text(plan.ledger)
                if not ledger.is_file() or ledger.read_text(encoding="utf-8") != text:
                    atomic_write(ledger, lambda path: path.write_text(text, encoding="utf-8", newline="\n"))
    except (SurveyImportError, YamlDocError, FolderLocked) as exc:
        fail(str(exc))
    except OSError as exc:
        fail(_("cannot write into {folder}: {reason}").format(folder=output, reason=os_reason(exc)))
    if output_format == "json":
        emit(lambda stream: _write_json(stream, file, table, plan, written), utf8=True)
    elif dry_run or not is_quiet():
        emit(lambda stream: _write_text(stream, file, table, plan, written, dry_run))


@functools.wraps(national)
def _survey(*args: Any, **kwargs: Any) -> None:
    """Import the national survey: the old name of `bpr import national`, kept for one version."""
    sys.stderr.write(
        "bpr: "
        + _(
            "`bpr import survey` is now `bpr import national` (the national survey of procedures; `bpr survey`"
            " is the counters' 調査票). The old name works until the next version."
        )
        + "\n"
    )
    national(*args, **kwargs)


# The old name, hidden from the help: it said "survey" like `bpr survey`, which is the 調査票 (issue 22).
app.command("survey", hidden=True, help=N_("The old name of `bpr import national`."))(_survey)


def _write_text(
    stream: TextIO, file: Path, table: SurveyTable, plan: ImportPlan, written: list[Path], dry_run: bool
) -> None:
    """Write what was read, each change and the counts; under --quiet, only a dry run's changes (what was asked)."""
    if not is_quiet():
        _write_reading(stream, file, table, plan)
    _write_changes(stream, plan)
    if not is_quiet():
        _write_counts(stream, plan, written, dry_run)


def _write_reading(stream: TextIO, file: Path, table: SurveyTable, plan: ImportPlan) -> None:
    stream.write(
        ngettext(
            "{file}: {rows:,} row read ({encoding}, header on row {header})",
            "{file}: {rows:,} rows read ({encoding}, header on row {header})",
            plan.rows,
        ).format(file=file, rows=plan.rows, encoding=table.encoding, header=table.header_row)
        + "\n"
    )
    lines = []
    if plan.skipped_not_city:
        lines.append(
            ngettext(
                "{count:,} row skipped: not a 申請等 brought to a city hall",
                "{count:,} rows skipped: not a 申請等 brought to a city hall",
                plan.skipped_not_city,
            ).format(count=plan.skipped_not_city)
        )
    if plan.skipped_no_id:
        count = len(plan.skipped_no_id)
        lines.append(
            ngettext(
                "{count} row skipped without a 手続ID (data rows {rows})",
                "{count} rows skipped without a 手続ID (data rows {rows})",
                count,
            ).format(count=count, rows=joined(str(n) for n in plan.skipped_no_id[:10]))
        )
    if plan.duplicates:
        count = len(plan.duplicates)
        lines.append(
            ngettext(
                "{count} row skipped: 手続ID seen before ({ids})",
                "{count} rows skipped: 手続ID seen before ({ids})",
                count,
            ).format(count=count, ids=joined(plan.duplicates[:10]))
        )
    stream.write("".join(f"  {line}\n" for line in lines))


def _write_changes(stream: TextIO, plan: ImportPlan) -> None:
    added = [c for c in plan.changes if c.action == "added"]
    updated = [c for c in plan.changes if c.action == "updated"]
    kept = [c for c in plan.changes if c.kept]
    said = []
    if len(added) <= LISTED_AT_MOST:
        said += [_("added    {id} ({file})").format(id=change.id, file=change.file) for change in added]
    else:
        by_file: dict[Path, int] = {}
        for change in added:
            by_file[change.file] = by_file.get(change.file, 0) + 1
        said += [
            ngettext("added    {count:,} procedure to {file}", "added    {count:,} procedures to {file}", count).format(
                count=count, file=path
            )
            for path, count in sorted(by_file.items())
        ]
    said += [_("updated  {id}: {fields}").format(id=c.id, fields=joined(c.fields)) for c in updated]
    said += [
        _("kept     {id}: {fields} as edited by hand (the survey differs)").format(id=c.id, fields=joined(c.kept))
        for c in kept
    ]
    said += [
        _("missing  {id}: its national_id is not in this survey (left as it is)").format(id=procedure_id)
        for procedure_id in plan.not_in_survey
    ]
    if len(plan.deleted) <= LISTED_AT_MOST:
        said += [
            _("deleted  手続ID {national_id} ({name}): deleted by a person, not brought back").format(
                national_id=nid, name=name
            )
            for nid, name in plan.deleted
        ]
    stream.write("".join(f"{line}\n" for line in said))


def _write_counts(stream: TextIO, plan: ImportPlan, written: list[Path], dry_run: bool) -> None:
    from bpr.survey.importer import LEDGER_NAME

    added = plan.count("added")
    updated = plan.count("updated")
    files = len(written) if not dry_run else sum(1 for d in plan.documents if d.changed)
    counts = {"added": added, "updated": updated, "unchanged": plan.count("unchanged"), "files": files}
    if dry_run:
        summary = ngettext(
            "{added:,} added, {updated:,} updated, {unchanged:,} unchanged; would write {files} file",
            "{added:,} added, {updated:,} updated, {unchanged:,} unchanged; would write {files} files",
            files,
        )
    else:
        summary = ngettext(
            "{added:,} added, {updated:,} updated, {unchanged:,} unchanged; wrote {files} file",
            "{added:,} added, {updated:,} updated, {unchanged:,} unchanged; wrote {files} files",
            files,
        )
    stream.write(summary.format(**counts) + "\n")
    notes = []
    if plan.deleted:
        notes.append(
            ngettext(
                "{count:,} procedure deleted by a person and not brought back (listed in {ledger})",
                "{count:,} procedures deleted by a person and not brought back (listed in {ledger})",
                len(plan.deleted),
            ).format(count=len(plan.deleted), ledger=LEDGER_NAME)
        )
    if plan.not_handled:
        notes.append(
            ngettext(
                "{count:,} procedure marked handled: false (listed, never scored)",
                "{count:,} procedures marked handled: false (listed, never scored)",
                len(plan.not_handled),
            ).format(count=len(plan.not_handled))
        )
    if plan.business:
        notes.append(
            ngettext(
                "{count:,} business procedure (手続主体 not a citizen): never in a citizen's life event",
                "{count:,} business procedures (手続主体 not a citizen): never in a citizen's life event",
                plan.business,
            ).format(count=plan.business)
        )
    items = sum(1 for names in plan.priority.values() if names)
    notes.append(
        _("national priority: {rows:,} procedures for {items} of the {total} items of the official list").format(
            rows=sum(len(names) for names in plan.priority.values()), items=items, total=PRIORITY_ITEMS
        )
    )
    stream.write("".join(f"  {line}\n" for line in notes))


def _write_json(stream: TextIO, file: Path, table: SurveyTable, plan: ImportPlan, written: list[Path]) -> None:
    payload = {
        "file": str(file),
        "rows": plan.rows,
        "encoding": table.encoding,
        "skipped": {"not_city": plan.skipped_not_city, "no_id": plan.skipped_no_id, "duplicates": plan.duplicates},
        "procedures": [
            {
                "id": c.id,
                "national_id": c.national_id,
                "file": str(c.file),
                "action": c.action,
                "fields": c.fields,
                "kept": c.kept,
            }
            for c in plan.changes
        ],
        "not_in_survey": plan.not_in_survey,
        "deleted": [{"national_id": nid, "name": name} for nid, name in plan.deleted],
        "not_handled": plan.not_handled,
        "business": plan.business,
        "national_priority": plan.priority,
        "written": [str(path) for path in written],
    }
    stream.write(json.dumps(payload, ensure_ascii=False, indent=1) + "\n")
