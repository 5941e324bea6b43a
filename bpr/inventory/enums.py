"""The enumerations of inventory format v1 and its additions: the words a field may take, without pydantic.

They live apart from the models (`bpr/inventory/models.py`, which re-exports them) so that what reads only
these words (the rules, `bpr validate` from the cache) does not import pydantic.
"""

from __future__ import annotations

import enum

# An id: lower-case ASCII letters, digits, '-' and '_', starting with a letter or a digit.
SLUG_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"


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


class Channel(enum.StrEnum):
    """A way a case can already avoid the counter (format 1.2, `online.channels`)."""

    MYNAPORTAL = "mynaportal"
    CITY_FORM = "city_form"
    CONVENIENCE_STORE = "convenience_store"
    KIOSK = "kiosk"
    SMARTPHONE_PAYMENT = "smartphone_payment"
    POST = "post"
    OTHER = "other"


class LegalLevel(enum.StrEnum):
    """The level of the rule that requires presence or a seal (format 1.2, `presence_basis`, `seal_basis`)."""

    LAW = "law"  # 法律
    CABINET_ORDER = "cabinet_order"  # 政令
    MINISTERIAL_ORDINANCE = "ministerial_ordinance"  # 省令
    ORDINANCE = "ordinance"  # 条例
    RULE = "rule"  # 規則
    GUIDELINE = "guideline"  # 要綱・要領
    PRACTICE = "practice"  # 慣行


# Model v3, property 7: only the national levels gate presence or seals; a rule the city set itself is reviewed.
NATIONAL_LEVELS = frozenset({LegalLevel.LAW, LegalLevel.CABINET_ORDER, LegalLevel.MINISTERIAL_ORDINANCE})


class SharedWith(enum.StrEnum):
    """Another body that takes the same procedure (format 1.2, `shared_with`)."""

    PREFECTURE = "prefecture"
    NATIONAL = "national"
    OTHER_MUNICIPALITY = "other_municipality"
    PRIVATE = "private"


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


class FlowSource(enum.StrEnum):
    """Where a procedure's steps come from."""

    SURVEYED = "surveyed"
    SKELETON = "skeleton"
