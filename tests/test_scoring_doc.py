"""docs/scoring.md's figures are the code's: every generated block is what scripts/scoring_doc.py writes now."""

from __future__ import annotations

import importlib.util
import re

from conftest import ROOT

SPEC = importlib.util.spec_from_file_location("scoring_doc", ROOT / "scripts" / "scoring_doc.py")
assert SPEC is not None and SPEC.loader is not None
scoring_doc = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(scoring_doc)


def test_every_generated_block_of_docs_scoring_is_what_the_code_gives() -> None:
    text = (ROOT / "docs" / "scoring.md").read_text(encoding="utf-8")
    written = scoring_doc.render(text)
    stale = [
        name
        for name, before, after in zip(
            scoring_doc.BLOCKS,
            (_block(text, name) for name in scoring_doc.BLOCKS),
            (_block(written, name) for name in scoring_doc.BLOCKS),
            strict=True,
        )
        if before != after
    ]
    assert not stale, f"stale blocks {stale}: run .venv/bin/python scripts/scoring_doc.py and review the diff"


def test_the_page_states_model_3_and_keeps_no_figure_of_model_2_outside_the_history() -> None:
    text = (ROOT / "docs" / "scoring.md").read_text(encoding="utf-8")
    assert text.startswith("# スコア・順位・ロードマップの算定方法（モデル第3版）")
    assert "**Scores, ranking and the roadmap (model v3)**" in text
    current = text[: text.index("### 9. Changes from v1")].replace(_block(text, "v2v3"), "")
    # Model 2's sample totals and top figures, which the page printed before model 3 (the v2 → v3 table
    # alone shows them, as model 2's).
    for stale in ("294,765.1", "99,077.7", "282,585.4", "32,037.9"):
        assert stale not in current, stale


def test_the_page_is_japanese_first_with_each_japanese_block_before_the_english() -> None:
    # Issue 25, item 4: city staff read the Japanese part; the English follows under one heading. Every block
    # named `-ja` is in the Japanese part and every other block in the English one, each once.
    text = (ROOT / "docs" / "scoring.md").read_text(encoding="utf-8")
    english = text.index("\n## English\n")
    for name in scoring_doc.BLOCKS:
        start = text.index(f"<!-- generated: {name} -->")
        assert text.count(f"<!-- generated: {name} -->") == 1, name
        assert (start < english) == name.endswith("-ja"), name
    japanese = text[:english]
    # The Japanese part leaves no English heading behind: each of its headings is written in Japanese.
    headings = [line for line in japanese.splitlines() if line.startswith("#")]
    assert headings and all(re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", line) for line in headings), headings


def test_the_japanese_blocks_say_the_figures_of_the_english_ones() -> None:
    # Both languages are written from one analysis: the worked example's figures and the KPI rows agree.
    text = (ROOT / "docs" / "scoring.md").read_text(encoding="utf-8")
    english, japanese = _block(text, "worked"), _block(text, "worked-ja")
    figures = re.compile(r"\d[\d,]*\.\d+")
    assert figures.findall(english.split("**Cost")[0]) == figures.findall(
        japanese.split("**費用と回収")[0].split("|\n\n")[-1]
    )
    assert _block(text, "kpis").splitlines()[2:] == _block(text, "kpis-ja").splitlines()[2:]


def _block(text: str, name: str) -> str:
    match = re.search(rf"<!-- generated: {name} -->\n(.*?)<!-- end: {name} -->", text, re.S)
    assert match is not None, name
    return match.group(1)
