"""Life-event journeys (ライフイベント): what one event costs a citizen across counters, and a one-stop counter's saving.

For each life event the procedures marked with it are taken together. How often the event happens
(N a year) comes from the config (`journeys.occurrences`), else from the cases of its trigger
procedures (死亡届 for おくやみ …) when they have any, else from the largest volume among its
procedures; the journey says which. A procedure marked with k life events has its V cases a year split
equally among them (住民票 is asked for on moving, on death and for a car: each gets V / k); it is met on
a share min(1, V / k / N) of the occurrences, and only its cases still handled at the counter (1 − online
share) count. Per occurrence, with s = that share:

- visits = Σ s × expected visits per case;
- handwritten forms = Σ s × expected passes through handwritten steps; the facts written again
  (氏名・住所・生年月日: `repeated_facts_per_form`, 3, on every form after the first, since one form
  would have held them) = 3 × max(0, forms − 1);
- citizen minutes = Σ s × the citizen's minutes per case (own steps, waiting at the counter, travel);
- a one-stop, no-writing counter (ワンストップ・書かない窓口) saves the trips beyond one
  (travel × (visits − min(visits, 1))) and every handwritten minute (staff fill the forms in).

A year is N occurrences. Procedures the config expects with an event but the inventory lacks (or has
without the event) are pointed out: a gap in the inventory, not in the city.

A trigger or an expected procedure is named by its words, or by a list of the names it goes by (死亡届 in
a city's inventory, 戸籍の届出（死亡） in the national survey): the procedures named exactly so (spaces and
character width aside) are it; when none is, those whose names contain all the words of one name, the
first name that finds any. An exact name wins so that 死亡届 is not 児童扶養手当受給者死亡時の届出義務者に
よる死亡届出, and the first name that finds any wins so that 要介護認定の申請（新規） is not also the
renewal 要介護認定の申請（更新）. An expected procedure's words may also be in its legal basis: the survey
calls 国民健康保険's 資格喪失届 「資格喪失の届出（全喪・転出・適用除外に該当）」 under 国民健康保険法施行規則.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bpr.analysis.figures import counter_wait_minutes, writes_by_hand
from bpr.analysis.results import ScoredProcedure
from bpr.config import JourneysConfig
from bpr.i18n import N_, Listed, Phrase, phrase
from bpr.inventory.enums import Actor, LifeEvent
from bpr.inventory.vocabulary import LIFE_EVENT_TITLES as JOURNEY_LABELS
from bpr.names import compared_name, compared_text

# The life events as the terminal says them, by value; in Japanese, JOURNEY_LABELS' words (a test holds them).
LIFE_EVENT_NAMES: dict[str, str] = {
    "moving": N_("moving house (moving in, out and within the city)"),
    "birth": N_("birth"),
    "childcare": N_("raising children"),
    "education": N_("school and education"),
    "marriage": N_("marriage and divorce"),
    "death": N_("bereavement (death and inheritance)"),
    "nursing_care": N_("nursing care"),
    "disability": N_("disability"),
    "health": N_("medical care and health"),
    "disaster": N_("disaster"),
    "housing": N_("housing"),
    "vehicle": N_("car"),
    "tax": N_("tax"),
    "business": N_("business and work"),
}


@dataclass(frozen=True, slots=True)
class JourneyProcedure:
    """One procedure of a journey, with the share of occurrences that meet it and its per-case figures."""

    id: str
    name: str
    counter: str
    section: str
    annual_volume: int
    share: float  # of the occurrences that meet this procedure at the counter
    visits: float  # per case at the counter
    forms: float  # handwritten forms per case
    citizen_minutes: float  # per case at the counter
    handwritten_minutes: float  # per case at the counter
    trigger: bool
    building: str = ""  # where its counter is (journeys.buildings; the main building when not listed)
    wait_minutes: float = 0.0  # per case, at the counter
    own_minutes: float = 0.0  # per case: the citizen's own steps and waits, no travel
    covered: tuple[str, ...] = ()  # procedures of the journey that a step of this one stands for (covers)


@dataclass(frozen=True, slots=True)
class Journey:
    """A life event across counters: per occurrence and per year."""

    event: LifeEvent
    label: str
    occurrences: int
    occurrences_source: str  # in Japanese, as the workbook and the JSON show it
    procedures: tuple[JourneyProcedure, ...]
    sections: tuple[str, ...]  # where the citizen goes (procedures with visits), most met first
    counters: tuple[str, ...]
    visits: float
    forms: float
    repeated_facts: float
    citizen_hours: float  # per occurrence
    one_stop_hours: float  # saved per occurrence
    gaps: tuple[str, ...]  # in Japanese, as the workbook and the JSON show them
    occurrences_said: Phrase | None = None  # where occurrences come from, to say in the run's language
    gaps_said: tuple[Phrase, ...] = ()  # the gaps, to say in the run's language
    # Journeys v2: trips out of the house (same day and building: one trip), per occurrence, and the travel
    # minutes they take; the buildings visited with the chance of going there.
    trips: float = 0.0
    travel_minutes: float = 0.0
    buildings: tuple[tuple[str, float], ...] = ()
    one_stop_parts: tuple[tuple[str, float], ...] = ()  # what the one-stop saving is made of, minutes

    @property
    def citizen_hours_year(self) -> float:
        """Return the citizen hours of a year of occurrences."""
        return self.citizen_hours * self.occurrences

    @property
    def one_stop_hours_year(self) -> float:
        """Return what a one-stop counter saves in a year."""
        return self.one_stop_hours * self.occurrences


def plan_journeys(
    procedures: Sequence[ScoredProcedure], config: JourneysConfig, travel_minutes_per_visit: float
) -> tuple[Journey, ...]:
    """Return a journey for every life event (except その他) that at least one procedure is marked with."""
    where = _buildings(config, travel_minutes_per_visit)
    compared = _Compared()
    # Each journey's procedures in their order, the inventory gone through once rather than once per life event.
    members_of: dict[LifeEvent, list[ScoredProcedure]] = {}
    for scored in procedures:
        for event in dict.fromkeys(scored.procedure.life_events):
            members_of.setdefault(event, []).append(scored)
    journeys = []
    for event in JOURNEY_LABELS:
        members = members_of.get(event)
        if not members:
            continue
        journeys.append(_journey(event, members, procedures, config, travel_minutes_per_visit, where, compared))
    return tuple(journeys)


MAIN_BUILDING = "本庁舎"


def _buildings(config: JourneysConfig, travel: float) -> dict[str, tuple[str, float]]:
    """Return each listed counter's building and the travel to it (round trip, minutes)."""
    found: dict[str, tuple[str, float]] = {}
    for name, building in sorted(config.buildings.items()):
        minutes = travel if building.travel_minutes is None else building.travel_minutes
        for counter in building.counters:
            found.setdefault(counter, (name, minutes))
    return found


