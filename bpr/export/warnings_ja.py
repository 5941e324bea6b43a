"""The warnings of `bpr validate` in Japanese, naming steps by their Japanese names (課題一覧, the report).

`bpr validate` speaks to the DX team at a terminal, with step ids; a section chief reads 「返戻」から
「記入」への差し戻し. Each warning code is said again here from the procedure itself, so that every
warning of a procedure appears, in the chief's words. A code without a Japanese form keeps its message.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from bpr.analysis.results import ScoredProcedure
from bpr.inventory.models import Actor, OnlineStatus, Procedure, Source, Step

WARNING_LABELS = {
    "unreachable-step": "到達しない工程",
    "rework-loop": "差し戻し",
    "zero-volume": "年間件数が0件",
    "no-effort": "作業時間が未記入",
    "seal-required": "押印",
    "self-issued-attachment": "市が発行する添付書類",
    "online-in-person": "オンライン化済みで来庁",
    "online-share-missing": "オンラインの割合が未記入",
    "skeleton-flow": "業務フローが未調査",
}


def japanese_warnings(item: ScoredProcedure, warnings: Iterable[str]) -> list[tuple[str, str]]:
    """Return (label, message) in Japanese for a procedure's warnings, given as 'code: message'."""
    out: list[tuple[str, str]] = []
    done: set[str] = set()
    for warning in warnings:
        code, _, message = warning.partition(": ")
        if not message:
            out.append(("", warning))
            continue
        if code in done:
            continue
        said = list(_say(code, item)) if code in WARNING_LABELS else []
        if said:
            done.add(code)
            out.extend((WARNING_LABELS[code], text) for text in said)
        else:
            out.append((WARNING_LABELS.get(code, code), message))
    return out


def _name(step: Step) -> str:
    return f"「{step.name}」"


def _say(code: str, item: ScoredProcedure) -> Iterator[str]:
    procedure = item.procedure
    steps = {step.id: step for step in procedure.steps}
    if code == "rework-loop":
        for source, target in item.figures.rework_edges:
            if source in steps and target in steps:
                yield f"{_name(steps[source])}から{_name(steps[target])}へ差し戻し（やり直し）がある"
    elif code == "unreachable-step":
        reachable = _reachable(procedure)
        for step in procedure.steps:
            if step.id not in reachable:
                yield f"{_name(step)}は最初の工程から到達しない（次の工程の指定を確認）"
    elif code == "seal-required":
        for step in procedure.steps:
            if step.seal:
                yield f"{_name(step)}で押印が必要（押印は令和3年4月から原則廃止）"
    elif code == "self-issued-attachment":
        for attachment in procedure.attachments:
            if attachment.source is Source.SELF:
                yield f"添付書類「{attachment.name}」は市が発行する書類: 住民に求めず庁内で確認できる"
    elif code == "online-in-person":
        for step in procedure.steps:
            if step.in_person and step.actor is Actor.CITIZEN and procedure.online.status is OnlineStatus.FULL:
                yield f"すべてオンライン化済みなのに{_name(step)}で来庁が必要になっている"
    elif code == "zero-volume":
        yield "年間件数が0件: 件数を記入すると時間とスコアが出る"
    elif code == "no-effort":
        yield "どの工程にも作業時間がない: 職員と住民の時間が0になる"
    elif code == "online-share-missing":
        yield "一部オンライン化済みだが、オンラインで済む割合（share）が未記入: 設定の既定値で計算している"
    elif code == "skeleton-flow":
        yield "業務フローは取込みで作った骨組み（未調査）: 時間は仮の値"


def _reachable(procedure: Procedure) -> set[str]:
    """Return the ids of the steps reachable from the first (a step without `next` goes to the next one)."""
    order = [step.id for step in procedure.steps]
    position = {step_id: index for index, step_id in reversed(list(enumerate(order)))}
    seen: set[str] = set()
    todo = order[:1]
    while todo:
        current = todo.pop()
        if current in seen or current not in position:
            continue
        seen.add(current)
        index = position[current]
        following = procedure.steps[index].next_ids
        todo.extend(order[index + 1 : index + 2] if following is None else following)
    return seen
