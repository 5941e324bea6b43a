"""The configuration (`bpr.yaml`): weights, thresholds, travel time, horizon, capacity and KPIs."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PrivateAttr,
    StrictBool,
    Tag,
    ValidationError,
    field_validator,
)

# Where the config file is looked for lives apart: a run with no bpr.yaml imports none of the models below.
from bpr.configfile import CONFIG_NAME, find_config, resolve_config_path  # noqa: F401 (their old home)
from bpr.fiscal import MAX_FY, MIN_FY
from bpr.i18n import N_, _, translate
from bpr.inventory.codes import CODES
from bpr.inventory.enums import Action, LifeEvent, Measure, SharedWith
from bpr.inventory.problem import Problem, Severity, YamlInputError, found
from bpr.inventory.profiles import HourlyProfile, MonthlyProfile, OpeningHours
from bpr.inventory.pydantic_errors import findings_from_error
from bpr.inventory.sources import read_text
from bpr.inventory.yamlfile import locate, parse_yaml

DEFAULTS_RESOURCE = "defaults.yaml"

NonNegative = Annotated[float, Field(ge=0)]
FiscalYear = Annotated[int, Field(ge=MIN_FY, le=MAX_FY)]
Fraction = Annotated[float, Field(ge=0, le=1)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScaleConfig(_Section):
    """How expected hours a year become a 0–100 score: logarithmic, 100 at `full_hours`."""

    full_hours: Annotated[float, Field(gt=1, le=1e12)] = 100_000.0


class OnlineConfig(_Section):
    """What going online removes from the cases still handled at the counter, and what makes it less feasible."""

    citizen_weight: Fraction = 1.0
    staff_weight: Fraction = 1.0
    # Shares of today's minutes that going online removes (each ≤ 1, so savings never exceed today).
    citizen_effort_removed_share: Fraction = 0.5
    handwritten_effort_removed_share: Fraction = 0.8
    removed_share: Fraction = 0.7
    paper_attachment_factor: Fraction = 0.9
    min_attachment_factor: Fraction = 0.6
    cash_only_fee_factor: Fraction = 0.85
    seal_certificate_factor: Fraction = 0.7


class RpaConfig(_Section):
    """Which staff work a robot can take over, and how much of it."""

    actions: list[Action] = [
        Action.RECEIVE,
        Action.CHECK,
        Action.ENTER,
        Action.ISSUE,
        Action.NOTIFY,
        Action.ARCHIVE,
        Action.OTHER,
    ]
    automation_share: Fraction = 0.7
    rekeying_share: Fraction = 0.9


class AiOcrConfig(_Section):
    """Keying paper into systems: how much AI-OCR removes, and when it is not worth it."""

    handwritten_factor: Fraction = 0.85
    half_volume: NonNegative = 50.0
    automation_share: Fraction = 0.6


class BprConfig(_Section):
    """Reforms without a system: what each removes per case, within the citizen's time today."""

    minutes_per_seal: NonNegative = 5.0
    minutes_per_self_issued_attachment: NonNegative = 30.0
    reservation_wait_removed_share: Fraction = 0.8
    handwriting_removed_share: Fraction = 0.8


class UptakeConfig(_Section):
    """How many of the cases left at the counter move to a new or existing channel, year by year (model v3).

    `share` is reached `years` years after launch, along a linear or logistic curve; for the procedures
    whose online identity check is the マイナンバーカード (公的個人認証), the share is multiplied by the
    card holding rate of the fiscal year when `card_holding` lists it.
    """

    share: Fraction = 0.3
    years: Annotated[int, Field(ge=1, le=30)] = 3
    curve: Literal["linear", "logistic"] = "linear"
    card_holding: dict[FiscalYear, Fraction] = {}


ThousandYen = Annotated[float, Field(ge=0, le=10_000_000)]


class CostItem(_Section):
    """A measure's cost in thousand yen: once (`initial`, in its year) and every year after (`annual`)."""

    initial: ThousandYen = 0.0
    annual: ThousandYen = 0.0