class _Compared:
    """The procedures' names and texts as the journeys compare them (NFKC), each made once in a plan.

    Not in a bounded cache: the journeys look through every procedure's name several times, and at 100,000
    procedures a cache smaller than the inventory made every look normalise every name again (a fifth of
    `bpr score` on 100k went to it, against a fiftieth on 10k).
    """

    def __init__(self) -> None:
        self._names: dict[str, str] = {}
        self._searched: dict[tuple[str, str | None], str] = {}
        # Per list of procedures looked through (a journey's members, the whole inventory): its names and texts
        # in its order, so that each look is a pass over strings rather than over the procedures' records.
        self._columns: dict[tuple[int, bool | None], tuple[Sequence[ScoredProcedure], list[str]]] = {}

    def names_of(self, procedures: Sequence[ScoredProcedure]) -> list[str]:
        """Return each procedure's name as it is compared, in the list's order."""
        return self._column(procedures, None)

    def searched_of(self, procedures: Sequence[ScoredProcedure], legal_basis: bool) -> list[str]:
        """Return each procedure's searched texts (`searched`), with its legal basis or not, in the list's order."""
        return self._column(procedures, legal_basis)

    def _column(self, procedures: Sequence[ScoredProcedure], legal_basis: bool | None) -> list[str]:
        key = (id(procedures), legal_basis)
        found = self._columns.get(key)
        if found is not None and found[0] is procedures:
            return found[1]
        if legal_basis is None:
            column = [self.name(p.procedure.name) for p in procedures]
        else:
            column = [
                self.searched(p.procedure.name, p.procedure.legal_basis if legal_basis else None) for p in procedures
            ]
        self._columns[key] = (procedures, column)  # the list is kept with its column: its id stays its own
        return column

    def name(self, text: str) -> str:
        """Return a name as it is compared (`compared_name`)."""
        found = self._names.get(text)
        if found is None:
            found = self._names[text] = compared_name(text)
        return found

    def searched(self, name: str, legal_basis: str | None) -> str:
        """Return the texts a procedure's words are looked for in, NFKC, one a line (a word holds no line break)."""
        key = (name, legal_basis)
        found = self._searched.get(key)
        if found is None:
            found = self._searched[key] = "\n".join(compared_text(text) for text in (name, legal_basis) if text)
        return found


