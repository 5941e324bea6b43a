"""Score factors as declarations (bpr/analysis/factors.py): each by hand, the catalog, and the registry driving
the scores, the 算定方法 sheet and docs/scoring.md."""

from __future__ import annotations

import re
import types
import typing
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pydantic import BaseModel

from bpr.analysis import factors
from bpr.analysis.factor import Acts, DocRow, Effect, Factor, MethodRow, Subject
from bpr.analysis.factors import FACTORS, setting_keys
from bpr.analysis.figures import compute_figures
from bpr.analysis.graph import build_process_graph
from bpr.analysis.pipeline import analyse_inventory
from bpr.analysis.ranking import score_procedure
from bpr.analysis.scores import online_gain
from bpr.config import Config, OnlineConfig, ScoringConfig
from bpr.export.workbook import write_workbook
from bpr.export.workbook.method_sheet import settings
from bpr.i18n import N_, phrase, translate
from bpr.inventory.enums import Measure
from bpr.inventory.loader import load_inventory
from bpr.inventory.models import Counter, Procedure

from conftest import ROOT, load_script

BY_KEY = {factor.key: factor for factor in FACTORS}
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
STEP = {"id": "s0", "name": "申請書の記入", "actor": "citizen", "in_person": True, "handwritten": True, "effort": 10}


def make(volume: int = 100, **fields: Any) -> Procedure:
    """Return a one-step procedure with these fields."""
    return Procedure.model_validate({"id": "p", "name": "手続", "annual_volume": volume, "steps": [STEP], **fields})


def effect(key: str, procedure: Procedure, config: ScoringConfig | None = None, cases: float = 0.0) -> Effect | None:
    """Return a factor's effect on a procedure, checking that what it says is one of its declared reasons."""
    figures = compute_figures(build_process_graph(procedure), 60)
    found = BY_KEY[key].effect(Subject(procedure, figures, config or ScoringConfig(), cases))
    if found is not None and found.reason is not None:
        assert found.reason.msgid in BY_KEY[key].reasons
    return found


def said(found: Effect | None) -> tuple[float, str] | None:
    return None if found is None else (found.value, "" if found.reason is None else str(found.reason))


# Each factor by hand --------------------------------------------------------------------------------


def test_a_procedure_fully_online_is_gated_and_a_partial_one_is_not() -> None:
    assert said(effect("fully_online", make(online={"status": "full"}))) == (
        0.0,
        "すでに全てオンライン化済み (オンライン化スコア 0)",
    )
    assert effect("fully_online", make(online={"status": "partial", "share": 0.5})) is None


def test_presence_is_a_gate_only_when_a_national_rule_requires_it() -> None:
    by_flag = make(online={"in_person_required_by_law": True})
    assert said(effect("presence_by_law", by_flag)) == (0.0, "法令で本人の来庁が必要: オンライン化の対象外")
    by_order = make(online={"presence_basis": "cabinet_order"})
    assert said(effect("presence_by_law", by_order)) == (0.0, "政令で本人の来庁が必要: オンライン化の対象外")
    # A requirement the city set itself is a 見直し, not a gate (model v3, property 7).
    assert effect("presence_by_law", make(online={"presence_basis": "guideline"})) is None


def test_a_seal_is_a_gate_only_when_a_national_rule_requires_it() -> None:
    by_ordinance = make(online={"seal_basis": "ministerial_ordinance"})
    assert said(effect("seal_by_law", by_ordinance)) == (
        0.0,
        "省令で押印が必要: オンライン化の対象外 (改正されるまで)",
    )
    assert effect("seal_by_law", make(online={"seal_basis": "rule"})) is None


def test_paper_attachments_multiply_by_0_9_each_not_below_0_6_and_self_issued_ones_do_not_count() -> None:
    two = [{"name": f"書類{i}", "source": "citizen"} for i in range(2)]
    own = {"name": "住民票の写し", "source": "self"}
    online = {"name": "電子証明", "source": "national", "electronic": True}
    found = effect("paper_attachments", make(attachments=[*two, own, online]))
    assert found is not None and found.value == pytest.approx(0.81)  # 0.9 × 0.9
    assert str(found.reason) == "電子化できない添付書類 2件 (実現性 ×0.81)"
    six = [{"name": f"書類{i}", "source": "citizen"} for i in range(6)]
    assert said(effect("paper_attachments", make(attachments=six))) == (
        0.6,
        "電子化できない添付書類 6件 (実現性 ×0.60)",
    )
    assert effect("paper_attachments", make(attachments=[own, online])) is None


def test_a_seal_certificate_lowers_feasibility_and_a_card_or_photo_id_becomes_jpki() -> None:
    assert said(effect("identity_check", make(online={"identity_check": "seal_certificate"}))) == (
        0.7,
        "本人確認に印鑑（印鑑登録証明書・届出印）が必要: オンライン化には公的個人認証の電子署名への切替えが要る (実現性 ×0.7)",
    )
    assert said(effect("identity_check", make(online={"identity_check": "my_number_card"}))) == (
        1.0,
        "本人確認（マイナンバーカード）はオンラインでは公的個人認証（マイナンバーカード）で行える",
    )
    assert said(effect("identity_check", make(online={"identity_check": "photo_id"}))) == (
        1.0,
        "本人確認（本人確認書類の提示）はオンラインでは公的個人認証（マイナンバーカード）で行える",
    )
    assert effect("identity_check", make()) is None


