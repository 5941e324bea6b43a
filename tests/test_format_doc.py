"""docs/format.md is Japanese first and agrees with the code: fields, their names, enums, codes, bounds, example."""

from __future__ import annotations

import re

import pytest
import yaml

from bpr.config import Config
from bpr.i18n import translate
from bpr.inventory import models
from bpr.inventory.codes import CODES, TITLES
from bpr.inventory.profiles import MAX_WINDOWS
from bpr.inventory.schema import schema_models
from bpr.inventory.schema_words import ENUM_WORDS, FIELD_WORDS
from bpr.inventory.sources import DEFAULT_MAX_FILE_BYTES

from conftest import ROOT, VALID

DOC = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
ENGLISH_ANCHOR = '<a id="english"></a>'
JAPANESE, ENGLISH = DOC.split(ENGLISH_ANCHOR)
# The survey's answer is the importer's, not the city's to write: docs/import-survey.md tells of it.
UNDOCUMENTED = {models.SurveyAnswer}
_FIELD_ROW = re.compile(r"^\| `([a-z_]+)` \| ([^|]+?) \|")
_CODE_ROW = re.compile(r"^\| `([a-z-]+)` \| (error|warning) \| ([^|]+?) \|", flags=re.M)


def _japanese(text: str) -> bool:
    return any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in text)


def _tables(text: str) -> list[dict[str, str]]:
    """Return each table of a text as its rows `field` → the second column."""
    tables: list[dict[str, str]] = []
    inside = False
    for line in text.splitlines():
        if not line.startswith("|"):
            inside = False
            continue
        if not inside:
            tables.append({})
            inside = True
        match = _FIELD_ROW.match(line)
        if match:
            tables[-1][match.group(1)] = match.group(2)
    return tables


def test_the_japanese_reference_comes_first_with_japanese_headings() -> None:
    headings = re.findall(r"^#+ (.+)$", JAPANESE, flags=re.M)
    prose = [h for h in headings if not h.startswith("yaml-language-server")]
    assert prose[0].startswith("棚卸ファイルの書式")
    assert [h for h in prose if not _japanese(h)] == []
    assert "## English" in ENGLISH


@pytest.mark.parametrize("part", ["japanese", "english"])
def test_each_version_lists_every_code_with_its_severity(part: str) -> None:
    text = JAPANESE if part == "japanese" else ENGLISH
    documented = {code: severity for code, severity, *_ in _CODE_ROW.findall(text)}
    assert documented == {code: severity.value for code, (severity, _) in CODES.items()}


def test_the_japanese_table_heads_each_warning_as_the_documents_do() -> None:
    headings = {code: heading for code, _severity, heading in _CODE_ROW.findall(JAPANESE)}
    expected = {code: translate(TITLES[code], "ja") if code in TITLES else "—" for code in CODES}
    assert headings == expected


@pytest.mark.parametrize(
    "model", [m for m in schema_models() if m not in UNDOCUMENTED], ids=lambda model: model.__name__
)
def test_a_japanese_table_lists_every_field_with_the_name_an_editor_shows(model: type) -> None:
    expected = {field: title for field, (title, _description) in FIELD_WORDS[model].items()}
    assert set(expected) == set(model.model_fields)
    assert expected in _tables(JAPANESE)


@pytest.mark.parametrize("kind", list(ENUM_WORDS), ids=lambda kind: kind.__name__)
def test_the_japanese_reference_says_every_value_of_an_enum_with_its_label(kind: type) -> None:
    labels = ENUM_WORDS[kind][2]
    assert "、".join(f"`{member.value}`（{labels[member]}）" for member in kind) in JAPANESE


def test_the_bounds_the_reference_states_are_the_code_s() -> None:
    days = models.MINUTES_PER_DAY
    stated = [
        f"`effort` は {models.MAX_EFFORT_MINUTES / days:g} 日まで",
        f"`wait` は {models.MAX_WAIT_MINUTES / days:,.0f} 日まで",
        f"| 整数 0〜{models.MAX_ANNUAL_VOLUME:,} |",
        f"| 整数 0〜{models.MAX_FEE_YEN:,} |",
        f"1 件 {models.MAX_FEE_YEN:,} 円",
        f"| 整数 1〜{MAX_WINDOWS:,} |",
        f"数 0〜{models.MAX_COST_THOUSAND_YEN:,}（有限）",
        f"開始後の年（1〜{models.MAX_YEARS_AFTER_LAUNCH}）",
        f"{DEFAULT_MAX_FILE_BYTES // 2**20} MiB",
        f"合計は 1 です（±{models.SHARE_TOLERANCE:g}",
        f"設定の `queue.opening_hours`、{Config().queue.opening_hours}",
    ]
    assert [phrase for phrase in stated if phrase not in JAPANESE] == []


def test_every_yaml_block_reads_and_the_example_is_the_spec_s() -> None:
    blocks = re.findall(r"```yaml\n(.*?)```", JAPANESE, flags=re.S)
    assert all(yaml.safe_load(block) is not None or block.lstrip().startswith("#") for block in blocks)
    example = yaml.safe_load(blocks[-1])
    # tests/test_loader.py checks what bpr validate says of this file: the two warnings the text names.
    assert example == yaml.safe_load((VALID / "kosodate-spec-example.yaml").read_text(encoding="utf-8"))
    assert "`self-issued-attachment`" in JAPANESE.rsplit("## 記入例", 1)[1]
    assert "`rework-loop`" in JAPANESE.rsplit("## 記入例", 1)[1]