def _find(
    names: Sequence[str], procedures: Sequence[ScoredProcedure], compared: _Compared, *, legal_basis: bool = False
) -> list[ScoredProcedure]:
    """Return the procedures a trigger or an expected procedure, by the names it goes by, means (see the top)."""
    exact = {compared_name(name) for name in names}
    named = [p for p, name in zip(procedures, compared.names_of(procedures), strict=True) if name in exact]
    if named:
        return named
    texts = compared.searched_of(procedures, legal_basis)
    for words in names:
        wanted = compared_text(words).split()
        found = [p for p, text in zip(procedures, texts, strict=True) if all(word in text for word in wanted)]
        if found:
            return found
    return []


def _occurrences(
    event: LifeEvent, members: Sequence[ScoredProcedure], config: JourneysConfig, compared: _Compared
) -> tuple[int, Phrase, set[str]]:
    triggers = {p.procedure.id for names in config.triggers.get(event, []) for p in _find(names, members, compared)}
    if event in config.occurrences:
        return config.occurrences[event], phrase(N_("the value of journeys.occurrences in the config")), triggers
    chosen = [p for p in members if p.procedure.id in triggers]
    total = sum(p.procedure.annual_volume for p in chosen)
    if total > 0:
        names = Listed([p.procedure.name for p in chosen], N_("{list} and {item}"))
        return total, phrase(N_("the annual cases of {names} added up"), names=names), triggers
    # Triggers without cases (the survey's 要介護認定の申請 has none nationally) count as no triggers: a
    # count of 0 would leave the journey empty, where the largest procedure still says something.
    triggers = set()
    largest = max(members, key=lambda p: (_volume(p), p.procedure.id))
    events = len(largest.procedure.life_events)
    if events > 1:
        source = phrase(
            N_("the largest procedure's cases ({name}, shared among {events} life events)"),
            name=largest.procedure.name,
            events=events,
        )
    else:
        source = phrase(N_("the largest procedure's cases ({name})"), name=largest.procedure.name)
    return round(_volume(largest)), source, triggers


def _volume(scored: ScoredProcedure) -> float:
    """Return the cases of a procedure that belong to one of its life events (split equally)."""
    return scored.procedure.annual_volume / max(1, len(scored.procedure.life_events))