def test_a_fee_payable_only_in_cash_lowers_feasibility_by_the_configured_factor() -> None:
    cash = make(fee={"amount": 15000})
    assert said(effect("cash_only_fee", cash)) == (0.85, "手数料15,000円が現金のみ (実現性 ×0.85)")
    halved = ScoringConfig(online=OnlineConfig(cash_only_fee_factor=0.5))
    assert said(effect("cash_only_fee", cash, halved)) == (0.5, "手数料15,000円が現金のみ (実現性 ×0.5)")
    assert effect("cash_only_fee", make(fee={"amount": 300, "payment": ["cash", "credit_card"]})) is None
    assert effect("cash_only_fee", make(fee={"amount": 0})) is None


def test_handwritten_forms_read_less_reliably_for_ai_ocr() -> None:
    assert said(effect("handwritten_forms", make())) == (0.85, "手書きの帳票 (読取の実現性 ×0.85)")
    typed = make(steps=[{**STEP, "handwritten": False}])
    assert effect("handwritten_forms", typed) is None


def test_few_paper_cases_make_ai_ocr_less_feasible_and_say_so_below_four_half_volumes() -> None:
    # cases / (cases + half_volume 50): 150 / 200 = 0.75, said below 4 × 50 = 200 paper cases.
    assert said(effect("paper_volume", make(), cases=150)) == (0.75, "件数が少ない (実現性 ×0.75)")
    at_200 = effect("paper_volume", make(), cases=200)
    assert at_200 is not None and at_200.value == pytest.approx(0.8) and at_200.reason is None
    assert said(effect("paper_volume", make(), cases=0)) == (0.0, "件数が少ない (実現性 ×0.00)")


def test_the_ai_ocr_measure_multiplies_its_factors_on_the_paper_cases() -> None:
    keying = {
        "id": "s1",
        "name": "システムへ入力",
        "actor": "back_office",
        "action": "enter",
        "medium": "paper",
        "effort": 6,
    }
    procedure = make(volume=150, steps=[STEP, keying])
    item = score_procedure(Counter(id="c", name="窓口", section="市民課"), procedure, "f.yaml", ScoringConfig())
    assert item.feasibility["ai_ocr"] == pytest.approx(round(0.85 * 150 / 200, 4))
    assert item.hours_saved["ai_ocr"] == pytest.approx(round(150 * 6 * 0.6 / 60, 1))
    assert "手書きの帳票 (読取の実現性 ×0.85)" in item.reasons and "件数が少ない (実現性 ×0.75)" in item.reasons


def test_the_first_gate_that_applies_is_the_online_measure_s_only_reason() -> None:
    procedure = make(online={"status": "full", "in_person_required_by_law": True}, fee={"amount": 300})
    gain = online_gain(procedure, compute_figures(build_process_graph(procedure), 60), ScoringConfig())
    assert gain.reasons == ("すでに全てオンライン化済み (オンライン化スコア 0)",)
    assert (gain.hours, gain.feasibility) == (0.0, 0.0)


def test_the_online_measure_multiplies_its_factors_and_says_them_in_the_registry_order() -> None:
    procedure = make(
        attachments=[{"name": "書類", "source": "citizen"}],
        online={"identity_check": "seal_certificate"},
        fee={"amount": 300},
    )
    item = score_procedure(Counter(id="c", name="窓口", section="市民課"), procedure, "f.yaml", ScoringConfig())
    assert item.feasibility["online"] == pytest.approx(round(0.9 * 0.7 * 0.85, 4))
    starts = ("電子化できない添付書類 1件 (実現性 ×0.90)", "本人確認に印鑑", "手数料300円が現金のみ (実現性 ×0.85)")
    where = [next(i for i, reason in enumerate(item.reasons) if reason.startswith(s)) for s in starts]
    assert where == sorted(where)


# The declarations -----------------------------------------------------------------------------------


def _field(model: type[BaseModel], path: str) -> bool:
    """Tell whether a dotted path (`[]` for each item of a list) names a field of a model."""
    head, _, rest = path.partition(".")
    info = model.model_fields.get(head.removesuffix("[]"))
    if info is None:
        return False
    if not rest:
        return True
    for kind in _types(info.annotation):
        if isinstance(kind, type) and issubclass(kind, BaseModel) and _field(kind, rest):
            return True
    return False


def _types(annotation: Any) -> list[Any]:
    """Return the classes inside an annotation: list[X], X | None, Annotated[X, …]."""
    args = typing.get_args(annotation)
    return [kind for arg in args for kind in _types(arg)] if args else [annotation]


