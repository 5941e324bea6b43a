"""算定方法: how the numbers are made, with the settings in force.

It says in plain Japanese how figures, scores, rank and the roadmap are computed (docs/scoring.md is the
long form, for the DX team), and lists the settings of `bpr.yaml` the workbook was made with, so that a
chief can check a figure by hand.
"""

from __future__ import annotations

from typing import Any

from bpr.analysis import factors
from bpr.config import Config
from bpr.export.presentation import journey_assumptions
from bpr.export.workbook.queue_sheet import queue_method_rows
from bpr.export.workbook.scope import Scope
from bpr.export.workbook.styles import LABEL, TITLE, WRAPPED
from bpr.export.workbook.writer import SheetWriter
from bpr.fiscal import reiwa
from bpr.i18n import translate

METHOD_TITLE = "算定方法"
WIDTHS = {"A": 26.0, "B": 26.0, "C": 122.0}  # PRINTED_WIDTH (paper.py): 8 pt on A4

METHOD_LINES = (
    (
        "数値は期待値",
        "業務フローの分岐の割合（不備あり 10% など）から、1件が各工程を通る回数の期待値を計算します。"
        "来庁回数、職員・住民の時間はすべてこの期待値です（差し戻しのループも割合どおりに解きます）。",
    ),
    ("住民の時間", "本人が行う工程の時間 + 窓口での待ち時間 + 来庁1回あたりの往復移動時間 × 来庁回数。"),
    (
        "施策ごとの削減",
        "オンライン化・RPA・AI-OCR・業務改善(BPR) のそれぞれについて、今の時間のうち減らせる時間を"
        "工程ごとに計算します。削減は今の時間を超えません。オンライン化はすでにオンラインで済んでいる割合を除いた"
        "窓口に残る件数で計算します。",
    ),
    (
        "利用率（見込み）",
        "オンライン化（新しい経路も、コンビニ交付など既にある経路の利用促進も）で窓口から移るのは、窓口に残る件数の"
        "うち利用率の分だけです（100%ではありません）。利用率は開始の翌年度から下の設定値の曲線で伸び、"
        "到達した値が定常状態です。手続に online.uptake があればそれを使います。",
    ),
    (
        "窓口に残る件数",
        "オンラインに移らない件数には、書かない窓口（職員が記入）と予約（待ち時間）を業務改善として併せて"
        "計算します。オンライン化で移った件数とは重ねて数えません。",
    ),
    (
        "既にある経路",
        "マイナポータル・コンビニ交付・スマホ決済などで既に申請できる手続は、新たに作る枠を使わず、"
        "利用促進（利用率の向上）として別に示します。",
    ),
    (
        "費用と回収年数",
        "施策の種類ごとの既定の費用（千円、下の設定値）か手続の plan.cost を使います。職員分 = 期待削減の職員の時間 × "
        "時間単価。純便益 = 職員分 − 年間費用。回収年数 = 初期費用 ÷ 純便益（0.1年単位で四捨五入）。"
        "住民の時間は、設定で単価を決めない限り金額にしません。",
    ),
    (
        "標準化",
        "標準化対象の20業務のシステム上で動く RPA・AI-OCR は、移行年度の後に置きます（設定 flag では今の計画に"
        "置き、移行後の作り直しの費用を計上します）。",
    ),
    (
        "法令の段階",
        "来庁や押印の義務が法律・政令・省令によるものだけをオンライン化の対象外とします。条例・規則・要綱・慣行など"
        "市が定めたものは、見直し（業務改善）の施策として示し、オンライン化は妨げません。",
    ),
    (
        "実現性",
        "電子化できない添付書類、現金のみの手数料、印鑑証明（届出印）による本人確認は、オンライン化の"
        "実現性を下げます（下の設定値の倍率）。期待削減 = 削減時間 × 実現性。",
    ),
    ("スコア", "100 × log10(1 + 期待削減) ÷ log10(1 + 満点の時間)。期待削減が大きいほど高く、0〜100。"),
    (
        "推奨施策",
        "スコアが基準以上の施策のうち、期待削減（時間/年）が最も大きいもの。法令で来庁が必要な手続は"
        "オンライン化の対象外（業務改善を推奨）。併せて行う施策は、主施策が残す部分に対して計算します。",
    ),
    ("順位", "推奨施策の期待削減（時間/年）の大きい順。"),
    ("人工・千円", "職員の時間 ÷ 1人あたりの年間時間 = 人工、職員の時間 × 時間単価 ÷ 1,000 = 千円。"),
    (
        "ロードマップ",
        "棚卸に書かれた決定済みの計画（確定）を先に置き、残りを期待削減の大きい順に、年度ごとの"
        "施策の枠の範囲で置きます。国の優先手続のオンライン化は期限までに置き、マイナポータルで申請できる手続は"
        "枠を使わず利用率の向上とします。",
    ),
    (
        "KPI",
        "期限の年度が終わるまでは置いた施策の数（計画）で、終わった後は完了として記録された数（実績）で"
        "目標と比べます（計画で達成／計画で未達／実績で達成／未達（期限経過））。",
    ),
    ("住民と職員", "合計は住民の時間と職員の時間（人工・千円）を分けて示します。足し合わせる場合はそう書きます。"),
)