class CostsConfig(_Section):
    """Default costs of a measure by kind, in thousand yen (docs/scoring.md says where each comes from).

    `plan.cost` of a procedure overrides its kind's default. Citizens' hours are turned into yen only
    when `citizen_yen_per_hour` is set.
    """

    online: CostItem = CostItem(initial=500.0, annual=200.0)
    national_package: CostItem = CostItem(initial=0.0, annual=0.0)
    uptake: CostItem = CostItem(initial=100.0, annual=0.0)
    rpa: CostItem = CostItem(initial=1_000.0, annual=500.0)
    ai_ocr: CostItem = CostItem(initial=300.0, annual=600.0)
    bpr: CostItem = CostItem(initial=100.0, annual=0.0)
    counter: CostItem = CostItem(initial=1_000.0, annual=250.0)
    citizen_yen_per_hour: Annotated[float, Field(ge=0, le=1_000_000)] | None = None


class ScoringConfig(_Section):
    """Scoring weights and thresholds."""

    travel_minutes_per_visit: Annotated[float, Field(ge=0, le=10_000)] = 60.0
    recommend_threshold: Annotated[float, Field(ge=0, le=100)] = 30.0
    default_online_share: Fraction = 0.1
    hours_per_fte: Annotated[float, Field(gt=0, le=8_760)] = 1_800.0
    staff_cost_per_hour: Annotated[float, Field(ge=0, le=1_000_000)] = 4_000.0
    scale: ScaleConfig = ScaleConfig()
    online: OnlineConfig = OnlineConfig()
    rpa: RpaConfig = RpaConfig()
    ai_ocr: AiOcrConfig = AiOcrConfig()
    bpr: BprConfig = BprConfig()
    uptake: UptakeConfig = UptakeConfig()
    costs: CostsConfig = CostsConfig()


def _capacity_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        return "by-year"
    if isinstance(value, int) and not isinstance(value, bool):
        return "number"
    return None


YearCount = Annotated[int, Field(ge=0, le=100_000)]
Capacity = Annotated[
    Annotated[YearCount, Tag("number")] | Annotated[dict[FiscalYear, YearCount], Tag("by-year")],
    Discriminator(
        _capacity_kind,
        custom_error_type="capacity_type",
        # A message id: bpr.inventory.pydantic_errors says a custom error type's message in the run's language.
        custom_error_message=N_("a capacity is a number of measures a year, or a mapping fiscal year → number"),
    ),
]


class CapacityConfig(_Section):
    """How many measures of each kind the city can carry out in one fiscal year.

    One number for every year, or a mapping fiscal year → number; a year the mapping leaves out has the
    capacity of the latest year listed before it (0 before the first), as a budget carries over.
    """

    online: Capacity = 8
    rpa: Capacity = 4
    ai_ocr: Capacity = 4
    bpr: Capacity = 10

    def of(self, measure: Measure, fy: int) -> int:
        """Return the capacity of a measure in a fiscal year (0 for `none`)."""
        value = getattr(self, measure.value, 0)
        if isinstance(value, int):
            return value
        earlier = [year for year in value if year <= fy]
        return value[max(earlier)] if earlier else 0


class KpiTarget(_Section):
    """A KPI: distinct procedures with a measure of these kinds placed by a fiscal year."""

    name: str
    measures: list[Measure]
    target: Annotated[int, Field(ge=0)] | None = None
    by_fy: FiscalYear
    national_priority_only: StrictBool = False


