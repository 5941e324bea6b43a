"""File names made from ids and 課 names are Windows-safe, short enough for a 260-character path, and unique.

Issue 10 (an id of any length gets its diagram) and issue 15, item 9 (reserved names, the path limit,
names Windows takes for one file).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from bpr.cli.main import app
from bpr.export.diagram import MAX_FILE_STEM_CHARS, Diagram, RenderError, counter_file_name, diagram_file_name
from bpr.export.diagram import render as render_module
from bpr.export.diagram.render import render_diagrams
from bpr.export.filenames import (
    MAX_STEM_BYTES,
    WINDOWS_MAX_PATH,
    is_reserved_name,
    is_safe_stem,
    safe_stem,
    too_long_for_windows,
    unique_stems,
)
from bpr.inventory.enums import SLUG_PATTERN

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot is not installed")

LONG_PROCEDURE = "p" * 300
LONG_COUNTER = "c" * 300
DEVICES = ["con", "prn", "aux", "nul", "com1", "com9", "lpt1", "lpt9", "com0", "lpt0"]
FORBIDDEN = '<>:"/\\|?*\x00\x1f'


def inventory(tmp_path: Path, counter: str, procedures: list[str]) -> Path:
    path = tmp_path / "names.yaml"
    items = "".join(
        f"  - {{id: {pid}, name: 手続{index}, annual_volume: 10,"
        " steps: [{id: s, name: 受付, actor: counter, medium: paper, effort: 5m}]}\n"
        for index, pid in enumerate(procedures)
    )
    path.write_text(
        f"version: 1\ncounter: {{id: {counter}, name: 窓口, section: 市民課}}\nprocedures:\n{items}", encoding="utf-8"
    )
    return path


def test_short_ids_keep_their_file_names() -> None:
    assert diagram_file_name("tennyu") == "tennyu"
    assert diagram_file_name("kosodate-jidoteate_nintei") == "kosodate-jidoteate_nintei"
    assert counter_file_name("shimin") == "counter-shimin"
    assert diagram_file_name("a" * MAX_FILE_STEM_CHARS) == "a" * MAX_FILE_STEM_CHARS


def test_long_ids_are_shortened_deterministically_and_stay_apart() -> None:
    one, two = diagram_file_name("a" * 300), diagram_file_name("a" * 299 + "b")
    assert one == diagram_file_name("a" * 300) and one != two
    assert re.fullmatch(r"a{67}\.[0-9a-f]{12}", one), one
    assert len(counter_file_name(LONG_COUNTER)) <= MAX_FILE_STEM_CHARS
    assert diagram_file_name("a" * (MAX_FILE_STEM_CHARS + 1)) != "a" * MAX_FILE_STEM_CHARS


def test_the_longest_name_leaves_room_for_the_folders_within_windows_path_limit() -> None:
    # The deepest files bpr writes, in the staged output folder: a diagram while it renders, a report page.
    parent = "C:\\Users\\yamada.taro\\OneDrive - 市役所\\ドキュメント\\業務改革\\棚卸"
    staged = f"{parent}\\.out.4194304-abcd1234.tmp"
    stem = "p" * MAX_FILE_STEM_CHARS
    deepest = [f"{staged}\\.diagrams.abcd1234.tmp\\{stem}.svg", f"{staged}\\report\\procedures\\{stem}.html"]
    assert len(parent) < 60 and max(len(path) for path in deepest) <= WINDOWS_MAX_PATH - 60, deepest
    assert not any(too_long_for_windows(Path(path)) for path in deepest)
    assert too_long_for_windows(Path("/" + "a" * WINDOWS_MAX_PATH))


@pytest.mark.parametrize("name", DEVICES)
def test_reserved_ids_get_a_leading_underscore(name: str) -> None:
    assert re.fullmatch(SLUG_PATTERN, name)  # the format allows them
    assert diagram_file_name(name) == f"_{name}"
    assert is_safe_stem(f"_{name}")


@pytest.mark.parametrize(
    "name",
    ["CON", "Nul", "nul.svg", "NUL.tar.gz", "con.", "con ", "Con .tar.gz", "aux  .x", "COM¹", "lpt³.txt", "CONIN$"],
)
def test_windows_takes_these_for_devices(name: str) -> None:
    assert is_reserved_name(name)
    assert not is_reserved_name(safe_stem(name)), safe_stem(name)


@pytest.mark.parametrize("name", ["console", "com10", "nul-x", "_con", "connect.svg", "a.con", "lpt", " con"])
def test_names_that_only_look_like_devices_are_not_reserved(name: str) -> None:
    assert not is_reserved_name(name)


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("a<b>:c", "a_b__c"),
        ('x"y|z?*', "x_y_z__"),
        ("a/b\\c", "a_b_c"),
        ("tab\there", "tab_here"),
        ("trailing. . ", "trailing"),
        ("  spaced  ", "spaced"),
        (".hidden", "_.hidden"),
        ("-rf", "_-rf"),
        ("...", "file"),
        ("", "file"),
    ],
)
def test_unsafe_characters_and_ends_are_replaced(name: str, stem: str) -> None:
    assert safe_stem(name) == stem


def test_caps_count_windows_characters_and_linux_bytes() -> None:
    wide = safe_stem("𠮷" * 100)  # 2 UTF-16 code units, 4 bytes each
    assert len(wide.encode("utf-16-le")) // 2 <= MAX_FILE_STEM_CHARS and len(wide.encode()) <= MAX_STEM_BYTES
    assert wide.startswith("𠮷") and wide != safe_stem("𠮷" * 101)
    assert safe_stem("課" * 80) == "課" * 80  # 240 bytes: within both caps


@given(st.text(max_size=300))
def test_every_stem_is_safe_and_making_it_again_changes_nothing(name: str) -> None:
    stem = safe_stem(name)
    assert is_safe_stem(stem), stem
    assert not any(char in stem for char in FORBIDDEN)
    assert safe_stem(stem) == stem


@given(st.lists(st.from_regex(SLUG_PATTERN, fullmatch=True).filter(lambda s: len(s) < 400), unique=True))
def test_ids_of_the_format_never_share_a_file(ids: list[str]) -> None:
    """A diagram named after an id alone (as the report looks it up) is never another id's, in any case."""
    names = [diagram_file_name(pid) for pid in ids]
    assert len({name.casefold() for name in names}) == len(ids)
    assert unique_stems(ids) == names


