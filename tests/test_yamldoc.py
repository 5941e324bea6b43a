"""Counter files changed field by field (bpr/survey/yamldoc.py) and new files emitted directly (emit.py)."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bpr.inventory.yamlfile import parse_yaml
from bpr.survey.emit import counter_file_text, scalar
from bpr.survey.yamldoc import CounterDocument, duration_text, write_documents

from conftest import INVENTORIES


@given(st.text(max_size=40))
def test_an_emitted_scalar_reads_back_as_the_same_text(text: str) -> None:
    assert parse_yaml(f"a: {scalar(text)}\n").data == {"a": text}
    assert parse_yaml(f"a: [{scalar(text)}, x]\n").data == {"a": [text, "x"]}
    assert parse_yaml(f"a: {{k: {scalar(text)}}}\n").data == {"a": {"k": text}}


@given(st.one_of(st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.booleans(), st.none()))
def test_an_emitted_number_reads_back_as_the_same_value(value: object) -> None:
    assert parse_yaml(f"a: {scalar(value)}\n").data == {"a": value}


def test_a_new_file_reads_back_as_its_data() -> None:
    procedure = {
        "id": "p",
        "name": "申請: 「特別」な手続 #1, [仮]",
        "annual_volume": 3,
        "online": {"status": "partial", "share": 0.25},
        "life_events": ["birth", "moving"],
        "steps": [{"id": "a", "name": "yes", "actor": "citizen", "wait": "3d"}],
        "issues": ["- 先頭がハイフン", "null"],
        "survey": {"payment": ["1-1 行政機関の窓口"], "name": "x"},
    }
    text = counter_file_text(
        "# header\n", {"id": "c", "name": "C", "section": "S"}, [procedure, dict(procedure, id="q")]
    )
    data = parse_yaml(text).data
    assert data["procedures"] == [procedure, dict(procedure, id="q")]
    assert "\n\n  - id: q\n" in text


def test_durations_are_written_in_their_largest_whole_unit() -> None:
    assert [duration_text(m) for m in (5, 90, 4320, 45, 1.5)] == ["5m", "1.5h", "3d", "45m", "1.5m"]


def test_nothing_changed_leaves_every_byte(tmp_path: Path) -> None:
    for source in sorted(INVENTORIES.glob("*.yaml")):
        path = shutil.copy(source, tmp_path / source.name)
        document = CounterDocument.load(Path(path))
        for plain in document.plain_procedures():
            assert document.update_procedure(plain) == []
        assert not document.changed
        assert write_documents([document]) == []
        assert Path(path).read_bytes() == source.read_bytes()


def test_a_change_touches_only_what_differs(tmp_path: Path) -> None:
    path = Path(shutil.copy(INVENTORIES / "shimin.yaml", tmp_path / "shimin.yaml"))
    original = path.read_text(encoding="utf-8")
    document = CounterDocument.load(path)
    plain = document.plain_procedure("shimin-juminhyo")
    plain["steps"][0]["effort"] = 6  # "5m" before
    plain["steps"][1]["effort"] = 1  # "1m" before: the same in meaning, so left as written
    plain["notes"] = "窓口で確認"
    assert document.update_procedure(plain) == ["steps", "notes"]
    write_documents([document])
    after = path.read_text(encoding="utf-8")
    changed = [line for line in difflib.ndiff(original.splitlines(), after.splitlines()) if line[:2] in ("+ ", "- ")]
    assert len(changed) == 3  # the step line out and in, and the notes line inserted before the blank line
    assert "effort: 6}" in after and 'effort: "1m", wait: "10m"}' in after
    assert (
        "      - 市の他課へ提出するための請求が一定数ある（庁内で確認できれば不要）\n    notes: 窓口で確認\n\n  - id: shimin-inkan-toroku"
        in after
    )
    assert after.startswith("# yaml-language-server")


def test_an_appended_procedure_is_set_apart_by_a_blank_line(tmp_path: Path) -> None:
    path = Path(shutil.copy(INVENTORIES / "shimin.yaml", tmp_path / "shimin.yaml"))
    document = CounterDocument.load(path)
    plain = document.plain_procedure("shimin-juminhyo")
    document.update_procedure(dict(plain, id="shimin-new"))
    text = document.text()
    assert "\n\n  - id: shimin-new\n" in text
    assert parse_yaml(text).data["procedures"][-1]["id"] == "shimin-new"


def test_a_failure_while_writing_leaves_every_file_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = [Path(shutil.copy(INVENTORIES / name, tmp_path / name)) for name in ("shimin.yaml", "zeimu.yaml")]
    documents = [CounterDocument.load(path) for path in paths]
    for document in documents:
        plain = document.plain_procedures()[0]
        document.update_procedure(dict(plain, notes="変更"))
    before = [path.read_bytes() for path in paths]
    calls = {"n": 0}
    original = CounterDocument.text

    def failing_text(self: CounterDocument) -> str:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(28, "No space left on device")
        return original(self)

    monkeypatch.setattr(CounterDocument, "text", failing_text)
    try:
        write_documents(documents)
    except OSError:
        pass
    else:
        raise AssertionError("the failure was swallowed")
    assert [path.read_bytes() for path in paths] == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shimin.yaml", "zeimu.yaml"]


COMMENTED = """\
version: 1
counter: {id: c, name: C, section: S}
procedures:
  - id: a
    name: A
    annual_volume: 10
    steps:
      - {id: s1, name: S1, actor: citizen, effort: 5}
    issues:  # 課題
      - one

  - id: b
    name: B
    annual_volume: 1
    steps:
      - {id: s1, name: S1, actor: citizen}
