"""`bpr schema`: the committed JSON Schema is current, and a standard validator agrees with bpr at the schema level."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from bpr.cli.main import app
from bpr.inventory import models
from bpr.inventory.loader import load_file
from bpr.inventory.schema import inventory_schema, schema_models, schema_text
from bpr.inventory.schema_words import ENUM_WORDS, FIELD_WORDS, MODEL_WORDS
from bpr.inventory.sources import read_text
from bpr.inventory.yamlfile import parse_yaml

from conftest import INVENTORIES, ROOT, VALID, yaml_files

SCHEMA_FILE = ROOT / "schema" / "inventory.schema.json"
MODELINE = "# yaml-language-server: $schema="


def _plain(value: Any) -> Any:
    """Return YAML data as JSON data: dates become ISO strings, as an editor's YAML server sees them."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _data(path: Path) -> Any:
    parsed = parse_yaml(read_text(path))
    data, findings = parsed.data, parsed.findings
    assert findings == []
    return _plain(data)


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def test_committed_schema_is_current() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), "run: bpr schema -o schema/inventory.schema.json"


def test_schema_names_its_dialect_and_id() -> None:
    schema = json.loads(schema_text())
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] and schema["title"]
    assert schema["additionalProperties"] is False
    assert schema["required"] == ["version", "counter", "procedures"]


def _japanese(text: str) -> bool:
    return any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in text)


def _words(node: Any, path: str = "") -> list[tuple[str, str]]:
    """Return every title and description an editor may show, with its place (enum labels are vocabulary.py's)."""
    found: list[tuple[str, str]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("title", "description") and isinstance(value, str):
                found.append((f"{path}/{key}", value))
            elif key != "default":
                found += _words(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            found += _words(item, f"{path}/{index}")
    return found


def test_every_title_and_description_an_editor_shows_is_japanese() -> None:
    words = _words(inventory_schema())
    assert [place for place, text in words if not _japanese(text)] == []
    # The file, each enum, each model and each field has a description (a type that says how it is written, one more).
    described = 1 + len(ENUM_WORDS) + len(MODEL_WORDS) + sum(len(fields) for fields in FIELD_WORDS.values())
    assert len([place for place, _text in words if place.endswith("/description")]) >= described


def test_every_field_an_editor_completes_has_its_own_title_and_description() -> None:
    schema = inventory_schema()
    places = {"": schema} | {name: definition for name, definition in schema["$defs"].items()}
    missing = [
        f"{name}.{field}"
        for name, definition in places.items()
        for field, prop in definition.get("properties", {}).items()
        if not (prop.get("title") and prop.get("description"))
    ]
    assert missing == []


def test_the_words_name_every_field_model_and_enum_of_the_format_and_nothing_else() -> None:
    for model in schema_models():
        assert set(FIELD_WORDS[model]) == set(model.model_fields), model.__name__
    defs = inventory_schema()["$defs"]
    assert {kind.__name__ for kind in ENUM_WORDS} == {name for name, d in defs.items() if "enum" in d}
    assert {model.__name__ for model in MODEL_WORDS} == {name for name, d in defs.items() if "properties" in d}
    assert all(description.endswith("。") for words in FIELD_WORDS.values() for _title, description in words.values())


def test_an_enum_field_says_its_values_with_their_labels_and_a_duration_its_bound() -> None:
    defs = inventory_schema()["$defs"]
    assert defs["Kind"]["enumDescriptions"] == ["申請", "届出", "証明書交付", "登録", "納付", "相談", "その他"]
    kind = defs["Procedure"]["properties"]["kind"]
    assert kind["title"] == "手続類型"
    assert "application（申請）" in kind["description"]
    assert "law（法律）" in defs["Online"]["properties"]["seal_basis"]["description"]
    days = f"{models.MAX_WAIT_MINUTES / models.MINUTES_PER_DAY:g}日まで。"
    assert defs["Step"]["properties"]["wait"]["description"].endswith(days)


def test_bpr_schema_prints_and_writes_it(runner: CliRunner, tmp_path: Path) -> None:
    printed = runner.invoke(app, ["schema"])
    assert printed.exit_code == 0
    assert printed.stdout == schema_text()
    result = runner.invoke(app, ["schema", "-o", str(tmp_path / "s.json")])
    assert result.exit_code == 0
    assert (tmp_path / "s.json").read_text(encoding="utf-8") == schema_text()


def test_bpr_schema_to_an_unwritable_place_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["schema", "-o", str(tmp_path / "no" / "such" / "s.json")])
    assert result.exit_code == 2
    assert "cannot write" in result.stderr


INVENTORY_FILES = yaml_files(INVENTORIES)


def test_there_is_a_sample_inventory() -> None:
    assert len(INVENTORY_FILES) >= 8


@pytest.mark.parametrize("path", INVENTORY_FILES + yaml_files(VALID), ids=lambda p: str(p.relative_to(ROOT)))
def test_standard_validator_accepts_the_samples(validator: Draft202012Validator, path: Path) -> None:
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(_data(path))]
    assert errors == []


@pytest.mark.parametrize("path", INVENTORY_FILES, ids=lambda p: p.name)
def test_samples_start_with_the_modeline(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith(MODELINE)
    assert (path.parent / first.removeprefix(MODELINE)).resolve() == SCHEMA_FILE


def _break(data: dict[str, Any], how: str) -> dict[str, Any]:
    broken = copy.deepcopy(data)
    procedure = broken["procedures"][0]
    if how == "unknown-field":
        procedure["anual_volume"] = 10
    elif how == "wrong-enum":
        procedure["steps"][0]["actor"] = "clerk"
    elif how == "negative-volume":
        procedure["annual_volume"] = -1
    elif how == "missing-field":
        del procedure["steps"][0]["name"]
    return broken


@pytest.mark.parametrize(
    ("how", "code"),
    [
        ("unknown-field", "unknown-field"),
        ("wrong-enum", "invalid-value"),
        ("negative-volume", "invalid-value"),
        ("missing-field", "missing-field"),
    ],
)
def test_schema_rejects_what_bpr_rejects(validator: Draft202012Validator, tmp_path: Path, how: str, code: str) -> None:
    data = _data(VALID / "shimin-every-field.yaml")
    assert validator.is_valid(data)
    broken = _break(data, how)
    assert not validator.is_valid(broken)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(broken, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert [p.code for p in load_file(path, "broken.yaml").problems] == [code]
