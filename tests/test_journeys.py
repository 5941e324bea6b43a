"""Life-event journeys, self-issued documents and cash-only fees: hand-computed cases and the sample."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bpr.analysis.pipeline import analyse_inventory
from bpr.analysis.results import Analysis
from bpr.cli.main import app
from bpr.config import Config, load_config
from bpr.inventory.enums import LifeEvent, Source
from bpr.inventory.loader import load_inventory

from conftest import INVENTORIES

KOSEKI = """\
version: 1
counter: {id: koseki, name: 戸籍窓口, section: 市民課}
procedures:
  - id: shibo
    name: 死亡届
    annual_volume: 100
    life_events: [death]
    steps:
      - {id: write, name: 届書の記入, actor: citizen, handwritten: true, in_person: true, effort: 10}
      - {id: check, name: 審査, actor: counter, effort: 5}
  - id: juminhyo
    name: 住民票の写しの交付
    annual_volume: 1000
    fee: {amount: 300, payment: [cash, qr]}
    steps:
      - {id: ask, name: 請求, actor: citizen, in_person: true, effort: 5}
  - id: kaisei
    name: 改製原戸籍の交付
    annual_volume: 100
    fee: {amount: 750}
    steps:
      - {id: ask, name: 請求, actor: citizen, in_person: true, effort: 5}
"""
HOKEN = """\
version: 1
counter: {id: hoken, name: 保険年金窓口, section: 保険年金課}
procedures:
  - id: sousai
    name: 国民健康保険 葬祭費の支給申請
    annual_volume: 50
    life_events: [death]
    attachments:
      - {name: 住民票の写し, source: self}
    steps:
      - {id: write, name: 申請書の記入, actor: citizen, handwritten: true, in_person: true, effort: 10}
  - id: soshitsu
    name: 国民健康保険 資格喪失届
    annual_volume: 300
    life_events: [moving]
    steps:
      - {id: write, name: 届書の記入, actor: citizen, in_person: true, effort: 5}
