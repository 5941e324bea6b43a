"""How the report writes numbers, as the workbook formats them (#,##0 hours, 0.00 人工, 0.0 scores)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bpr.export.diagram.dot import format_minutes
from bpr.fiscal import reiwa


def whole(value: float | None) -> str:
    """Return a count or hours with thousands separators and no decimals: 1,234 (empty for None)."""
    return "" if value is None else f"{value:,.0f}"


def setting(value: float) -> str:
    """Return a setting's number as it was given, with thousands separators: 1,800, 4,250.5."""
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}".rstrip("0")


def fte(value: float | None) -> str:
    """Return 人工 with two decimals, so that a tenth of a person still shows: 0.25."""
    return "" if value is None else f"{value:,.2f}"


def score(value: float) -> str:
    """Return a score with one decimal: 87.5."""
    return f"{value:.1f}"


def expected(value: float) -> str:
    """Return an expected count per case with one or two decimals, as the workbook's #,##0.0#: 1.1, 1.11."""
    shown = f"{value:,.2f}"
    return shown[:-1] if shown.endswith("0") else shown


def share(value: float) -> str:
    """Return a share as a percentage with one decimal: 12.5%."""
    return f"{value:.1%}"


def minutes(value: float) -> str:
    """Return a duration in Japanese, as the diagrams write it: 15分, 1.5時間, 3日."""
    return format_minutes(value)


def fiscal_year(fy: int | None) -> str:
    """Return a fiscal year as 令和4年度 (empty for None)."""
    return "" if fy is None else reiwa(fy)


def basename(path: str) -> str:
    """Return a file's name without its folders: the machine that built the report is nobody's business."""
    return path.replace("\\", "/").rsplit("/", 1)[-1]


FILTERS: dict[str, Callable[..., Any]] = {
    "basename": basename,
    "whole": whole,
    "setting": setting,
    "fte": fte,
    "score": score,
    "expected": expected,
    "share": share,
    "minutes": minutes,
    "reiwa": fiscal_year,
}
