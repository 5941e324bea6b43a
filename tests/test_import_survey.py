"""`bpr import survey`: the national survey's columns into counter files, and re-imports that never clobber."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bpr.cli.main import app
from bpr.inventory.loader import load_inventory as _load_inventory
from bpr.inventory.records import Inventory
from bpr.inventory.yamlfile import parse_yaml
from bpr.survey.national import period_minutes

from conftest import ROOT

SHARED_SURVEY = ROOT.parent / "shared" / "data" / "national-survey-r6-municipal.csv"
HEADER = [
    "手続ID", "所管府省庁", "手続名", "法令名", "法令番号", "根拠条項号", "手続類型", "手続主体", "手続の受け手",
    "オンライン化の実施状況", "申請等における本人確認手法", "手数料等の納付有無", "手数料等の納付方法",
    "処理期間(オンライン)", "処理期間(非オンライン)", "情報システム(申請)", "情報システム(事務処理)",
    "総手続件数", "オンライン手続件数", "非オンライン手続件数", "申請時に添付させる書類",
    "手続が行われるイベント(個人)", "手続が行われるイベント(法人)", "申請を提出する機関", "オンライン化率",
]  # fmt: skip
CITY = "市役所・町村役場"


def row(**values: str) -> list[str]:
    """Return one survey row in HEADER's order; unnamed columns are blank."""
    defaults = {"手続類型": "1 申請等", "申請を提出する機関": CITY, "オンライン化の実施状況": "2 未実施"}
    merged = {**defaults, **values}
    return [merged.get(name, "") for name in HEADER]


ROWS = [
    row(**{"手続ID": "9108", "所管府省庁": "総務省", "手続名": "本人等による住民票の写し等の交付請求", "法令名": "住民基本台帳法",
           "根拠条項号": "第12条第1項", "オンライン化の実施状況": "1 実施済", "総手続件数": "123490614",
           "オンライン手続件数": "61745307", "手数料等の納付有無": "2 手数料等有り",
           "手数料等の納付方法": "1-1 行政機関の窓口; 2-3 クレジットカード払い", "手続が行われるイベント(個人)": "引越し",
           "申請等における本人確認手法": "4 本人確認書類の提示・提出", "処理期間(非オンライン)": "1日"}),
    row(**{"手続ID": "3288", "所管府省庁": "個人情報保護委員会", "手続名": "独自利用事務の情報連携に係る届出", "法令名": "行政手続における特定の個人を識別するための番号の利用等に関する法律",
           "オンライン化の実施状況": "1 実施済", "総手続件数": "1776", "オンライン手続件数": "1776",
           "処理期間(オンライン)": "2月", "処理期間(非オンライン)": "2月", "情報システム(事務処理)": "独自利用事務システム"}),
    row(**{"手続ID": "16380", "所管府省庁": "農林水産省", "手続名": "森林病害虫等の駆除のための立入の許可", "法令名": "森林法",
           "申請等における本人確認手法": "2 押印", "総手続件数": "0", "オンライン手続件数": "0",
           "処理期間(非オンライン)": "１月", "申請時に添付させる書類": "住民票; 定款; その他の添付書類"}),
    row(**{"手続ID": "777", "所管府省庁": "こども家庭庁", "手続名": "児童手当の認定の請求", "法令名": "児童手当法",
           "オンライン化の実施状況": "1 実施済", "手続が行われるイベント(個人)": "出生・こども; 引越し"}),
    row(**{"手続ID": "555", "所管府省庁": "国土交通省", "手続名": "国にだけ出す届", "法令名": "道路法",
           "申請を提出する機関": "国の機関"}),
]  # fmt: skip


def write_csv(path: Path, rows: list[list[str]] = ROWS, encoding: str = "utf-8", title: bool = False) -> Path:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    if title:
        writer.writerow(["行政手続等の棚卸調査結果（令和6年度）"])
    writer.writerow(HEADER)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[str]] = ROWS) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for values in rows:
        # Excel keeps counts as numbers.
        sheet.append([int(v) if v.isdigit() else v for v in values])
    workbook.save(path)
    return path


def run_import(runner: CliRunner, source: Path, out: Path, *extra: str) -> object:
    return runner.invoke(app, ["import", "national", str(source), "--population", "78000", "-o", str(out), *extra])


def load_inventory(paths: list[Path], use_cache: bool = False) -> Inventory:
    inventory, problems = _load_inventory(paths, use_cache=use_cache)
    assert problems == []
    return inventory