class RoadmapConfig(_Section):
    """The roadmap horizon, capacity, national deadline and KPI targets."""

    start_fy: FiscalYear = 2022
    years: Annotated[int, Field(ge=1, le=30)] = 4
    national_priority_deadline_fy: FiscalYear = 2025
    # The fiscal year progress is judged at (a plan whose year has passed and is not done is behind).
    # None: today's fiscal year. Set it to reproduce a report of an earlier year.
    current_fy: FiscalYear | None = None
    capacity: CapacityConfig = CapacityConfig()
    # Model v3, property 5: thousand yen a fiscal year for the initial costs of new measures (a number for
    # every year, or fiscal year → amount, carried over like capacity). None: slots alone decide.
    budget: (
        Annotated[float, Field(ge=0, le=100_000_000)]
        | dict[FiscalYear, Annotated[float, Field(ge=0, le=100_000_000)]]
        | None
    ) = None
    kpis: list[KpiTarget] = [
        KpiTarget(name="AI-OCR・RPA導入業務数", measures=[Measure.AI_OCR, Measure.RPA], target=10, by_fy=2023),
        KpiTarget(name="AI-OCR・RPA導入業務数", measures=[Measure.AI_OCR, Measure.RPA], target=20, by_fy=2025),
        KpiTarget(
            name="国の優先手続のオンライン化", measures=[Measure.ONLINE], by_fy=2025, national_priority_only=True
        ),
    ]


def _font_name(value: str) -> str:
    """Accept a font family name only: it is written into DOT and into the SVG that `dot` writes."""
    if not _FONT_NAME.fullmatch(value) or not value.strip():
        raise ValueError(
            _(
                "must be a font name: letters, digits, spaces and - _ . + ( ) only, at most"
                " {count} characters (e.g. Noto Sans CJK JP, IPAexGothic)"
            ).format(count=MAX_FONT_NAME_CHARS)
        )
    return value


MAX_FONT_NAME_CHARS = 100
# Letters and digits of any script (ＭＳ ゴシック), combining marks, ASCII and ideographic spaces, and
# the punctuation family names use (M+ 1p, Source Han Sans JP (Bold)); no quote, backslash, < > & ; : , =.
_FONT_NAME = re.compile(rf"(?:[^\W_]|[ \u3000\-_.+()\u0300-\u036f\u3099\u309a]){{1,{MAX_FONT_NAME_CHARS}}}")
FontName = Annotated[str, AfterValidator(_font_name)]


class WorkbookConfig(_Section):
    """Who issues the workbooks, when, and on what paper they print."""

    author: Annotated[str, Field(min_length=1, max_length=100, pattern=r"\S")] = "DX検討班"
    issued_on: dt.date | None = None
    paper: Literal["a4", "a3"] = "a4"


class DiagramConfig(_Section):
    """Diagram rendering."""

    font: FontName = "Noto Sans CJK JP"
    direction: Literal["TB", "LR"] = "TB"
    dpi: Annotated[int, Field(ge=36, le=1200)] = 96
    paper: Literal["a4", "a3"] | None = None


NameWords = Annotated[str, Field(min_length=1)]


def _as_names(value: Any) -> Any:
    return value if isinstance(value, list) else [value]


# One procedure: the names it goes by, in order of preference (死亡届 in a city's own inventory, 戸籍の届出
# （死亡） in the national survey); a single name or words may be written without the list.
# bpr/analysis/journeys.py matches them.
NameChoice = Annotated[list[NameWords], BeforeValidator(_as_names), Field(min_length=1)]


class BuildingConfig(_Section):
    """A building with counters (本庁舎, 行政センター, 出張所) and the citizen's travel to it, round trip."""

    counters: list[Annotated[str, Field(min_length=1)]] = []
    travel_minutes: Annotated[float, Field(ge=0, le=24 * 60)] | None = None  # None: scoring's travel time


