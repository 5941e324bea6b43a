"""What every figure of `bpr queue` assumes, as rows (Japanese, as 算定方法 shows them) that the JSON carries too."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bpr.config import QueueConfig


@dataclass(frozen=True, slots=True)
class Assumption:
    """One assumption: a stable key for programs, its Japanese label and value, and where the value comes from."""

    key: str
    label: str
    value: str
    source: str

    @property
    def document_source(self) -> str:
        """Return the source as a chief's document says it: without a pointer to docs/*.md, which a chief lacks."""
        return _DOCS_POINTER.sub("", self.source).strip()


_DOCS_POINTER = re.compile(r"\s*[（(]?docs/[\w./-]*\.md[^）)]*[）)]?")


def _weights(weights: object) -> str:
    if isinstance(weights, dict):
        return "、".join(f"{month}月 {weight:g}" for month, weight in weights.items()) + "（他の月は 1）"
    if isinstance(weights, list):
        return "、".join(f"{month}月 {weight:g}" for month, weight in enumerate(weights, 1))
    return str(weights)


def queue_assumptions(config: QueueConfig) -> tuple[Assumption, ...]:
    """Return the assumptions of the queue figures under a configuration, in the order a reader checks them."""
    days = "、".join(f"{month}月 {count}" for month, count in config.working_days.items())
    hours = "、".join(f"{hour}時 {weight:g}" for hour, weight in config.hourly_profile.items())
    rows = [
        Assumption(
            "arrivals",
            "来庁数",
            "年間件数 ×（1 − オンライン等の割合）× 1件あたりの来庁回数。月の件数 ÷ 開庁日数 × 時間帯の割合",
            "棚卸の annual_volume・online.share と業務フロー（分岐の割合による期待値）",
        ),
        Assumption(
            "service",
            "窓口の応対時間",
            "窓口職員 (actor: counter) の工程の作業時間の合計（分岐の割合による期待値）÷ 来庁回数",
            "棚卸の業務フロー。窓口職員の工程がない手続、来庁のない手続は窓口に並ばない",
        ),
        Assumption(
            "erlang_c",
            "待ち時間（Erlang C）",
            "M/M/c: ポアソン到着・指数分布の応対時間・先着順。時間帯ごとに定常とみなし、前の時間帯の行列を持ち越さない。"
            "負荷（平均の使用窓口数）が窓口数以上の時間帯は定常がなく「超過」",
            "待ち行列理論の公式（docs/queue.md）",
        ),
        Assumption(
            "simulation",
            "ピーク日のシミュレーション",
            f"SimPy による離散事象シミュレーション: 時間帯ごとのポアソン到着、業務フローの経路から引いた応対時間"
            f"（工程内のばらつきは含まない）、受付時間内に来た人は全員応対。{config.simulation_days}日の平均、"
            f"乱数の種 {config.seed}",
            "設定 queue.simulation_days・queue.seed",
        ),
        Assumption(
            "target",
            "目標の平均待ち時間",
            f"{config.target_wait_minutes:g}分（必要窓口数はこれを満たす最少の窓口数）",
            "設定 queue.target_wait_minutes",
        ),
        Assumption(
            "opening_hours", "受付時間", config.opening_hours, "窓口の opening_hours、なければ設定 queue.opening_hours"
        ),
        Assumption(
            "working_days", "開庁日数", days, "設定 queue.working_days（令和6年度の暦: 土日・祝日・年末年始を除く）"
        ),
    ]
    rows.extend(
        Assumption(
            f"monthly_profile:{profile.name}",
            f"月ごとの件数（{profile.name}）",
            _weights(profile.weights),
            profile.source,
        )
        for profile in config.monthly_profiles
    )
    rows += [
        Assumption(
            "monthly_profile",
            "月ごとの件数（その他）",
            "手続の monthly_profile、窓口の monthly_profile、上のライフイベント別の既定の順。どれもなければ開庁日数に比例",
            "棚卸・設定 queue.monthly_profiles",
        ),
        Assumption("hourly_profile", "時刻ごとの来庁", hours, config.hourly_source),
        Assumption(
            "uptake",
            "施策: オンライン化・利用促進",
            "窓口に残る件数のうち利用率（年ごと）の分が窓口に来なくなる",
            "ロードマップと利用率の曲線（設定 scoring.uptake、手続の online.uptake）",
        ),
        Assumption(
            "reservation",
            "施策: 予約（業務改善）",
            f"件数の {config.reservation_share:.0%} が予約で来庁し、受付時間に均等に分かれる",
            "設定 queue.reservation_share（推計）",
        ),
        Assumption(
            "no_writing",
            "施策: 書かない窓口（業務改善）",
            f"手書きの様式がある手続の応対時間 × {config.no_writing_service_factor:g}",
            "設定 queue.no_writing_service_factor（推計）",
        ),
        Assumption(
            "measures",
            "施策の効果の時期",
            "施策はその年度の翌年度から効く。RPA・AI-OCR は事務室の作業で、窓口の応対時間は変えない",
            "ロードマップ（docs/scoring.md と同じ約束）",
        ),
    ]
    return tuple(rows)
