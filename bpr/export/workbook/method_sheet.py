"""目次 and 算定方法: where everything is, and how the numbers are made, with the settings in force.

目次 lists every sheet with one line on what it holds, each a link to the sheet. 算定方法 says in plain
Japanese how figures, scores, rank and the roadmap are computed (docs/scoring.md is the long form), and
lists the settings of `bpr.yaml` the workbook was made with, so that a chief can check a figure by hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bpr.analysis.roadmap import reiwa
from bpr.config import Config
from bpr.export.workbook.scope import Scope
from bpr.export.workbook.styles import LABEL, LINK, TITLE, WRAPPED, CellFormat, CellStyles, set_print_layout
from bpr.export.workbook.writer import SheetWriter

CONTENTS_TITLE = "目次"
METHOD_TITLE = "算定方法"
WIDTHS = {"A": 34.0, "B": 22.0, "C": 96.0}
CONTENTS_WIDTHS = {"A": 30.0, "B": 110.0}
NOTE = CellFormat(border=None, wrap=True)

SHEET_NOTES = {
    "概要": "今年度に行うこと、KPI、期待削減の大きい手続、対象・削減見込み・年度別の集計",
    "優先順位": "全手続の順位、推奨施策、期待削減（時間・人工・千円）、予定年度、理由",
    "ロードマップ": "年度ごとの施策（計画と実績、今年度と国の期限の印）",
    "AI-OCR・RPA候補": "RPA・AI-OCR の対象となる工程と時間",
    "課題一覧": "棚卸で挙がった課題と検査の警告（日本語）",
    "ライフイベント": "出来事ごとの窓口をまたぐ負担とワンストップ窓口の効果",
    "添付書類": "市が自ら発行するのに住民に求めている書類",
    "キャッシュレス": "現金でしか払えない手数料",
    METHOD_TITLE: "数値・スコア・順位・ロードマップの算定方法と、使った設定値",
}

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
    ("KPI", "期限の年度までに置いた施策の数（計画）と、完了として記録された数（実績）を目標と比べます。"),
)


def write_contents(workbook: Any, scope: Scope, styles: CellStyles, titles: Sequence[str]) -> None:
    """Write the 目次 sheet: every sheet of the workbook with what it holds, each a link to it."""
    sheet = workbook.create_sheet(CONTENTS_TITLE, 1)
    _setup(sheet, scope, CONTENTS_WIDTHS)
    out = SheetWriter(sheet, styles, CONTENTS_WIDTHS)
    out.add((f"{CONTENTS_TITLE}　{scope.title}", TITLE))
    out.header("シート", "内容")
    for title in titles:
        base = title.split(" (")[0]
        location = "'" + title.replace("'", "''") + "'!A1"
        out.add((title, LINK), (SHEET_NOTES.get(base, ""), WRAPPED), links={0: location})


def write_method(workbook: Any, scope: Scope, styles: CellStyles) -> None:
    """Write the 算定方法 sheet: the method in plain Japanese, then the settings in force."""
    sheet = workbook.create_sheet(METHOD_TITLE)
    _setup(sheet, scope)
    out = SheetWriter(sheet, styles, WIDTHS)
    out.add((f"{METHOD_TITLE}　{scope.title}", TITLE))
    out.heading("■ 算定の考え方")
    for label, text in METHOD_LINES:
        out.add((label, LABEL), (text, WRAPPED, 2))
    config = scope.analysis.config if isinstance(scope.analysis.config, Config) else Config()
    out.heading("■ 使った設定値（bpr.yaml、なければ既定値）")
    out.header("項目", "値", "意味")
    for label, value, meaning in settings(config):
        out.add((label, LABEL), (value, WRAPPED), (meaning, WRAPPED))


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
        ("実現性: 電子化できない添付書類", f"×{online.paper_attachment_factor:g}（下限 ×{online.min_attachment_factor:g}）", "1件ごと"),
        ("実現性: 現金のみの手数料", f"×{online.cash_only_fee_factor:g}", ""),
        ("実現性: 印鑑証明・届出印", f"×{online.seal_certificate_factor:g}", "公的個人認証の電子署名への切替えが要る"),
        ("RPA: 自動化する割合", f"{scoring.rpa.automation_share:.0%}（入力の手間は {scoring.rpa.rekeying_share:.0%}）", "定型・電子の職員工程"),
        ("AI-OCR: 自動化する割合", f"{scoring.ai_ocr.automation_share:.0%}（手書きは実現性 ×{scoring.ai_ocr.handwritten_factor:g}）", "紙からの入力"),
        ("計画期間", f"{reiwa(roadmap.start_fy)}から{roadmap.years}年度", ""),
        ("国の優先手続の期限", reiwa(roadmap.national_priority_deadline_fy), "子育て・介護・被災者支援などのオンライン化"),
        ("年度あたりの枠", f"オンライン化 {_capacity(capacity.online)}、RPA {_capacity(capacity.rpa)}、"
         f"AI-OCR {_capacity(capacity.ai_ocr)}、業務改善 {_capacity(capacity.bpr)}", "1年度に置ける施策の数"),
    ] + [
        (f"KPI: {kpi.name}", f"{reiwa(kpi.by_fy)}まで " + (f"{kpi.target}件" if kpi.target is not None else "対象の全件"), "")
        for kpi in roadmap.kpis
    ]  # fmt: skip


def _capacity(value: object) -> str:
    if isinstance(value, dict):
        return "・".join(f"{reiwa(int(fy))} {count}" for fy, count in sorted(value.items()))
    return f"{value}件"


def _setup(sheet: Any, scope: Scope, widths: dict[str, float] = WIDTHS) -> None:
    for letter, width in widths.items():
        sheet.column_dimensions[letter].width = width
    set_print_layout(
        sheet, title=scope.title, footer=scope.footer, title_rows=0, paper=scope.paper, issuer=scope.issuer
    )
