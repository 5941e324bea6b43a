"""The configuration file: defaults, overrides and positioned errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bpr.config import Config, ConfigError, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bpr.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_file_gives_the_defaults():
    assert load_config(None) == Config()


def test_partial_file_overrides_only_its_keys(tmp_path):
    config = load_config(write(tmp_path, "scoring:\n  travel_minutes_per_visit: 90\nroadmap:\n  start_fy: 2026\n"))
    assert config.scoring.travel_minutes_per_visit == 90
    assert config.roadmap.start_fy == 2026
    assert config.roadmap.years == Config().roadmap.years


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("scoring:\n  travel_minuts: 90\n", [("unknown-field", 2, 3)]),
        ("roadmap:\n  years: many\n", [("invalid-value", 2, 10)]),
        ("roadmap:\n  capacity:\n    rpa: -1\n", [("invalid-value", 3, 10)]),
        ("roadmap:\n  start_fy: 2022\n  start_fy: 2023\n", [("duplicate-key", 3, 3)]),
        ("scoring: [\n", [("yaml-syntax", 2, 1)]),
    ],
)
def test_bad_config_is_reported_with_positions(tmp_path, text, expected):
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text))
    assert [(p.code, p.line, p.column) for p in caught.value.problems] == expected


def test_unknown_key_suggests_the_right_one(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, "scoring:\n  travel_minuts: 90\n"))
    assert "did you mean 'travel_minutes_per_visit'" in caught.value.problems[0].message


def test_one_bound_for_every_fiscal_year(tmp_path):
    """`--start-fy` of build and roadmap, and the config's years, share 1989–2200 (no 令和97981年度)."""
    from typer.testing import CliRunner

    from bpr.cli.main import app

    path = tmp_path / "bpr.yaml"
    path.write_text("roadmap:\n  start_fy: 99999\n", encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert [(p.code, p.line, p.column) for p in raised.value.problems] == [("invalid-value", 2, 13)]
    for command in ("build", "roadmap"):
        for year in ("0", "-5", "99999"):
            inventories = str(Path(__file__).resolve().parent.parent / "inventories")
            result = CliRunner().invoke(app, [command, inventories, "-o", str(tmp_path / "o"), "--start-fy", year])
            assert result.exit_code == 2, (command, year, result.output)


@pytest.mark.parametrize(
    "font",
    ['Noto"Sans', "a\\\\", "x<y>", "A & B", "Noto Sans;x=1", "a]b", "Noto\\tSans", "a:bold", ""],
)
def test_a_diagram_font_must_be_a_font_name(tmp_path, font):
    """diagram.font reaches DOT and the SVG that dot writes: only a family name is accepted, located at the value."""
    with pytest.raises(ConfigError) as raised:
        load_config(write(tmp_path, f"diagram:\n  font: {json.dumps(font)}\n"))
    assert [(p.code, p.line, p.column) for p in raised.value.problems] == [("invalid-value", 2, 9)]
    assert "font name" in raised.value.problems[0].message


@pytest.mark.parametrize(
    "font", ["Noto Sans CJK JP", "IPAexGothic", "BIZ UDPGothic", "M+ 1p", "ＭＳ ゴシック", "Source Han Sans JP (Bold)"]
)
def test_real_font_names_are_accepted(tmp_path, font):
    assert load_config(write(tmp_path, f"diagram:\n  font: {json.dumps(font)}\n")).diagram.font == font


def test_rpa_actions_are_actions(tmp_path):
    path = tmp_path / "bpr.yaml"
    path.write_text("scoring:\n  rpa:\n    actions: [enter, fly]\n", encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert [(p.code, p.line, p.column) for p in raised.value.problems] == [("invalid-value", 3, 22)]


def test_a_warning_can_be_raised_to_an_error_or_turned_off_but_an_error_not_lowered(tmp_path, runner):
    """Issue 22: severities as yamllint's rules — validate.severity in bpr.yaml, applied by every command."""
    from bpr.cli.main import app

    from conftest import INVENTORIES

    strict = tmp_path / "strict.yaml"
    strict.write_text("validate:\n  severity: {seal-required: error}\n", encoding="utf-8")
    quiet = tmp_path / "quiet.yaml"
    quiet.write_text("validate:\n  severity: {seal-required: 'off', self-issued-attachment: 'off'}\n", encoding="utf-8")
    default = runner.invoke(app, ["validate", str(INVENTORIES), "--format", "json"])
    assert default.exit_code == 0 and '"seal-required"' in default.stdout
    raised = runner.invoke(app, ["validate", str(INVENTORIES), "--config", str(strict), "--format", "json"])
    assert raised.exit_code == 1
    codes = {(p["code"], p["severity"]) for p in json.loads(raised.stdout)["problems"]}
    assert ("seal-required", "error") in codes and ("seal-required", "warning") not in codes
    off = runner.invoke(app, ["validate", str(INVENTORIES), "--config", str(quiet), "--format", "json"])
    assert off.exit_code == 0
    assert not {"seal-required", "self-issued-attachment"} & {p["code"] for p in json.loads(off.stdout)["problems"]}
    # Every command that reads the inventory stops on the raised warning, as on any error.
    assert runner.invoke(app, ["score", str(INVENTORIES), "--config", str(strict)]).exit_code == 1
    lowered = tmp_path / "lowered.yaml"
    lowered.write_text("validate:\n  severity:\n    endless-loop: warning\n    nonsense: error\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(lowered)
    said = [f"{p.line}:{p.column} {p.message}" for p in caught.value.problems]
    assert len(said) == 1 and said[0].startswith("3:5 ") and "endless-loop" in said[0]  # at the mapping's first code


def test_the_nearest_bpr_yaml_above_the_inventory_is_used_and_named(tmp_path: Path, monkeypatch) -> None:
    import json
    import shutil

    from typer.testing import CliRunner

    from bpr.cli.main import app

    from conftest import INVENTORIES

    city = tmp_path / "city"
    shutil.copytree(INVENTORIES, city / "inventories")
    (city / ".git").mkdir()  # the repository's root: the search stops here
    (city / "bpr.yaml").write_text("scoring: {travel_minutes_per_visit: 5}\n", encoding="utf-8")
    (tmp_path / "bpr.yaml").write_text("scoring: {travel_minutes_per_visit: 500}\n", encoding="utf-8")
    runner = CliRunner()

    def travel(cwd: Path, *paths: str) -> tuple[str | None, str, float]:
        monkeypatch.chdir(cwd)
        result = runner.invoke(app, ["score", *paths, "-f", "json"])
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        return data["config"], result.stderr, sum(p["citizen_hours"] for p in data["procedures"])

    # From the repository's root, from inside the inventory, and from elsewhere: the same file, the same hours.
    at_root = travel(city, "inventories")
    inside = travel(city / "inventories", ".")
    outside = travel(tmp_path / "city" / "inventories" / "..", "inventories")
    assert at_root[0] == "bpr.yaml" and "Settings" not in at_root[1]  # JSON says it; stderr stays for problems
    monkeypatch.chdir(city)
    for command in (["score"], ["journeys"], ["roadmap", "-o", str(tmp_path / "r.xlsx")]):
        said = runner.invoke(app, [*command, "inventories"])
        assert "Settings: bpr.yaml" in said.stdout.splitlines(), command
    assert inside[0] == str(Path("..") / "bpr.yaml") or inside[0].endswith("city/bpr.yaml")
    assert at_root[2] == inside[2] == outside[2]
    # Without one above the inventory, the built-in defaults, and the output says so.
    (city / "bpr.yaml").unlink()
    bare = travel(city / "inventories", ".")
    assert bare[0] is None
    said = runner.invoke(app, ["score", "."])
    assert any(line.startswith("Settings: the built-in defaults") for line in said.stdout.splitlines())
    assert bare[2] != at_root[2]  # the file above the repository's root is not read


def test_validate_reads_the_config_above_its_inventory(runner, tmp_path, monkeypatch):
    import shutil

    from bpr.cli.main import app

    from conftest import ROOT

    # As every other command (cli.md's conventions): the nearest bpr.yaml upward from the inventory, not the cwd's.
    (tmp_path / ".git").mkdir()
    (tmp_path / "bpr.yaml").write_text("validate:\n  severity: {seal-required: error}\n", encoding="utf-8")
    inventory = tmp_path / "inventories"
    inventory.mkdir()
    shutil.copy(ROOT / "tests" / "data" / "invalid" / "seal-required" / "oshi-in.yaml", inventory / "oshi-in.yaml")
    elsewhere = tmp_path.parent / f"{tmp_path.name}-cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = runner.invoke(app, ["validate", str(inventory), "--format", "json"])
    assert result.exit_code == 1
    assert ("seal-required", "error") in {(p["code"], p["severity"]) for p in json.loads(result.stdout)["problems"]}


def test_a_bpr_yaml_inside_the_inventory_is_its_config_not_a_counter(runner, tmp_path):
    import shutil

    from bpr.cli.main import app

    from conftest import INVENTORIES

    inventory = tmp_path / "inventories"
    shutil.copytree(INVENTORIES, inventory)
    (inventory / "bpr.yaml").write_text("validate:\n  severity: {seal-required: error}\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(inventory), "--format", "json"])
    report = json.loads(result.stdout)
    assert report["files"] == len(list(INVENTORIES.glob("*.yaml")))  # bpr.yaml is not read as a counter
    assert result.exit_code == 1 and {p["code"] for p in report["problems"] if p["severity"] == "error"} == {
        "seal-required"
    }
