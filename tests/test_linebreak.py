"""Japanese line breaking: by phrase (BudouX), with 禁則, over every sample name and every help text."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from typer.testing import CliRunner

from bpr.cli.main import app
from bpr.linebreak import NO_LINE_END, NO_LINE_START, _phrases, display_width, wrap

from conftest import INVENTORIES


def sample_texts() -> list[str]:
    """Every procedure, step and counter name of the sample inventories."""
    yaml = YAML(typ="safe")
    found: list[str] = []
    for path in sorted(Path(INVENTORIES).rglob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"))
        found.append(data["counter"]["name"])
        for procedure in data["procedures"]:
            found.append(procedure["name"])
            found.extend(step["name"] for step in procedure["steps"])
    return found


def check_lines(text: str, lines: list[str], width: int) -> None:
    """No line starts with a closing mark or ends with an opening one; a break inside a phrase only for a long phrase."""
    for line in lines[1:]:
        assert line[:1] not in NO_LINE_START, (text, lines)
    for line in lines[:-1]:
        assert line[-1:] not in NO_LINE_END, (text, lines)
    # Each break falls on a phrase boundary, unless the phrase it splits is wider than a line.
    boundaries = set()
    at = 0
    for phrase in _phrases(text):
        at += len(phrase)
        boundaries.add(at)
    long_phrases = [p for p in _phrases(text) if display_width(p) > width]
    at = 0
    for line in lines[:-1]:
        at += len(line)
        while at < len(text) and text[at] == " ":
            at += 1
        assert at in boundaries or long_phrases or " " in text, (text, lines)


@pytest.mark.parametrize("width", [12, 16, 24, 36])
def test_every_sample_name_breaks_between_phrases(width: int) -> None:
    texts = [t for t in sample_texts() if display_width(t) > width]
    assert len(texts) > 50
    for text in texts:
        check_lines(text, wrap(text, width, max_lines=100), width)


def test_a_name_breaks_between_its_words_not_inside_one() -> None:
    assert wrap("被災者生活再建支援金の支給申請", 24) == ["被災者生活再建支援金の", "支給申請"]
    # A closing mark that cannot hang takes the last phrase down with it (追い出し).
    lines = wrap("このライフイベントのみ（death、birth、moving など）。繰り返し指定できる。", 50)
    assert lines == ["このライフイベントのみ（death、birth、moving", "など）。繰り返し指定できる。"]


def help_pages() -> list[tuple[str, str]]:
    runner = CliRunner()
    pages = []
    for command in ([], ["validate"], ["score"], ["roadmap"], ["build"], ["diagram"], ["report"], ["journeys"],
                    ["config"], ["diff"], ["new"], ["schema"], ["survey"], ["import"], ["doctor"]):  # fmt: skip
        result = runner.invoke(app, [*command, "--help"], env={"BPR_LANG": "ja", "COLUMNS": "80"})
        assert result.exit_code == 0, (command, result.output)
        pages.append((" ".join(command) or "bpr", result.output))
    return pages


def test_no_help_line_starts_with_a_closing_mark_or_a_full_stop() -> None:
    bad = []
    for command, page in help_pages():
        for line in page.splitlines():
            text = line.strip(" │")
            if text[:1] in NO_LINE_START - set(")]}!?,.:;%"):
                bad.append((command, line))
            if display_width(line) > 80:
                bad.append((command, line))
    assert bad == []


def test_wrapping_needs_budoux_only_when_japanese_is_wrapped() -> None:
    # `bpr --version` and English help never load the phrase model.
    import subprocess
    import sys

    code = "import sys; from bpr.linebreak import wrap; wrap('plain English words', 8); print('budoux' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ)
    assert out.stdout.strip() == "False"