def test_names_windows_takes_for_one_file_are_told_apart() -> None:
    first, second, third = unique_stems(["Shimin", "shimin", "SHIMIN"])
    assert first == "Shimin"
    assert re.fullmatch(r"shimin\.[0-9a-f]{12}", second) and re.fullmatch(r"SHIMIN\.[0-9a-f]{12}", third)
    assert len({second.casefold(), third.casefold()}) == 2
    assert unique_stems(["a/b", "a_b", "a|b"]) == unique_stems(["a/b", "a_b", "a|b"])  # the same every time
    assert len({stem.casefold() for stem in unique_stems(["a/b", "a_b", "a|b"])}) == 3


@given(st.lists(st.text(max_size=120), max_size=8))
def test_unique_stems_are_safe_and_one_file_each(names: list[str]) -> None:
    stems = unique_stems(names)
    assert all(is_safe_stem(stem) for stem in stems)
    assert len({stem.casefold() for stem in stems}) == len(names)


@pytest.mark.parametrize("fmt", ["dot", pytest.param("svg", marks=needs_dot)])
def test_a_300_character_id_gets_its_diagram(tmp_path: Path, runner: CliRunner, fmt: str) -> None:
    path = inventory(tmp_path, LONG_COUNTER, [LONG_PROCEDURE, "short"])
    assert runner.invoke(app, ["validate", str(path)]).exit_code == 0
    out = tmp_path / "o"
    result = runner.invoke(app, ["diagram", str(path), "-o", str(out), "-f", fmt])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        [
            ".bpr-diagram",  # the list of what bpr diagram wrote (docs/output.md)
            f"{diagram_file_name(LONG_PROCEDURE)}.{fmt}",
            f"{counter_file_name(LONG_COUNTER)}.{fmt}",
            f"short.{fmt}",
        ]
    )
    assert LONG_PROCEDURE in (out / f"{diagram_file_name(LONG_PROCEDURE)}.{fmt}").read_text(encoding="utf-8")