def compose_method(scope: Scope) -> SheetWriter:
    """Compose the 算定方法 sheet: the method in plain Japanese, then the settings in force."""
    out = SheetWriter(dict(WIDTHS))
    out.add((f"{METHOD_TITLE}　{scope.title}", TITLE))
    out.heading("■ 算定の考え方")
    for label, text in METHOD_LINES:
        out.add((label, LABEL), (text, WRAPPED, 2))
    config = scope.config
    out.heading("■ 使った設定値（bpr.yaml、なければ既定値）")
    out.header("項目", "値", "意味")
    for label, value, meaning in settings(config):
        out.add((label, LABEL), (value, WRAPPED), (meaning, WRAPPED))
    if scope.analysis.journeys:
        out.heading("■ ライフイベントの前提（来させない・書かせない）")
        out.header("項目", "", "前提")
        for label, assumed in journey_assumptions(scope.config):
            out.add((label, LABEL), ("", WRAPPED), (assumed, WRAPPED))
    waits = queue_method_rows(scope)
    if waits:
        # The value and its source share the wide column: in the narrow one they would fold to many lines.
        out.heading("■ 待ち時間の前提（待たせない）")
        out.header("項目", "", "値と根拠")
        for label, value, source in waits:
            out.add((label, LABEL), ("", WRAPPED), (f"{value}　〔根拠〕{source}", WRAPPED))
    return out


def factor_settings(config: Config) -> list[tuple[str, str, str]]:
    """Return the score factors' rows of settings (bpr/analysis/factors.py), in Japanese whatever the run's language."""
    return [
        (translate(label, "ja"), value.say("ja"), "" if meaning is None else translate(meaning, "ja"))
        for label, value, meaning in factors.method_rows(config.scoring)
    ]


