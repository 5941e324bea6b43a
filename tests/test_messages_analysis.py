"""One language per run for the analysing commands: score, journeys, diff, import survey, survey export|import.

Each command runs on a small inventory in Japanese (the default) and in English. An English run shows
Japanese only inside what the inventory says (names) and what the analysis still says in Japanese (a
score's reasons, as the spec wants; a journey's source and notes; KPI warnings and shortfalls), or as
the gloss of a term of art, "survey forms (調査票)"; never in the words bpr puts around them. A Japanese
run has no English sentence. Every command's help reads in Japanese. Under -q the import commands print
no summary, and the machine formats are the same bytes in both languages.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from test_journeys import KOSEKI
from typer.testing import CliRunner

from bpr.analysis.pipeline import analyse_inventory
from bpr.analysis.results import Analysis
from bpr.cli.main import app
from bpr.config import Config
from bpr.i18n import _, set_language
from bpr.inventory.loader import load_inventory

HOKEN = """\
version: 1
counter: {id: hoken, name: 保険年金窓口, section: 保険年金課}
procedures:
  - id: sousai
    name: 国民健康保険 葬祭費の支給申請
    annual_volume: 50
    life_events: [death]
    attachments:
      - {name: 住民票の写し, source: self}
    steps:
      - {id: write, name: 申請書の記入, actor: citizen, handwritten: true, in_person: true, effort: 10}
