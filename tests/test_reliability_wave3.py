"""Issue 24 (reliability wave 3): each finding fixed here has a test that failed before its fix."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from bpr.cli.main import app

from conftest import INVENTORIES

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")


def run_bpr(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run bpr in its own process, so that a hang fails the test instead of stopping the suite."""
    return subprocess.run(
        [sys.executable, "-m", "bpr", "--lang", "en", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_survey_import_refuses_fifos_and_devices_instead_of_hanging(tmp_path: Path) -> None:
    # Item 1: a FIFO named s.xlsx blocked forever; a link to /dev/zero grew to gigabytes.
    forms = tmp_path / "forms"
    forms.mkdir()
    os.mkfifo(forms / "s.xlsx")
    (forms / "z.xlsx").symlink_to("/dev/zero")
    result = run_bpr("survey", "import", str(forms), "-o", str(INVENTORIES), "--dry-run")
    assert result.returncode == 1, result.stderr
    assert "s.xlsx is a named pipe (FIFO), not a regular file" in result.stdout + result.stderr
    assert "links to /dev/zero, which is a character device, not a regular file" in result.stdout + result.stderr


def test_survey_export_never_overwrites_a_filled_form(runner: CliRunner, tmp_path: Path) -> None:
    # Item 3: exporting again over a form that was filled in replaced it, exit 0.
    out = tmp_path / "forms"
    args = ["survey", "export", str(INVENTORIES), "-c", "shimin", "-o", str(out)]
    assert runner.invoke(app, args).exit_code == 0
    assert runner.invoke(app, args).exit_code == 0  # as bpr wrote it: replaced freely
    form = out / "shimin.xlsx"
    workbook = load_workbook(form)
    workbook["手続一覧"].cell(row=5, column=2, value="記入した値")
    workbook.save(form)
    filled = form.read_bytes()
    refused = runner.invoke(app, args)
    assert refused.exit_code == 2
    assert "survey form (調査票) changed since bpr wrote it (filled in?): not overwritten" in refused.output
    assert form.read_bytes() == filled
    assert runner.invoke(app, [*args, "--overwrite"]).exit_code == 0
    assert form.read_bytes() != filled


def test_import_never_writes_a_volume_validate_refuses(runner: CliRunner, tmp_path: Path) -> None:
    # Item 7 (and item 6's 400-digit count): a 20-digit count was written as a volume validate rejects, and
    # 400 digits ended as an internal error (a float overflow).
    from test_import_survey import row, run_import, write_csv

    from bpr.inventory.loader import load_inventory

    rows = [
        row(**{"手続ID": "1", "所管府省庁": "総務省", "手続名": "二十桁", "法令名": "住民基本台帳法",
               "総手続件数": "9" * 20, "オンライン手続件数": "9" * 400}),
        row(**{"手続ID": "2", "所管府省庁": "総務省", "手続名": "四百桁", "法令名": "住民基本台帳法",
               "総手続件数": "9" * 400, "オンライン手続件数": "0"}),
        row(**{"手続ID": "3", "所管府省庁": "総務省", "手続名": "上限の少し上", "法令名": "住民基本台帳法",
               "総手続件数": str(1_600_000_000_000), "オンライン手続件数": "0"}),
    ]  # fmt: skip
    out = tmp_path / "inv"
    result = run_import(runner, write_csv(tmp_path / "s.csv", rows), out)
    assert result.exit_code == 0, result.output
    inventory, problems = load_inventory([out], use_cache=False)
    assert problems == [] and not [p for p in inventory.problems if p.severity == "error"]
    volumes = {p.national_id: (p.annual_volume, p.volume_source) for _c, p, _f in inventory.entries()}
    assert volumes["1"][0] == volumes["2"][0] == 0 and "大きすぎる" in (volumes["2"][1] or "")
    # 1.6 × 10^12 × 78,000 / 124,500,000 ≈ 1.0 × 10^9: over the limit of 1,000,000,000, so not used.
    assert volumes["3"][0] == 0 and "年間件数の上限（1,000,000,000件）を超える" in (volumes["3"][1] or "")


def _set_cell(form: Path, procedure_id: str, field: str, value: object) -> None:
    from bpr.survey.sheets.layout import FIRST_ROW, PROCEDURE_COLUMNS, PROCEDURE_SHEET

    column = next(i for i, c in enumerate(PROCEDURE_COLUMNS) if c.path == (field,)) + 1
    workbook = load_workbook(form)
    sheet = workbook[PROCEDURE_SHEET]
    row = next(r for r in range(FIRST_ROW, sheet.max_row + 1) if sheet.cell(r, 1).value == procedure_id)
    sheet.cell(row=row, column=column, value=value)
    workbook.save(form)


def test_a_returned_form_never_undoes_what_the_file_changed_since_the_export(runner: CliRunner, tmp_path: Path) -> None:
    # Item 2: the unchanged form restored the exported annual_volume and legal_basis over later YAML edits.
    import shutil

    from bpr.inventory.loader import load_inventory

    inventory = tmp_path / "inv"
    shutil.copytree(INVENTORIES, inventory)
    forms = tmp_path / "forms"
    assert runner.invoke(app, ["survey", "export", str(inventory), "-c", "shimin", "-o", str(forms)]).exit_code == 0
    path = inventory / "shimin.yaml"
    text = path.read_text(encoding="utf-8")
    edited = text.replace("annual_volume: 77368", "annual_volume: 80000", 1)
    edited = edited.replace("legal_basis: 住民基本台帳法第12条", "legal_basis: 住民基本台帳法第12条第1項", 1)
    assert edited.count("80000") == 1 and "第12条第1項" in edited
    # A procedure added to the file after the export is not in the form.
    new = "\n  - id: shimin-later\n    name: 後から加えた手続\n    annual_volume: 10\n    steps:\n      - {id: a, name: 受付, actor: counter}\n"
    path.write_text(edited.rstrip("\n") + "\n" + new, encoding="utf-8")
    after_edit = path.read_bytes()
    result = runner.invoke(app, ["survey", "import", str(forms / "shimin.xlsx"), "-o", str(inventory)])
    assert result.exit_code == 0, result.output
    assert path.read_bytes() == after_edit  # nothing the form did not change is touched, nothing removed
    # Both sides changed one value: a reported conflict, the file's value kept; the form's other edit applies.
    _set_cell(forms / "shimin.xlsx", "shimin-juminhyo", "annual_volume", 90000)
    _set_cell(forms / "shimin.xlsx", "shimin-juminhyo", "notes", "窓口で確認")
    result = runner.invoke(app, ["--lang", "en", "survey", "import", str(forms / "shimin.xlsx"), "-o", str(inventory)])
    assert result.exit_code == 0, result.output
    assert "conflict shimin-juminhyo (annual_volume)" in result.output
    found = {p.id: p for _c, p, _f in load_inventory([inventory], use_cache=False)[0].entries()}
    assert found["shimin-juminhyo"].annual_volume == 80000
    assert found["shimin-juminhyo"].notes == "窓口で確認"
    assert "shimin-later" in found


HOSTILE = "住民票\x1b]0;pwned\x07\x1b[2J\u202e\x1b]8;;http://x\x1b\\\\"


@pytest.mark.parametrize(
    "command",
    [
        ["validate", "--strict"],
        ["validate", "--format", "github"],
        ["score", "--top", "3"],
        ["journeys"],
    ],
)
def test_no_inventory_text_reaches_the_terminal_as_escapes(tmp_path: Path, command: list[str]) -> None:
    # Item 8: set-title, clear-screen, OSC 8 links and RLO in a name reached the terminal from validate
    # (text and github), the score table and the build summary.
    import shutil

    inventory = tmp_path / "inv"
    shutil.copytree(INVENTORIES, inventory)
    path = inventory / "shimin.yaml"
    text = path.read_text(encoding="utf-8")
    escaped = HOSTILE.encode("unicode_escape").decode("ascii").replace('"', '\\\\"')
    text = text.replace("name: 住民票の写し等の交付請求", f'name: "{escaped}"', 1)
    path.write_text(text, encoding="utf-8")
    # And in an attachment name that a warning quotes (self-issued-attachment), for validate.
    bosai = inventory / "bosai.yaml"
    bosai.write_text(
        bosai.read_text(encoding="utf-8").replace("{name: 住民票の写し（世帯全員）,", f'{{name: "{escaped}",', 1),
        encoding="utf-8",
    )
    result = run_bpr(*command[:1], str(inventory), *command[1:])
    assert result.returncode in (0, 1), result.stderr
    out = result.stdout + result.stderr
    assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
    assert "住民票\ufffd]0;pwned" in out  # shown, with what the terminal would obey replaced


def _rewrite_part(path: Path, part: str, change) -> None:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts[part] = change(parts[part])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def _survey_xlsx(path: Path) -> Path:
    from openpyxl import Workbook
    from test_import_survey import HEADER, row

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(row(**{"手続ID": "1", "所管府省庁": "総務省", "手続名": "手続", "法令名": "住民基本台帳法",
                        "総手続件数": "1000", "オンライン手続件数": "0"}))  # fmt: skip
    workbook.save(path)
    return path


def test_an_xlsx_claiming_the_whole_sheet_is_read_by_its_rows(tmp_path: Path) -> None:
    # Item 5: a 29 KB sheet whose used range claims A1:XFD1048576 ran into a 4 GB cap (uncapped ≈ 128 GB):
    # every row was padded to 16,384 cells. Read by the cells the sheet holds, a row is as wide as its data.
    import re

    from test_import_survey import HEADER

    from bpr.survey.national import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
    from bpr.survey.sheets.reader import read_workbook
    from bpr.survey.table import _xlsx_grid, read_survey_table

    source = _survey_xlsx(tmp_path / "s.xlsx")
    _rewrite_part(source, "xl/worksheets/sheet1.xml",
                  lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', xml))  # fmt: skip
    grid = _xlsx_grid(source, source.read_bytes())
    assert len(grid) == 2 and all(len(row) <= len(HEADER) for row in grid)
    assert len(read_survey_table(source, REQUIRED_COLUMNS, OPTIONAL_COLUMNS).rows) == 1
    assert read_workbook(source).unreadable is not None  # (no 調査票: said, not read cell by cell)


def test_an_xlsx_that_would_unpack_too_far_is_refused(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Item 5: one 1.5 GB shared string in a 1.5 MB file peaked at 3.15 GB; the declared sizes are checked
    # before anything is unpacked (the limit is lowered here so that the test stays small).
    from bpr.survey import xlsxguard

    monkeypatch.setattr(xlsxguard, "MAX_UNPACKED_BYTES", 64 * 1024)
    source = _survey_xlsx(tmp_path / "s.xlsx")
    _rewrite_part(source, "xl/worksheets/sheet1.xml", lambda xml: xml + b" " * (128 * 1024))
    result = runner.invoke(
        app, ["--lang", "en", "import", "national", str(source), "--population", "78000", "-o", str(tmp_path / "i")]
    )
    assert result.exit_code == 2, result.output
    assert "s.xlsx: would unpack to" in result.output
    assert not (tmp_path / "i").exists()


def test_an_xlsx_without_a_sheet_is_an_input_error_not_an_internal_one(runner: CliRunner, tmp_path: Path) -> None:
    # Item 6: an XLSX with no sheet ended as 内部エラー (exit 3).
    import re

    source = _survey_xlsx(tmp_path / "s.xlsx")
    _rewrite_part(source, "xl/workbook.xml", lambda xml: re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", xml))
    result = runner.invoke(
        app, ["--lang", "en", "import", "national", str(source), "--population", "78000", "-o", str(tmp_path / "i")]
    )
    assert result.exit_code == 2, result.output
    assert "has no sheet" in result.output or "is not a readable Excel workbook" in result.output


def test_a_file_with_thousands_of_duplicate_keys_lists_the_first_and_counts_the_rest(tmp_path: Path) -> None:
    # Item 16: a million duplicate keys printed a million lines (35 s, 658 MB); past 1,000 parse findings a
    # file's are counted, not kept.
    from bpr.inventory.checker import load_text
    from bpr.inventory.yamlfile import MAX_PARSE_FINDINGS

    head = "version: 1\ncounter: {id: a, name: a, section: a}\nprocedures:\n  - id: p\n    name: p\n"
    text = head + "    annual_volume: 1\n    steps: [{id: s, name: s, actor: citizen}]\n" + "    notes: x\n" * 5000
    loaded = load_text(text, "dup.yaml")
    duplicates = [p for p in loaded.problems if p.code == "duplicate-key"]
    assert len(duplicates) == MAX_PARSE_FINDINGS == 1000
    rest = [p for p in loaded.problems if p.code == "yaml-syntax"]
    assert [p.message for p in rest] == [
        # 5,000 notes: the first is the key, 4,999 are duplicates, 1,000 of them listed
        "and 3,999 more problems of the YAML in this file, not listed: fix the first ones and run again"
    ]


def test_messages_say_what_is_wrong(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Item 15: a FIFO as --config or --mapping read as a missing file; SOURCE_DATE_EPOCH's error was English in
    # a Japanese run; a duplicated CSV header was first-wins without a word; a survey file over its limit
    # suggested BPR_MAX_FILE_BYTES, which does not apply to it.
    from test_import_survey import HEADER, row, write_csv

    from bpr.survey import table

    fifo = tmp_path / "bpr.yaml"
    os.mkfifo(fifo)
    said = runner.invoke(app, ["--lang", "en", "score", str(INVENTORIES), "--config", str(fifo)])
    assert said.exit_code == 2 and "bpr.yaml: is not a regular file" in said.output
    said = runner.invoke(app, ["--lang", "en", "import", "national", str(fifo), "--mapping", str(fifo), "-o", "x"])
    assert said.exit_code == 2 and "bpr.yaml: is not a regular file: bpr reads its rules from a file" in said.output
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    said = runner.invoke(app, ["--lang", "ja", "survey", "export", str(INVENTORIES), "-o", str(tmp_path / "f")])
    assert said.exit_code == 2 and "SOURCE_DATE_EPOCH は 1970年からの秒数（整数）で指定する" in said.output
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    doubled = [*HEADER, "総手続件数"]
    source = tmp_path / "s.csv"
    write_csv(source, [[*row(**{"手続ID": "1", "手続名": "手続", "総手続件数": "10"}), "99"]])
    text = source.read_text(encoding="utf-8").splitlines()
    source.write_text("\n".join([",".join(doubled), *text[1:]]) + "\n", encoding="utf-8")
    said = runner.invoke(
        app, ["--lang", "en", "import", "national", str(source), "--population", "78000", "-o", str(tmp_path / "i")]
    )
    assert said.exit_code == 0, said.output
    assert "the column 「総手続件数」 appears 2 times (columns R, Z): the first is read" in said.output
    monkeypatch.setattr(table, "MAX_SURVEY_BYTES", 10)
    said = runner.invoke(app, ["--lang", "en", "import", "national", str(source), "--population", "1", "-o", "y"])
    assert said.exit_code == 2 and "for this kind of file" in said.output and "BPR_MAX_FILE_BYTES" not in said.output


def test_a_link_out_of_the_inventory_folder_is_never_read(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Item 17: in CI a pull request could make validate read any file of the runner through a link.
    import shutil

    monkeypatch.setenv("BPR_FOLLOW_LINKS", "0")  # --follow-links sets it to 1: restored after the test

    inventory = tmp_path / "inv"
    inventory.mkdir()
    shutil.copy(INVENTORIES / "shimin.yaml", inventory / "shimin.yaml")
    (tmp_path / "secret.yaml").write_text("token: do-not-read\n", encoding="utf-8")
    (inventory / "x.yaml").symlink_to(tmp_path / "secret.yaml")
    (inventory / "same.yaml").symlink_to(inventory / "shimin.yaml")  # inside: read (once)
    said = runner.invoke(app, ["--lang", "en", "validate", str(inventory)])
    assert said.exit_code == 1
    assert "x.yaml:1:1: error file-unreadable links to" in said.output and "outside the folder given" in said.output
    assert "token" not in said.output
    followed = runner.invoke(app, ["--lang", "en", "--follow-links", "validate", str(inventory)])
    assert "outside the folder given" not in followed.output and "x.yaml" in followed.output  # read now


def test_a_forged_cache_entry_cannot_turn_a_failing_check_green(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Item 9: a forged JSON entry with a valid checksum made a file with errors pass validate (exit 0).
    import hashlib

    from bpr.inventory.cache import DIGEST_SIZE, MAGIC, FileCache, default_cache_dir
    from bpr.inventory.loader import load_inventory

    good = tmp_path / "good" / "shimin.yaml"
    bad = tmp_path / "bad" / "shimin.yaml"
    good.parent.mkdir()
    bad.parent.mkdir()
    good.write_bytes((INVENTORIES / "shimin.yaml").read_bytes())
    bad.write_text(good.read_text(encoding="utf-8").replace("annual_volume: 77368", "annual_volume: -1"), "utf-8")
    load_inventory([good.parent])  # an entry of the good file
    cache = FileCache(default_cache_dir())
    entry = cache.entry_path(cache.key(good.read_bytes())).read_bytes()
    payload = entry[len(MAGIC) + DIGEST_SIZE :]
    # What someone who can write the cache folder, but not read the key outside it, can forge:
    forged = cache.entry_path(cache.key(bad.read_bytes()))
    forged.parent.mkdir(parents=True, exist_ok=True)
    forged.write_bytes(MAGIC + hashlib.sha256(payload).digest() + payload)
    inventory, _problems = load_inventory([bad.parent])
    assert [p.code for p in inventory.problems if p.severity == "error"] == ["invalid-value"]
    # A cache restored on another machine (another key): its entries are misses, never believed.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "elsewhere"))
    forged.write_bytes(entry)  # the good file's genuine entry, signed with the first key
    inventory, _problems = load_inventory([bad.parent])
    assert [p.code for p in inventory.problems if p.severity == "error"] == ["invalid-value"]


def test_build_into_a_link_writes_through_it_and_leaves_nothing_behind(runner: CliRunner, tmp_path: Path) -> None:
    # Item 11: -o through a symlink replaced the link with a folder and left a .NAME.<pid>.old link for good.
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "out"
    link.symlink_to(real)
    for _round in range(2):
        said = runner.invoke(app, ["build", str(INVENTORIES), "-o", str(link), "--no-diagrams", "-q"])
        assert said.exit_code == 0, said.output
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert (real / "roadmap.xlsx").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "real"]


def test_one_writer_at_a_time_in_an_inventory_folder(runner: CliRunner, tmp_path: Path) -> None:
    # Item 13: two imports into one folder at once lost an update, both exit 0. The second now waits for none:
    # it is refused, naming who holds the folder; a lock whose process is gone is taken over.
    from test_import_survey import ROWS, write_csv

    from bpr.export.output_folder import host_name
    from bpr.survey.lock import LOCK_NAME

    out = tmp_path / "inv"
    out.mkdir()
    source = write_csv(tmp_path / "s.csv", ROWS)
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (out / LOCK_NAME).write_text(f"{host_name()} {holder.pid} 2026-12-07T00:00:00+00:00 bpr import survey\n")
        said = runner.invoke(
            app, ["--lang", "en", "import", "national", str(source), "--population", "1", "-o", str(out)]
        )
        assert said.exit_code == 2 and f"is being written by another bpr ({host_name()} {holder.pid}" in said.output
        assert sorted(p.name for p in out.iterdir()) == [LOCK_NAME]  # nothing written
        forms = tmp_path / "forms"
        assert (
            runner.invoke(app, ["survey", "export", str(INVENTORIES), "-c", "shimin", "-o", str(forms)]).exit_code == 0
        )
        again = runner.invoke(app, ["--lang", "en", "survey", "import", str(forms / "shimin.xlsx"), "-o", str(out)])
        assert again.exit_code == 2 and "is being written by another bpr" in again.output
    finally:
        holder.kill()
        holder.wait()
    # The holder is gone: its lock is stale and taken over; the import runs and releases it.
    said = runner.invoke(app, ["--lang", "en", "import", "national", str(source), "--population", "1", "-o", str(out)])
    assert said.exit_code == 0, said.output
    assert not (out / LOCK_NAME).exists() and (out / "shimin.yaml").is_file()


def test_more_bad_input_is_an_input_error_not_an_internal_one(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Item 6: a CSV cell over 131,072 characters and BPR_WORKERS=² (isdigit() accepts it, int() does not)
    # ended as 内部エラー (exit 3).
    from test_import_survey import ROWS, write_csv

    source = write_csv(tmp_path / "s.csv", ROWS)
    text = source.read_text(encoding="utf-8")
    source.write_text(
        text.replace("本人等による住民票の写し等の交付請求", '"' + "長" * 140_000 + '"', 1), encoding="utf-8"
    )
    said = runner.invoke(app, ["--lang", "en", "import", "national", str(source), "--population", "1", "-o", "x"])
    assert said.exit_code == 2 and "cannot be read as CSV" in said.output
    from bpr.inventory.cache import DEFAULT_CACHE_MAX_BYTES, cache_max_bytes
    from bpr.inventory.parallel import worker_count
    from bpr.inventory.sources import DEFAULT_MAX_FILE_BYTES, max_file_bytes

    for variable in ("BPR_WORKERS", "BPR_MAX_FILE_BYTES", "BPR_CACHE_MAX_BYTES"):
        monkeypatch.setenv(variable, "²")
    assert worker_count() >= 1  # the default, as for any value that is not a number
    assert (max_file_bytes(), cache_max_bytes()) == (DEFAULT_MAX_FILE_BYTES, DEFAULT_CACHE_MAX_BYTES)
    assert runner.invoke(app, ["validate", str(INVENTORIES)]).exit_code == 0


def test_diff_markdown_leaves_no_live_link_or_backlink(runner: CliRunner, tmp_path: Path) -> None:
    # Item 18: bare URLs, www. links and owner/repo#N stayed live in the pull-request comment (GitHub
    # backlinks them into other repositories).
    import shutil

    new = tmp_path / "new"
    shutil.copytree(INVENTORIES, new)
    path = new / "shimin.yaml"
    hostile = "https://evil.example/x www.evil.jp owner/repo#12 #5"
    path.write_text(
        path.read_text(encoding="utf-8").replace("name: 住民票の写し等の交付請求", f'name: "{hostile}"', 1),
        encoding="utf-8",
    )
    said = runner.invoke(app, ["diff", str(INVENTORIES), str(new), "--format", "markdown"])
    assert said.exit_code == 0, said.output
    assert "evil.example" in said.output  # shown, as typed
    for live in ("https://evil", "www.evil", "repo#12", " #5"):
        assert live not in said.output, live


def test_the_svg_sanitiser_parses_values_instead_of_searching_them() -> None:
    # Item 10: a CSS escape (u\72l(…)) passed the textual url( test, and a font-size escaped into report.css;
    # item 6: a coordinate of 1e400 ended as an internal error.
    from bpr.export.report.svg import SvgStyles, embeddable_svg

    raw = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="100pt" height="50pt" viewBox="0 0 100 50">'
        b'<g><polygon fill="u\\72l(https://evil.example/x)" stroke="#000000" points="0,0 10,0 10,10"/>'
        b'<text x="5" y="1e400" font-size="12;}body{background:url(https://evil.example/y)}" fill="black">a</text>'
        b'<rect x="1" y="2" width="3" height="4" fill="#ff0000" stroke-width="2"/></g></svg>'
    )
    styles = SvgStyles()
    markup = str(embeddable_svg(raw, "t", styles))
    css = styles.css()
    assert "evil" not in markup and "evil" not in css and "body{" not in css
    assert "#f00" in markup + css and "stroke-width:2" in css  # the safe values are kept


def test_a_submodule_is_refused_on_disk_and_in_revisions_alike(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Item 14: a git submodule under inventories/ was read on disk but skipped in revisions.
    import shutil

    def git(*args: str, cwd: Path) -> None:
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=cwd, check=True,
                       capture_output=True)  # fmt: skip

    inner = tmp_path / "inner"
    inner.mkdir()
    shutil.copy(INVENTORIES / "bosai.yaml", inner / "other.yaml")
    git("init", "-q", cwd=inner)
    git("add", ".", cwd=inner)
    git("commit", "-qm", "inner", cwd=inner)
    outer = tmp_path / "outer"
    (outer / "inventories").mkdir(parents=True)
    shutil.copy(INVENTORIES / "shimin.yaml", outer / "inventories" / "shimin.yaml")
    git("init", "-q", cwd=outer)
    git("-c", "protocol.file.allow=always", "submodule", "add", "-q", str(inner), "inventories/sub", cwd=outer)
    git("add", ".", cwd=outer)
    git("commit", "-qm", "outer", cwd=outer)
    on_disk = runner.invoke(app, ["--lang", "en", "validate", str(outer / "inventories")])
    assert on_disk.exit_code == 1 and "sub:1:1: error file-unreadable" in on_disk.output
    assert "git submodule" in on_disk.output and "other.yaml" not in on_disk.output
    monkeypatch.chdir(outer)  # restored after the test
    in_revision = runner.invoke(app, ["--lang", "en", "diff", "HEAD", "inventories", "--format", "json"])
    assert in_revision.exit_code == 1, in_revision.output
    assert "git submodule" in in_revision.output


@pytest.mark.parametrize("part", ["xl/workbook.xml", "xl/styles.xml", "xl/worksheets/sheet1.xml"])
def test_an_xlsx_nested_100000_deep_is_an_input_error_not_an_internal_one(
    runner: CliRunner, tmp_path: Path, part: str
) -> None:
    """Issue 24, item 6: 100,000 nested <ext> elements in any part; both imports refuse it plainly."""
    import zipfile

    from openpyxl import Workbook

    base = tmp_path / "base.xlsx"
    book = Workbook()
    book.active["A1"] = "手続ID"
    book.save(base)
    nested = tmp_path / "nested.xlsx"
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(nested, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == part:
                head, tail = data.decode().rsplit("</", 1)
                deep = "<extLst>" + '<ext uri="x">' * 100_000 + "</ext>" * 100_000 + "</extLst>"
                data = (head + deep + "</" + tail).encode()
            target.writestr(item, data)
    national = runner.invoke(
        app, ["import", "national", str(nested), "--population", "78000", "-o", str(tmp_path / "o")]
    )
    assert national.exit_code == 2 and "Traceback" not in national.output
    (tmp_path / "inv").mkdir()
    form = runner.invoke(app, ["survey", "import", str(nested), "-o", str(tmp_path / "inv")])
    assert form.exit_code == 1 and "Traceback" not in form.output and "file-unreadable" in form.output


def test_a_returned_form_changes_only_the_lines_of_what_changed(runner: CliRunner, tmp_path: Path) -> None:
    """Issue 24, item 19: survey import re-spaced the flow mappings of procedures it did not change."""
    import shutil

    folder = tmp_path / "inventories"
    shutil.copytree(INVENTORIES, folder)
    shimin = folder / "shimin.yaml"
    lines = shimin.read_text(encoding="utf-8").split("\n")
    last_step = max(i for i, line in enumerate(lines) if line.strip().startswith("- {id:"))
    lines[last_step] = lines[last_step].replace("{id: ", "{ id:  ", 1).replace(", name:", " ,  name:", 1)
    shimin.write_text("\n".join(lines), encoding="utf-8")
    before = shimin.read_text(encoding="utf-8").split("\n")
    forms = tmp_path / "forms"
    assert runner.invoke(app, ["survey", "export", str(folder), "-o", str(forms)]).exit_code == 0
    book = load_workbook(forms / "shimin.xlsx")
    sheet = book["手続一覧"]
    header = next(c for row in sheet.iter_rows(max_row=6) for c in row if c.value and "年間件数" in str(c.value))
    row = header.row + 1
    while sheet.cell(row=row, column=header.column).value is None:
        row += 1
    sheet.cell(row=row, column=header.column).value = int(sheet.cell(row=row, column=header.column).value) + 1
    book.save(forms / "shimin.xlsx")
    result = runner.invoke(app, ["survey", "import", str(forms / "shimin.xlsx"), "-o", str(folder)])
    assert result.exit_code == 0, result.output
    after = shimin.read_text(encoding="utf-8").split("\n")
    changed = [(old, new) for old, new in zip(before, after, strict=True) if old != new]
    assert len(changed) == 1 and "annual_volume" in changed[0][1]  # the odd spacing elsewhere is kept


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_lock_that_is_a_fifo_is_refused_instead_of_read(runner: CliRunner, tmp_path: Path) -> None:
    """A FIFO named .bpr-lock once made every writer wait forever reading who held it."""
    from test_import_survey import write_csv

    out = tmp_path / "nat"
    out.mkdir()
    os.mkfifo(out / ".bpr-lock")
    source = write_csv(tmp_path / "s.csv")
    result = runner.invoke(app, ["import", "national", str(source), "--population", "78000", "-o", str(out)])
    assert result.exit_code == 2 and "not a lock bpr wrote" in result.output
