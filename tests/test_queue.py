"""待たせない: Erlang C against its closed form, the simulation against Erlang C, and the sample's 住民記録窓口 by hand."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from bpr.analysis.erlang import erlang_c, mean_wait, windows_needed
from bpr.analysis.pipeline import analyse_inventory
from bpr.analysis.queue import CounterQueue, analyse_queue, simulate_month
from bpr.analysis.queue_inputs import day_slots, month_shares
from bpr.analysis.queue_sim import ArrivalSlot, simulate_days
from bpr.config import Config, QueueConfig
from bpr.inventory.loader import load_inventory
from bpr.inventory.models import Counter

from conftest import INVENTORIES

# The simulation of M/M/c agrees with Erlang C's mean wait within this share over 70,000 visits with the
# fixed seed below (over five seeds from it the gap stayed within 4.2 %: 8 % leaves room, and a wrong
# queue discipline or arrival rate is far outside it).
SIMULATION_TOLERANCE = 0.08
SIMULATED_VISITS = 70_000
SEED = 20220401


def closed_form_c(c: int, a: float) -> float:
    """Return Erlang C by its textbook closed form, with factorials."""
    top = a**c / math.factorial(c) * c / (c - a)
    return top / (sum(a**k / math.factorial(k) for k in range(c)) + top)


# Erlang C, by hand -------------------------------------------------------------------------------------------


def test_one_window_waits_with_probability_rho_and_mean_rho_s_over_one_minus_rho() -> None:
    # M/M/1, a = ρ = 0.7, s = 10 minutes: C = 0.7, Wq = 0.7 × 10 / 0.3 = 23.33 minutes.
    assert erlang_c(1, 0.7) == pytest.approx(0.7)
    assert mean_wait(1, 0.7, 10) == pytest.approx(70 / 3)


def test_two_windows_match_the_closed_form() -> None:
    # M/M/2, a = 1.4 (ρ = 0.7), s = 10: C = 2ρ²/(1+ρ) = 0.98/1.7, Wq = ρ²·s/(1−ρ²) = 4.9/0.51 = 9.608 minutes.
    assert erlang_c(2, 1.4) == pytest.approx(0.98 / 1.7)
    assert mean_wait(2, 1.4, 10) == pytest.approx(4.9 / 0.51)


def test_four_windows_match_the_closed_form() -> None:
    # M/M/4, a = 3, s = 10: Σ aᵏ/k! (k < 4) = 1 + 3 + 4.5 + 4.5 = 13; a⁴/4! · 4/(4−3) = 3.375 · 4 = 13.5;
    # C = 13.5 / 26.5 = 0.50943; Wq = C · 10 / (4 − 3) = 5.0943 minutes.
    assert erlang_c(4, 3.0) == pytest.approx(13.5 / 26.5)
    assert mean_wait(4, 3.0, 10) == pytest.approx(135 / 26.5)


@pytest.mark.parametrize("c", [1, 2, 3, 4, 6, 10])
@pytest.mark.parametrize("rho", [0.1, 0.5, 0.8, 0.95])
def test_the_recursion_is_the_closed_form(c: int, rho: float) -> None:
    assert erlang_c(c, rho * c) == pytest.approx(closed_form_c(c, rho * c), rel=1e-12)


def test_a_load_at_or_over_the_windows_has_no_steady_wait() -> None:
    assert mean_wait(2, 2.0, 10) is None
    assert mean_wait(2, 2.5, 10) is None
    assert erlang_c(2, 2.0) == 1.0
    assert mean_wait(3, 0.0, 10) == 0.0


def test_windows_needed_is_the_fewest_that_keep_the_target() -> None:
    # a = 3, s = 10: 4 windows wait 5.09 minutes, over a 5-minute target; 5 windows wait 1.1.
    assert windows_needed(3.0, 10, 5.0) == 5
    assert windows_needed(3.0, 10, 5.1) == 4
    assert windows_needed(0.0, 10, 5.0) == 0
    for load in (0.3, 2.7, 8.0, 15.16):
        needed = windows_needed(load, 8.0, 15.0)
        assert (mean_wait(needed, load, 8.0) or 0) <= 15.0
        below = mean_wait(needed - 1, load, 8.0)
        assert below is None or below > 15.0


# The simulation ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("c", "a"), [(1, 0.7), (2, 1.4), (4, 3.0)])
def test_the_simulation_of_mmc_agrees_with_erlang_c(c: int, a: float) -> None:
    service = 10.0
    rate = a / service
    slots = [ArrivalSlot(0.0, SIMULATED_VISITS / rate, rate)]
    day = simulate_days(c, slots, lambda rng, _slot: rng.expovariate(1 / service), 1, SEED)
    expected = mean_wait(c, a, service)
    assert expected is not None
    assert day.mean_wait == pytest.approx(expected, rel=SIMULATION_TOLERANCE)
    assert day.arrivals_per_day == pytest.approx(SIMULATED_VISITS, rel=0.02)


def test_the_simulation_is_reproducible_and_the_seed_matters() -> None:
    slots = [ArrivalSlot(510.0, 60.0, 0.5), ArrivalSlot(570.0, 60.0, 0.9)]

    def run(seed: int) -> tuple[float, tuple[float | None, ...]]:
        day = simulate_days(2, slots, lambda rng, _slot: rng.expovariate(1 / 3), 30, seed)
        return day.mean_wait, day.slot_waits

    assert run(SEED) == run(SEED)
    assert run(SEED) != run(SEED + 1)


# The inputs --------------------------------------------------------------------------------------------------


def test_a_mapping_profile_weighs_the_months_left_out_one() -> None:
    shares = month_shares({3: 2.0, 4: 1.5})
    assert shares[2] == pytest.approx(2.0 / 13.5)
    assert shares[0] == pytest.approx(1.0 / 13.5)
    assert sum(shares) == pytest.approx(1.0)


def test_the_day_is_cut_at_each_hour_and_the_half_hour_slot_weighs_half() -> None:
    counter = Counter(id="x", name="x", section="x", opening_hours="08:30-10:15", hourly_profile={9: 2.0})
    slots = day_slots(counter, QueueConfig())
    assert [(s.hour, s.start, s.minutes) for s in slots] == [(8, 510, 30), (9, 540, 60), (10, 600, 15)]
    # Weights × minutes: 30, 120, 15 of 165; booked visits spread by minutes: 30, 60, 15 of 105.
    assert [s.share for s in slots] == pytest.approx([30 / 165, 120 / 165, 15 / 165])
    assert [s.flat_share for s in slots] == pytest.approx([30 / 105, 60 / 105, 15 / 105])


# The sample's 住民記録窓口, by hand ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shimin() -> CounterQueue:
    inventory, _ = load_inventory([Path(INVENTORIES)])
    config = Config()
    analysis = analyse_inventory(inventory, config)
    (counter,) = analyse_queue(analysis, config, month=4, counters=["shimin"]).counters
    return counter


def test_the_sample_april_ten_oclock_by_hand(shimin: CounterQueue) -> None:
    # The inputs, from inventories/shimin.yaml and the default config (docs/queue.md):
    # the 10 o'clock slot takes 1.4 × 60 of the day's weighted minutes 553.5 (8:30-9:00 weighs 1.0 × 30 ... 17:00-17:15 0.5 × 15);
    # April has 21 working days; procedures of the life event moving take 1.6/12 of their year in April,
    # the others 21/243 (working days). Visits a year = cases × (1 − online share) × visits per case;
    # window minutes per visit = the counter steps' effort, expected over the branches, / visits.
    hour_share = 1.4 * 60 / 553.5
    moving = {  # visits a year, window minutes per visit
        "juminhyo": (77368 * 0.9, 3 + 0.005 * 5 + 0.995 * (2 + 2)),
        "inkan-toroku": (2600 * 1.15, (5 + 0.85 * (5 + 2) + 0.15 * (5 + 2)) / 1.15),
        "tennyu": (2803, 8 / 0.9 + 10 + 5 + 5),
        "tenshutsu": (2408, 5 + 8 + 2),
        "tenkyo": (1487, 5 + 8 + 5),
    }
    flat = {
        "inkan-shomei": (21000 * 0.9, 2 + 2 + 2),
        "setai": (598, 8 + 5),
        "mynumber-kofu": (3624, 5 + 10),
        "mynumber-saikofu": (250 * 2, (5 + 8 + 10) / 2),
    }
    per_day = [(v * 1.6 / 12 / 21, s) for v, s in moving.values()] + [(v * 21 / 243 / 21, s) for v, s in flat.values()]
    arrivals = hour_share * sum(v for v, _ in per_day)
    work = hour_share * sum(v * s for v, s in per_day)
    ten = next(hour for hour in shimin.today.month(4).hours if hour.hour == 10)
    assert ten.arrivals == pytest.approx(arrivals)
    assert ten.service_minutes == pytest.approx(work / arrivals)
    assert ten.load == pytest.approx(work / 60)
    # 12.5 windows busy on average against 9: no steady state; 14 windows keep the mean wait under 15 minutes.
    assert ten.load == pytest.approx(12.53, abs=0.01)
    assert ten.wait is None
    assert ten.windows_needed == 14
    assert (
        (mean_wait(14, ten.load, ten.service_minutes) or 99)
        <= 15
        < (mean_wait(13, ten.load, ten.service_minutes) or 99)
    )
    assert shimin.today.month(4).windows_needed == 14


def test_the_sample_april_day_simulated_at_nine_windows(shimin: CounterQueue) -> None:
    assert shimin.simulated_month == 4 and shimin.simulated_windows == 9
    day = shimin.today.simulation
    assert day is not None
    # About 600 visits on an average April day; the queue built up in the morning lasts into the afternoon.
    assert day.arrivals_per_day == pytest.approx(shimin.today.month(4).arrivals_per_day, rel=0.05)
    assert 30 <= day.mean_wait <= 50
    assert max(w for w in day.slot_waits if w is not None) > day.mean_wait


def test_the_roadmap_only_ever_shortens_the_peak(shimin: CounterQueue) -> None:
    loads = [year.peak.peak.load for year in shimin.years]
    assert loads == sorted(loads, reverse=True)
    assert shimin.years[-1].steady and shimin.years[-1].peak.windows_needed < shimin.today.peak.windows_needed
    # Nothing acts in the plan's first year (a measure acts from the year after its own).
    assert shimin.years[0].in_force == () and shimin.years[0].peak == shimin.today.peak


def test_each_measure_alone_never_lengthens_the_peak(shimin: CounterQueue) -> None:
    assert shimin.alone
    for alone in shimin.alone:
        assert alone.peak.peak.load <= shimin.today.peak.peak.load + 1e-9


def test_simulate_month_matches_its_month_figures_arrivals(shimin: CounterQueue) -> None:
    config = QueueConfig(simulation_days=20)
    day = simulate_month(shimin.streams, shimin.slots, {}, 5, 9, config)
    assert day.arrivals_per_day == pytest.approx(shimin.today.month(5).arrivals_per_day, rel=0.05)


# The workbook ------------------------------------------------------------------------------------------------


def test_the_workbook_shows_the_waits_of_counters_with_windows_only(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from bpr.export.workbook import write_workbook

    inventory, _ = load_inventory([Path(INVENTORIES)])
    analysis = analyse_inventory(inventory, Config())
    write_workbook(analysis, tmp_path / "all.xlsx")
    write_workbook(analysis, tmp_path / "hoken.xlsx", sections={"保険年金課"})
    book = load_workbook(tmp_path / "all.xlsx")
    assert book.sheetnames[-3:] == ["待ち時間", "待ち時間の推移", "算定方法"]
    rows = list(book["待ち時間"].iter_rows(values_only=True))
    header = next(row for row in rows if row[0] == "窓口")
    april = next(row for row in rows if row[2] == "4月")
    assert april[header.index("窓口数")] == 9 and april[header.index("必要な\n窓口数")] == 14
    assert april[header.index("10時")] == "超過"
    years = [row for row in book["待ち時間の推移"].iter_rows(values_only=True) if row[0] == "市民課 住民記録窓口"]
    assert [row[1] for row in years] == ["現状", "令和4年度", "令和5年度", "令和6年度", "令和7年度", "定常"]
    method = [row[0] for row in book["算定方法"].iter_rows(values_only=True)]
    assert "■ 待ち時間の前提（待たせない）" in method and "待ち時間（Erlang C）" in method
    assert "待ち時間" not in load_workbook(tmp_path / "hoken.xlsx").sheetnames  # no windows written there