"""

# Japanese text: CJK punctuation, kana, ideographs and full-width forms.
JAPANESE_RUN = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]+")
# The Japanese term an English text names in parentheses: "survey forms (調査票)".
GLOSS = re.compile(r"\([\u3040-\u30ff\u3400-\u9fff]{1,8}\)")
# A problem's line (FILE:LINE:COL or a workbook's sheet and cell, then its message), said by the checks
# (tests/test_messages_survey_diff.py and the inventory's tests hold them to one language).
PROBLEM_LINE = re.compile(r"^\S+: (?:error|warning) .*$", re.MULTILINE)
# Three English words in a row (ids, options, file names and formats never make one).
ENGLISH_SENTENCE = re.compile(r"[A-Za-z]+(?:[ ,;']+[A-Za-z]+){2,}")
# Every command of this area, by its words after `bpr`.
COMMANDS = (["score"], ["journeys"], ["diff"], ["import"], ["import", "national"], ["survey"])
COMMANDS += (["survey", "export"], ["survey", "import"])


def write_inventory(folder: Path, koseki: str = KOSEKI) -> Path:
    folder.mkdir()
    (folder / "koseki.yaml").write_text(koseki, encoding="utf-8")
    (folder / "hoken.yaml").write_text(HOKEN, encoding="utf-8")
    return folder


@pytest.fixture
def inventory(tmp_path: Path) -> Path:
    return write_inventory(tmp_path / "inv")


def analyse(folder: Path) -> Analysis:
    inventory, problems = load_inventory([folder], use_cache=False)
    assert problems == []
    return analyse_inventory(inventory, Config())


def said_by_the_data(analysis: Analysis) -> str:
    """Return what the inventory and the analysis say in Japanese, which a run shows in either language."""
    texts: list[str] = []
    for item in analysis.procedures:
        texts += [item.procedure.name, item.counter.name, item.counter.section, *item.reasons]
    for journey in analysis.journeys:
        texts += [journey.occurrences_source, *journey.gaps]
    texts += [document.name for document in analysis.documents]
    for kpi in analysis.roadmap.kpis:
        texts += [kpi.name, kpi.warning or ""]
    texts += [shortfall.message for shortfall in analysis.roadmap.shortfalls]
    return "\n".join(texts)


def japanese_of_bpr(output: str, data: str) -> list[str]:
    """Return the Japanese runs that the data does not hold: words bpr said in Japanese."""
    said = GLOSS.sub(" ", PROBLEM_LINE.sub("", output))
    return [run for run in JAPANESE_RUN.findall(said) if run not in data]


def english_sentences(output: str) -> list[str]:
    """Return the English sentences of an output, leaving out the commands it names (`bpr survey import`)."""
    return ENGLISH_SENTENCE.findall(re.sub(r"\bbpr(?: [a-z]+)+", "bpr", output))


def run(runner: CliRunner, language: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--lang", language, *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_score_speaks_one_language(runner: CliRunner, inventory: Path) -> None:
    data = said_by_the_data(analyse(inventory))
    code, english, _err = run(runner, "en", "score", str(inventory))
    assert code == 0
    assert "Priority: top 4 of 4" in english and "Expected saving" in english and "KPI (FY2022 to FY2025)" in english
    assert japanese_of_bpr(english, data) == []
    code, japanese, _err = run(runner, "ja", "score", str(inventory))
    assert code == 0
    assert (
        "優先順位 上位4件 / 全4件" in japanese and "期待削減 時間/年" in japanese and "令和4年度〜令和7年度" in japanese
    )
    assert english_sentences(japanese) == []


def test_score_formats_are_the_same_in_both_languages(runner: CliRunner, inventory: Path) -> None:
    for output_format in ("json", "csv"):
        english = run(runner, "en", "score", str(inventory), "--format", output_format)[1]
        assert english and run(runner, "ja", "score", str(inventory), "--format", output_format)[1] == english
    record = json.loads(run(runner, "ja", "score", str(inventory), "--format", "json")[1])
    assert {p["recommendation"] for p in record["procedures"]} <= {"online", "rpa", "ai_ocr", "bpr", "none"}


def test_journeys_speak_one_language(runner: CliRunner, inventory: Path) -> None:
    data = said_by_the_data(analyse(inventory))
    code, english, _err = run(runner, "en", "journeys", str(inventory))
    assert code == 0
    assert "Per occurrence: 1.50 visits to 2 sections (市民課, 保険年金課)" in english
    assert "Ways to pay the city already accepts: QR code (1 procedure)" in english
    assert "■ Fees payable in cash only (candidates for cashless payment)" in english
    assert "■ bereavement (death and inheritance): 100 a year" in english and "  * 100.0%  visits 1.00" in english
    assert (
        ": asked by 1 procedure, 50 a year, 54 hours of the citizens' time, 15,000 yen in fees → look it up" in english
    )
    assert japanese_of_bpr(english, data) == []
    code, japanese, _err = run(runner, "ja", "journeys", str(inventory))
    assert code == 0
    assert "1回あたり: 来庁 1.50回・2課（市民課、保険年金課）" in japanese
    assert "市が既に受け付けている支払方法: QRコード（1手続）" in japanese
    assert "■ おくやみ（死亡・相続）: 年100回" in japanese and "  ＊100.0%  来庁1.00" in japanese
    assert english_sentences(japanese) == []


def test_an_unknown_life_event_is_refused_in_the_run_language(runner: CliRunner, inventory: Path) -> None:
    code, _out, english = run(runner, "en", "journeys", str(inventory), "--event", "funeral")
    assert code == 2 and "unknown life event funeral: one of birth" in english
    code, _out, japanese = run(runner, "ja", "journeys", str(inventory), "--event", "funeral")
    assert code == 2 and "ライフイベント funeral はない: birth" in japanese


def test_diff_speaks_one_language(runner: CliRunner, tmp_path: Path) -> None:
    old = write_inventory(tmp_path / "old")
    new = write_inventory(
        tmp_path / "new", KOSEKI.replace("annual_volume: 100\n    life", "annual_volume: 150\n    life")
    )
    data = said_by_the_data(analyse(old)) + "\n" + said_by_the_data(analyse(new))
    code, english, _err = run(runner, "en", "diff", str(old), str(new))
    assert code == 0 and "100 → 150" in english
    assert japanese_of_bpr(english, data) == []
    code, japanese, _err = run(runner, "ja", "diff", str(old), str(new))
    assert code == 0 and "100 → 150" in japanese
    assert english_sentences(japanese) == []
    assert (
        run(runner, "ja", "diff", str(old), str(new), "-f", "json")[1]
        == run(runner, "en", "diff", str(old), str(new), "-f", "json")[1]
    )


def test_diff_says_why_it_cannot_compare_in_the_run_language(runner: CliRunner, tmp_path: Path) -> None:
    good = write_inventory(tmp_path / "good")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "bad.yaml").write_text(
        "version: 1\ncounter: {id: x, name: x, section: x}\nprocedures: []\n", encoding="utf-8"
    )
    code, _out, english = run(runner, "en", "diff", str(good), str(bad))
    assert code == 1
    assert f"bpr: cannot compare: the new inventory ({bad}) has 1 error, listed above" in english
    code, _out, japanese = run(runner, "ja", "diff", str(bad), str(bad))
    assert code == 1
    last = japanese.splitlines()[-1]
    assert last.startswith(f"bpr: 比較できない: 比較元の棚卸 ({bad}) にエラーが 1件ある、比較先の棚卸 ({bad})")
    assert english_sentences(last) == []


SURVEY_HEADER = (
    "手続ID,所管府省庁,手続名,法令名,手続類型,申請を提出する機関,オンライン化の実施状況,総手続件数,オンライン手続件数"
)
SURVEY_ROWS = (
    "9108,総務省,本人等による住民票の写し等の交付請求,住民基本台帳法,1 申請等,市役所・町村役場,1 実施済,123490614,61745307",
    "555,国土交通省,国にだけ出す届,道路法,1 申請等,国の機関,2 未実施,10,0",
)


@pytest.fixture
def survey(tmp_path: Path) -> Path:
    path = tmp_path / "survey.csv"
    path.write_text("\n".join([SURVEY_HEADER, *SURVEY_ROWS, ""]), encoding="utf-8")
    return path


def test_import_survey_speaks_one_language(runner: CliRunner, survey: Path, tmp_path: Path) -> None:
    code, english, _err = run(
        runner, "en", "import", "national", str(survey), "-o", str(tmp_path / "en"), "--population", "100000"
    )
    assert code == 0
    assert "2 rows read" in english and "1 row skipped: not a 申請等 brought to a city hall" in english
    assert "added    shimin-9108" in english and "1 added, 0 updated, 0 unchanged; wrote 1 file" in english
    # The survey's own words (its columns and values: 手続ID, 申請等) may be quoted, as the inventory's names are.
    assert japanese_of_bpr(english, survey.read_text(encoding="utf-8")) == []
    code, japanese, _err = run(
        runner, "ja", "import", "national", str(survey), "-o", str(tmp_path / "ja"), "--population", "100000"
    )
    assert code == 0
    assert "2行を読み込んだ" in japanese and "追加  shimin-9108" in japanese
    assert "追加 1件、更新 0件、変更なし 0件。ファイル 1件を書き出した" in japanese
    assert english_sentences(japanese) == []
    # The same files whatever the language of the run.
    assert (tmp_path / "en" / "shimin.yaml").read_bytes() == (tmp_path / "ja" / "shimin.yaml").read_bytes()


def test_import_survey_under_quiet_prints_no_summary(runner: CliRunner, survey: Path, tmp_path: Path) -> None:
    output = str(tmp_path / "inv")
    code, said, _err = run(
        runner, "ja", "-q", "import", "national", str(survey), "-o", output, "--population", "100000"
    )
    assert code == 0 and said == ""
    assert (tmp_path / "inv" / "shimin.yaml").is_file()
    # A dry run's changes are what it was asked for; its counts are a summary.
    code, said, _err = run(
        runner, "en", "-q", "import", "national", str(survey), "-o", output, "--population", "100000", "--dry-run"
    )
    assert code == 0 and said == ""  # nothing changes: no line
    code, said, _err = run(
        runner,
        "en",
        "-q",
        "import",
        "survey",
        str(survey),
        "-o",
        str(tmp_path / "new"),
        "--population",
        "100000",
        "--dry-run",
    )
    assert said.splitlines() == ["added    shimin-9108 (" + str(tmp_path / "new" / "shimin.yaml") + ")"]
    record = json.loads(
        run(
            runner, "ja", "-q", "import", "national", str(survey), "-o", output, "--population", "100000", "-f", "json"
        )[1]
    )
    assert [p["action"] for p in record["procedures"]] == ["unchanged"]


def test_survey_export_and_import_speak_one_language(runner: CliRunner, inventory: Path, tmp_path: Path) -> None:
    sheets = tmp_path / "sheets"
    data = said_by_the_data(analyse(inventory))
    code, english, _err = run(runner, "en", "survey", "export", str(inventory), "-o", str(sheets))
    assert code == 0 and english == f"wrote 2 survey forms (調査票) into {sheets}: hoken.xlsx, koseki.xlsx\n"
    assert japanese_of_bpr(english, data) == []
    code, japanese, _err = run(runner, "ja", "survey", "export", str(inventory), "-o", str(sheets))
    assert code == 0 and japanese == f"調査票 2件を {sheets} に書き出した: hoken.xlsx、koseki.xlsx\n"

    code, english, _err = run(runner, "en", "survey", "import", str(sheets), "-o", str(tmp_path / "en"))
    assert code == 0
    assert (
        f"{tmp_path / 'en' / 'koseki.yaml'} (created from {sheets / 'koseki.xlsx'}): added shibo, juminhyo, kaisei"
        in english
    )
    assert english.endswith("2 workbooks: 0 errors, 1 warning; 2 files written\n")
    assert japanese_of_bpr(english, data) == []
    code, japanese, _err = run(runner, "ja", "survey", "import", str(sheets), "-o", str(tmp_path / "ja"))
    assert code == 0
    assert (
        f"{tmp_path / 'ja' / 'koseki.yaml'}（{sheets / 'koseki.xlsx'} から新規作成）: 追加 shibo、juminhyo、kaisei"
        in japanese
    )
    assert japanese.endswith("調査票 2件: エラー 0件、警告 1件。ファイル 2件を書き出した\n")
    assert english_sentences(japanese) == []
    code, japanese, _err = run(runner, "ja", "survey", "import", str(sheets), "-o", str(inventory), "--dry-run")
    assert code == 0
    assert japanese.endswith(
        "調査票 2件: エラー 0件、警告 1件。変わるファイル 0件（--dry-run のため何も書き出していない）\n"
    )
    assert f"{inventory / 'hoken.yaml'}（{sheets / 'hoken.xlsx'} から）: 変更なし" in japanese


def test_survey_commands_under_quiet_print_no_summary(runner: CliRunner, inventory: Path, tmp_path: Path) -> None:
    sheets = tmp_path / "sheets"
    code, said, _err = run(runner, "ja", "-q", "survey", "export", str(inventory), "-o", str(sheets))
    assert code == 0 and said == "" and sorted(p.name for p in sheets.glob("*.xlsx")) == ["hoken.xlsx", "koseki.xlsx"]
    # The problems still print (here the warning of a document the city issues), the summary does not.
    problem = f"{sheets / 'hoken.xlsx'}!添付書類!D4: warning self-issued-attachment "
    code, said, _err = run(runner, "ja", "-q", "survey", "import", str(sheets), "-o", str(tmp_path / "inv"))
    assert code == 0 and (tmp_path / "inv" / "koseki.yaml").is_file()
    assert [line.startswith(problem) for line in said.splitlines()] == [True]
    # A dry run's changes are what it was asked for; its counts are a summary.
    code, said, _err = run(
        runner, "en", "-q", "survey", "import", str(sheets), "-o", str(tmp_path / "new"), "--dry-run"
    )
    lines = said.splitlines()
    assert code == 0 and len(lines) == 3 and lines[0].startswith(problem)
    assert all("would create from" in line for line in lines[1:])
    record = json.loads(
        run(runner, "ja", "-q", "survey", "import", str(sheets), "-o", str(tmp_path / "inv"), "-f", "json")[1]
    )
    assert record["errors"] == 0 and record["warnings"] == 1 and record["workbooks"] == 2


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_reads_in_japanese(runner: CliRunner, command: list[str]) -> None:
    code, japanese, _err = run(runner, "ja", *command, "--help")
    assert code == 0
    assert english_sentences(japanese) == [], japanese
    code, english, _err = run(runner, "en", *command, "--help")
    assert code == 0 and japanese_of_bpr(english, "") == [], english
    assert japanese != english


def test_the_terminal_says_in_japanese_what_the_workbook_and_the_analysis_say() -> None:
    from bpr.analysis import documents
    from bpr.analysis.documents import PAYMENT_LABELS
    from bpr.analysis.journeys import LIFE_EVENT_NAMES
    from bpr.analysis.labels import MEASURE_LABELS, MEASURE_NAMES
    from bpr.cli.journeys import DROPS, PAYMENT_NAMES, TRIGGER_MARK
    from bpr.cli.terminal import KPI_STATES
    from bpr.export.workbook import labels
    from bpr.inventory.vocabulary import LIFE_EVENT_TITLES as JOURNEY_LABELS

    set_language("ja")
    assert {m: _(name) for m, name in MEASURE_NAMES.items()} == MEASURE_LABELS
    assert {label: _(state) for label, state in KPI_STATES.items()} == {
        label: label
        for label in (labels.MET, labels.PLANNED, labels.NOT_MET, labels.OVERDUE, labels.EMPTY, labels.CHECK)
    }
    assert {m.value: label for m, label in PAYMENT_LABELS.items()} == {k: _(v) for k, v in PAYMENT_NAMES.items()}
    assert {e.value: label for e, label in JOURNEY_LABELS.items()} == {k: _(v) for k, v in LIFE_EVENT_NAMES.items()}
    assert {s.value: drop for s, drop in documents._DROP.items()} == {k: _(v) for k, v in DROPS.items()}
    assert _(TRIGGER_MARK) == "＊" and len(TRIGGER_MARK) == 2  # as wide as the two spaces of the others