class JourneysConfig(_Section):
    """Life-event journeys: how often each event happens, and which procedures it should meet."""

    occurrences: dict[LifeEvent, Annotated[int, Field(ge=0)]] = {}
    triggers: dict[LifeEvent, list[NameChoice]] = {
        LifeEvent.DEATH: [["死亡届", "戸籍の届出（死亡）"]],
        LifeEvent.BIRTH: [["出生届", "戸籍の届出（出生）"]],
        LifeEvent.MARRIAGE: [["婚姻届", "戸籍の届出（婚姻）"], ["離婚届", "戸籍の届出（離婚）"]],
        LifeEvent.MOVING: [["転入届"], ["転出届"], ["転居届"]],
        LifeEvent.NURSING_CARE: [
            ["要介護・要支援認定の申請", "要介護認定の申請（新規）", "要介護認定の申請", "要支援認定の申請"]
        ],
    }
    expected: dict[LifeEvent, list[NameChoice]] = {
        LifeEvent.DEATH: [
            ["死亡届", "戸籍の届出（死亡）"],
            ["火葬"],
            ["国民健康保険 資格喪失"],
            ["葬祭費"],
            ["介護保険 資格喪失"],
            ["後期高齢者医療 資格喪失"],
        ],
        LifeEvent.BIRTH: [["出生届", "戸籍の届出（出生）"], ["児童手当"], ["こども医療費"], ["国民健康保険 資格取得"]],
        LifeEvent.MOVING: [["転入届"], ["転出届"], ["転居届"], ["国民健康保険 資格"], ["児童手当"]],
        LifeEvent.MARRIAGE: [["婚姻届", "戸籍の届出（婚姻）"], ["国民健康保険"], ["国民年金"]],
        LifeEvent.NURSING_CARE: [["要介護"], ["介護保険被保険者証"], ["負担限度額"], ["高額介護"]],
    }
    repeated_facts_per_form: Annotated[int, Field(ge=0, le=50)] = 3
    # Journeys v2: where the counters are, and whether a family does an event's first visits on one day.
    buildings: dict[Annotated[str, Field(min_length=1)], BuildingConfig] = {}
    same_day: StrictBool = True
    # The share of an event's occurrences that meet a procedure (by id), where the equal split of its
    # cases among its life events says too much (the 使用目的 of request forms tells it).
    shares: dict[LifeEvent, dict[Annotated[str, Field(min_length=1)], Annotated[float, Field(ge=0, le=1)]]] = {}


class ImportConfig(_Section):
    """How `bpr import national` turns the national counts into the city's."""

    # The city's share of the population estimate when another kind of body also takes the procedure
    # (申請を提出する機関); with several kinds, the shares multiply.
    shared_share: dict[SharedWith, Fraction] = {
        SharedWith.PREFECTURE: 0.5,
        SharedWith.NATIONAL: 0.5,
        SharedWith.OTHER_MUNICIPALITY: 0.5,
        SharedWith.PRIVATE: 0.5,
    }

    @field_validator("shared_share")
    @classmethod
    def _every_kind(cls, value: dict[SharedWith, float]) -> dict[SharedWith, float]:
        # A kind left out keeps its default, so that a city may set only the one it knows.
        return {**ImportConfig.model_fields["shared_share"].default, **value}


STANDARD_SYSTEMS: dict[str, list[str]] = {
    "住民基本台帳": ["住民記録", "住民基本台帳"],
    "戸籍": ["戸籍情報"],
    "戸籍の附票": ["附票"],
    "印鑑登録": ["印鑑登録"],
    "選挙人名簿管理": ["選挙人名簿"],
    "固定資産税": ["固定資産"],
    "個人住民税": ["個人住民税", "税務システム", "収納", "滞納"],
    "法人住民税": ["法人住民税"],
    "軽自動車税": ["軽自動車税"],
    "国民健康保険": ["国民健康保険", "国保"],
    "国民年金": ["国民年金"],
    "障害者福祉": ["障害者福祉"],
    "後期高齢者医療": ["後期高齢者医療"],
    "介護保険": ["介護保険"],
    "児童手当": ["児童手当"],
    "生活保護": ["生活保護"],
    "健康管理": ["健康管理"],
    "就学": ["就学", "学齢簿"],
    "児童扶養手当": ["児童扶養手当"],
    "子ども・子育て支援": ["子ども・子育て支援"],
}


