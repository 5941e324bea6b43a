"""Validation rules: one module each (its code, default severity, meaning and check), and their registry."""

from __future__ import annotations

from types import ModuleType

from bpr.inventory.rules import (
    duplicate_id,
    endless_loop,
    no_effort,
    no_end,
    online_in_person,
    online_share_missing,
    placeholder,
    rework_loop,
    seal_required,
    self_issued_attachment,
    skeleton_flow,
    unknown_reference,
    unreachable_step,
    zero_volume,
)

RULES_BY_CODE: dict[str, ModuleType] = {
    module.CODE: module
    for module in (
        duplicate_id,
        unknown_reference,
        no_end,
        endless_loop,
        unreachable_step,
        rework_loop,
        zero_volume,
        no_effort,
        seal_required,
        self_issued_attachment,
        online_in_person,
        online_share_missing,
        skeleton_flow,
        placeholder,
    )
}
