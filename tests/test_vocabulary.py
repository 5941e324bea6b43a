"""The inventory's vocabulary has one home: every enum value one Japanese label, and no other module a table."""

from __future__ import annotations

import ast
import enum
from pathlib import Path

import pytest

from bpr.inventory import models, vocabulary

from conftest import ROOT

TABLES = {
    name: table
    for name, table in vars(vocabulary).items()
    if name.isupper() and isinstance(table, dict) and table and isinstance(next(iter(table)), enum.Enum)
}
VOCABULARY_ENUMS = {type(next(iter(table))).__name__ for table in TABLES.values()}
# The titles of journeys leave out `other`, which is no life event of its own (no journey is made of it).
PARTIAL = {"LIFE_EVENT_TITLES": {models.LifeEvent.OTHER}}


@pytest.mark.parametrize("name", sorted(TABLES))
def test_every_value_of_the_enum_has_exactly_one_label(name: str) -> None:
    table = TABLES[name]
    kind = type(next(iter(table)))
    expected = set(kind) - PARTIAL.get(name, set())
    assert set(table) == expected, name
    labels = [label for label in table.values()]
    assert all(isinstance(label, str) and label.strip() for label in labels), name
    assert len(set(labels)) == len(labels), f"{name}: two values share a label"


def test_the_vocabulary_covers_the_format_s_enums_that_outputs_say() -> None:
    said = {"Kind", "LifeEvent", "OnlineStatus", "IdentityCheck", "Payment", "Source", "FlowSource", "Actor"}
    said |= {"Action", "Medium", "Measure", "Channel", "SharedWith", "LegalLevel", "Progress"}
    assert said <= VOCABULARY_ENUMS


def test_no_other_module_defines_a_japanese_table_of_those_enums() -> None:
    """A table of labels (…_LABELS, …_TITLES) keyed by a vocabulary enum, in Japanese, belongs in vocabulary.py.

    Sentences keyed by a value (what to do with a document the city issues itself) are not labels.
    """
    offenders = []
    for path in sorted((ROOT / "bpr").rglob("*.py")):
        if path == ROOT / "bpr" / "inventory" / "vocabulary.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
            value = getattr(node, "value", None)
            if not isinstance(target, ast.Name) or not isinstance(value, ast.Dict) or not value.keys:
                continue
            if not ("LABELS" in target.id or "TITLES" in target.id):
                continue
            enums = {k.value.id for k in value.keys if isinstance(k, ast.Attribute) and isinstance(k.value, ast.Name)}
            japanese = [
                v
                for v in value.values
                if isinstance(v, ast.Constant) and isinstance(v.value, str) and _japanese(v.value)
            ]
            if enums & VOCABULARY_ENUMS and japanese:
                offenders.append(f"{Path(path).relative_to(ROOT)}:{node.lineno} {target.id}")
    assert not offenders, offenders


def test_outputs_and_the_survey_form_read_the_same_words() -> None:
    from bpr.analysis import documents, labels
    from bpr.survey.sheets import labels as form

    assert form.PAYMENT_LABELS is vocabulary.PAYMENT_LABELS is documents.PAYMENT_LABELS
    assert form.CHANNEL_LABELS is vocabulary.CHANNEL_LABELS is labels.CHANNEL_LABELS
    assert vocabulary.PAYMENT_LABELS[models.Payment.QR] == "QRコード"  # the report once said QRコード決済 here


def _japanese(text: str) -> bool:
    return any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in text)
