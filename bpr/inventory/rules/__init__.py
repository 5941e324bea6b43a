"""Validation rules: one module each (its code, default severity, meaning and checks), and their registry.

A rule checks with any of: `check_procedure(ctx)` on each valid procedure and `check_counter(counter)` on a
file's valid counter (both when the file is checked: their problems are cached with the file's), and
`check_inventory(files)` across the files' facts (`rules/base.py`'s `FileFacts`: ids, references, positions),
on every run. `applies_to_file(text)` lets the checker skip a rule for a file whose text cannot hold what it
looks for. No rule imports the models at run time: `bpr validate` reads the registry from the cache's facts.
"""

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
