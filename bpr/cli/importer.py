"""`bpr import survey FILE -o DIR`: the national survey of procedures into counter files."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from bpr.cli import emit, fail

if TYPE_CHECKING:
    from bpr.survey.importer import ImportPlan
    from bpr.survey.table import SurveyTable

app = typer.Typer(
    help="Bring existing data into the inventory.", no_args_is_help=True, add_completion=False, rich_markup_mode=None
)
LISTED_AT_MOST = 40


@app.callback()
def _group() -> None:
    """Bring existing data into the inventory."""


def _check_format(value: str) -> str:
    if value not in ("text", "json"):
        raise typer.BadParameter(f"'{value}' is not one of text, json")
    return value


@app.command("survey")
def survey(
    file: Annotated[
        Path | None,
        typer.Argument(
            metavar="FILE", help="The survey as CSV (UTF-8, UTF-8 with BOM or CP932) or XLSX.", show_default=False
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="The inventory folder to write into (new or existing).", show_default=False
        ),
    ] = None,
    population: Annotated[
        int | None,
        typer.Option(
            "--population",
            min=1,
            max=50_000_000,
            help="The city's population: annual volumes are the national counts × population / 124,500,000.",
        ),
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option(
            "--mapping",
            metavar="FILE",
            help="Which counter and section each procedure goes to. Default: the shipped mapping (--show-mapping).",
            show_default=False,
        ),
    ] = None,
    show_mapping: Annotated[
        bool, typer.Option("--show-mapping", help="Print the default mapping (a start for your own) and exit.")
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would change; write nothing.")] = False,
    output_format: Annotated[
        str,
        typer.Option("--format", "-f", metavar="text|json", callback=_check_format, help="How to report the changes."),
    ] = "text",
) -> None:
    """Import the national survey of procedures into counter files (exit 0 ok, 2 usage or input problem)."""
    from bpr.config import ConfigError
    from bpr.survey.importer import SurveyImportError, plan_import
    from bpr.survey.mapping import default_mapping_text, load_mapping
    from bpr.survey.national import CITY_VOLUME_COLUMNS, OPTIONAL_COLUMNS, REQUIRED_COLUMNS
    from bpr.survey.table import SurveyInputError, read_survey_table
    from bpr.survey.yamldoc import YamlDocError, write_documents

    if show_mapping:
        emit(lambda stream: stream.write(default_mapping_text()), utf8=True)
        return
    if file is None or output is None:
        fail("give the survey file and the folder to write: bpr import survey FILE -o DIR")
    if mapping is not None and not mapping.is_file():
        fail(f"no such mapping file: {mapping}")
    try:
        rules = load_mapping(mapping)
    except ConfigError as exc:
        sys.stderr.write("".join(f"{problem}\n" for problem in exc.problems))
        fail("the mapping file has errors")
    try:
        table = read_survey_table(file, REQUIRED_COLUMNS, OPTIONAL_COLUMNS)
    except SurveyInputError as exc:
        fail(str(exc))
    for note in table.notes:
        sys.stderr.write(f"bpr: {file}: {note}\n")
    city_counts = bool(table.rows) and any(column in table.rows[0] for column in CITY_VOLUME_COLUMNS)
    if population is None and not city_counts:
        fail("give --population N (the city's population) to turn the national counts into the city's")
    try:
        plan = plan_import(table.rows, output, rules, population)
        written: list[Path] = []
        if not dry_run:
            output.mkdir(parents=True, exist_ok=True)
            written = write_documents(plan.documents)
    except (SurveyImportError, YamlDocError) as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot write into {output}: {exc.strerror or exc}")
    if output_format == "json":
        emit(lambda stream: _write_json(stream, file, table, plan, written), utf8=True)
    else:
        emit(lambda stream: _write_text(stream, file, table, plan, written, dry_run))


def _write_text(
    stream: TextIO, file: Path, table: SurveyTable, plan: ImportPlan, written: list[Path], dry_run: bool
) -> None:
    stream.write(f"{file}: {plan.rows:,} rows read ({table.encoding}, header on row {table.header_row})\n")
    if plan.skipped_not_city:
        stream.write(f"  {plan.skipped_not_city:,} rows skipped: not a 申請等 brought to a city hall\n")
    if plan.skipped_no_id:
        rows = ", ".join(str(n) for n in plan.skipped_no_id[:10])
        stream.write(f"  {len(plan.skipped_no_id)} rows skipped without a 手続ID (data rows {rows})\n")
    if plan.duplicates:
        stream.write(f"  {len(plan.duplicates)} rows skipped: 手続ID seen before ({', '.join(plan.duplicates[:10])})\n")
    added = [c for c in plan.changes if c.action == "added"]
    updated = [c for c in plan.changes if c.action == "updated"]
    kept = [c for c in plan.changes if c.kept]
    if len(added) <= LISTED_AT_MOST:
        for change in added:
            stream.write(f"added    {change.id} ({change.file})\n")
    else:
        by_file: dict[Path, int] = {}
        for change in added:
            by_file[change.file] = by_file.get(change.file, 0) + 1
        for path, count in sorted(by_file.items()):
            stream.write(f"added    {count:,} procedures to {path}\n")
    for change in updated:
        stream.write(f"updated  {change.id}: {', '.join(change.fields)}\n")
    for change in kept:
        stream.write(f"kept     {change.id}: {', '.join(change.kept)} as edited by hand (the survey differs)\n")
    for procedure_id in plan.not_in_survey:
        stream.write(f"missing  {procedure_id}: its national_id is not in this survey (left as it is)\n")
    verb = "would write" if dry_run else "wrote"
    files = len(written) if not dry_run else sum(1 for d in plan.documents if d.changed)
    stream.write(
        f"{len(added):,} added, {len(updated):,} updated, {plan.count('unchanged'):,} unchanged; "
        f"{verb} {files} file{'s' if files != 1 else ''}\n"
    )


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
        "written": [str(path) for path in written],
    }
    stream.write(json.dumps(payload, ensure_ascii=False, indent=1) + "\n")
