"""Pydantic models of inventory format v1 (see docs/format.md)."""

from __future__ import annotations

import datetime as dt
import enum
import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

SLUG_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([mhd])\s*$")
_MINUTES_PER_UNIT = {"m": 1.0, "h": 60.0, "d": 1440.0}

Slug = Annotated[str, StringConstraints(strict=True, pattern=SLUG_PATTERN)]
Text = Annotated[str, StringConstraints(strict=True, min_length=1)]


def parse_duration(value: Any) -> Any:
    """Turn a duration (minutes as a number, or "15m", "1.5h", "3d") into minutes."""
    if isinstance(value, bool):
        raise ValueError("a duration is a number of minutes or a string such as '15m', '1.5h' or '3d'")
    if isinstance(value, int | float):
        if value < 0:
            raise ValueError("a duration cannot be negative")
        return float(value)
    if isinstance(value, str):
        match = _DURATION_RE.match(value)
        if match is None:
            raise ValueError(f"'{value}' is not a duration: write minutes (15) or one unit: '15m', '1.5h', '3d'")
        return float(match.group(1)) * _MINUTES_PER_UNIT[match.group(2)]
    raise ValueError("a duration is a number of minutes or a string such as '15m', '1.5h' or '3d'")


Duration = Annotated[
    float,
    BeforeValidator(parse_duration),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0},
                {"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*[mhd]\s*$"},
            ],
            "description": "minutes (15) or a string with one unit: '15m', '1.5h', '3d' (a day is 24 hours)",
        }
    ),
]


class Kind(enum.StrEnum):
    """手続類型."""

    APPLICATION = "application"
    NOTIFICATION = "notification"
    CERTIFICATE = "certificate"
    REGISTRATION = "registration"
    PAYMENT = "payment"
    CONSULTATION = "consultation"
    OTHER = "other"


class LifeEvent(enum.StrEnum):
    """A life event of the citizen."""

    BIRTH = "birth"
    CHILDCARE = "childcare"
    EDUCATION = "education"
    MOVING = "moving"
    MARRIAGE = "marriage"
    DEATH = "death"
    NURSING_CARE = "nursing_care"
    DISABILITY = "disability"
    HEALTH = "health"
    DISASTER = "disaster"
    HOUSING = "housing"
    VEHICLE = "vehicle"
    TAX = "tax"
    BUSINESS = "business"
    OTHER = "other"


class OnlineStatus(enum.StrEnum):
    """Current オンライン化の状況."""

    NONE = "none"
    PARTIAL = "partial"
    FULL = "full"


class IdentityCheck(enum.StrEnum):
    """本人確認の方法."""

    NONE = "none"
    MY_NUMBER_CARD = "my_number_card"
    PHOTO_ID = "photo_id"
    SEAL_CERTIFICATE = "seal_certificate"
    OTHER = "other"


class Payment(enum.StrEnum):
    """A way to pay a fee."""

    CASH = "cash"
    BARCODE = "barcode"
    QR = "qr"
    CREDIT_CARD = "credit_card"
    E_MONEY = "e_money"
    BANK_TRANSFER = "bank_transfer"
    PAYMENT_SLIP = "payment_slip"
    OTHER = "other"


class Source(enum.StrEnum):
    """Who issues an attachment."""

    SELF = "self"
    OTHER_MUNICIPALITY = "other_municipality"
    NATIONAL = "national"
    CITIZEN = "citizen"
    PRIVATE = "private"


class Measure(enum.StrEnum):
    """A measure of the roadmap."""

    ONLINE = "online"
    RPA = "rpa"
    AI_OCR = "ai_ocr"
    BPR = "bpr"
    NONE = "none"


class Progress(enum.StrEnum):
    """How far a plan has got."""

    NOT_STARTED = "not_started"
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class Actor(enum.StrEnum):
    """Who does a step: the swimlane."""

    CITIZEN = "citizen"
    COUNTER = "counter"
    BACK_OFFICE = "back_office"
    SYSTEM = "system"
    EXTERNAL = "external"


class Action(enum.StrEnum):
    """What kind of work a step is."""

    WRITE = "write"
    SUBMIT = "submit"
    RECEIVE = "receive"
    CHECK = "check"
    ENTER = "enter"
    APPROVE = "approve"
    ISSUE = "issue"
    PAY = "pay"
    NOTIFY = "notify"
    WAIT = "wait"
    TRANSPORT = "transport"
    ARCHIVE = "archive"
    OTHER = "other"


class Medium(enum.StrEnum):
    """The medium of the document or data a step handles."""

    PAPER = "paper"
    ELECTRONIC = "electronic"
    VERBAL = "verbal"
    NONE = "none"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


class Online(_Model):
    """Current online state and legal constraints of a procedure."""

    status: OnlineStatus = OnlineStatus.NONE
    channel: Text | None = None
    in_person_required_by_law: StrictBool = False
    identity_check: IdentityCheck = IdentityCheck.NONE


class Fee(_Model):
    """The fee of a procedure and how it can be paid."""

    amount: Annotated[StrictInt, Field(ge=0)] = 0
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


class Plan(_Model):
    """A decision already taken by people; it overrides the computed roadmap."""

    measure: Measure
    target_fy: Annotated[StrictInt, Field(ge=1989, le=2200)]
    progress: Progress = Progress.PLANNED


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
    effort: Duration = 0.0
    wait: Duration = 0.0
    system: Text | None = None
    next: list[Slug] | None = None


class Procedure(_Model):
    """手続: one counter procedure with its business flow."""

    id: Slug
    name: Text
    kind: Kind = Kind.OTHER
    legal_basis: Text | None = None
    annual_volume: Annotated[StrictInt, Field(ge=0)]
    volume_source: Text | None = None
    life_events: list[LifeEvent] = []
    national_priority: StrictBool = False
    online: Online = Online()
    fee: Fee = Fee()
    attachments: list[Attachment] = []
    plan: Plan | None = None
    steps: Annotated[list[Step], Field(min_length=1)]
    issues: list[Text] = []
    notes: str | None = None


class Counter(_Model):
    """窓口: the counter a file describes."""

    id: Slug
    name: Text
    section: Text
    department: Text | None = None
    location: Text | None = None
    surveyed_on: dt.date | None = None


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
