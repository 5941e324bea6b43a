"""The pre-commit hook this repository ships: the whole inventory on any change of it, never other YAML."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from typer.testing import CliRunner

from bpr.cli.main import app
from bpr.inventory.yamlfile import parse_yaml

from conftest import ROOT


def hook() -> dict:
    (entry,) = parse_yaml((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")).data
    return entry


def test_the_hook_validates_the_folder_not_the_changed_files() -> None:
    entry = hook()
    assert entry["pass_filenames"] is False and entry["args"] == ["inventories/"]
    files = re.compile(entry["files"])
    assert files.search("inventories/zeimu.yaml") and files.search("inventories/sub/a.yml")
    for other in (".pre-commit-config.yaml", ".github/workflows/inventory.yml", "bpr.yaml", "docs/x.yaml"):
        assert not files.search(other), other


def test_a_change_to_one_file_passes_with_its_references_to_the_others(runner: CliRunner, tmp_path: Path) -> None:
    # zeimu.yaml refers to koseki-tohon in koseki.yaml: alone it would fail, as the folder it passes.
    folder = tmp_path / "inventories"
    shutil.copytree(ROOT / "inventories", folder)
    alone = runner.invoke(app, ["validate", str(folder / "zeimu.yaml")])
    assert alone.exit_code == 1 and "unknown-reference" in alone.output
    whole = runner.invoke(app, ["validate", str(folder)])
    assert whole.exit_code == 0, whole.output
