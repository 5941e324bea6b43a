"""Pydantic models of inventory format v1 and its optional additions of 1.1 and 1.2 (see docs/format.md)."""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    Tag,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from bpr.fiscal import MAX_FY, MIN_FY
from bpr.i18n import N_, _

# The format's words live apart from pydantic (`bpr/inventory/enums.py`); code that reads them imports them there.
from bpr.inventory.enums import (
    NATIONAL_LEVELS,
    SLUG_PATTERN,
    Action,
    Actor,
    Channel,
    FlowSource,
    IdentityCheck,
    Kind,
    LegalLevel,
    LifeEvent,
    Measure,
    Medium,
    OnlineStatus,
    Payment,
    Progress,
    SharedWith,
    Source,
)
from bpr.inventory.profiles import MAX_WINDOWS, HourlyProfile, MonthlyProfile, OpeningHours

_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([mhd])\s*$")
_MINUTES_PER_UNIT = {"m": 1.0, "h": 60.0, "d": 1440.0}
MINUTES_PER_DAY = 1440.0
# Bounds of format 1.1: beyond them a figure is a typo, and arithmetic on it would overflow.
MAX_ANNUAL_VOLUME = 1_000_000_000
MAX_EFFORT_MINUTES = 30 * MINUTES_PER_DAY
MAX_WAIT_MINUTES = 3650 * MINUTES_PER_DAY
SHARE_TOLERANCE = 0.01
MAX_FEE_YEN = 1_000_000_000  # a fee per case beyond 10億円 is a typo, and yen × cases would overflow

Slug = Annotated[str, StringConstraints(strict=True, pattern=SLUG_PATTERN)]
Text = Annotated[str, StringConstraints(strict=True, min_length=1, pattern=r"\S")]
_NOT_A_DURATION = N_("a duration is a number of minutes or a string such as '15m', '1.5h' or '3d'")
_NOT_A_SHARE = N_("a share is a number from 0 to 1 (0.2 = 20 % of the cases)")


def parse_duration(value: Any) -> Any:
    """Turn a duration (minutes as a number, or "15m", "1.5h", "3d") into finite, non-negative minutes."""
    if isinstance(value, bool):
        raise ValueError(_(_NOT_A_DURATION))
    if isinstance(value, int | float):
        minutes = float(value) if not isinstance(value, int) or abs(value) < 2**63 else math.inf
    elif isinstance(value, str):
        match = _DURATION_RE.match(value)
        if match is None:
            raise ValueError(
                _("'{value}' is not a duration: write minutes (15) or one unit: '15m', '1.5h', '3d'").format(
                    value=value
                )
            )
        minutes = float(match.group(1)) * _MINUTES_PER_UNIT[match.group(2)]
    else:
        raise ValueError(_(_NOT_A_DURATION))
    if math.isnan(minutes) or math.isinf(minutes):
        raise ValueError(_("a duration must be a finite number of minutes"))
    if minutes < 0:
        raise ValueError(_("a duration cannot be negative"))
    return minutes


def _at_most(limit: float, message: str) -> Any:
    # `message` is a message id with {minutes} and {days}, said when a value is refused.
    def check(minutes: float) -> float:
        if minutes > limit:
            raise ValueError(_(message).format(minutes=f"{minutes:g}", days=f"{limit / MINUTES_PER_DAY:g}"))
        return minutes

    return check


def _duration_schema(limit: float) -> dict[str, Any]:
    return {
        "anyOf": [
            {"type": "number", "minimum": 0, "maximum": limit},
            {"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*[mhd]\s*$"},
        ],
        # The words an editor shows (yaml-language-server), after the field's own: Japanese, as the city writes.
        "description": "分の数（15）、または単位を1つ付けた文字列: '15m'（分）、'1.5h'（時間）、'3d'（日。1日は24時間）。"
        f"{limit / MINUTES_PER_DAY:g}日まで。",
    }


