"""Labels every output shows the same way (workbook, terminal, report): titles, horizons, dates, plans."""

from __future__ import annotations

from collections.abc import Sequence

from bpr.analysis.labels import MEASURE_LABELS
from bpr.analysis.planned import Planned
from bpr.analysis.scope import Scope
from bpr.config import Config
from bpr.fiscal import reiwa
from bpr.i18n import translate
from bpr.inventory.codes import TITLES
from bpr.inventory.models import Counter
from bpr.inventory.problem import Problem

TITLE = "窓口手続の業務改革ロードマップ"
DEFAULT_AUTHOR = "DX検討班"
OUTSIDE_HORIZON = "計画期間外"
PLANNED_UPTAKE = "利用率の向上"  # 予定年度 of a procedure on マイナポータル with nothing to place


def horizon_label(years: Sequence[int]) -> str:
    """Return a horizon as 令和4年度〜令和7年度 (2022〜2025年度)."""
    return f"{reiwa(years[0])}〜{reiwa(years[-1])} ({years[0]}〜{years[-1]}年度)"


def scope_title(scope: Scope) -> str:
    """Return the title of an output: the city-wide roadmap, or one section's."""
    if scope.sections is None:
        return TITLE
    return f"{TITLE} ({'・'.join(scope.sections)})"


def surveyed_label(scope: Scope) -> str:
    """Return the inventory date(s) of the counters in scope, e.g. 2022-07-15 or 2022-07-15〜2022-08-02."""
    dates = scope.surveyed_dates
    if not dates:
        return "不明"
    return dates[0] if len(dates) == 1 else f"{dates[0]}〜{dates[-1]}"


def planned_label(scope: Scope, procedure_id: str) -> str:
    """Return when a procedure's measures are planned: 令和N年度 of the earliest, 計画期間外, 利用率の向上, or ''."""
    items = scope.items.get(procedure_id, ())
    if items:
        return reiwa(min(item.fy for item in items))
    if procedure_id in scope.unscheduled:
        return OUTSIDE_HORIZON
    if procedure_id in scope.uptake:
        return PLANNED_UPTAKE
    return ""


UPTAKE_LABEL = "利用促進"


def recommendation_label(planned: Planned) -> str:
    """Return the measure a document names as 推奨施策 (the roadmap's: a fixed plan wins); 利用促進 for uptake."""
    if planned.uptake:
        return UPTAKE_LABEL  # model v3, property 3: no build, the channel exists already
    return MEASURE_LABELS[planned.primary]


def overridden_note(planned: Planned) -> str | None:
    """Return the reason line of a fixed plan that replaced the model's recommendation, or None."""
    if not planned.overridden:
        return None
    computed = " ＋ ".join(MEASURE_LABELS[m] for m in planned.overridden)
    return (
        f"棚卸の計画（決定済み）が優先: {MEASURE_LABELS[planned.primary]}。計算上の推奨は {computed}（以下はその理由）"
    )


def counter_label(counter: Counter) -> str:
    """Return a counter's name without its section when the name repeats it: 市民課 住民記録窓口 → 住民記録窓口."""
    name = counter.name
    if name.startswith(counter.section):
        rest = name[len(counter.section) :].strip(" 　・")
        if rest:
            return rest
    return name


def warning_lines(problems: Sequence[Problem]) -> list[tuple[str, str]]:
    """Return (title, sentence) of validation warnings in Japanese, naming steps by their names (課題一覧, report).

    The sentence is the rule's own phrase, the one `bpr validate` says with ids at the terminal.
    """
    return [
        (
            translate(TITLES[p.code], "ja") if p.code in TITLES else p.code,
            p.phrase.say("ja", names=True) if p.phrase is not None else p.message,
        )
        for p in problems
    ]


def journey_assumptions(config: Config) -> list[tuple[str, str]]:
    """Return the assumptions of the life-event journeys (label, what is assumed), as 算定方法 and the report say them."""
    journeys = config.journeys
    travel = config.scoring.travel_minutes_per_visit
    buildings = [f"本庁舎 {travel:g}分"] + [
        f"{name} {travel if b.travel_minutes is None else b.travel_minutes:g}分（窓口 {'・'.join(b.counters) or 'なし'}）"
        for name, b in sorted(journeys.buildings.items())
    ]
    overrides = sum(len(shares) for shares in journeys.shares.values())
    return [
        (
            "外出",
            "同じ日に同じ庁舎で済む来庁は1回の外出（journeys.same_day: true）。2回目以降の来庁（補正・再来庁）は別の日の外出"
            if journeys.same_day
            else "来庁ごとに1回の外出（journeys.same_day: false）",
        ),
        ("往復の移動時間", "、".join(buildings) + "（journeys.buildings。挙げない窓口は本庁舎）"),
        (
            "関わる割合",
            "手続の年間件数 ÷ 手続のライフイベントの数 ÷ 年間回数（上限100%）× 窓口に残る割合"
            + (f"。journeys.shares で {overrides}件を上書き" if overrides else "（journeys.shares で上書きできる）"),
        ),
        (
            "手書きの様式",
            f"住民の工程のうち手書きのもの（職員の台帳記入・入力は数えない）。再記入 = {journeys.repeated_facts_per_form}項目"
            "（氏名・住所・生年月日）×（様式 − 1枚）",
        ),
        (
            "代わりの工程（covers）",
            "他の手続の代わりを務める工程は、その手続がこの出来事にある分だけ数えない（同じ負担を2度数えない）",
        ),
        (
            "ワンストップ・書かない窓口",
            "最初の日の外出を本庁舎への1回にまとめ、住民の手書きの時間をなくし（職員が聞き取って記入）、"
            "窓口ごとの待ちを1回にする（最も長い待ちを残す）。補正などの2回目以降の外出は残る",
        ),
    ]
