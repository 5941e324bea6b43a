"""Life-event journeys on the national survey's names (issue 20, item 6), and the sample's journeys pinned."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_import_survey import SHARED_SURVEY, load_inventory, procedures, row, run_import, write_csv
from test_journeys import KOSEKI
from typer.testing import CliRunner

from bpr.analysis.journeys import Journey
from bpr.analysis.pipeline import analyse_inventory
from bpr.config import Config, load_config
from bpr.inventory.enums import LifeEvent

from conftest import INVENTORIES

CITIZEN = "5 国民等"
# 手続ID → (手続名, 総手続件数, 手続が行われるイベント(個人)), as the R6 survey writes them.
SURVEY_ROWS = {
    "13167": ("戸籍の届出（死亡）", "1599058", "死亡・相続"),
    "13165": ("戸籍の届出（出生）", "746085", "出生・こども"),
    "13183": ("戸籍の届出（婚姻）", "491035", "結婚・離婚"),
    "13184": ("戸籍の届出（離婚）", "188239", "結婚・離婚"),
    # Its name holds 死亡届; given cases here (the survey has 0) so that taking it for 死亡届 shows.
    "P24007087": ("児童扶養手当受給者死亡時の届出義務者による死亡届出", "900000", "出生・こども; 死亡・相続"),
    # Larger than the triggers: a count from the largest procedure instead of the triggers shows.
    "DP24108216": ("埋葬又は火葬の許可の申請", "1622009", "死亡・相続"),
    "13190": ("戸籍謄抄本（記録事項証明書）の交付請求", "44000000", "結婚・離婚; 死亡・相続"),
    # 介護: the survey's trigger has no cases; 0 occurrences would leave the journey empty.
    "110382": ("要介護認定の申請", "0", "介護"),
    "110386": ("要介護更新認定の申請", "0", "介護"),
    "45141": ("介護保険被保険者証の交付申請", "640000", "介護"),
}


def by_event(journeys: tuple[Journey, ...]) -> dict[LifeEvent, Journey]:
    return {journey.event: journey for journey in journeys}


def triggers_of(journey: Journey) -> set[str]:
    return {p.name for p in journey.procedures if p.trigger}


@pytest.fixture
def imported(runner: CliRunner, tmp_path: Path) -> Path:
    rows = [
        row(**{"手続ID": number, "手続名": name, "総手続件数": cases, "手続が行われるイベント(個人)": events,
               "手続主体": CITIZEN, "所管府省庁": "法務省"})
        for number, (name, cases, events) in SURVEY_ROWS.items()
    ]  # fmt: skip
    out = tmp_path / "imported"
    result = run_import(runner, write_csv(tmp_path / "survey.csv", rows), out)
    assert result.exit_code == 0, result.output
    return out


def test_the_survey_names_trigger_the_events_and_the_look_alike_does_not(imported: Path) -> None:
    cases = {number: item["annual_volume"] for number, item in procedures(imported).items()}
    assert all(cases[number] > 0 for number in ("13167", "13165", "13183", "13184", "P24007087"))
    journeys = by_event(analyse_inventory(load_inventory([imported]), Config()).journeys)
    death, birth, marriage = journeys[LifeEvent.DEATH], journeys[LifeEvent.BIRTH], journeys[LifeEvent.MARRIAGE]
    assert death.occurrences == cases["13167"]
    assert triggers_of(death) == {"戸籍の届出（死亡）"}
    assert birth.occurrences == cases["13165"] and triggers_of(birth) == {"戸籍の届出（出生）"}
    assert marriage.occurrences == cases["13183"] + cases["13184"]
    assert triggers_of(marriage) == {"戸籍の届出（婚姻）", "戸籍の届出（離婚）"}
    assert "戸籍の届出（死亡）" in death.occurrences_source
    # The expected 死亡届・出生届・婚姻届 are found under the survey's names: no gap for them.
    gaps = death.gaps + birth.gaps + marriage.gaps
    assert not [gap for gap in gaps if any(name in gap for name in ("死亡届", "出生届", "婚姻届"))], gaps


def test_a_trigger_without_cases_gives_way_to_the_largest_procedure(imported: Path) -> None:
    care = by_event(analyse_inventory(load_inventory([imported]), Config()).journeys)[LifeEvent.NURSING_CARE]
    cases = {number: item["annual_volume"] for number, item in procedures(imported).items()}
    # 要介護認定の申請 is the trigger but has no cases; its renewal is no trigger at all.
    assert care.occurrences == cases["45141"] > 0
    assert "介護保険被保険者証の交付申請" in care.occurrences_source and triggers_of(care) == set()


def test_a_whole_name_wins_over_words_and_the_first_words_that_match_win(tmp_path: Path) -> None:
    folder = tmp_path / "inv"
    folder.mkdir()
    (folder / "kaigo.yaml").write_text(
        """\
version: 1
counter: {id: kaigo, name: 介護保険窓口, section: 高齢福祉課}
procedures:
  - {id: shinki, name: 要介護認定の申請（新規）, annual_volume: 300, life_events: [nursing_care],
     steps: [{id: a, name: 申請, actor: citizen, in_person: true, effort: 5}]}
  - {id: koshin, name: 要介護認定の申請（更新）, annual_volume: 900, life_events: [nursing_care],
     steps: [{id: a, name: 申請, actor: citizen, in_person: true, effort: 5}]}
  - {id: fukushi, name: 児童扶養手当 死亡届の受付, annual_volume: 50, life_events: [death],
     steps: [{id: a, name: 届出, actor: citizen, in_person: true, effort: 5}]}
  - {id: shibo, name: 死亡届, annual_volume: 200, life_events: [death],
     steps: [{id: a, name: 届出, actor: citizen, in_person: true, effort: 5}]}