Effort = Annotated[
    float,
    BeforeValidator(parse_duration),
    AfterValidator(_at_most(MAX_EFFORT_MINUTES, N_("an effort of {minutes} minutes is more than {days} days"))),
    WithJsonSchema(_duration_schema(MAX_EFFORT_MINUTES)),
]
Wait = Annotated[
    float,
    BeforeValidator(parse_duration),
    AfterValidator(_at_most(MAX_WAIT_MINUTES, N_("a wait of {minutes} minutes is more than {days} days"))),
    WithJsonSchema(_duration_schema(MAX_WAIT_MINUTES)),
]


def _finite_share(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(_(_NOT_A_SHARE))
    if math.isnan(value) or not 0 <= value <= 1:
        raise ValueError(
            _("a share is a number from 0 to 1 (0.2 = 20 % of the cases), not {value}").format(value=repr(value))
        )
    return float(value)


Share = Annotated[
    float,
    BeforeValidator(_finite_share),
    WithJsonSchema({"type": "number", "minimum": 0, "maximum": 1}),
]


MAX_YEARS_AFTER_LAUNCH = 50
_NOT_AN_UPTAKE = N_(
    "uptake is a share from 0 to 1 (0.3 = 30 % of the cases left at the counter move), or a mapping"
    " year after launch → share (1: 0.1, 2: 0.2, 3: 0.3)"
)


def _uptake(value: Any) -> Any:
    """Accept a share, or a mapping year after launch (1–50) → share; say plainly what else was written."""
    if isinstance(value, dict):
        if not value:
            raise ValueError(_(_NOT_AN_UPTAKE))
        out: dict[int, float] = {}
        for written, share in value.items():
            # YAML keys arrive as text (bpr's reader keeps every key a string): '2' is the year 2.
            year = int(written) if isinstance(written, str) and written.isascii() and written.isdigit() else written
            if isinstance(year, bool) or not isinstance(year, int) or not 1 <= year <= MAX_YEARS_AFTER_LAUNCH:
                raise ValueError(
                    _("a year after launch is a whole number from 1 to {most}, not {value}").format(
                        most=MAX_YEARS_AFTER_LAUNCH, value=repr(written)
                    )
                )
            out[year] = _finite_share(share)
        return dict(sorted(out.items()))
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(_(_NOT_AN_UPTAKE))
    return _finite_share(value)


Uptake = Annotated[
    float | dict[int, float],
    BeforeValidator(_uptake),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": 1},
                {
                    "type": "object",
                    "minProperties": 1,
                    "patternProperties": {"^([1-9]|[1-4][0-9]|50)$": {"type": "number", "minimum": 0, "maximum": 1}},
                    "additionalProperties": False,
                },
            ]
        }
    ),
]

MAX_COST_THOUSAND_YEN = 10_000_000  # 100億円: a measure's cost beyond it is a typo