def _journey(
    event: LifeEvent,
    members: Sequence[ScoredProcedure],
    everything: Sequence[ScoredProcedure],
    config: JourneysConfig,
    travel: float,
    where: dict[str, tuple[str, float]],
    compared: _Compared,
) -> Journey:
    occurrences, source, triggers = _occurrences(event, members, config, compared)
    shares = config.shares.get(event, {})
    present = {scored.procedure.id for scored in members}
    rows = []
    for scored in members:
        procedure = scored.procedure
        at_counter = max(0.0, 1.0 - scored.online_share)
        given = shares.get(procedure.id)
        if given is not None:
            share = given * at_counter
        else:
            share = min(1.0, _volume(scored) / occurrences) * at_counter if occurrences else 0.0
        rows.append(_row(scored, share, procedure.id in triggers, present, where))
    rows.sort(key=lambda r: (-r.share, r.id))
    trip_figures = _trips(rows, where, travel, config.same_day)
    visits = sum(r.share * r.visits for r in rows)
    forms = sum(r.share * r.forms for r in rows)
    minutes = sum(r.share * r.own_minutes for r in rows) + trip_figures.travel
    parts = _one_stop(rows, trip_figures, travel)
    saved = sum(minutes for _, minutes in parts)
    sections: list[str] = []
    counters: list[str] = []
    for row in rows:
        if row.visits > 0 and row.share > 0:
            if row.section not in sections:
                sections.append(row.section)
            if row.counter not in counters:
                counters.append(row.counter)
    gaps = _gaps(event, members, everything, config, compared)
    return Journey(
        event=event,
        label=JOURNEY_LABELS[event],
        occurrences=occurrences,
        occurrences_source=str(source),
        procedures=tuple(rows),
        sections=tuple(sections),
        counters=tuple(counters),
        visits=visits,
        forms=forms,
        repeated_facts=config.repeated_facts_per_form * max(0.0, forms - 1.0),
        citizen_hours=minutes / 60,
        one_stop_hours=min(saved, minutes) / 60,
        gaps=tuple(str(gap) for gap in gaps),
        occurrences_said=source,
        gaps_said=gaps,
        trips=trip_figures.trips,
        travel_minutes=trip_figures.travel,
        buildings=trip_figures.buildings,
        one_stop_parts=parts,
    )


def _row(
    scored: ScoredProcedure, share: float, trigger: bool, present: set[str], where: dict[str, tuple[str, float]]
) -> JourneyProcedure:
    """Return a procedure's figures per case in a journey: the citizen's own forms, less what its covering steps say."""
    procedure = scored.procedure
    figures = scored.figures
    passes = figures.passes
    covered: list[str] = []
    removed_minutes = removed_visits = removed_by_hand = 0.0
    forms = 0.0
    for step in procedure.steps:
        n = passes.get(step.id, 0.0)
        stands_for: list[str] = []
        if step.covers:  # seldom: most steps stand for no other procedure
            listed = [pid for pid in step.covers if pid != procedure.id]
            stands_for = [pid for pid in listed if pid in present]
        if stands_for:
            # The procedures it stands for are counted in the journey: this step is not counted again for them
            # (for the part of them the journey has: 1 of 2 named, half of the step stays).
            covered.extend(pid for pid in stands_for if pid not in covered)
            part = n * len(stands_for) / len(listed)
            own = step.effort if step.actor is Actor.CITIZEN else 0.0
            removed_minutes += part * (own + counter_wait_minutes(step))
            removed_visits += part if step.in_person else 0.0
            removed_by_hand += part * own if writes_by_hand(step) else 0.0
            if step.actor is Actor.CITIZEN and step.handwritten:
                forms += n - part
        elif step.actor is Actor.CITIZEN and step.handwritten:
            forms += n  # the citizen's own forms: not the staff's 台帳記入 or システム入力
    own_minutes = max(0.0, figures.citizen_effort_minutes + figures.counter_wait_minutes - removed_minutes)
    building = where.get(scored.counter.id, (MAIN_BUILDING, 0.0))[0]
    return JourneyProcedure(
        id=procedure.id,
        name=procedure.name,
        counter=scored.counter.name,
        section=scored.counter.section,
        annual_volume=procedure.annual_volume,
        share=share,
        visits=max(0.0, figures.visits - removed_visits),
        forms=forms,
        citizen_minutes=own_minutes + figures.travel_minutes,
        handwritten_minutes=max(0.0, figures.handwritten_minutes - removed_by_hand),
        trigger=trigger,
        building=building,
        wait_minutes=figures.counter_wait_minutes,
        own_minutes=own_minutes,
        covered=tuple(covered),
    )


@dataclass(frozen=True, slots=True)
class _TripFigures:
    trips: float  # expected trips out of the house per occurrence
    travel: float  # their travel minutes
    first_day: float  # the chance that the first day has a trip at all
    first_day_travel: float  # the travel minutes of the first day's trips
    buildings: tuple[tuple[str, float], ...]  # each building and the chance of going there on the first day