def test_reserved_ids_get_diagrams_windows_can_hold(tmp_path: Path, runner: CliRunner) -> None:
    path = inventory(tmp_path, "aux", ["con", "nul", "com1", "tennyu"])
    out = tmp_path / "o"
    result = runner.invoke(app, ["diagram", str(path), "-o", str(out), "-f", "dot"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        ".bpr-diagram",
        "_com1.dot",
        "_con.dot",
        "_nul.dot",
        "counter-aux.dot",
        "tennyu.dot",
    ]
    assert "手続0" in (out / "_con.dot").read_text(encoding="utf-8")


def test_a_procedure_named_like_a_counters_overview_keeps_its_name(tmp_path: Path, runner: CliRunner) -> None:
    path = inventory(tmp_path, "shimin", ["counter-shimin", "tennyu"])
    out = tmp_path / "o"
    result = runner.invoke(app, ["diagram", str(path), "-o", str(out), "-f", "dot"])
    assert result.exit_code == 0, result.output
    names = {p.name for p in out.iterdir()}
    (overview,) = names - {".bpr-diagram", "counter-shimin.dot", "tennyu.dot"}
    assert {"counter-shimin.dot", "tennyu.dot"} < names and len(names) == 4
    assert re.fullmatch(r"counter-shimin\.[0-9a-f]{12}\.dot", overview), names
    swimlane = (out / "counter-shimin.dot").read_text(encoding="utf-8")
    assert "手続0" in swimlane and "手続1" not in swimlane  # the procedure's own diagram
    assert "手続1" in (out / overview).read_text(encoding="utf-8")  # the counter's, listing both


@needs_dot
def test_the_report_shows_the_diagram_of_a_reserved_id(tmp_path: Path, runner: CliRunner) -> None:
    path = inventory(tmp_path, "shimin", ["con", "tennyu"])
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "diagrams" / "_con.svg").is_file()
    page = (out / "report" / "procedures" / "_con.html").read_text(encoding="utf-8")
    assert "<svg" in page


def test_diagrams_windows_takes_for_one_file_are_refused_naming_them(tmp_path: Path) -> None:
    diagrams = [Diagram("Tennyu", "digraph { a }", procedure="x"), Diagram("tennyu", "digraph { b }", procedure="y")]
    with pytest.raises(RenderError, match="procedure 'x' = procedure 'y'"):
        render_diagrams(diagrams, tmp_path / "o", "dot")
    assert not (tmp_path / "o").exists()


def test_a_path_too_long_for_windows_is_said_naming_the_procedure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deep = tmp_path / ("d" * 120) / ("e" * 120)

    def refuse(source: Path, target: Path) -> None:
        # What Windows without long paths says of a path it cannot hold.
        raise FileNotFoundError(2, "The system cannot find the path specified", str(target))

    monkeypatch.setattr(render_module, "replace_file", refuse)
    diagram = Diagram("tennyu", "digraph { a }", procedure="tennyu")
    with pytest.raises(RenderError) as raised:
        render_diagrams([diagram], deep, "dot")
    message = str(raised.value)
    assert "procedure 'tennyu'" in message and str(deep / "tennyu.dot") in message
    assert f"longer than Windows allows ({WINDOWS_MAX_PATH} characters)" in message


def test_any_other_write_error_names_the_counter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(source: Path, target: Path) -> None:
        raise OSError(28, "No space left on device", str(target))

    monkeypatch.setattr(render_module, "replace_file", refuse)
    with pytest.raises(RenderError, match=r"counter 'shimin'.*No space left on device"):
        render_diagrams([Diagram("counter-shimin", "digraph { a }", counter="shimin")], tmp_path / "o", "dot")
