"""The loader: every case of the corpus yields its expected (code, line, column), and no input makes it raise."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bpr.inventory import yamlfile
from bpr.inventory.codes import CODES
from bpr.inventory.loader import load_file, load_inventory
from bpr.inventory.problem import Problem, Severity

from conftest import INVALID, VALID, expected_problems, invalid_cases, yaml_files

# Codes no committed fixture can carry (git keeps no dangling state, and an empty folder is no file):
# each is asserted by the test named here.
CODES_TESTED_ELSEWHERE = {
    "file-unreadable": "test_loader.py::test_dangling_symlink_is_unreadable",
    "no-inventory": "test_cli_validate.py::test_no_yaml_files_is_a_usage_error",
}


def _compact(problems: list[Problem]) -> tuple[tuple[str, int, int], ...]:
    return tuple((p.code, p.line, p.column) for p in problems)


@pytest.mark.parametrize("case", invalid_cases(), ids=lambda p: str(p.relative_to(INVALID)))
def test_invalid_case_yields_its_expected_problems(case: Path) -> None:
    inventory, path_problems = load_inventory([case])
    assert path_problems == []
    files = yaml_files(case) if case.is_dir() else [case]
    assert [loaded.path for loaded in inventory.files] == [str(f) for f in files]
    for loaded, path in zip(inventory.files, files, strict=True):
        assert _compact(loaded.problems) == expected_problems(path), path
    code = case.parent.name
    assert code in {p.code for p in inventory.problems}, f"{case} is filed under {code} but does not yield it"


def test_every_code_has_a_case() -> None:
    in_corpus = {case.parent.name for case in invalid_cases()}
    assert in_corpus | set(CODES_TESTED_ELSEWHERE) == set(CODES)
    assert not in_corpus & set(CODES_TESTED_ELSEWHERE)


def test_valid_files_have_no_errors() -> None:
    files = yaml_files(VALID)
    assert len(files) >= 5
    inventory, path_problems = load_inventory([VALID])
    assert path_problems == []
    assert [p for p in inventory.problems if p.severity is Severity.ERROR] == []
    for loaded in inventory.files:
        assert loaded.counter is not None, loaded.path
        assert loaded.procedures, loaded.path


def test_spec_example_warns_of_its_self_issued_attachment_and_rework() -> None:
    inventory, _ = load_inventory([VALID])
    (loaded,) = [f for f in inventory.files if f.path.endswith("kosodate-spec-example.yaml")]
    assert _compact(loaded.problems) == (("self-issued-attachment", 20, 32), ("rework-loop", 25, 124))


def test_merge_keys_and_aliases_are_read() -> None:
    loaded = load_file(VALID / "anchors-and-merge-keys.yaml", "x.yaml")
    first, second = (procedure for _, procedure in loaded.procedures)
    assert second.fee == first.fee
    assert [step.name for step in second.steps] == ["窓口受付", "納税証明書の発行"]
    assert second.steps[1].system == "税務総合システム"


def test_c_parser_is_in_use() -> None:
    assert yamlfile.parser_class_name() == "CParser"


def test_bom_is_dropped_without_shifting_columns(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufeffversion: 2\n".encode())
    loaded = load_file(path, "bom.yaml")
    assert ("unsupported-version", 1, 10) in _compact(loaded.problems)


def test_shift_jis_file_names_the_file_and_asks_for_utf8(tmp_path: Path) -> None:
    path = tmp_path / "excel.yaml"
    path.write_bytes("version: 1\ncounter: {id: shimin, name: 市民課}\n".encode("cp932"))
    loaded = load_file(path, "inventories/excel.yaml")
    (problem,) = loaded.problems
    assert (problem.code, problem.line, problem.column) == ("file-encoding", 2, 29)
    assert "inventories/excel.yaml" in problem.message
    assert "Shift_JIS" in problem.message
    assert "UTF-8" in problem.message


def test_tab_indentation_is_named(tmp_path: Path) -> None:
    path = tmp_path / "tab.yaml"
    path.write_text("version: 1\ncounter:\n\tid: shimin\n", encoding="utf-8")
    (problem,) = load_file(path, "tab.yaml").problems
    assert (problem.code, problem.line, problem.column) == ("yaml-syntax", 3, 1)
    assert "tab" in problem.message


def test_dangling_symlink_is_unreadable(tmp_path: Path) -> None:
    os.symlink(tmp_path / "gone.yaml", tmp_path / "link.yaml")
    inventory, path_problems = load_inventory([tmp_path])
    assert path_problems == []
    (problem,) = inventory.problems
    assert (problem.code, problem.line, problem.column) == ("file-unreadable", 1, 1)
    assert problem.file == str(tmp_path / "link.yaml")


def test_folder_named_like_a_yaml_file_is_unreadable(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").mkdir()
    loaded = load_file(tmp_path / "x.yaml", "x.yaml")
    assert _compact(loaded.problems) == (("file-unreadable", 1, 1),)


def test_missing_path_is_a_path_problem(tmp_path: Path) -> None:
    inventory, path_problems = load_inventory([tmp_path / "nowhere.yaml"])
    assert inventory.files == []
    assert [p.code for p in path_problems] == ["file-unreadable"]


def _alias_bomb(levels: int) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels + 1):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("levels", [9, 40])
def test_alias_bomb_is_refused_at_once(tmp_path: Path, levels: int) -> None:
    path = tmp_path / "lol.yaml"
    path.write_text(_alias_bomb(levels), encoding="utf-8")
    started = time.perf_counter()
    loaded = load_file(path, "lol.yaml")
    elapsed = time.perf_counter() - started
    assert [p.code for p in loaded.problems] == ["yaml-aliases"]
    # Generous for a slow CI machine: the refusal is linear in the file, not in what the aliases expand to.
    assert elapsed < 1.0


def test_one_run_reports_every_file(tmp_path: Path) -> None:
    for name in ("a.yaml", "b.yml", "c.yaml"):
        (tmp_path / name).write_text("version: 3\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("version: 3\n", encoding="utf-8")
    inventory, _ = load_inventory([tmp_path])
    assert [Path(p.file).name for p in inventory.problems if p.code == "unsupported-version"] == [
        "a.yaml",
        "b.yml",
        "c.yaml",
    ]


_SETTINGS = settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
_json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)


def _assert_loads_quietly(path: Path) -> None:
    loaded = load_file(path, "fuzz.yaml")
    for problem in loaded.problems:
        assert problem.code in CODES
        assert problem.line >= 1 and problem.column >= 1


@_SETTINGS
@given(text=st.text(max_size=300))
def test_any_text_loads_without_raising(tmp_path: Path, text: str) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    _assert_loads_quietly(path)


@_SETTINGS
@given(data=st.binary(max_size=300))
def test_any_bytes_load_without_raising(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(data)
    _assert_loads_quietly(path)


@_SETTINGS
@given(data=_json_like)
def test_any_yaml_data_loads_without_raising(tmp_path: Path, data: object) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_text(yaml.safe_dump({"version": 1, "counter": data, "procedures": [data]}), encoding="utf-8")
    _assert_loads_quietly(path)


_SPEC_EXAMPLE = (VALID / "kosodate-spec-example.yaml").read_text(encoding="utf-8")


@_SETTINGS
@given(start=st.integers(0, len(_SPEC_EXAMPLE)), length=st.integers(1, 40), insert=st.text(max_size=8))
def test_damaged_valid_file_loads_without_raising(tmp_path: Path, start: int, length: int, insert: str) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_text(
        _SPEC_EXAMPLE[:start] + insert + _SPEC_EXAMPLE[start + length :], encoding="utf-8", errors="surrogatepass"
    )
    _assert_loads_quietly(path)


def test_cross_file_rules_see_procedures_with_schema_errors(tmp_path: Path) -> None:
    step = "steps: [{id: a, name: 受付, actor: counter, effort: 5}]"
    (tmp_path / "a.yaml").write_text(
        "version: 1\ncounter: {id: a, name: A, section: A課}\nprocedures:\n"
        f"  - {{id: juminhyo, name: 住民票, kind: certficate, annual_volume: 10, {step}}}\n",
        encoding="utf-8",
    )
    (tmp_path / "b.yaml").write_text(
        "version: 1\ncounter: {id: b, name: B, section: B課}\nprocedures:\n"
        f"  - {{id: juminhyo, name: 重複, annual_volume: 5, {step}}}\n"
        "  - id: jido\n    name: 児童手当\n    annual_volume: 5\n"
        "    attachments: [{name: 住民票の写し, source: self, procedure: juminhyo}]\n"
        f"    {step}\n",
        encoding="utf-8",
    )
    inventory, _ = load_inventory([tmp_path])
    codes = [(Path(p.file).name, p.code, p.line) for p in inventory.problems if p.severity.value == "error"]
    # The typo in `kind` is reported, the attachment to `juminhyo` is not a false unknown reference,
    # and the duplicate id of the invalid procedure is still found.
    assert ("a.yaml", "invalid-value", 4) in codes
    assert ("b.yaml", "duplicate-id", 4) in codes
    assert not [c for c in codes if c[1] == "unknown-reference"]
