"""The Japanese words of the inventory's vocabulary: one label for each value of each enum of the format.

Every output says a value of the format with the words of this module — the 調査票, which also reads
them back, the workbook, the report, the diagrams and the terminal in Japanese — so that a value reads
the same everywhere. A table made for one purpose says so in its name (the diagrams' short lane names,
a life event as the title of a journey). tests/test_vocabulary.py holds every enum value to exactly one
label in each table, and no other module to a table of its own.
"""

from __future__ import annotations

from bpr.inventory.enums import (
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

KIND_LABELS: dict[Kind, str] = {
    Kind.APPLICATION: "申請",
    Kind.NOTIFICATION: "届出",
    Kind.CERTIFICATE: "証明書交付",
    Kind.REGISTRATION: "登録",
    Kind.PAYMENT: "納付",
    Kind.CONSULTATION: "相談",
    Kind.OTHER: "その他",
}
LIFE_EVENT_LABELS: dict[LifeEvent, str] = {
    LifeEvent.BIRTH: "出生",
    LifeEvent.CHILDCARE: "子育て",
    LifeEvent.EDUCATION: "教育",
    LifeEvent.MOVING: "引越し",
    LifeEvent.MARRIAGE: "結婚",
    LifeEvent.DEATH: "死亡",
    LifeEvent.NURSING_CARE: "介護",
    LifeEvent.DISABILITY: "障害",
    LifeEvent.HEALTH: "健康",
    LifeEvent.DISASTER: "災害",
    LifeEvent.HOUSING: "住まい",
    LifeEvent.VEHICLE: "自動車",
    LifeEvent.TAX: "税",
    LifeEvent.BUSINESS: "事業",
    LifeEvent.OTHER: "その他",
}
ONLINE_STATUS_LABELS: dict[OnlineStatus, str] = {
    OnlineStatus.NONE: "未対応",
    OnlineStatus.PARTIAL: "一部対応",
    OnlineStatus.FULL: "全部対応",
}
IDENTITY_CHECK_LABELS: dict[IdentityCheck, str] = {
    IdentityCheck.NONE: "不要",
    IdentityCheck.MY_NUMBER_CARD: "マイナンバーカード",
    IdentityCheck.PHOTO_ID: "顔写真付き証明書",
    IdentityCheck.SEAL_CERTIFICATE: "印鑑登録証明書",
    IdentityCheck.OTHER: "その他",
}
PAYMENT_LABELS: dict[Payment, str] = {
    Payment.CASH: "現金",
    Payment.BARCODE: "バーコード",
    Payment.QR: "QRコード",
    Payment.CREDIT_CARD: "クレジットカード",
    Payment.E_MONEY: "電子マネー",
    Payment.BANK_TRANSFER: "口座振替・振込",
    Payment.PAYMENT_SLIP: "納付書",
    Payment.OTHER: "その他",
}
SOURCE_LABELS: dict[Source, str] = {
    Source.SELF: "本市",
    Source.OTHER_MUNICIPALITY: "他市区町村",
    Source.NATIONAL: "国",
    Source.CITIZEN: "本人",
    Source.PRIVATE: "民間",
}
FLOW_SOURCE_LABELS: dict[FlowSource, str] = {
    FlowSource.SURVEYED: "調査済",
    FlowSource.SKELETON: "仮(未調査)",
}
ACTOR_LABELS: dict[Actor, str] = {
    Actor.CITIZEN: "住民",
    Actor.COUNTER: "窓口職員",
    Actor.BACK_OFFICE: "担当職員",
    Actor.SYSTEM: "システム",
    Actor.EXTERNAL: "他機関",
}
ACTION_LABELS: dict[Action, str] = {
    Action.WRITE: "記入",
    Action.SUBMIT: "提出",
    Action.RECEIVE: "受付",
    Action.CHECK: "確認・審査",
    Action.ENTER: "入力",
    Action.APPROVE: "決裁",
    Action.ISSUE: "交付",
    Action.PAY: "支払",
    Action.NOTIFY: "通知",
    Action.WAIT: "待ち",
    Action.TRANSPORT: "運搬",
    Action.ARCHIVE: "保管",
    Action.OTHER: "その他",
}
# In a column headed 媒体, なし is enough; the diagrams say 媒体なし (MEDIUM_DIAGRAM_LABELS).
MEDIUM_LABELS: dict[Medium, str] = {
    Medium.PAPER: "紙",
    Medium.ELECTRONIC: "電子",
    Medium.VERBAL: "口頭",
    Medium.NONE: "なし",
}

MEASURE_LABELS: dict[Measure, str] = {
    Measure.ONLINE: "オンライン化",
    Measure.RPA: "RPA",
    Measure.AI_OCR: "AI-OCR",
    Measure.BPR: "業務改善(BPR)",
    Measure.NONE: "対象外",
}

CHANNEL_LABELS: dict[Channel, str] = {
    Channel.MYNAPORTAL: "マイナポータル",
    Channel.CITY_FORM: "市の電子申請",
    Channel.CONVENIENCE_STORE: "コンビニ交付",
    Channel.KIOSK: "キオスク端末",
    Channel.SMARTPHONE_PAYMENT: "スマホ決済",
    Channel.POST: "郵送",
    Channel.OTHER: "その他の電子申請",
}

SHARED_WITH_LABELS: dict[SharedWith, str] = {
    SharedWith.PREFECTURE: "都道府県",
    SharedWith.NATIONAL: "国",
    SharedWith.OTHER_MUNICIPALITY: "他の市町村・組合",
    SharedWith.PRIVATE: "民間等",
}

LEGAL_LEVEL_LABELS: dict[LegalLevel, str] = {
    LegalLevel.LAW: "法律",
    LegalLevel.CABINET_ORDER: "政令",
    LegalLevel.MINISTERIAL_ORDINANCE: "省令",
    LegalLevel.ORDINANCE: "条例",
    LegalLevel.RULE: "規則",
    LegalLevel.GUIDELINE: "要綱・要領",
    LegalLevel.PRACTICE: "慣行",
}

PROGRESS_LABELS: dict[Progress, str] = {
    Progress.NOT_STARTED: "未着手",
    Progress.PLANNED: "計画済",
    Progress.IN_PROGRESS: "実施中",
    Progress.DONE: "完了",
}


_PROGRESS_BY_VALUE = {progress.value: label for progress, label in PROGRESS_LABELS.items()}


def progress_label(value: str) -> str:
    """Return a plan's progress in Japanese (実施中), or the value itself when the format does not know it."""
    return _PROGRESS_BY_VALUE.get(value, value)


# The diagrams' lanes: short, since a lane's name stands over a column of steps.
LANE_LABELS: dict[Actor, str] = {
    Actor.CITIZEN: "住民",
    Actor.COUNTER: "窓口",
    Actor.BACK_OFFICE: "担当課",
    Actor.SYSTEM: "システム",
    Actor.EXTERNAL: "他機関",
}

# The diagrams name a step with no medium; in a column headed 媒体 (MEDIUM_LABELS) なし is enough.
MEDIUM_DIAGRAM_LABELS: dict[Medium, str] = {
    Medium.PAPER: "紙",
    Medium.ELECTRONIC: "電子",
    Medium.VERBAL: "口頭",
    Medium.NONE: "媒体なし",
}

# A life event as the title of a journey across counters (ライフイベント, the report's event pages).
LIFE_EVENT_TITLES: dict[LifeEvent, str] = {
    LifeEvent.MOVING: "引越し（転入・転出・転居）",
    LifeEvent.BIRTH: "出生",
    LifeEvent.CHILDCARE: "子育て",
    LifeEvent.EDUCATION: "入学・教育",
    LifeEvent.MARRIAGE: "結婚・離婚",
    LifeEvent.DEATH: "おくやみ（死亡・相続）",
    LifeEvent.NURSING_CARE: "介護",
    LifeEvent.DISABILITY: "障がい",
    LifeEvent.HEALTH: "医療・健康",
    LifeEvent.DISASTER: "被災",
    LifeEvent.HOUSING: "住まい",
    LifeEvent.VEHICLE: "自動車",
    LifeEvent.TAX: "税",
    LifeEvent.BUSINESS: "事業・就労",
}
