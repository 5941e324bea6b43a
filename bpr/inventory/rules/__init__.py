"""Validation rules: one module each, and the registry that decides their severity."""

from __future__ import annotations

from types import ModuleType

from bpr.inventory import codes
from bpr.inventory.rules import (
    duplicate_id,
    endless_loop,
    no_effort,
    no_end,
    online_in_person,
    online_share_missing,
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
    )
}

# The codes and their severities live below the rules and the loader (bpr/inventory/codes.py).
CODES = codes.CODES
severity_of = codes.severity_of