def test_every_factor_reads_fields_of_the_inventory_and_keys_of_the_config_that_exist() -> None:
    keys = setting_keys()
    assert "online.cash_only_fee_factor" in keys and "scale.full_hours" in keys
    for factor in FACTORS:
        assert factor.reads, factor.key
        assert all(_field(Procedure, path) for path in factor.reads), factor.key
        assert all(key in keys for key in factor.settings), factor.key
    assert not _field(Procedure, "online.no_such_field")


def test_factor_keys_are_unique_and_a_factor_with_settings_shows_them_on_the_method_sheet() -> None:
    assert len(BY_KEY) == len(FACTORS)
    for factor in FACTORS:
        assert factor.reasons, factor.key
        assert (factor.method is not None) == bool(factor.settings), factor.key
        if factor.acts is Acts.GATE:
            assert factor.settings == (), factor.key


def test_each_factor_says_its_reasons_and_its_row_in_japanese_from_the_catalog() -> None:
    for factor in FACTORS:
        messages = list(factor.reasons)
        if factor.method is not None:
            messages += [factor.method.label, *([factor.method.meaning] if factor.method.meaning else [])]
            value = factor.method.value(ScoringConfig())
            messages.append(value.msgid)
        for msgid in messages:
            japanese = translate(msgid, "ja")
            if re.search(r"[A-Za-z]", re.sub(r"\{\w+\}", "", msgid)):  # "×{factor}" has no word to translate
                assert japanese != msgid and JAPANESE.search(japanese), (factor.key, msgid)
            assert sorted(re.findall(r"\{\w+\}", japanese)) == sorted(re.findall(r"\{\w+\}", msgid)), msgid


# The registry drives the scores, 算定方法 and the docs ---------------------------------------------

FAKE_REASON = N_("a factor of the tests, {months} months (feasibility ×{factor})")


def _halve(subject: Subject) -> Effect | None:
    return Effect(0.5, phrase(FAKE_REASON, months="3", factor="0.5"))


FAKE = Factor(
    key="fake_factor",
    measure=Measure.ONLINE,
    acts=Acts.FEASIBILITY,
    reads=("annual_volume",),
    # Between the attachments' settings and the cash fee's in bpr.yaml: its row falls between theirs.
    settings=("online.min_attachment_factor",),
    effect=_halve,
    reasons=(FAKE_REASON,),
    doc=DocRow("always (a test's factor)", lambda c: "`f × 0.5`"),
    method=MethodRow(N_("Feasibility: a factor of the tests"), lambda c: phrase(N_("×{factor}"), factor="0.5"), None),
)


@pytest.fixture
def with_fake(monkeypatch: pytest.MonkeyPatch) -> Factor:
    monkeypatch.setattr(factors, "FACTORS", (*FACTORS, FAKE))
    return FAKE


def test_a_factor_added_to_the_registry_acts_on_the_score_and_says_its_reason(with_fake: Factor) -> None:
    counter = Counter(id="c", name="窓口", section="市民課")
    procedure = make(volume=1000, fee={"amount": 300})
    item = score_procedure(counter, procedure, "f.yaml", ScoringConfig())
    assert item.feasibility["online"] == pytest.approx(0.85 * 0.5)
    assert "a factor of the tests, 3 months (feasibility ×0.5)" in item.reasons


def test_a_factor_added_to_the_registry_has_its_row_on_the_method_sheet(with_fake: Factor, tmp_path: Path) -> None:
    labels = [label for label, _, _ in settings(Config())]
    start = labels.index("実現性: 電子化できない添付書類")
    assert labels[start : start + 4] == [
        "実現性: 電子化できない添付書類",
        "Feasibility: a factor of the tests",  # no catalog entry: said as its message id
        "実現性: 現金のみの手数料",
        "実現性: 印鑑証明・届出印",
    ]
    inventory, _ = load_inventory([ROOT / "tests" / "data" / "valid"], use_cache=False)
    path = tmp_path / "method.xlsx"
    write_workbook(analyse_inventory(inventory, Config()), path)
    sheet = load_workbook(path)["算定方法"]
    rows = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row[0]}
    assert rows["Feasibility: a factor of the tests"] == "×0.5"
    assert rows["実現性: 現金のみの手数料"] == "×0.85"


def test_a_factor_added_to_the_registry_has_its_row_in_docs_scoring(with_fake: Factor) -> None:
    scoring_doc = load_script(ROOT / "scripts" / "scoring_doc.py", "scoring_doc_factors")
    analysis = types.SimpleNamespace(config=Config())
    table = scoring_doc.block_factors(analysis)
    rows = table.splitlines()[2:]
    assert [row.split(" | ")[1].split(" ")[0] for row in rows] == [f"`{f.key}`" for f in (*FACTORS, FAKE)]
    assert "| online | `fake_factor` (feasibility) | `annual_volume` | always (a test's factor) | `f × 0.5` |" in table
    assert "「電子化できない添付書類 {count}件 (実現性 ×{factor})」" in table
