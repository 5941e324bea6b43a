"""Issue 20: the national survey imported for a city gives a roadmap a 課長 would sign.

Each item is tested on small fixtures in the survey's column format; the whole-CSV checks run when
../shared/data exists (the national file is never part of the project).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from test_import_survey import SHARED_SURVEY, load_inventory, procedures, row, run_import, write_csv
from typer.testing import CliRunner

from bpr.analysis.pipeline import analyse_inventory
from bpr.cli.main import app
from bpr.config import Config
from bpr.inventory.enums import Measure
from bpr.survey.mapping import load_mapping
from bpr.survey.national import NATIONAL_POPULATION

POPULATION = 78_000


def volume(total: int) -> int:
    return round(total * POPULATION / NATIONAL_POPULATION)


# Rows in the survey's wording: two official items (one of them two rows), and decoys whose names merely
# contain 児童扶養手当 or 介護, an operator's procedure, and a procedure shared with the prefecture.
FIXTURE = [
    row(**{"手続ID": "204038", "所管府省庁": "こども家庭庁", "手続名": "児童手当の認定の請求", "法令名": "児童手当法施行規則",
           "手続主体": "5 国民等", "総手続件数": "92343", "オンライン手続件数": "0"}),
    row(**{"手続ID": "110382", "所管府省庁": "厚生労働省", "手続名": "要介護認定の申請", "法令名": "介護保険法",
           "手続主体": "5 国民等", "総手続件数": "1000000", "オンライン手続件数": "0", "オンライン化の実施状況": "1 実施済",
           "情報システム(申請)": "サービス検索・電子申請機能等システム(マイナポータル)"}),
    row(**{"手続ID": "110391", "所管府省庁": "厚生労働省", "手続名": "要支援認定の申請", "法令名": "介護保険法",
           "手続主体": "5 国民等", "総手続件数": "0", "オンライン手続件数": "0"}),
    row(**{"手続ID": "51294", "所管府省庁": "こども家庭庁", "手続名": "児童扶養手当受給資格者死亡の届出",
           "法令名": "児童扶養手当法施行規則", "手続主体": "5 国民等", "総手続件数": "0", "オンライン手続件数": "0"}),
    row(**{"手続ID": "44987", "所管府省庁": "厚生労働省", "手続名": "高額医療合算介護サービス費の支給の申請",
           "法令名": "介護保険法施行規則", "手続主体": "5 国民等", "総手続件数": "1000000", "オンライン手続件数": "0"}),
    row(**{"手続ID": "119000", "所管府省庁": "こども家庭庁", "手続名": "家庭的保育事業の認可の申請", "法令名": "児童福祉法",
           "手続主体": "6 民間事業者等", "総手続件数": "1000", "オンライン手続件数": "0",
           "手続が行われるイベント(個人)": "出生・こども"}),
    row(**{"手続ID": "32851", "所管府省庁": "国土交通省", "手続名": "係留施設使用許可申請", "法令名": "港湾法",
           "手続主体": "6 民間事業者等", "総手続件数": "200000", "オンライン手続件数": "0",
           "申請を提出する機関": "都道府県庁; 市役所・町村役場"}),
    row(**{"手続ID": "9108", "所管府省庁": "総務省", "手続名": "本人等による住民票の写し等の交付請求", "法令名": "住民基本台帳法",
           "手続主体": "5 国民等", "総手続件数": "123490614", "オンライン手続件数": "61745307",
           "オンライン化の実施状況": "1 実施済"}),
    row(**{"手続ID": "13190", "所管府省庁": "法務省", "手続名": "戸籍謄抄本（記録事項証明書）の交付請求", "法令名": "戸籍法",
           "手続主体": "7 国民等、民間事業者等", "総手続件数": "44550765", "オンライン手続件数": "0"}),
    row(**{"手続ID": "13183", "所管府省庁": "法務省", "手続名": "戸籍の届出（婚姻）", "法令名": "民法",
           "手続主体": "5 国民等", "総手続件数": "491035", "オンライン手続件数": "0"}),
]  # fmt: skip


@pytest.fixture
def imported(runner: CliRunner, tmp_path: Path) -> Path:
    out = tmp_path / "inv"
    result = run_import(runner, write_csv(tmp_path / "survey.csv", FIXTURE), out)
    assert result.exit_code == 0, result.output
    return out


def test_national_priority_only_from_the_official_list(imported: Path) -> None:
    found = procedures(imported)
    flagged = {nid for nid, p in found.items() if p.get("national_priority")}
    assert flagged == {"204038", "110382", "110391"}
    # The item is recorded, so that a re-import under another mapping tells the mapping from a person.
    assert found["110382"]["survey"]["priority_item"] == "要介護・要支援認定の申請"
    assert found["110391"]["survey"]["priority_item"] == "要介護・要支援認定の申請"


def test_operators_procedures_are_business_never_in_a_citizens_journey(imported: Path) -> None:
    found = procedures(imported)
    assert found["119000"]["life_events"] == ["business"]
    assert found["119000"]["survey"]["applicant"] == "6 民間事業者等"


def test_channels_from_the_survey_and_no_build_slot_for_them(imported: Path) -> None:
    found = procedures(imported)
    assert found["110382"]["online"]["channels"] == ["mynaportal"]
    assert "channels" not in found["9108"]["online"]  # 実施済 without a system named: no channel known
    analysis = analyse_inventory(load_inventory([imported]), Config())
    slots = {(i.procedure, i.measure) for i in analysis.roadmap.items}
    care = next(p for p in analysis.procedures if p.procedure.national_id == "110382")
    assert (care.id, Measure.ONLINE) not in slots
    assert care.id in {pid for pid, _share in analysis.roadmap.uptake}


def test_a_shared_procedure_gets_the_citys_share(imported: Path, runner: CliRunner, tmp_path: Path) -> None:
    mooring = procedures(imported)["32851"]
    assert mooring["shared_with"] == ["prefecture"]
    assert mooring["annual_volume"] == round(200000 * POPULATION / NATIONAL_POPULATION * 0.5)  # 62.7 → 63
    assert "市の分担 0.5（都道府県庁も受け付ける: import.shared_share）" in mooring["volume_source"]
    config = tmp_path / "bpr.yaml"
    config.write_text("import:\n  shared_share: {prefecture: 0.1}\n", encoding="utf-8")
    out = tmp_path / "other"
    result = run_import(runner, write_csv(tmp_path / "s.csv", FIXTURE), out, "--config", str(config))
    assert result.exit_code == 0, result.output
    assert procedures(out)["32851"]["annual_volume"] == round(200000 * POPULATION / NATIONAL_POPULATION * 0.1)


def test_zero_cases_take_no_build_slot_and_are_listed_apart(imported: Path) -> None:
    analysis = analyse_inventory(load_inventory([imported]), Config())
    zero = {p.id for p in analysis.procedures if p.procedure.annual_volume == 0}
    assert zero and set(analysis.roadmap.zero_volume) == zero
    by_id = {p.id: p for p in analysis.procedures}
    for item in analysis.roadmap.items:
        if item.deadline_fy is None:  # a member of the national package rides on its slot
            assert by_id[item.procedure].expected_hours[item.measure.value] > 0, item
    kpi = next(k for k in analysis.roadmap.kpis if k.population is not None)
    assert kpi.population == 3 and kpi.zero_volume == 1  # 要支援認定の申請: 0 cases in the survey


def test_national_priority_procedures_form_one_package_taking_one_slot(tmp_path: Path, runner: CliRunner) -> None:
    rows = [
        row(**{"手続ID": str(n), "所管府省庁": "こども家庭庁", "手続名": name, "法令名": "児童手当法施行規則",
               "手続主体": "5 国民等", "総手続件数": total, "オンライン手続件数": "0"})
        for n, (name, total) in enumerate(
            [("児童手当の認定の請求", "92343"), ("児童手当受給事由消滅の届出", "3367"), ("児童手当に係る寄附の申出", "0")],
            start=1,
        )
    ]  # fmt: skip
    out = tmp_path / "inv"
    assert run_import(runner, write_csv(tmp_path / "s.csv", rows), out).exit_code == 0
    config = Config.model_validate({"roadmap": {"capacity": {"online": 1}, "years": 4}})
    analysis = analyse_inventory(load_inventory([out]), config)
    national = [i for i in analysis.roadmap.items if i.deadline_fy is not None]  # the package's members
    assert len(national) == 3 and len({i.fy for i in national}) == 1
    used = sum(1 for i in analysis.roadmap.items if i.measure is Measure.ONLINE and i.fy == national[0].fy)
    assert used == 3  # one slot a year, and the package of three fills it
    assert analysis.roadmap.unscheduled == ()


def test_a_deleted_procedure_stays_deleted_and_the_report_says_so(imported: Path, runner: CliRunner, tmp_path: Path):
    ledger = (imported / "survey-imported.txt").read_text(encoding="utf-8")
    assert "\n119000\n" in ledger
    path = next(p for p in imported.glob("*.yaml") if "119000" in p.read_text(encoding="utf-8"))
    text = path.read_text(encoding="utf-8")
    blocks = text.split("\n  - id: ")
    kept = [b for b in blocks if "119000" not in b]
    assert len(kept) == len(blocks) - 1
    path.write_text("\n  - id: ".join(kept), encoding="utf-8")
    result = run_import(runner, write_csv(tmp_path / "survey.csv", FIXTURE), imported)
    assert result.exit_code == 0, result.output
    assert "119000" not in procedures(imported)
    assert "deleted  手続ID 119000 (家庭的保育事業の認可の申請): deleted by a person, not brought back" in result.output
    assert "1 procedure deleted by a person and not brought back (listed in survey-imported.txt)" in result.output
    again = run_import(runner, write_csv(tmp_path / "survey.csv", FIXTURE), imported, "--format", "json")
    assert json.loads(again.stdout)["deleted"] == [{"national_id": "119000", "name": "家庭的保育事業の認可の申請"}]


def test_not_handled_rules_and_handled_false_are_listed_never_scored(
    runner: CliRunner, tmp_path: Path, imported: Path
) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("not_handled:\n  - {law: [港湾法], reason: 市内に港湾がない}\n", encoding="utf-8")
    out = tmp_path / "inv2"
    result = run_import(runner, write_csv(tmp_path / "s.csv", FIXTURE), out, "--not-handled", str(rules))
    assert result.exit_code == 0, result.output
    mooring = procedures(out)["32851"]
    assert mooring["handled"] is False and mooring["handled_reason"] == "市内に港湾がない"
    assert "1 procedure marked handled: false (listed, never scored)" in result.output
    analysis = analyse_inventory(load_inventory([out]), Config())
    assert mooring["id"] not in {p.id for p in analysis.procedures}
    assert [(n.id, n.reason) for n in analysis.not_handled] == [(mooring["id"], "市内に港湾がない")]
    # Re-imported, it stays marked and stays out.
    again = run_import(runner, write_csv(tmp_path / "s.csv", FIXTURE), out)
    assert again.exit_code == 0 and procedures(out)["32851"]["handled"] is False
    # A bad rules file is an error at its line and column, exit 2.
    rules.write_text("not_handled:\n  - {law: [港湾法]}\n", encoding="utf-8")
    bad = run_import(runner, write_csv(tmp_path / "s.csv", FIXTURE), tmp_path / "inv3", "--not-handled", str(rules))
    assert bad.exit_code == 2 and f"{rules}:2:" in bad.output
    assert not (tmp_path / "inv3").exists()


def test_every_koseki_notification_goes_to_the_koseki_counter(imported: Path) -> None:
    marriage = next(p for p in imported.glob("*.yaml") if "戸籍の届出（婚姻）" in p.read_text(encoding="utf-8"))
    assert marriage.name == "koseki.yaml"


def test_the_ai_ocr_rpa_shortfall_names_the_procedures_not_surveyed(imported: Path) -> None:
    analysis = analyse_inventory(load_inventory([imported]), Config())
    said = [s.message for s in analysis.roadmap.shortfalls if "AI-OCR・RPA" in s.message]
    assert said
    skeletons = sum(1 for p in analysis.procedures if p.procedure.annual_volume > 0)
    assert all(f"未調査の手続 {skeletons}件" in text for text in said)
    assert all("本人等による住民票の写し等の交付請求（77,368件）" in text for text in said)
    assert not any("目標を見直す" in text for text in said)


# The whole national CSV, when it is there.
needs_survey = pytest.mark.skipif(not SHARED_SURVEY.exists(), reason="../shared/data is not present")


def _survey_rows() -> list[dict[str, str]]:
    with SHARED_SURVEY.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


@needs_survey
def test_the_official_list_maps_to_these_survey_rows() -> None:
    mapping = load_mapping(None)
    by_item: dict[str, list[str]] = {item.item: [] for item in mapping.priority_items}
    for survey_row in _survey_rows():
        item = mapping.priority_item(survey_row["手続名"])
        if item is not None:
            by_item[item].append(f"{survey_row['手続ID']} {survey_row['手続名']}")
    print("\n".join(f"{item}: {rows or '(no row of the survey)'}" for item, rows in by_item.items()))
    assert len(by_item) == 27
    without = [item for item, rows in by_item.items() if not rows]
    assert without == [
        "未支払の児童手当等の請求",
        "児童手当に係る寄附変更等の申出",
        "受給資格者の申出による学校給食費等の徴収等の申出",
        "受給資格者の申出による学校給食費等の徴収等の変更等の申出",
        "保育施設等の利用申込",
        "保育施設等の現況届",
        "介護保険負担割合証の再交付申請",
        "罹災証明書の発行申請",
    ]
    assert sum(len(rows) for rows in by_item.values()) == 29
    # Every name the mapping lists is a row of the survey, so no name is a typo.
    names = {mapping_name for item in mapping.priority_items for mapping_name in item.names}
    survey_names = {r["手続名"] for r in _survey_rows()}
    assert names <= survey_names


@needs_survey
def test_the_national_import_gives_a_roadmap_a_chief_would_sign(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "nat"
    result = run_import(runner, SHARED_SURVEY, out)
    assert result.exit_code == 0, result.output
    analysis = analyse_inventory(load_inventory([out]), Config())
    ranked = analysis.procedures
    national = {p.procedure.national_id for p in ranked if p.procedure.national_priority}
    mapping = load_mapping(None)
    assert national == {r["手続ID"] for r in _survey_rows() if mapping.priority_item(r["手続名"])}
    by_id = {p.id: p for p in ranked}
    for item in analysis.roadmap.items:  # no build slot for 0 expected hours (the package aside)
        if item.deadline_fy is None:  # a member of the national package rides on its slot
            assert by_id[item.procedure].expected_hours[item.measure.value] > 0
    placed = {i.procedure for i in analysis.roadmap.items if i.measure is Measure.ONLINE}
    names = {by_id[pid].procedure.national_id for pid in placed}
    assert {"9108", "13190"} <= names  # 住民票 and 戸籍
    largest = sorted(ranked, key=lambda p: -p.procedure.annual_volume)[:10]
    wanted = sum(p.expected_hours["online"] for p in largest if not p.procedure.online.existing_channels)
    carried = sum(p.expected_hours["online"] for p in largest if p.id in placed)
    assert carried >= 0.8 * wanted
    # Model v3 on real data: every figure finite, no measure saving more than today's hours, no year of
    # the plan above the steady state, and every cost and payback a number or "never".
    import math

    for p in ranked:
        today = p.figures.staff_hours + p.figures.citizen_hours
        assert sum(m.hours for m in p.measures) <= today + 0.05 * len(p.measures) + 1e-6, p.id
        for m in p.measures:
            figures = (m.hours, m.expected_hours, m.cost_initial, m.cost_annual, m.net_benefit, m.staff_thousand_yen)
            assert all(math.isfinite(value) for value in figures), p.id
            assert m.payback_years is None or math.isfinite(m.payback_years)
    steady = analysis.roadmap.steady
    assert steady is not None
    for year in analysis.roadmap.by_year:
        assert year.staff_hours <= steady.staff_hours + 0.5 and year.citizen_hours <= steady.citizen_hours + 0.5
        assert all(math.isfinite(v) for v in (year.worth, year.initial, year.annual, year.net))


@needs_survey
def test_the_walkthrough_quotes_what_the_import_prints(tmp_path: Path) -> None:
    from bpr.cli.main import app

    from conftest import ROOT

    result = CliRunner().invoke(
        app, ["--lang", "ja", "import", "national", str(SHARED_SURVEY), "--population", "78000", "-o", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    doc = (ROOT / "docs" / "import-survey.md").read_text(encoding="utf-8")
    for quoted in (
        "事業者等の手続（手続主体が住民でない）1,836件",
        "国の優先手続: 公式の一覧 27項目のうち 19項目に当たる手続 29件",
    ):
        assert quoted in result.output
        assert quoted.replace("国の優先手続: ", "国の優先手続:\n   ") in doc or quoted in doc.replace("\n   ", "")
    analysis = analyse_inventory(load_inventory([tmp_path]), Config())
    not_surveyed = sum(1 for p in analysis.procedures if p.procedure.annual_volume > 0)
    assert f"「未調査の手続 {not_surveyed}件」" in doc.replace("\n   ", "")


def test_the_survey_forms_carry_channels_and_shared_bodies_both_ways(
    imported: Path, runner: CliRunner, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    from bpr.survey.sheets.layout import FIRST_ROW, PROCEDURE_COLUMNS, PROCEDURE_SHEET

    forms = tmp_path / "forms"
    assert runner.invoke(app, ["survey", "export", str(imported), "-o", str(forms)]).exit_code == 0
    before = {p.name: p.read_bytes() for p in imported.iterdir()}
    # Back unchanged: channels (マイナポータル) and shared bodies (都道府県) survive, no file changes.
    back = runner.invoke(app, ["survey", "import", *map(str, sorted(forms.glob("*.xlsx"))), "-o", str(imported)])
    assert back.exit_code == 0, back.output
    assert {p.name: p.read_bytes() for p in imported.iterdir()} == before
    # A channel written on the form reaches the file.
    channels = next(i for i, c in enumerate(PROCEDURE_COLUMNS) if c.path == ("online", "channels")) + 1
    ids = next(i for i, c in enumerate(PROCEDURE_COLUMNS) if c.path == ("id",)) + 1
    form = forms / "shimin.xlsx"
    workbook = load_workbook(form)
    sheet = workbook[PROCEDURE_SHEET]
    row_of = next(r for r in range(FIRST_ROW, sheet.max_row + 1) if sheet.cell(r, ids).value == "shimin-9108")
    sheet.cell(row=row_of, column=channels, value="コンビニ交付、マイナポータル")
    workbook.save(form)
    back = runner.invoke(app, ["survey", "import", str(form), "-o", str(imported)])
    assert back.exit_code == 0, back.output
    assert procedures(imported)["9108"]["online"]["channels"] == ["convenience_store", "mynaportal"]


def test_page_one_says_what_the_figures_cannot_show_yet(imported: Path, runner: CliRunner, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    book = tmp_path / "nat.xlsx"
    result = runner.invoke(app, ["roadmap", str(imported), "-o", str(book)])
    assert result.exit_code == 0, result.output
    # Page 1's first rows: the title, the horizon, 作成日 and 版, 対象, the totals, these notes, 目次, this year.
    texts = [str(c) for row in load_workbook(book)["概要"].iter_rows(max_row=20, values_only=True) for c in row if c]
    analysis = analyse_inventory(load_inventory([imported]), Config())
    skeletons = sum(1 for p in analysis.procedures if p.procedure.annual_volume > 0)
    zero = len(analysis.roadmap.zero_volume)
    assert (
        f"未調査の手続 {skeletons}件（取込みで作った骨組みの業務フロー）: 職員の時間は0として計算。"
        "件数の多い順に調査（bpr survey export --worklist）。"
    ) in texts
    assert f"件数0の推計 {zero}件: 構築の枠に入れていない。市で扱いがあれば件数を記入。" in texts
    this_year = next(i for i, text in enumerate(texts) if text.startswith("■ 令和4年度に行うこと"))
    assert texts[this_year + 8] == "本人等による住民票の写し等の交付請求"  # the first row after the header


def test_a_ledger_that_is_not_a_regular_file_stops_the_import_before_it_writes(
    runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "inv"
    (out / "survey-imported.txt").mkdir(parents=True)
    result = run_import(runner, write_csv(tmp_path / "s.csv", FIXTURE), out)
    assert result.exit_code == 2
    assert "survey-imported.txt: is not a regular file" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["survey-imported.txt"]