def _trips(
    rows: Sequence[JourneyProcedure], where: dict[str, tuple[str, float]], travel: float, same_day: bool
) -> _TripFigures:
    """Return the trips of a journey: on the first day, one per building visited; each later visit a trip of its own.

    A procedure met on a share s of the occurrences with v visits a case goes on the first day with
    chance s × min(1, v); the buildings are independent of each other. Its visits beyond the first (a
    補正, a second 来庁) are later days, each a trip. Without `same_day`, every visit is a trip.
    """
    minutes_to = {name: minutes for name, minutes in where.values()}
    minutes_to.setdefault(MAIN_BUILDING, travel)
    if not same_day:
        trips = sum(r.share * r.visits for r in rows)
        first = sum(r.share * min(1.0, r.visits) * minutes_to[r.building] for r in rows)
        spent = sum(r.share * r.visits * minutes_to[r.building] for r in rows)
        return _TripFigures(trips, spent, min(1.0, trips), first, ())
    stay_home: dict[str, float] = {}
    later = later_travel = 0.0
    for r in rows:
        stay_home[r.building] = stay_home.get(r.building, 1.0) * (1.0 - r.share * min(1.0, r.visits))
        extra = r.share * max(0.0, r.visits - 1.0)
        later += extra
        later_travel += extra * minutes_to[r.building]
    chance = {name: 1.0 - home for name, home in stay_home.items() if home < 1.0}
    nobody = 1.0
    for home in stay_home.values():
        nobody *= home
    first_travel = sum(p * minutes_to[name] for name, p in chance.items())
    ordered = tuple(sorted(chance.items(), key=lambda item: (-item[1], item[0])))
    return _TripFigures(sum(chance.values()) + later, first_travel + later_travel, 1.0 - nobody, first_travel, ordered)


def _one_stop(rows: Sequence[JourneyProcedure], trips: _TripFigures, travel: float) -> tuple[tuple[str, float], ...]:
    """Return what a one-stop, no-writing counter (ワンストップ・書かない窓口) saves per occurrence, minutes by part.

    The first day's trips become one, to the main building; staff fill the forms in (every handwritten minute
    of the citizen's own steps); one wait replaces a wait at each counter (the longest is kept). Later trips
    (a 補正, a second 来庁) stay.
    """
    trips_saved = max(0.0, trips.first_day_travel - trips.first_day * travel)
    waits = [r.share * r.wait_minutes for r in rows]
    waiting_saved = sum(waits) - max(waits, default=0.0)
    writing_saved = sum(r.share * r.handwritten_minutes for r in rows)
    return (("trips", trips_saved), ("writing", writing_saved), ("waiting", waiting_saved))


def _gaps(
    event: LifeEvent,
    members: Sequence[ScoredProcedure],
    everything: Sequence[ScoredProcedure],
    config: JourneysConfig,
    compared: _Compared,
) -> tuple[Phrase, ...]:
    label = Phrase(LIFE_EVENT_NAMES[event.value])
    gaps: list[Phrase] = []
    for names in config.expected.get(event, []):
        if _find(names, members, compared, legal_basis=True):
            continue
        elsewhere = _find(names, everything, compared, legal_basis=True)
        if elsewhere:
            found = elsewhere[0]
            gaps.append(
                phrase(
                    N_(
                        "{journey}: “{name}” ({section}, {id}) lacks the life event {event}: perhaps left out"
                        " of the inventory"
                    ),
                    journey=label,
                    name=found.procedure.name,
                    section=found.counter.section,
                    id=found.procedure.id,
                    event=event.value,
                )
            )
        else:
            gaps.append(
                phrase(
                    N_(
                        "{journey}: no procedure of the inventory matches “{words}”: a gap in the inventory, not"
                        " necessarily a procedure the city lacks"
                    ),
                    journey=label,
                    words=Listed(names, N_("{list} or {item}")),
                )
            )
    return tuple(gaps)
