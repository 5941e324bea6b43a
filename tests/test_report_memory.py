"""The report's pages are the same bytes whether written piece by piece or rendered whole first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import bpr.export.report as report
from bpr.analysis.pipeline import analyse_inventory
from bpr.config import Config
from bpr.export.report import write_report
from bpr.inventory.loader import load_inventory

from conftest import INVENTORIES

ENVIRON = {"SOURCE_DATE_EPOCH": "1700000000"}


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _rendered_whole(env: Any, path: Path, template: str, context: dict[str, Any]) -> None:
    path.write_text(env.get_template(template).render(context), encoding="utf-8", newline="\n")


def test_pages_streamed_are_the_pages_rendered_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inventory, _ = load_inventory([INVENTORIES])
    analysis = analyse_inventory(inventory, Config())
    write_report(analysis, tmp_path / "streamed", diagrams=None, environ=ENVIRON)
    monkeypatch.setattr(report, "_stream", _rendered_whole)
    write_report(analysis, tmp_path / "whole", diagrams=None, environ=ENVIRON)
    streamed, whole = _files(tmp_path / "streamed"), _files(tmp_path / "whole")
    assert len(streamed) > 10
    assert streamed == whole