"""


@pytest.fixture
def inventory(tmp_path: Path) -> Path:
    folder = tmp_path / "inv"
    folder.mkdir()
    (folder / "koseki.yaml").write_text(KOSEKI, encoding="utf-8")
    (folder / "hoken.yaml").write_text(HOKEN, encoding="utf-8")
    return folder


def analyse(folder: Path, config: Config | None = None) -> Analysis:
    inventory, problems = load_inventory([folder], use_cache=False)
    assert problems == [] and [p for p in inventory.problems if p.severity == "error"] == []
    return analyse_inventory(inventory, config or Config())


def test_the_death_journey_is_the_hand_computed_one(inventory: Path) -> None:
    analysis = analyse(inventory)
    (death,) = [j for j in analysis.journeys if j.event is LifeEvent.DEATH]
    # N = 死亡届's 100 cases (its trigger); 葬祭費 (50) is met on half the occurrences.
    assert death.occurrences == 100 and death.occurrences_source == "死亡届の年間件数の合計"
    assert [(p.id, p.share) for p in death.procedures] == [("shibo", 1.0), ("sousai", 0.5)]
    assert death.visits == pytest.approx(1.5)
    assert death.forms == pytest.approx(1.5)
    assert death.repeated_facts == pytest.approx(1.5)  # 3 facts × (1.5 forms − 1)
    # Journeys v2: both counters are in the main building, visited the same day: one trip out, 60 minutes.
    assert death.trips == pytest.approx(1.0) and death.travel_minutes == pytest.approx(60)
    # Writing 10 + 0.5 × 10 = 15 minutes, and the one trip: 75 minutes (v1 counted 1.5 trips: 105).
    assert death.citizen_hours == pytest.approx(75 / 60)
    assert death.citizen_hours_year == pytest.approx(125)
    # One-stop: no trip to save (one already); every handwritten minute (15); no waits: 15 minutes.
    assert dict(death.one_stop_parts) == pytest.approx({"trips": 0, "writing": 15, "waiting": 0})
    assert death.one_stop_hours == pytest.approx(15 / 60)
    assert death.sections == ("市民課", "保険年金課")
    assert any("hoken" not in g and "soshitsu" in g for g in death.gaps)
    assert any("「火葬」にあたる手続が棚卸にない" in g for g in death.gaps)


def test_the_configured_count_of_an_event_wins(inventory: Path, tmp_path: Path) -> None:
    path = tmp_path / "bpr.yaml"
    path.write_text("journeys:\n  occurrences: {death: 200}\n", encoding="utf-8")
    (death,) = [j for j in analyse(inventory, load_config(path)).journeys if j.event is LifeEvent.DEATH]
    assert death.occurrences == 200 and "設定" in death.occurrences_source
    assert [p.share for p in death.procedures] == [0.5, 0.25]


def test_a_one_stop_saving_never_passes_the_citizen_hours() -> None:
    inventory, _ = load_inventory([INVENTORIES], use_cache=False)
    analysis = analyse_inventory(inventory, Config())
    assert analysis.journeys
    for journey in analysis.journeys:
        assert 0 <= journey.one_stop_hours <= journey.citizen_hours + 1e-9
        assert all(0 <= p.share <= 1 for p in journey.procedures)


def test_documents_the_city_asks_of_itself(inventory: Path) -> None:
    analysis = analyse(inventory)
    (document,) = analysis.documents
    # 住民票の写し, issued by the city's own 住民票 procedure (found by kind), asked by 葬祭費's 50 cases.
    assert document.issuer == "juminhyo" and document.source is Source.SELF
    assert document.procedures == ("sousai",) and document.cases == 50
    assert document.citizen_hours == pytest.approx(50 * 65 / 60)  # 5 minutes + 60 minutes' trip each
    assert document.fees_yen == 50 * 300
    assert "庁内連携" in document.drop


def test_cash_only_fees_rank_by_yen_and_the_other_ways_are_listed(inventory: Path) -> None:
    analysis = analyse(inventory)
    assert [(c.id, c.yen) for c in analysis.cashless] == [("kaisei", 75_000)]
    assert [(m.value, n) for m, n in analysis.payment_methods] == [("qr", 1)]


def test_the_sample_shows_the_four_journeys_the_strategy_names() -> None:
    inventory, _ = load_inventory([INVENTORIES], use_cache=False)
    events = {j.event for j in analyse_inventory(inventory, Config()).journeys}
    assert {LifeEvent.MOVING, LifeEvent.BIRTH, LifeEvent.DEATH, LifeEvent.NURSING_CARE} <= events


def test_journeys_json_shape(inventory: Path) -> None:
    from bpr.export.journeys_json import journeys_json

    payload = json.loads(journeys_json(analyse(inventory)))
    assert set(payload) == {"journeys", "assumptions", "documents", "cashless", "payment_methods_offered"}
    assert [a["label"] for a in payload["assumptions"]][:2] == ["外出", "往復の移動時間"]
    death = next(j for j in payload["journeys"] if j["event"] == "death")
    assert death["visits"] == 1.5 and death["citizen_hours_year"] == 125 and death["one_stop_hours_year"] == 25
    assert death["trips"] == 1.0 and death["one_stop_minutes"] == {"trips": 0.0, "writing": 15.0, "waiting": 0.0}


IDENTITY = """\
version: 1
counter: {id: shuno, name: 収税窓口, section: 収税課}
procedures:
  - id: koza
    name: 口座振替依頼
    annual_volume: 1000
    online: {identity_check: seal_certificate}
    steps:
      - {id: write, name: 依頼書の記入, actor: citizen, handwritten: true, in_person: true, effort: 10}
  - id: card
    name: 同じ手続（マイナンバーカード）
    annual_volume: 1000
    online: {identity_check: my_number_card}
    steps:
      - {id: write, name: 依頼書の記入, actor: citizen, handwritten: true, in_person: true, effort: 10}