class StandardizationConfig(_Section):
    """標準化 (model v3, property 6): core systems that migrate to the standard systems, and what RPA/AI-OCR on them do.

    `systems` maps each 標準化対象業務 to the words that find it in a step's `system` (any word, spaces and
    width ignored). `mode: defer` places those RPA and AI-OCR measures after `migration_fy`; `flag`
    places them as capacity allows and adds a rebuild (the measure's initial cost again) after migration.
    """

    migration_fy: FiscalYear = 2025
    mode: Literal["defer", "flag"] = "defer"
    systems: dict[Annotated[str, Field(min_length=1)], list[Annotated[str, Field(min_length=1)]]] = STANDARD_SYSTEMS


class MonthlyProfileDefault(_Section):
    """A default 繁忙期 for the procedures of some life events: cases by month, and where the weights come from."""

    name: Annotated[str, Field(min_length=1)]
    life_events: list[LifeEvent]
    weights: MonthlyProfile
    source: Annotated[str, Field(min_length=1)]


# Weekdays less national holidays and 年末年始 (29 December – 3 January) in 令和6年度 (April 2024 – March 2025).
WORKING_DAYS_FY2024 = {1: 19, 2: 18, 3: 20, 4: 21, 5: 21, 6: 20, 7: 22, 8: 21, 9: 19, 10: 22, 11: 20, 12: 20}
MOVING_PROFILE = MonthlyProfileDefault(
    name="住民異動",
    life_events=[LifeEvent.MOVING],
    weights=[0.85, 0.85, 1.9, 1.6, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85],
    source="4月 1.6: 総務省統計局「住民基本台帳人口移動報告」2021年、4月の市区町村間移動者数 709,863人は"
    "年間 5,247,744人の月平均の1.62倍。3月 1.9 と他の月 0.85 は推計（3月は同報告で年間最多の月）",
)
HOURLY_ESTIMATE = {8: 1.0, 9: 1.3, 10: 1.4, 11: 1.2, 12: 0.8, 13: 1.0, 14: 1.1, 15: 1.0, 16: 0.8, 17: 0.5}
WorkingDays = Annotated[int, Field(ge=0, le=31)]
Month = Annotated[int, Field(ge=1, le=12)]


class QueueConfig(_Section):
    """待たせない (`bpr queue`): the wait target, opening hours, working days, arrival profiles and what measures do.

    docs/queue.md has every formula and where each default comes from.
    """

    target_wait_minutes: Annotated[float, Field(gt=0, le=600)] = 15.0
    opening_hours: OpeningHours = "08:30-17:15"
    working_days: dict[Month, WorkingDays] = WORKING_DAYS_FY2024
    monthly_profiles: list[MonthlyProfileDefault] = [MOVING_PROFILE]
    hourly_profile: HourlyProfile = HOURLY_ESTIMATE
    hourly_source: Annotated[str, Field(min_length=1)] = (
        "推計: 午前10時台が最も多く昼休みに減り、閉庁前に少ない市役所の一般的な形。発券機の記録で置き換える"
    )
    # 予約: the share of a BPR measure's counter cases that come by appointment, spread evenly over the day.
    reservation_share: Fraction = 0.3
    # 書かない窓口: the window's service time of a procedure with handwritten forms is multiplied by this.
    no_writing_service_factor: Annotated[float, Field(gt=0, le=1)] = 0.8
    simulation_days: Annotated[int, Field(ge=1, le=10_000)] = 40
    seed: Annotated[int, Field(ge=0)] = 1

    @field_validator("working_days")
    @classmethod
    def _every_month(cls, value: dict[int, int]) -> dict[int, int]:
        # A month left out keeps its default, so that a city may set only the months it knows.
        return dict(sorted({**WORKING_DAYS_FY2024, **value}.items()))


def _severities(value: dict[str, str]) -> dict[str, str]:
    """Accept only the codes of warnings: an error stands for an inventory bpr cannot compute on."""
    for code in value:
        if code not in CODES:
            raise ValueError(_("unknown problem code {code} (bpr validate --help lists them)").format(code=repr(code)))
        if CODES[code][0] is Severity.ERROR:
            raise ValueError(
                _("{code} is an error: bpr cannot compute on such an inventory, so it cannot be lowered").format(
                    code=code
                )
            )
    return value