def texts(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.yaml"))}


def procedures(folder: Path) -> dict[str, dict]:
    out = {}
    for path in sorted(folder.glob("*.yaml")):
        for item in parse_yaml(path.read_text(encoding="utf-8")).data["procedures"]:
            out[str(item["national_id"])] = item
    return out


def test_import_writes_counter_files_that_validate(runner: CliRunner, tmp_path: Path) -> None:
    result = run_import(runner, write_csv(tmp_path / "survey.csv"), tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "  1 row skipped: not a 申請等 brought to a city hall" in result.output
    inventory = load_inventory([tmp_path / "out"])
    errors = [p for p in inventory.problems if p.severity == "error"]
    assert errors == []
    codes = {p.code for p in inventory.problems}
    assert {"skeleton-flow", "zero-volume", "seal-required", "self-issued-attachment"} <= codes
    assert sorted(texts(tmp_path / "out")) == ["kosodate.yaml", "norin.yaml", "shimin.yaml"]


def test_import_figures_are_the_hand_computed_ones(runner: CliRunner, tmp_path: Path) -> None:
    run_import(runner, write_csv(tmp_path / "survey.csv"), tmp_path / "out")
    found = procedures(tmp_path / "out")
    juminhyo = found["9108"]
    # 123,490,614 × 78,000 / 124,500,000 = 77,367.8 → 77,368; 61,745,307 / 123,490,614 = 0.5 online.
    assert juminhyo["annual_volume"] == 77368
    assert "123,490,614件 × 人口 78,000人 / 124,500,000人" in juminhyo["volume_source"]
    assert juminhyo["online"] == {"status": "partial", "share": 0.5, "identity_check": "photo_id"}
    assert juminhyo["kind"] == "certificate"
    assert juminhyo["legal_basis"] == "住民基本台帳法第12条第1項"
    assert juminhyo["fee"] == {"payment": ["cash", "credit_card"]}
    assert juminhyo["life_events"] == ["moving"]
    assert juminhyo["steps"][-1]["wait"] == "1d"
    # Every case online: status full, an electronic first step, the online processing period.
    online = found["3288"]
    assert online["online"] == {"status": "full"}
    assert online["steps"][0]["medium"] == "electronic" and "in_person" not in online["steps"][0]
    assert online["steps"][-1]["wait"] == "60d"
    assert online["annual_volume"] == 1  # 1,776 × 78,000 / 124,500,000 = 1.1
    # No national count: 0 cases, said so; a seal (押印) marks the first step; 住民票 is self-issued.
    forest = found["16380"]
    assert forest["annual_volume"] == 0 and "0件" in forest["volume_source"]
    assert forest["steps"][0]["seal"] is True
    assert forest["attachments"] == [{"name": "住民票の写し", "source": "self"}, {"name": "定款", "source": "citizen"}]
    assert forest["steps"][-1]["wait"] == "30d"  # １月 (full-width) is 30 days
    # 実施済 with no counts: possible somewhere, share unknown (warned), and a national-priority name.
    teate = found["777"]
    assert teate["online"] == {"status": "partial"}
    assert teate["national_priority"] is True
    assert teate["life_events"] == ["birth", "childcare", "moving"]


@pytest.mark.parametrize("variant", ["bom", "cp932", "title-row", "xlsx"])
def test_every_form_of_the_file_imports_the_same(runner: CliRunner, tmp_path: Path, variant: str) -> None:
    run_import(runner, write_csv(tmp_path / "plain.csv"), tmp_path / "reference")
    if variant == "bom":
        source = write_csv(tmp_path / "s.csv", encoding="utf-8-sig")
    elif variant == "cp932":
        source = write_csv(tmp_path / "s.csv", encoding="cp932")
    elif variant == "title-row":
        source = write_csv(tmp_path / "s.csv", title=True)
    else:
        source = write_xlsx(tmp_path / "s.xlsx")
    result = run_import(runner, source, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert texts(tmp_path / "out") == texts(tmp_path / "reference")


def test_a_missing_required_column_is_named(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "s.csv"
    source.write_text(",".join(h for h in HEADER if h != "総手続件数") + "\n1,総務省,x,y\n", encoding="utf-8")
    result = run_import(runner, source, tmp_path / "out")
    assert result.exit_code == 2
    assert "「総手続件数」" in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("content", [b"\xff\xfe\x00\x00binary", b"PK\x03\x04not a zip", b""])
def test_a_file_that_is_no_table_exits_2(runner: CliRunner, tmp_path: Path, content: bytes) -> None:
    source = tmp_path / ("s.xlsx" if content.startswith(b"PK") else "s.csv")
    source.write_bytes(content)
    result = run_import(runner, source, tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def test_population_is_required_for_national_counts(runner: CliRunner, tmp_path: Path) -> None:
    source = write_csv(tmp_path / "s.csv")
    result = runner.invoke(app, ["import", "national", str(source), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2 and "--population" in result.output


def test_importing_twice_changes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    source = write_csv(tmp_path / "s.csv")
    run_import(runner, source, tmp_path / "out")
    before = texts(tmp_path / "out")
    result = run_import(runner, source, tmp_path / "out")
    assert result.exit_code == 0
    assert "0 added, 0 updated, 4 unchanged; wrote 0 files" in result.output
    assert texts(tmp_path / "out") == before


def test_reimport_updates_the_survey_fields_and_keeps_hand_edits(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_import(runner, write_csv(tmp_path / "s.csv"), out)
    shimin = out / "shimin.yaml"
    text = shimin.read_text(encoding="utf-8")
    # A person surveys the 住民票 flow, corrects the 情報連携 volume and adds a comment.
    text = text.replace("# yaml-language-server", "# 市民課の棚卸 2026年11月\n# yaml-language-server")
    text = text.replace(
        "      - {id: apply, name: 申請書を記入して窓口に提出, actor: citizen, action: submit, medium: paper, handwritten: true, in_person: true}",
        "      - {id: apply, name: 交付請求書の記入と提出, actor: citizen, action: submit, medium: paper, in_person: true, effort: 5m}  # 実測",
    )
    text = text.replace("    annual_volume: 1\n", "    annual_volume: 3  # 市の実績\n")
    text = text.replace("    flow_source: skeleton\n", "    flow_source: surveyed\n", 1)
    shimin.write_text(text, encoding="utf-8")
    # The next year's survey: more cases everywhere, a longer processing period.
    changed = [list(r) for r in ROWS]
    for values in changed:
        if values[0] in {"9108", "3288"}:
            values[HEADER.index("総手続件数")] = str(int(values[HEADER.index("総手続件数")]) * 2)
        if values[0] == "9108":
            values[HEADER.index("処理期間(非オンライン)")] = "3日"
    result = run_import(runner, write_csv(tmp_path / "s2.csv", changed), out)
    assert result.exit_code == 0, result.output
    after = shimin.read_text(encoding="utf-8")
    assert after.startswith("# 市民課の棚卸 2026年11月\n")
    assert "effort: 5m}  # 実測" in after  # the surveyed flow survives
    assert "annual_volume: 3  # 市の実績" in after  # the hand-corrected volume survives
    found = procedures(out)
    assert found["3288"]["survey"]["national_volume"] == 3552
    # 9108's volume came from the survey and nobody changed it: it follows the survey (doubled).
    assert found["9108"]["annual_volume"] == 154735  # 246,981,228 × 78,000 / 124,500,000 = 154,735.2
    assert found["9108"]["steps"][0]["name"] == "交付請求書の記入と提出"
    assert "kept     shimin-3288: annual_volume" in result.output
    assert "kept     shimin-9108: steps" in result.output
    assert load_inventory([out]).problems and not [p for p in load_inventory([out]).problems if p.severity == "error"]


def test_a_skeleton_nobody_touched_follows_the_survey(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_import(runner, write_csv(tmp_path / "s.csv"), out)
    changed = [list(r) for r in ROWS]
    changed[2][HEADER.index("処理期間(非オンライン)")] = "2週"
    result = run_import(runner, write_csv(tmp_path / "s2.csv", changed), out)
    assert "updated  norin-16380: steps, survey" in result.output
    assert procedures(out)["16380"]["steps"][-1]["wait"] == "14d"


def test_a_hand_made_procedure_only_gets_its_empty_fields(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "shimin.yaml").write_text(
        "version: 1\n"
        "counter: {id: shimin, name: 市民課 窓口, section: 市民課}\n"
        "procedures:\n"
        "  - id: juminhyo  # 手で書いた手続\n"
        "    name: 住民票の写しの交付\n"
        "    national_id: 9108\n"
        "    annual_volume: 80000\n"
        "    steps:\n"
        "      - {id: ask, name: 請求, actor: citizen, in_person: true}\n",
        encoding="utf-8",
    )
    result = run_import(runner, write_csv(tmp_path / "s.csv"), out)
    assert result.exit_code == 0, result.output
    data = procedures(out)["9108"]
    assert data["id"] == "juminhyo" and data["name"] == "住民票の写しの交付" and data["annual_volume"] == 80000
    assert data["legal_basis"] == "住民基本台帳法第12条第1項"  # was empty: filled
    assert data["steps"] == [{"id": "ask", "name": "請求", "actor": "citizen", "in_person": True}]
    assert "# 手で書いた手続" in (out / "shimin.yaml").read_text(encoding="utf-8")
    assert "kept     juminhyo: name, annual_volume, steps" in result.output


def test_a_custom_mapping_decides_the_counters(runner: CliRunner, tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "counters:\n"
        "  - {id: madoguchi, name: 総合窓口, section: 市民窓口課, when: [{law: [住民基本台帳法]}]}\n"
        "  - {id: sonota, name: その他, section: 総務課, when: [{}]}\n",
        encoding="utf-8",
    )
    result = run_import(runner, write_csv(tmp_path / "s.csv"), tmp_path / "out", "--mapping", str(mapping))
    assert result.exit_code == 0, result.output
    assert sorted(texts(tmp_path / "out")) == ["madoguchi.yaml", "sonota.yaml"]


def test_a_bad_mapping_is_located(runner: CliRunner, tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("counters:\n  - {id: a, name: A, section: A課, wen: [{}]}\n", encoding="utf-8")
    result = run_import(runner, write_csv(tmp_path / "s.csv"), tmp_path / "out", "--mapping", str(mapping))
    assert result.exit_code == 2
    assert f"{mapping}:2:" in result.output and "unknown-field" in result.output


def test_the_default_mapping_is_printed(runner: CliRunner) -> None:
    result = runner.invoke(app, ["import", "national", "--show-mapping"])
    assert result.exit_code == 0 and "counters:" in result.output


def test_json_report_lists_every_procedure(runner: CliRunner, tmp_path: Path) -> None:
    result = run_import(runner, write_csv(tmp_path / "s.csv"), tmp_path / "out", "--format", "json", "--dry-run")
    payload = json.loads(result.stdout)
    assert [p["action"] for p in payload["procedures"]] == ["added"] * 4
    assert payload["written"] == [] and not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("text", "days"),
    [("1月", 30), ("2週", 14), ("30日", 30), ("１月", 30), ("1～5月", 150), ("不明", None), ("0", None), ("月", None)],
)
def test_processing_periods(text: str, days: int | None) -> None:
    minutes = period_minutes(text)
    assert (None if minutes is None else minutes / 1440) == days


needs_shared = pytest.mark.skipif(
    not SHARED_SURVEY.is_file(), reason=f"the national survey is not at {SHARED_SURVEY} (shared data absent)"
)


@needs_shared
def test_the_whole_national_survey_imports_cleanly_in_every_form(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "imported"
    result = run_import(runner, SHARED_SURVEY, out)
    assert result.exit_code == 0, result.output
    assert "3,098 added" in result.output
    inventory = load_inventory([out], use_cache=False)
    assert sum(1 for _ in inventory.entries()) == 3098
    assert [p for p in inventory.problems if p.severity == "error"] == []
    reference = texts(out)
    # Importing twice changes nothing.
    again = run_import(runner, SHARED_SURVEY, out)
    assert "wrote 0 files" in again.output and texts(out) == reference
    # A CP932 copy and an XLSX copy give the same files.
    text = SHARED_SURVEY.read_text(encoding="utf-8-sig")
    cp932 = tmp_path / "survey-cp932.csv"
    cp932.write_bytes(text.encode("cp932", errors="replace"))
    run_import(runner, cp932, tmp_path / "from-cp932")
    assert texts(tmp_path / "from-cp932") == reference
    rows = list(csv.reader(io.StringIO(text)))
    xlsx = tmp_path / "survey.xlsx"
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for values in rows:
        sheet.append(values)
    workbook.save(xlsx)
    run_import(runner, xlsx, tmp_path / "from-xlsx")
    assert texts(tmp_path / "from-xlsx") == reference


def test_a_file_of_another_counter_under_the_mapped_name_is_not_used(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "shimin.yaml").write_text(
        "version: 1\ncounter: {id: madoguchi, name: 窓口, section: 市民課}\n"
        "procedures:\n  - {id: a, name: A, annual_volume: 1, steps: [{id: s, name: S, actor: counter}]}\n",
        encoding="utf-8",
    )
    before = (out / "shimin.yaml").read_bytes()
    result = run_import(runner, write_csv(tmp_path / "s.csv"), out)
    assert result.exit_code == 2 and "holds another counter" in result.output
    assert (out / "shimin.yaml").read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["shimin.yaml"]


def test_an_output_that_is_a_file_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "file.txt"
    target.write_text("x", encoding="utf-8")
    result = run_import(runner, write_csv(tmp_path / "s.csv"), target)
    assert result.exit_code == 2 and "is not a folder" in result.output


def test_the_old_name_still_imports_and_says_the_new_one(runner: CliRunner, tmp_path: Path) -> None:
    # Issue 22: `bpr import survey` became `bpr import national` (`bpr survey` is the counters' 調査票); the
    # old spelling works for one version and says so on stderr, the rest of the output unchanged.
    source = write_csv(tmp_path / "s.csv")
    old = runner.invoke(app, ["import", "survey", str(source), "--population", "78000", "-o", str(tmp_path / "a")])
    new = run_import(runner, source, tmp_path / "b")
    assert old.exit_code == new.exit_code == 0
    assert "`bpr import survey` is now `bpr import national`" in old.stderr
    assert "bpr import survey" not in new.stderr
    assert old.stdout.replace(str(tmp_path / "a"), "X") == new.stdout.replace(str(tmp_path / "b"), "X")
