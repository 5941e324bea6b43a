"""作成日・版 (bpr/export/edition.py): SOURCE_DATE_EPOCH's date when set, else today's; the versions it was made with."""

from __future__ import annotations

import datetime as dt

import pytest

from bpr import __version__
from bpr.export.edition import MODEL_VERSION, Edition, created_on, edition


def test_source_date_epoch_gives_the_date_in_utc() -> None:
    assert created_on({"SOURCE_DATE_EPOCH": "1700000000"}) == dt.date(2023, 11, 14)  # 22:13 UTC
    assert created_on({"SOURCE_DATE_EPOCH": " 0 "}, today=dt.date(2030, 1, 1)) == dt.date(1970, 1, 1)


def test_without_source_date_epoch_the_date_is_today() -> None:
    assert created_on({}, today=dt.date(2026, 4, 1)) == dt.date(2026, 4, 1)
    assert created_on({"SOURCE_DATE_EPOCH": "  "}, today=dt.date(2026, 4, 1)) == dt.date(2026, 4, 1)
    before = dt.date.today()
    assert created_on({}) in {before, dt.date.today()}


@pytest.mark.parametrize("value", ["yesterday", "1.5", "99999999999999999999"])
def test_a_source_date_epoch_that_is_not_whole_seconds_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="SOURCE_DATE_EPOCH"):
        created_on({"SOURCE_DATE_EPOCH": value})


def test_the_edition_names_the_versions_and_the_inventory_date() -> None:
    made = edition("2022-08-10", {"SOURCE_DATE_EPOCH": "1700000000"})
    assert made == Edition(dt.date(2023, 11, 14), __version__, MODEL_VERSION, "2022-08-10")
    assert made.pairs() == (
        ("作成日", "2023-11-14"),
        ("版", f"bpr {__version__}・算定モデル {MODEL_VERSION}・棚卸日 2022-08-10"),
    )
    assert made.text == f"作成日 2023-11-14　版 bpr {__version__}・算定モデル {MODEL_VERSION}・棚卸日 2022-08-10"
    assert edition(None, {}, today=dt.date(2026, 4, 1)).version_label.endswith("棚卸日 不明")


def test_the_json_outputs_carry_the_edition(monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from typer.testing import CliRunner

    from bpr import __version__
    from bpr.cli.main import app

    from conftest import INVENTORIES

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 in UTC
    runner = CliRunner()
    scores = json.loads(runner.invoke(app, ["score", str(INVENTORIES), "-f", "json"]).stdout)
    roadmap = json.loads(runner.invoke(app, ["roadmap", str(INVENTORIES), "-f", "json"]).stdout)
    expected = {"created": "2023-11-14", "bpr": __version__, "model": 3, "inventory_date": "2022-08-10"}
    assert scores["edition"] == expected and roadmap["edition"] == expected
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "soon")
    refused = runner.invoke(app, ["score", str(INVENTORIES), "-f", "json"])
    assert refused.exit_code == 2 and refused.stdout == "" and "SOURCE_DATE_EPOCH" in refused.stderr