"""


def test_a_comment_on_a_block_key_and_the_blank_line_after_stay_put(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(COMMENTED, encoding="utf-8")
    document = CounterDocument.load(path)
    plain = document.plain_procedure("a")
    plain["steps"][0].update(effort=6, seal=True, action="write")
    plain["notes"] = "x"
    assert document.update_procedure(plain) == ["steps", "notes"]
    assert document.text() == COMMENTED.replace(
        "{id: s1, name: S1, actor: citizen, effort: 5}",
        "{id: s1, name: S1, actor: citizen, action: write, seal: true, effort: 6}",
    ).replace("      - one\n\n", "      - one\n    notes: x\n\n")


def test_floats_and_awkward_text_read_back_exactly_and_a_broken_write_is_refused(tmp_path: Path) -> None:
    path = Path(shutil.copy(INVENTORIES / "shimin.yaml", tmp_path / "shimin.yaml"))
    document = CounterDocument.load(path)
    plain = document.plain_procedure("shimin-juminhyo")
    plain["steps"][0]["effort"] = 5.923510060468908e-206
    plain["legal_basis"] = "r/ó\U000b1f79\ufffd: "
    plain["online"]["channel"] = "a: b, c"
    plain["issues"].append("x: ")
    document.update_procedure(plain)
    read = parse_yaml(document.text()).data["procedures"][0]
    assert read["steps"][0]["effort"] == 5.923510060468908e-206
    assert read["legal_basis"] == "r/ó\U000b1f79\ufffd: " and read["online"]["channel"] == "a: b, c"
    assert read["issues"][-1] == "x: "


@pytest.mark.parametrize("padding", [3959, 3964, 3969, 20_000])
def test_a_change_to_a_file_of_one_long_flow_line_reads_back(tmp_path: Path, padding: int) -> None:
    # ruamel folded a double-quoted scalar past its width (4096 then) right after an escape, with no `\` to
    # join the lines, and "\x03Ä" read back as "\x03 Ä": the import refused the file. Nothing is folded now.
    reason = "Ⱦ\x03ÄøÆ\U000500ad;\x1d@: ｶﾀｶﾅ"
    path = tmp_path / "c.yaml"
    path.write_text(
        '{version: 1, counter: {id: c, name: "窓口"}, procedures: [{id: p, name: "' + "x" * padding + '", '
        'annual_volume: 1, handled: false, handled_reason: "Ⱦ\\x03ÄøÆ\\U000500ad;\\x1d@: ｶﾀｶﾅ", '
        "steps: [{id: s, name: 受付, actor: counter}]}]}\n",
        encoding="utf-8",
    )
    document = CounterDocument.load(path)
    plain = document.plain_procedure("p")
    plain["annual_volume"] = 2
    assert document.update_procedure(plain) == ["annual_volume"]
    write_documents([document])
    procedure = parse_yaml(path.read_text(encoding="utf-8")).data["procedures"][0]
    assert (procedure["handled_reason"], procedure["annual_volume"]) == (reason, 2)
