"""Japanese labels of the format's enums and booleans, as the 調査票 shows them and reads them back."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from bpr.analysis.labels import CHANNEL_LABELS as CHANNEL_LABELS
from bpr.analysis.labels import LEGAL_LEVEL_LABELS as LEGAL_LEVEL_LABELS
from bpr.analysis.labels import SHARED_WITH_LABELS as SHARED_WITH_LABELS
from bpr.inventory.models import (
    Action,
    Actor,
    FlowSource,
    IdentityCheck,
    Kind,
    LifeEvent,
    Medium,
    OnlineStatus,
    Payment,
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
# The diagrams say 媒体なし; in a column headed 媒体, なし is enough.
MEDIUM_LABELS: dict[Medium, str] = {
    Medium.PAPER: "紙",
    Medium.ELECTRONIC: "電子",
    Medium.VERBAL: "口頭",
    Medium.NONE: "なし",
}

# A yes is ○; a no is an empty cell. What else people type for yes and no is read too.
# Whether the city handles a procedure (handled): the 調査票 asks 「市で扱わない」, so true is the empty cell.
HANDLED_LABELS: dict[bool, str] = {True: "扱う", False: "扱わない"}

YES = "○"
YES_WORDS = frozenset({"○", "◯", "〇", "●", "はい", "有", "あり", "要", "true", "yes", "1"})
NO_WORDS = frozenset({"×", "✕", "いいえ", "無", "なし", "不要", "false", "no", "0", "-", "ー", "－"})

# Several values in one cell (ライフイベント, 納付方法, 課題) are separated by these.
LIST_SEPARATORS = ("、", ",", "，", "\n")
LIST_JOINER = "、"


def normalise(text: str) -> str:
    """Return text as compared with labels: NFKC (full-width letters and digits to half-width), trimmed, lower-case."""
    return unicodedata.normalize("NFKC", text).strip().casefold()


def lookup_table(labels: Mapping[Any, str]) -> dict[str, str]:
    """Return {normalised label or value: enum value}, so that 住民 and citizen both read as citizen."""
    table: dict[str, str] = {}
    for member, label in labels.items():
        table[normalise(label)] = member.value
        table.setdefault(normalise(member.value), member.value)
    return table


def split_list(text: str) -> list[str]:
    """Return the non-empty items of a cell holding several values separated by 、 , ， or line breaks."""
    items = [text]
    for separator in LIST_SEPARATORS:
        items = [part for item in items for part in item.split(separator)]
    return [item.strip() for item in items if item.strip()]