""",
        encoding="utf-8",
    )
    journeys = by_event(analyse_inventory(load_inventory([folder]), Config()).journeys)
    # 要介護認定の申請（新規） (second name) finds the new one before 要介護認定の申請 (third) would take both.
    assert journeys[LifeEvent.NURSING_CARE].occurrences == 300
    # 死亡届 is named exactly: the 児童扶養手当 notice that contains the word is not a death.
    assert journeys[LifeEvent.DEATH].occurrences == 200


def test_lists_of_words_written_before_still_configure_the_triggers(tmp_path: Path) -> None:
    path = tmp_path / "bpr.yaml"
    path.write_text(
        "journeys:\n  triggers:\n    death: [死亡 届]\n    birth: [[出生届, 戸籍の届出（出生）]]\n"
        "  expected:\n    death: [火葬]\n",
        encoding="utf-8",
    )
    config = load_config(path).journeys
    assert config.triggers[LifeEvent.DEATH] == [["死亡 届"]] and config.expected[LifeEvent.DEATH] == [["火葬"]]
    assert config.triggers[LifeEvent.BIRTH] == [["出生届", "戸籍の届出（出生）"]]
    folder = tmp_path / "inv"
    folder.mkdir()
    (folder / "koseki.yaml").write_text(KOSEKI, encoding="utf-8")
    (death,) = [j for j in analyse_inventory(load_inventory([folder]), load_config(path)).journeys]
    # Space-separated words, all in the name: 死亡 and 届 are both in 死亡届 (100 cases).
    assert death.occurrences == 100 and triggers_of(death) == {"死亡届"}
    assert [str(g) for g in death.gaps] == [
        "おくやみ（死亡・相続）: 「火葬」にあたる手続が棚卸にない: 棚卸の漏れであり、市の手続がないとは限らない"
    ]


def test_the_samples_journeys_keep_their_counts_and_gaps() -> None:
    inventory = load_inventory([INVENTORIES])
    journeys = by_event(analyse_inventory(inventory, Config()).journeys)
    counted = {
        event.value: (journeys[event].occurrences, journeys[event].occurrences_source, triggers_of(journeys[event]))
        for event in (LifeEvent.DEATH, LifeEvent.BIRTH, LifeEvent.MARRIAGE, LifeEvent.MOVING, LifeEvent.NURSING_CARE)
    }
    assert counted == {
        "death": (1002, "死亡届の年間件数の合計", {"死亡届"}),
        "birth": (467, "出生届の年間件数の合計", {"出生届"}),
        "marriage": (426, "婚姻届・離婚届の年間件数の合計", {"婚姻届", "離婚届"}),
        "moving": (6698, "転入届・転出届・転居届の年間件数の合計", {"転入届", "転出届", "転居届"}),
        "nursing_care": (
            1450,
            "要介護・要支援認定の申請（新規）の年間件数の合計",
            {"要介護・要支援認定の申請（新規）"},
        ),
    }
    gaps = [gap for journey in journeys.values() for gap in journey.gaps]
    assert gaps == [
        "おくやみ（死亡・相続）: 「国民健康保険 資格喪失届（社会保険加入）」（保険年金課、hoken-kokuho-soshitsu）に"
        "ライフイベント death がない: 棚卸の記入漏れの可能性",
        "おくやみ（死亡・相続）: 「介護保険 資格喪失」にあたる手続が棚卸にない: 棚卸の漏れであり、市の手続がないとは限らない",
        "おくやみ（死亡・相続）: 「後期高齢者医療 資格喪失」にあたる手続が棚卸にない: 棚卸の漏れであり、市の手続がないとは限らない",
    ]
    death = journeys[LifeEvent.DEATH]
    # Journeys v2 (docs/journeys.md): v1 said 6.09 visits, 10,512 and 7,925 hours; the same day's visits to
    # one building are now one trip, and 死亡届's 「各課の窓口を回って手続」 covers 葬祭費.
    assert (round(death.visits, 2), round(death.citizen_hours_year), round(death.one_stop_hours_year)) == (
        5.59,
        4506,
        2895,
    )
    assert round(death.trips, 2) == 1.1


@pytest.mark.skipif(not SHARED_SURVEY.exists(), reason="the national survey is not in ../shared/data")
def test_the_national_survey_counts_deaths_births_and_marriages(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "national"
    result = run_import(runner, SHARED_SURVEY, out)
    assert result.exit_code == 0, result.output
    cases = {number: item["annual_volume"] for number, item in procedures(out).items()}
    journeys = by_event(analyse_inventory(load_inventory([out]), Config()).journeys)
    assert cases["13167"] > 0 and journeys[LifeEvent.DEATH].occurrences == cases["13167"]
    assert cases["13165"] > 0 and journeys[LifeEvent.BIRTH].occurrences == cases["13165"]
    assert journeys[LifeEvent.MARRIAGE].occurrences == cases["13183"] + cases["13184"] > 0
    assert triggers_of(journeys[LifeEvent.DEATH]) == {"戸籍の届出（死亡）"}
    # The survey holds 死亡届・出生届・婚姻届, 国民健康保険's and 介護保険's 資格取得・資格喪失 under its own
    # words: what is left are procedures the survey does not list (葬祭費, こども医療費, 後期高齢者医療).
    gaps = [gap for journey in journeys.values() for gap in journey.gaps]
    for words in ("死亡届", "出生届", "婚姻届", "国民健康保険", "介護保険 資格喪失"):
        assert not [gap for gap in gaps if words in gap], gaps