"""


def test_a_seal_certificate_makes_going_online_less_feasible_than_jpki(tmp_path: Path) -> None:
    from bpr.export.jsonout import procedure_record

    (tmp_path / "shuno.yaml").write_text(IDENTITY, encoding="utf-8")
    analysis = analyse(tmp_path)
    by_id = {p.id: p for p in analysis.procedures}
    seal, card = by_id["koza"], by_id["card"]
    assert seal.feasibility["online"] == pytest.approx(0.7 * card.feasibility["online"])
    assert any("印鑑（印鑑登録証明書・届出印）" in r and "×0.7" in r for r in seal.reasons)
    assert any("公的個人認証" in r for r in card.reasons)
    assert procedure_record(seal)["identity_online"] == "seal_certificate"
    assert procedure_record(card)["identity_online"] == "jpki"


def test_the_command_prints_a_journey_and_refuses_an_unknown_event(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--lang", "ja", "journeys", str(INVENTORIES), "--event", "death"])
    assert result.exit_code == 0, result.output
    assert "■ おくやみ（死亡・相続）: 年1,002回（死亡届の年間件数の合計）" in result.stdout
    assert "国民健康保険 資格喪失届（社会保険加入）" in result.stdout and "■ 出生" not in result.stdout
    english = runner.invoke(app, ["journeys", str(INVENTORIES), "--event", "death"]).stdout
    # Where the count comes from is the analysis' Japanese; the words around it are English.
    assert "■ bereavement (death and inheritance): 1,002 a year (the annual cases of 死亡届 added up)" in english
    assert runner.invoke(app, ["journeys", str(INVENTORIES), "--event", "funeral"]).exit_code == 2
    data = json.loads(runner.invoke(app, ["journeys", str(INVENTORIES), "--format", "json"]).stdout)
    assert {"moving", "birth", "death", "nursing_care"} <= {j["event"] for j in data["journeys"]}


def test_a_building_of_its_own_is_a_trip_of_its_own(inventory: Path) -> None:
    # 保険年金課 at a 行政センター 30 minutes away: the first day is one trip to the main building (60) and,
    # on half the deaths (葬祭費's share), one more to the centre (30).
    config = Config.model_validate(
        {"journeys": {"buildings": {"東行政センター": {"counters": ["hoken"], "travel_minutes": 30}}}}
    )
    (death,) = [j for j in analyse(inventory, config).journeys if j.event is LifeEvent.DEATH]
    assert death.trips == pytest.approx(1.5) and death.travel_minutes == pytest.approx(75)
    assert death.citizen_hours == pytest.approx((15 + 75) / 60)
    # One-stop at the main building: the trip to the centre (15 minutes expected) and the writing (15).
    assert dict(death.one_stop_parts) == pytest.approx({"trips": 15, "writing": 15, "waiting": 0})
    assert dict(death.buildings) == pytest.approx({"本庁舎": 1.0, "東行政センター": 0.5})


THREE = """\
version: 1
counter: {{id: {cid}, name: {name}窓口, section: {name}}}
procedures:
  - id: {cid}-todoke
    name: {name}の届出
    annual_volume: 100
    life_events: [death]
    steps:
      - {{id: go, name: 来庁・届出, actor: citizen, in_person: true, effort: 10, wait: 20}}
