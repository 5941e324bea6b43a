"""docs/sample-inventory.md's figures are the sample's: both the Japanese part and the English one are checked
against inventories/ and against what `bpr validate` reports on it."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from bpr.cli.main import app

from conftest import INVENTORIES, ROOT, yaml_files

DOC = (ROOT / "docs" / "sample-inventory.md").read_text(encoding="utf-8")
JAPANESE, ENGLISH = DOC.split('<a id="english"></a>')
FILES = [yaml.safe_load(path.read_text(encoding="utf-8")) for path in yaml_files(INVENTORIES)]
PROCEDURES: list[dict[str, Any]] = [procedure for data in FILES for procedure in data["procedures"]]
STEPS = [step for procedure in PROCEDURES for step in procedure["steps"]]
POPULATION, NATION = 78_000, 124_500_000


def tables(part: str) -> dict[str, list[list[str]]]:
    """Every table of a part of the doc, keyed by its header row, without the header and the rule."""
    found: dict[str, list[list[str]]] = {}
    for block in re.findall(r"(?:^\|.*\|\n)+", part, re.M):
        rows = [[cell.strip() for cell in line.strip()[1:-1].split("|")] for line in block.splitlines()]
        found[" | ".join(rows[0])] = rows[2:]
    return found


def figure(part: str, pattern: str) -> tuple[int, ...]:
    match = re.search(pattern, part)
    assert match, pattern
    return tuple(int(value.replace(",", "")) for value in match.groups())


def number(cell: str) -> int:
    return int(re.sub(r"[^0-9]", "", cell.split("（")[0].split("(")[0]))


def branches(step: dict[str, Any]) -> list[dict[str, Any]]:
    return [n for n in step.get("next", []) if isinstance(n, dict)] if len(step.get("next", [])) > 1 else []


@pytest.fixture(scope="module")
def problems() -> dict[str, Any]:
    result = CliRunner().invoke(app, ["validate", "--format", "json", str(INVENTORIES)])
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.stdout)
    return report


@pytest.mark.parametrize(("part", "header"), [(JAPANESE, "窓口 id"), (ENGLISH, "counter id")])
def test_the_counters_table_is_the_sample(part: str, header: str) -> None:
    rows = next(rows for key, rows in tables(part).items() if key.startswith(header))
    expected = [
        [f"`{c['id']}`", c["name"], c["section"], c["department"], str(len(data["procedures"]))]
        for data in FILES
        for c in [data["counter"]]
    ]
    assert sorted(rows) == sorted(expected)


def sample_figures() -> dict[str, int]:
    lengths = [len(procedure["steps"]) for procedure in PROCEDURES]
    online = [procedure.get("online", {}) for procedure in PROCEDURES]
    return {
        "counters": len(FILES),
        "sections": len({data["counter"]["section"] for data in FILES}),
        "procedures": len(PROCEDURES),
        "priority": sum(bool(procedure.get("national_priority")) for procedure in PROCEDURES),
        "plans": sum("plan" in procedure for procedure in PROCEDURES),
        "fewest": min(lengths),
        "most": max(lengths),
        "steps": len(STEPS),
        "branch": sum(len(step.get("next", [])) > 1 for step in STEPS),
        "terminal": sum(step.get("next") == [] for step in STEPS),
        "shares": sum("share" in o for o in online),
        "partial": sum(o.get("status") == "partial" for o in online),
        "mynaportal": sum(bool(o.get("mynaportal")) for o in online),
        "national_id": sum("national_id" in procedure for procedure in PROCEDURES),
    }


JA_FIGURES = {
    r"窓口 (\d+)（1 窓口 1 ファイル）、課 (\d+)、手続 (\d+) 件": ("counters", "sections", "procedures"),
    r"`national_priority: true`、(\d+) 件": ("priority",),
    r"決まっている計画\*\*（(\d+) 件）": ("plans",),
    r"工程は 1 手続あたり (\d+) から (\d+)（合計 (\d+)）": ("fewest", "most", "steps"),
    r"分岐の工程が (\d+)": ("branch",),
    r"終わりになる分岐の工程（`next: \[\]`）が (\d+)": ("terminal",),
    r"`online.share`、(\d+) 件": ("shares",),
    r"`online.status: partial` の (\d+) 件": ("partial",),
    r"`online.mynaportal: true`、(\d+) 件": ("mynaportal",),
    r"`national_id`、(\d+) 件": ("national_id",),
    r"分岐の工程 (\d+) か所すべて": ("branch",),
}
EN_FIGURES = {
    r"(\d+) counters \(one file each\) in (\d+) sections \(課\), (\d+) procedures": (
        "counters",
        "sections",
        "procedures",
    ),
    r"`national_priority: true`, (\d+) procedures": ("priority",),
    r"Plans already decided\*\* \((\d+)\)": ("plans",),
    r"(\d+) to (\d+) steps each \((\d+) in all\)": ("fewest", "most", "steps"),
    r"There are (\d+) branch steps": ("branch",),
    r"(\d+) terminal branch steps": ("terminal",),
    r"`online.share`, (\d+) procedures": ("shares",),
    r"Each of the (\d+) procedures with `online.status: partial`": ("partial",),
    r"`online.mynaportal: true`, (\d+) procedures": ("mynaportal",),
    r"`national_id`, (\d+) procedures": ("national_id",),
    r"on the (\d+) procedures that\s+cite one": ("national_id",),
    r"Every one of the (\d+) branch steps": ("branch",),
}


@pytest.mark.parametrize(("part", "patterns"), [(JAPANESE, JA_FIGURES), (ENGLISH, EN_FIGURES)], ids=["ja", "en"])
def test_the_counts_in_the_text_are_the_sample(part: str, patterns: dict[str, tuple[str, ...]]) -> None:
    counts = sample_figures()
    for pattern, names in patterns.items():
        assert figure(part, pattern) == tuple(counts[name] for name in names), pattern


JA_WARNINGS = {
    r"\*\*エラー (\d+) 件、警告 (\d+) 件\*\*": ("errors", "warnings"),
    r"\*\*押印（seal-required）、(\d+) 件\*\*": ("seal-required",),
    r"\*\*自分で発行する添付書類（self-issued-attachment）、(\d+) 件\*\*": ("self-issued-attachment",),
    r"\*\*差し戻しのループ（rework-loop）、(\d+) 件\*\*": ("rework-loop",),
    r"差し戻しのループが (\d+)": ("rework-loop",),
}
EN_WARNINGS = {
    r"\*\*(\d+) errors and (\d+) warnings\*\*": ("errors", "warnings"),
    r"\*\*Seal \(押印\), (\d+)\*\*": ("seal-required",),
    r"\*\*Self-issued attachment, (\d+)\*\*": ("self-issued-attachment",),
    r"\*\*Rework loop \(差し戻し\), (\d+)\*\*": ("rework-loop",),
    r"(\d+) rework\s+loops": ("rework-loop",),
}


@pytest.mark.parametrize(("part", "patterns"), [(JAPANESE, JA_WARNINGS), (ENGLISH, EN_WARNINGS)], ids=["ja", "en"])
def test_the_warnings_are_what_validate_reports(
    problems: dict[str, Any], part: str, patterns: dict[str, tuple[str, ...]]
) -> None:
    counts: dict[str, int] = dict(Counter(problem["code"] for problem in problems["problems"]))
    counts |= {"errors": problems["errors"], "warnings": problems["warnings"]}
    assert (
        sum(counts[code] for code in ("seal-required", "self-issued-attachment", "rework-loop")) == counts["warnings"]
    )
    for pattern, names in patterns.items():
        assert figure(part, pattern) == tuple(counts[name] for name in names), pattern


@pytest.mark.parametrize(
    ("part", "header"), [(JAPANESE, "手続 id | 使った手続ID"), (ENGLISH, "procedure id | 手続ID used")]
)
def test_the_volume_table_is_the_sample(part: str, header: str) -> None:
    rows = next(rows for key, rows in tables(part).items() if key.startswith(header))
    assert [row[0] for row in rows] == [f"`{procedure['id']}`" for procedure in PROCEDURES]  # in file order
    for row, procedure in zip(rows, PROCEDURES, strict=True):
        ids = re.findall(r"[A-Z]*\d+", row[1])
        assert number(row[3]) == procedure["annual_volume"], row
        estimate = procedure["volume_source"].startswith("市推計")
        assert ("市推計" in row[3]) == estimate, row
        assert (ids == []) == ("national_id" not in procedure), row
        if ids:
            assert procedure["national_id"] in ids, row
            assert all(i in procedure["volume_source"] for i in ids), row
        if not estimate:  # the national count scaled by population
            assert round(number(row[2]) * POPULATION / NATION) == procedure["annual_volume"], row


@pytest.mark.parametrize(
    ("part", "header"), [(JAPANESE, "手続 id | 割合 | 根拠"), (ENGLISH, "procedure id | share | source")]
)
def test_the_online_shares_table_is_the_sample(part: str, header: str) -> None:
    rows = tables(part)[header]
    shares = {f"`{p['id']}`": p["online"]["share"] for p in PROCEDURES if "share" in p.get("online", {})}
    assert {row[0]: float(row[1]) for row in rows} == shares
    assert len(rows) == len(shares)


@pytest.mark.parametrize(
    ("part", "header"), [(JAPANESE, "手続 | 工程 | 分岐先"), (ENGLISH, "procedure | step | branch")]
)
def test_the_branch_shares_table_is_the_sample(part: str, header: str) -> None:
    rows = next(rows for key, rows in tables(part).items() if key.startswith(header))
    shown, procedure, step = [], "", ""
    for row in rows:
        procedure, step = row[0] or procedure, row[1] or step
        target, _, label = row[2].removeprefix("→ ").partition(": ")
        shown.append((procedure, step, target, label, float(row[3])))
    expected = [
        (f"`{p['id']}`", f"`{s['id']}`", f"`{n['to']}`", n.get("label", ""), n["share"])
        for p in PROCEDURES
        for s in p["steps"]
        for n in branches(s)
    ]
    assert sorted(shown) == sorted(expected)