def settings(config: Config) -> list[tuple[str, str, str]]:
    """Return the settings a reader needs to check the figures: (label, value, meaning)."""
    scoring, online, roadmap = config.scoring, config.scoring.online, config.roadmap
    capacity = roadmap.capacity
    return [
        ("移動時間", f"{scoring.travel_minutes_per_visit:g}分/回", "来庁1回あたりの往復移動時間"),
        ("推奨の基準", f"{scoring.recommend_threshold:g}点", "これ以上のスコアの施策を推奨の候補にする"),
        ("満点の時間", f"{scoring.scale.full_hours:,.0f}時間/年", "期待削減がこの時間でスコア100"),
        ("割合の既定値", f"{scoring.default_online_share:.0%}", "一部オンライン化済みで割合の記載がない手続"),
        ("1人あたりの年間時間", f"{scoring.hours_per_fte:,.0f}時間", "1人工"),
        ("時間単価", f"{scoring.staff_cost_per_hour:,.0f}円/時間", "職員の時間を金額にする単価"),
        ("オンライン化: 本人の記入", f"{online.citizen_effort_removed_share:.0%}", "本人の工程の時間のうち減る割合"),
        ("オンライン化: 手書き・押印", f"{online.handwritten_effort_removed_share:.0%}", "手書き・押印の時間のうち減る割合"),
        ("オンライン化: 窓口受付", f"{online.removed_share:.0%}", "窓口職員の受付の時間のうち減る割合"),
        *factor_settings(config),
        ("RPA: 自動化する割合", f"{scoring.rpa.automation_share:.0%}（入力の手間は {scoring.rpa.rekeying_share:.0%}）", "定型・電子の職員工程"),
        ("AI-OCR: 自動化する割合", f"{scoring.ai_ocr.automation_share:.0%}", "紙からの入力"),
        ("計画期間", f"{reiwa(roadmap.start_fy)}から{roadmap.years}年度", ""),
        ("国の優先手続の期限", reiwa(roadmap.national_priority_deadline_fy), "子育て・介護・被災者支援などのオンライン化"),
        ("年度あたりの枠", f"オンライン化 {_capacity(capacity.online)}、RPA {_capacity(capacity.rpa)}、"
         f"AI-OCR {_capacity(capacity.ai_ocr)}、業務改善 {_capacity(capacity.bpr)}", "1年度に置ける施策の数"),
        ("利用率の曲線", _uptake(config), "窓口に残る件数のうちオンライン等に移る割合（開始の翌年度から）"),
        ("マイナンバーカード保有率", _by_year(config.scoring.uptake.card_holding) or "使わない",
         "カードが要る手続の利用率に乗じる"),
        *[(f"費用: {label}", f"初期{item.initial:,.0f}千円・年{item.annual:,.0f}千円", "") for label, item in _costs(config)],
        ("住民の時間の金額", "換算しない" if config.scoring.costs.citizen_yen_per_hour is None
         else f"{config.scoring.costs.citizen_yen_per_hour:,.0f}円/時間", "純便益に加えるか"),
        ("年度あたりの予算", "設定なし（枠だけで決める）" if roadmap.budget is None else _money(roadmap.budget),
         "新しい施策の初期費用"),
        ("標準化の移行年度", reiwa(config.standardization.migration_fy),
         "この後に置く" if config.standardization.mode == "defer" else "今の計画に置き、移行後の作り直しを計上"),
    ] + [
        (f"KPI: {kpi.name}", f"{reiwa(kpi.by_fy)}まで " + (f"{kpi.target}件" if kpi.target is not None else "対象の全件"), "")
        for kpi in roadmap.kpis
    ]  # fmt: skip


COST_LABELS = (
    ("online", "オンライン化"),
    ("national_package", "ぴったりサービス（国の優先手続）"),
    ("uptake", "利用促進"),
    ("rpa", "RPA"),
    ("ai_ocr", "AI-OCR"),
    ("bpr", "業務改善"),
    ("counter", "書かない窓口・予約"),
)


def _costs(config: Config) -> list[tuple[str, Any]]:
    return [(label, getattr(config.scoring.costs, key)) for key, label in COST_LABELS]


def _uptake(config: Config) -> str:
    cfg = config.scoring.uptake
    shape = "直線" if cfg.curve == "linear" else "S字"
    return f"{cfg.years}年で{cfg.share:.0%}（{shape}）"


def _by_year(value: dict[int, float]) -> str:
    return "・".join(f"{reiwa(fy)} {share:.0%}" for fy, share in sorted(value.items()))


def _money(value: object) -> str:
    if isinstance(value, dict):
        return "・".join(f"{reiwa(int(fy))} {amount:,.0f}千円" for fy, amount in sorted(value.items()))
    return f"{value:,.0f}千円"


def _capacity(value: object) -> str:
    if isinstance(value, dict):
        return "・".join(f"{reiwa(int(fy))} {count}" for fy, count in sorted(value.items()))
    return f"{value}件"