"""


def test_three_sections_in_one_building_on_one_day_are_one_trip(tmp_path: Path) -> None:
    folder = tmp_path / "three"
    folder.mkdir()
    for cid, name in (("shimin", "市民課"), ("hoken", "保険年金課"), ("zeimu", "税務課")):
        (folder / f"{cid}.yaml").write_text(THREE.format(cid=cid, name=name), encoding="utf-8")
    config = Config.model_validate({"journeys": {"occurrences": {"death": 100}}})
    (death,) = [j for j in analyse(folder, config).journeys if j.event is LifeEvent.DEATH]
    assert death.visits == pytest.approx(3)  # three counters
    assert death.trips == pytest.approx(1)  # one trip out
    # 3 × (10 + 20) minutes at the counters + one 60-minute trip.
    assert death.citizen_hours == pytest.approx((90 + 60) / 60)
    # One-stop: one wait instead of three (40 minutes), no writing, no trip to save.
    assert dict(death.one_stop_parts) == pytest.approx({"trips": 0, "writing": 0, "waiting": 40})
    # Not the same day (journeys.same_day: false): three trips.
    apart = Config.model_validate({"journeys": {"occurrences": {"death": 100}, "same_day": False}})
    (death,) = [j for j in analyse(folder, apart).journeys if j.event is LifeEvent.DEATH]
    assert death.trips == pytest.approx(3)


def test_a_step_that_covers_procedures_is_not_counted_with_them(inventory: Path) -> None:
    text = (inventory / "koseki.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "      - {id: check, name: 審査, actor: counter, effort: 5}\n",
        "      - {id: check, name: 審査, actor: counter, effort: 5}\n"
        "      - {id: rounds, name: 後日、各課を回る, actor: citizen, handwritten: true, in_person: true, effort: 30,"
        " wait: 7d, covers: [sousai, soshitsu]}\n",
        1,
    )
    (inventory / "koseki.yaml").write_text(text, encoding="utf-8")
    (death,) = [j for j in analyse(inventory).journeys if j.event is LifeEvent.DEATH]
    shibo = next(p for p in death.procedures if p.id == "shibo")
    # The step names 葬祭費 (in the journey) and 資格喪失 (not in it): half of it stays with 死亡届.
    assert shibo.covered == ("sousai",)
    assert shibo.own_minutes == pytest.approx(10 + 15)
    assert shibo.visits == pytest.approx(1.5)
    assert shibo.forms == pytest.approx(1.5)


def death_block() -> str:
    """Return the おくやみ figures of the sample as docs/journeys.md shows them."""
    from bpr.inventory.loader import load_inventory as load

    from conftest import INVENTORIES

    inventory, _ = load([Path(INVENTORIES)])
    analysis = analyse_inventory(inventory, Config())
    death = next(j for j in analysis.journeys if j.event is LifeEvent.DEATH)
    parts = dict(death.one_stop_parts)
    after = death.citizen_hours - death.one_stop_hours
    return "\n".join(
        [
            "| | 死亡 1 件あたり |",
            "|---|---|",
            f"| 年間回数 | {death.occurrences:,} 回（{death.occurrences_source}） |",
            f"| 来庁（課の窓口） | {death.visits:.2f} 回・{len(death.sections)} 課 |",
            f"| 外出（同じ日・同じ庁舎は 1 回） | {death.trips:.2f} 回（往復 {death.travel_minutes:.0f} 分） |",
            f"| 住民が手書きする様式 | {death.forms:.1f} 枚 |",
            f"| 住民の時間 | {death.citizen_hours:.1f} 時間 |",
            f"| ワンストップ・書かない窓口の削減 | {death.one_stop_hours:.1f} 時間（外出 {parts['trips']:.0f} 分・"
            f"書く時間 {parts['writing']:.0f} 分・待ち {parts['waiting']:.0f} 分） |",
            f"| ワンストップ後の住民の時間 | {after:.1f} 時間 |",
        ]
    )


def test_docs_show_the_death_journey_of_the_sample() -> None:
    import os
    import re

    from conftest import ROOT

    path = ROOT / "docs" / "journeys.md"
    text = path.read_text(encoding="utf-8")
    pattern = re.compile(r"(<!-- journeys-death:[^\n]*-->\n)(.*?)(<!-- /journeys-death -->)", re.S)
    block = death_block()
    if os.environ.get("BPR_UPDATE_DOCS"):
        path.write_text(pattern.sub(lambda m: m.group(1) + block + "\n" + m.group(3), text), encoding="utf-8")
        text = path.read_text(encoding="utf-8")
    found = pattern.search(text)
    assert found is not None and found.group(2).strip() == block


def test_the_journeys_assumptions_are_on_the_method_sheet_and_the_event_pages(tmp_path: Path) -> None:
    from openpyxl import load_workbook
    from typer.testing import CliRunner

    from bpr.cli.main import app
    from bpr.export.presentation import journey_assumptions

    from conftest import INVENTORIES

    config = Config.model_validate(
        {"journeys": {"buildings": {"東行政センター": {"counters": ["hoken"], "travel_minutes": 30}}}}
    )
    said = dict(journey_assumptions(config))
    assert "東行政センター 30分（窓口 hoken）" in said["往復の移動時間"] and "本庁舎 60分" in said["往復の移動時間"]
    assert "同じ日に同じ庁舎" in said["外出"]
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(INVENTORIES), "-o", str(out), "--no-diagrams"])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out / "roadmap.xlsx")["算定方法"]
    # The workbook breaks long cells by phrase: read them back whole.
    cells = [str(c).replace("\n", "") for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert "■ ライフイベントの前提（来させない・書かせない）" in cells
    defaults = journey_assumptions(Config())
    assert all(assumed in cells for _, assumed in defaults)
    page = (out / "report" / "events" / "death.html").read_text(encoding="utf-8")
    assert all(label in page for label, _ in defaults) and "外出 (1回あたり)" in page
    assert "2回目以降の来庁の往復時間 ＋ 手書きの時間" not in page  # journeys v1's words, no longer true