def _thousand_yen(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(_("a cost is a number of thousand yen (千円), such as 1500"))
    if math.isnan(value) or not 0 <= value <= MAX_COST_THOUSAND_YEN:
        raise ValueError(
            _("a cost is from 0 to {most} thousand yen (千円), not {value}").format(
                most=f"{MAX_COST_THOUSAND_YEN:,}", value=repr(value)
            )
        )
    return float(value)


ThousandYen = Annotated[
    float,
    BeforeValidator(_thousand_yen),
    WithJsonSchema({"type": "number", "minimum": 0, "maximum": MAX_COST_THOUSAND_YEN}),
]


def _id_as_text(value: Any) -> Any:
    # The survey's 手続ID is a number: `national_id: 9108` means the id "9108".
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


NationalId = Annotated[
    str,
    BeforeValidator(_id_as_text),
    StringConstraints(strict=True, min_length=1),
    WithJsonSchema({"anyOf": [{"type": "string", "minLength": 1}, {"type": "integer", "minimum": 0}]}),
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


class Online(_Model):
    """Current online state and legal constraints of a procedure."""

    status: OnlineStatus = OnlineStatus.NONE
    channel: Text | None = None
    in_person_required_by_law: StrictBool = False
    identity_check: IdentityCheck = IdentityCheck.NONE
    share: Share | None = None
    mynaportal: StrictBool = False
    channels: list[Channel] | None = None
    presence_basis: LegalLevel | None = None
    seal_basis: LegalLevel | None = None
    uptake: Uptake | None = None

    @model_validator(mode="after")
    def _channels_agree(self) -> Online:
        # `mynaportal: true` (1.1) means `channels: [mynaportal]`; both written and disagreeing is an error.
        written = self.channels is not None and "mynaportal" in self.model_fields_set
        if written and self.mynaportal != (Channel.MYNAPORTAL in (self.channels or ())):
            raise ValueError(
                _("mynaportal: {flag} and channels {channels} disagree: write one of them").format(
                    flag="true" if self.mynaportal else "false",
                    channels="[" + ", ".join(c.value for c in self.channels or ()) + "]",
                )
            )
        return self

    @property
    def presence_level(self) -> LegalLevel | None:
        """Return the level requiring the citizen in person: `presence_basis`, or law for the 1.0 flag alone."""
        if self.presence_basis is not None:
            return self.presence_basis
        return LegalLevel.LAW if self.in_person_required_by_law else None

    @property
    def presence_gated(self) -> bool:
        """Tell whether a national rule (法律・政令・省令) requires presence: no online measure (property 7)."""
        return self.presence_level in NATIONAL_LEVELS

    @property
    def seal_gated(self) -> bool:
        """Tell whether a national rule requires the seal: no online measure until that rule changes."""
        return self.seal_basis in NATIONAL_LEVELS

    @property
    def online_gated(self) -> bool:
        """Tell whether a national rule keeps the procedure from going online (presence or seal)."""
        return self.presence_gated or self.seal_gated

    @property
    def city_rules(self) -> tuple[tuple[str, LegalLevel], ...]:
        """Return the requirements the city set itself, as ('presence' | 'seal', level): each is a 見直し."""
        found = []
        level = self.presence_level
        if level is not None and level not in NATIONAL_LEVELS:
            found.append(("presence", level))
        if self.seal_basis is not None and self.seal_basis not in NATIONAL_LEVELS:
            found.append(("seal", self.seal_basis))
        return tuple(found)

    @property
    def on_mynaportal(self) -> bool:
        """Tell whether a case can already be started from マイナポータル (`mynaportal` or `channels`)."""
        return self.mynaportal or Channel.MYNAPORTAL in (self.channels or ())

    @property
    def existing_channels(self) -> tuple[Channel, ...]:
        """Return the channels that exist already, マイナポータル included however it is written."""
        found = list(dict.fromkeys(self.channels or ()))
        if self.mynaportal and Channel.MYNAPORTAL not in found:
            found.insert(0, Channel.MYNAPORTAL)
        return tuple(found)

    @field_validator("share")
    @classmethod
    def _share_agrees_with_status(cls, share: float | None, info: ValidationInfo) -> float | None:
        status = info.data.get("status")
        if share is None:
            return share
        if status is OnlineStatus.NONE and share > 0:
            raise ValueError(
                _("status 'none' says no case goes online, but share is {share}").format(share=f"{share:g}")
            )
        if status is OnlineStatus.FULL and share < 1:
            raise ValueError(
                _("status 'full' says every case goes online, but share is {share}").format(share=f"{share:g}")
            )
        return share

    def online_share(self, default_partial: float) -> float:
        """Return the share of cases already handled without a visit (`default_partial` for partial without one)."""
        if self.status is OnlineStatus.FULL:
            return 1.0
        if self.share is not None:
            return self.share
        return default_partial if self.status is OnlineStatus.PARTIAL else 0.0


class Fee(_Model):
    """The fee of a procedure and how it can be paid."""

    amount: Annotated[StrictInt, Field(ge=0, le=MAX_FEE_YEN)] = 0
    payment: list[Payment] | None = None

    @model_validator(mode="after")
    def _default_payment(self) -> Fee:
        if self.payment is None:
            object.__setattr__(self, "payment", [Payment.CASH] if self.amount > 0 else [])
        return self


class Attachment(_Model):
    """添付書類."""

    name: Text
    source: Source
    procedure: Slug | None = None
    electronic: StrictBool = False


class PlanCost(_Model):
    """What a measure costs (format 1.2, `plan.cost`), in thousand yen: it overrides the config's default for its kind."""

    initial: ThousandYen = 0.0
    annual: ThousandYen = 0.0


class PlanActual(_Model):
    """効果検証 (format 1.2, `plan.actual`): what was measured after the measure was done."""

    measured_fy: Annotated[StrictInt, Field(ge=MIN_FY, le=MAX_FY)]
    staff_minutes_per_case: Effort | None = None
    cases: Annotated[StrictInt, Field(ge=0, le=MAX_ANNUAL_VOLUME)] | None = None
    online_share: Share | None = None
    note: Text | None = None


class Plan(_Model):
    """A decision already taken by people; it overrides the computed roadmap."""

    measure: Measure
    target_fy: Annotated[StrictInt, Field(ge=MIN_FY, le=MAX_FY)]
    progress: Progress = Progress.PLANNED
    done_fy: Annotated[StrictInt, Field(ge=MIN_FY, le=MAX_FY)] | None = None
    cost: PlanCost | None = None
    actual: PlanActual | None = None

    @model_validator(mode="before")
    @classmethod
    def _done_fy_means_done(cls, data: Any) -> Any:
        # `done_fy` alone says the measure was done that year; with another progress it contradicts itself.
        if isinstance(data, dict) and data.get("done_fy") is not None:
            progress = data.get("progress")
            if progress is None:
                return {**data, "progress": Progress.DONE.value}
            if progress not in (Progress.DONE, Progress.DONE.value):
                raise ValueError(
                    _("done_fy says the measure was done, but progress is {progress}: set progress: done").format(
                        progress=repr(progress)
                    )
                )
        return data


class SurveyAnswer(_Model):
    """The national survey's answer for a procedure as last imported; `bpr import national` owns it.

    Kept so that a re-import can tell a value a person changed (it differs from what this answer
    gives) from one the survey changed (the file still holds what the previous answer gave).
    """

    ministry: Text | None = None
    name: Text | None = None
    law: Text | None = None
    article: Text | None = None
    online_status: Text | None = None
    national_volume: Annotated[StrictInt, Field(ge=0)] | None = None
    national_online: Annotated[StrictInt, Field(ge=0)] | None = None
    # Unbounded here, as the survey wrote it: the import never turns a count over MAX_ANNUAL_VOLUME into a volume.
    city_volume: Annotated[StrictInt, Field(ge=0)] | None = None
    population: Annotated[StrictInt, Field(gt=0)] | None = None
    identity_check: Text | None = None
    fee: Text | None = None
    payment: list[Text] = []
    attachments: list[Text] = []
    events: list[Text] = []
    business_events: list[Text] = []
    period: Text | None = None
    period_online: Text | None = None
    system: Text | None = None
    system_online: Text | None = None
    applicant: Text | None = None
    offices: list[Text] = []
    city_share: Share | None = None
    priority_item: Text | None = None


class Branch(_Model):
    """A successor with the share of cases that take it and the condition drawn on its arrow."""

    to: Slug
    share: Share | None = None
    label: Text | None = None


def _successor_kind(value: Any) -> str | None:
    if isinstance(value, str):
        return "step-id"
    if isinstance(value, dict | Branch):
        return "branch"
    return None


# A successor is a step id or a branch mapping; the tag keeps pydantic from reporting both failures.
SUCCESSOR_TAGS = frozenset({"step-id", "branch"})
Successor = Annotated[
    Annotated[Slug, Tag("step-id")] | Annotated[Branch, Tag("branch")],
    Discriminator(
        _successor_kind,
        custom_error_type="successor_type",
        # A message id: bpr.inventory.pydantic_errors says a custom error type's message in the run's language.
        custom_error_message=N_("a successor is a step id or a mapping {to: ID, share: 0-1, label: 条件}"),
    ),
]


class Step(_Model):
    """工程: one step of a business flow."""

    id: Slug
    name: Text
    actor: Actor
    action: Action = Action.OTHER
    medium: Medium = Medium.NONE
    handwritten: StrictBool = False
    seal: StrictBool = False
    in_person: StrictBool = False
    rule_based: StrictBool = False
    effort: Effort = 0.0
    wait: Wait = 0.0
    system: Text | None = None
    next: list[Successor] | None = None
    # Format 1.2: the procedures this step stands for (死亡届's 「各課の窓口を回って手続」 covers 国保, 年金 …):
    # a life event's journey counts those procedures, not this step as well.
    covers: list[Slug] | None = None

    @field_validator("next")
    @classmethod
    def _shares_add_up(cls, items: list[Successor] | None) -> list[Successor] | None:
        shares = [item.share for item in items or [] if isinstance(item, Branch) and item.share is not None]
        if not shares:
            return items
        total = sum(shares)
        every = len(shares) == len(items or [])
        if every and abs(total - 1) > SHARE_TOLERANCE:
            raise ValueError(_("the shares of the branches add up to {total}, not 1").format(total=f"{total:g}"))
        if not every and total > 1 + SHARE_TOLERANCE:
            raise ValueError(_("the shares of the branches add up to {total}, more than 1").format(total=f"{total:g}"))
        return items

    @property
    def next_ids(self) -> list[str] | None:
        """Return the successor ids as written (None when `next` is omitted)."""
        if self.next is None:
            return None
        return [item if isinstance(item, str) else item.to for item in self.next]


_NO_ONLINE = Online()
_NO_ONLINE_DATA = _NO_ONLINE.model_dump(mode="json")
_NO_FEE = Fee()
_NO_FEE_DATA = _NO_FEE.model_dump(mode="json")


class Procedure(_Model):
    """手続: one counter procedure with its business flow."""

    id: Slug
    name: Text
    kind: Kind = Kind.OTHER
    legal_basis: Text | None = None
    annual_volume: Annotated[StrictInt, Field(ge=0, le=MAX_ANNUAL_VOLUME)]
    volume_source: Text | None = None
    national_id: NationalId | None = None
    flow_source: FlowSource = FlowSource.SURVEYED
    life_events: list[LifeEvent] = []
    national_priority: StrictBool = False
    handled: StrictBool = True
    handled_reason: Text | None = None
    shared_with: list[SharedWith] = []
    # One frozen default each, given as it is: a default model would be deep-copied for every procedure
    # that leaves the field out (a tenth of a warm `bpr validate`). The schema still shows the defaults.
    online: Annotated[Online, Field(default_factory=lambda: _NO_ONLINE, json_schema_extra={"default": _NO_ONLINE_DATA})]
    fee: Annotated[Fee, Field(default_factory=lambda: _NO_FEE, json_schema_extra={"default": _NO_FEE_DATA})]
    attachments: list[Attachment] = []
    plan: Plan | None = None
    steps: Annotated[list[Step], Field(min_length=1)]
    issues: list[Text] = []
    notes: str | None = None
    survey: SurveyAnswer | None = None
    monthly_profile: MonthlyProfile | None = None


class Counter(_Model):
    """窓口: the counter a file describes."""

    id: Slug
    name: Text
    section: Text
    department: Text | None = None
    location: Text | None = None
    surveyed_on: dt.date | None = None
    windows: Annotated[StrictInt, Field(ge=1, le=MAX_WINDOWS)] | None = None
    opening_hours: OpeningHours | None = None
    monthly_profile: MonthlyProfile | None = None
    hourly_profile: HourlyProfile | None = None


class InventoryFile(_Model):
    """One inventory file: a counter and its procedures."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema"},
    )

    version: Literal[1]
    counter: Counter
    procedures: Annotated[list[Procedure], Field(min_length=1)]
