"""The 次の工程 cell: a step's `next` as one line of text, and back.

    (empty)                      next omitted: the next row of the same procedure (the last row ends the flow)
    終了                         next: []  (the flow ends here)
    check                        next: [check]
    enter、fix                   next: [enter, fix]  (a branch; the first is the normal case)
    print(99.5%)、refuse(0.5%:正当な理由のない第三者請求)
                                 next: [{to: print, share: 0.995}, {to: refuse, share: 0.005, label: 正当な…}]
    fix(:不備あり)               next: [{to: fix, label: 不備あり}]  (a condition without a share)
    fix()                        next: [{to: fix}]

Successors are separated by 、 , ， or a line break. The parentheses, % and : may be full-width
(（ ） ％ ：), as a Japanese input method types them. A condition runs to the parenthesis that closes
the one opened after the step id, so it may hold 、 and parentheses of its own (書類不足（補正）).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from bpr.i18n import N_, _
from bpr.inventory.models import Branch

END_WORD = "終了"
SEPARATORS = frozenset("、,，\n")
OPENERS = {"(": ")", "（": "）"}
PERCENT_SIGNS = ("%", "％")
COLONS = (":", "：")
JOINER = "、"


class SuccessorTextError(ValueError):
    """The text of a 次の工程 cell cannot be read; the message says why and how to write it."""


@dataclass(frozen=True)
class _Item:
    target: str
    inner: str | None  # the text inside the parentheses; None without them


def successors_text(successors: list[str | Branch] | None) -> str | None:
    """Return the 次の工程 text of a step's `next` (None when `next` is omitted)."""
    if successors is None:
        return None
    if not successors:
        return END_WORD
    return JOINER.join(item if isinstance(item, str) else _branch_text(item) for item in successors)


def _branch_text(branch: Branch) -> str:
    inner = "" if branch.share is None else f"{percent_text(branch.share)}%"
    if branch.label is not None:
        inner += f":{branch.label}"
    opener = "(" if _balanced(branch.label or "", "(", ")") or not _balanced(branch.label or "", "（", "）") else "（"
    return f"{branch.to}{opener}{inner}{OPENERS[opener]}"


def percent_text(share: float) -> str:
    """Return a share as the exact percentage its decimal form gives: 0.995 → '99.5', 0.5 → '50'."""
    value = (Decimal(repr(share)) * 100).normalize()
    return format(value, "f")


def parse_successors(text: str) -> list[Any]:
    """Return the `next` list of a 次の工程 text (step ids and branch mappings); raise SuccessorTextError."""
    stripped = text.strip()
    if unicodedata.normalize("NFKC", stripped) == END_WORD:
        return []
    items = list(_items(stripped))
    if not items:
        raise SuccessorTextError(_("次の工程 holds no step id: leave it empty (next row) or write 終了 (end)"))
    result: list[Any] = []
    for item in items:
        if item.target == END_WORD:
            raise SuccessorTextError(
                _("{end} ends the flow: write it alone, not among other steps").format(end=END_WORD)
            )
        if not item.target:
            raise SuccessorTextError(
                _(
                    "a successor has no step id before its parentheses: write ID(share%:condition), e.g. {example}"
                ).format(example=_(_EXAMPLE))
            )
        if item.inner is None:
            result.append(item.target)
        else:
            result.append({"to": item.target, **_branch_fields(item)})
    return result


# An example of a 次の工程 with shares and a condition, its condition in the language of the run.
_EXAMPLE = N_("print(99.5%), refuse(0.5%:no proper reason)")
_NOT_A_PERCENTAGE = N_("the share of '{target}' is '{text}', not a percentage such as 10%")


def _items(text: str) -> list[_Item]:
    items: list[_Item] = []
    position = 0
    length = len(text)
    while position < length:
        start = position
        while position < length and text[position] not in SEPARATORS and text[position] not in OPENERS:
            if text[position] in ")）":
                raise SuccessorTextError(
                    _(
                        "'{text}': a closing parenthesis without an opening one; write ID(share%:condition), e.g. {example}"
                    ).format(text=text, example=_(_EXAMPLE))
                )
            position += 1
        target = text[start:position].strip()
        inner = None
        if position < length and text[position] in OPENERS:
            inner, position = _inner(text, position)
            trailing = position
            while position < length and text[position] not in SEPARATORS:
                position += 1
            if text[trailing:position].strip():
                raise SuccessorTextError(
                    _(
                        "'{text}': '{trailing}' follows the parentheses of '{target}'; "
                        "separate successors with 、 or a comma, e.g. {example}"
                    ).format(text=text, trailing=text[trailing:position].strip(), target=target, example=_(_EXAMPLE))
                )
        if target or inner is not None:
            items.append(_Item(target, inner))
        position += 1  # the separator
    return items


def _inner(text: str, opening: int) -> tuple[str, int]:
    """Return the text inside the parentheses opened at `opening`, and the position after they close."""
    opener = text[opening]
    closer = OPENERS[opener]
    depth = 0
    for position in range(opening, len(text)):
        if text[position] == opener:
            depth += 1
        elif text[position] == closer:
            depth -= 1
            if depth == 0:
                return text[opening + 1 : position], position + 1
    raise SuccessorTextError(
        _("'{text}': a parenthesis is not closed; write ID(share%:condition), e.g. {example}").format(
            text=text, example=_(_EXAMPLE)
        )
    )


def _branch_fields(item: _Item) -> dict[str, Any]:
    assert item.inner is not None
    inner = item.inner
    colon = min((inner.find(mark) for mark in COLONS if mark in inner), default=-1)
    share_text, label = (inner[:colon], inner[colon + 1 :]) if colon >= 0 else (inner, None)
    fields: dict[str, Any] = {}
    share_text = unicodedata.normalize("NFKC", share_text).strip()
    if share_text:
        fields["share"] = _share(share_text, item.target)
    if label is not None:
        fields["label"] = label.strip()
    return fields


def _share(text: str, target: str) -> Any:
    if not text.endswith(PERCENT_SIGNS):
        raise SuccessorTextError(
            _(
                "the share of '{target}' is '{text}': write it as a percentage with %, e.g. {target}(10%), "
                "and a condition after a colon, e.g. {target}(10%:incomplete) or {target}(:incomplete)"
            ).format(target=target, text=text)
        )
    number = text[:-1].strip()
    try:
        value = Decimal(number)
    except InvalidOperation:
        raise SuccessorTextError(_(_NOT_A_PERCENTAGE).format(target=target, text=text)) from None
    if not value.is_finite():
        raise SuccessorTextError(_(_NOT_A_PERCENTAGE).format(target=target, text=text))
    # Through Decimal, 99.5% reads as exactly the float 0.995 that YAML's `share: 0.995` gives.
    return float(value / 100)


def _balanced(text: str, opener: str, closer: str) -> bool:
    depth = 0
    for character in text:
        if character == opener:
            depth += 1
        elif character == closer:
            depth -= 1
            if depth < 0:
                return False
    return depth == 0
