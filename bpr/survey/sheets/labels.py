"""The 調査票's words: the format's enums as bpr/inventory/vocabulary.py says them, and how yes, no and lists read."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from bpr.inventory.vocabulary import ACTION_LABELS as ACTION_LABELS
from bpr.inventory.vocabulary import ACTOR_LABELS as ACTOR_LABELS
from bpr.inventory.vocabulary import CHANNEL_LABELS as CHANNEL_LABELS
from bpr.inventory.vocabulary import FLOW_SOURCE_LABELS as FLOW_SOURCE_LABELS
from bpr.inventory.vocabulary import IDENTITY_CHECK_LABELS as IDENTITY_CHECK_LABELS
from bpr.inventory.vocabulary import KIND_LABELS as KIND_LABELS
from bpr.inventory.vocabulary import LEGAL_LEVEL_LABELS as LEGAL_LEVEL_LABELS
from bpr.inventory.vocabulary import LIFE_EVENT_LABELS as LIFE_EVENT_LABELS
from bpr.inventory.vocabulary import MEDIUM_LABELS as MEDIUM_LABELS
from bpr.inventory.vocabulary import ONLINE_STATUS_LABELS as ONLINE_STATUS_LABELS
from bpr.inventory.vocabulary import PAYMENT_LABELS as PAYMENT_LABELS
from bpr.inventory.vocabulary import SHARED_WITH_LABELS as SHARED_WITH_LABELS
from bpr.inventory.vocabulary import SOURCE_LABELS as SOURCE_LABELS

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