class ValidateConfig(_Section):
    """What `bpr validate` (and every command that reads the inventory) makes of each warning, as yamllint's rules.

    `severity` maps a warning's code to `error` (it then stops the commands and fails CI), `warning`
    (the default) or `off` (not reported).
    """

    severity: Annotated[dict[str, Literal["error", "warning", "off"]], AfterValidator(_severities)] = {}


class Config(_Section):
    """Everything a DX team tunes; the defaults are in bpr/defaults.yaml, commented."""

    scoring: ScoringConfig = ScoringConfig()
    roadmap: RoadmapConfig = RoadmapConfig()
    diagram: DiagramConfig = DiagramConfig()
    journeys: JourneysConfig = JourneysConfig()
    workbook: WorkbookConfig = WorkbookConfig()
    import_: ImportConfig = Field(default=ImportConfig(), alias="import")
    standardization: StandardizationConfig = StandardizationConfig()
    validate_: ValidateConfig = Field(default=ValidateConfig(), alias="validate")
    queue: QueueConfig = QueueConfig()
    # The file it was read from (None: the built-in defaults), which every output names (model v3's readers
    # must know which travel time or cost their figures assume).
    _source: str | None = PrivateAttr(default=None)

    @property
    def source(self) -> str | None:
        """Return the config file the settings came from, or None for the built-in defaults."""
        return self._source


class ConfigError(Exception):
    """A configuration file that cannot be used, with its problems."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def defaults_text(language: str | None = None) -> str:
    """Return the commented default configuration shipped in the package, its comments in a language.

    The comments are written in English in bpr/defaults.yaml; each block of comment lines is a message
    of the catalog, said in the run's language (or the one given) line for line as the catalog breaks it.
    """
    text = resources.files("bpr").joinpath(DEFAULTS_RESOURCE).read_text(encoding="utf-8")
    out: list[str] = []
    for indent, block, lines in comment_blocks(text):
        if block is None:
            out.extend(lines)
            continue
        said = translate(block, language)
        out.extend(f"{indent}# {line}".rstrip() for line in said.split("\n"))
    return "\n".join(out) + "\n"


_COMMENT = re.compile(r"^(?P<indent>\s*)# ?(?P<text>.*)$")


def comment_blocks(text: str) -> Iterator[tuple[str, str | None, list[str]]]:
    """Yield a YAML text as (indent, comment block, lines): a block is consecutive comment lines at one indent.

    Lines that are not comments come with the block None. A block's message is its lines joined by newlines.
    """
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        match = _COMMENT.match(lines[index])
        if match is None:
            yield "", None, [lines[index]]
            index += 1
            continue
        indent, block = match["indent"], [match["text"]]
        index += 1
        while index < len(lines):
            following = _COMMENT.match(lines[index])
            if following is None or following["indent"] != indent:
                break
            block.append(following["text"])
            index += 1
        yield indent, "\n".join(block), []


def load_config(path: Path | None) -> Config:
    """Load a config file (None: the built-in defaults); raise ConfigError with positions."""
    if path is None:
        return Config()
    display = str(path)
    try:
        node = parse_yaml(read_text(path))
        data, findings = node.data, node.findings
    except YamlInputError as exc:
        raise ConfigError([Problem(display, exc.line, exc.column, Severity.ERROR, exc.code, exc.message)]) from None
    problems = [Problem(display, f.line, f.column, Severity.ERROR, f.code, f.message) for f in findings]
    if data is None:
        data = {}
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        for code, finding in findings_from_error(exc, Config, ()):
            line, column = locate(node, finding.path, finding.at_key)
            problems.append(found(display, line, column, Severity.ERROR, code, finding.message))
        raise ConfigError(sorted(problems)) from None
    if problems:
        raise ConfigError(sorted(problems))
    config._source = display
    return config


def config_as_dict(config: Config) -> dict[str, Any]:
    """Return the config as plain JSON-ready data."""
    return config.model_dump(mode="json")
