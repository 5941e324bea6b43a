"""The words an editor shows for the inventory format: a Japanese title and description for every part.

The JSON Schema of an inventory file (bpr/inventory/schema.py) is generated from the models; these tables
give each model, each field and each enum the title and description that yaml-language-server shows on
hover and completion, for the city staff who write the files. Field names and enum values stay as the
format fixes them; an enum value's label comes from bpr/inventory/vocabulary.py. The wording follows the
調査票 (bpr/survey/sheets/layout.py) and docs/format.md. tests/test_schema.py holds every field of every
model to exactly one entry here.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from bpr.inventory import vocabulary as V
from bpr.inventory.enums import (
    Action,
    Actor,
    Channel,
    FlowSource,
    IdentityCheck,
    Kind,
    LegalLevel,
    LifeEvent,
    Measure,
    Medium,
    OnlineStatus,
    Payment,
    Progress,
    SharedWith,
    Source,
)
from bpr.inventory.models import (
    Attachment,
    Branch,
    Counter,
    Fee,
    InventoryFile,
    Online,
    Plan,
    PlanActual,
    PlanCost,
    Procedure,
    Step,
    SurveyAnswer,
)

# (title, description)
Words = tuple[str, str]

SCHEMA_WORDS: Words = (
    "bpr 棚卸ファイル（書式 第1版）",
    "1つの窓口（counter）とその手続（procedures）。項目・型・選べる値はこの JSON Schema でエディタが確かめ、"
    "ID の重複・参照・業務フロー・キーの重複は `bpr validate` が検査する。書式の説明: docs/format.md",
)

MODEL_WORDS: dict[type[BaseModel], Words] = {
    Counter: ("窓口", "このファイルが記述する窓口。"),
    Procedure: ("手続", "窓口の手続1件と、その業務フロー。"),
    Step: ("工程", "業務フローの工程1つ。"),
    Branch: ("分岐", "次の工程の1つと、そこへ進む件数の割合、矢印に書く条件（1.1）。"),
    Online: ("オンライン化", "手続の現在のオンライン化の状況と、法令上の制約。"),
    Fee: ("手数料", "手数料と、その支払方法。"),
    Attachment: ("添付書類", "住民に求める添付書類1件。"),
    Plan: ("決定済みの方針", "人が既に決めた施策。計算したロードマップより優先する。"),
    PlanCost: ("施策の費用", "施策の費用（千円。1.2）。設定の施策ごとの既定値（scoring.costs）に代えて使う。"),
    PlanActual: (
        "効果検証",
        "施策の完了後に測った実績（1.2）。モデルの見込みと比べる（ワークブックの効果検証シート、bpr diff）。",
    ),
    SurveyAnswer: (
        "国の棚卸調査の回答",
        "最後に取り込んだ国の行政手続等の棚卸調査の回答。bpr import national が書き込む（編集しない）。"
        "再取込みのとき、人が変えた値と調査で変わった値を見分けるために残す。",
    ),
}

_SLUG = "半角の英小文字・数字・「-」「_」（先頭は英小文字か数字）"

FIELD_WORDS: dict[type[BaseModel], dict[str, Words]] = {
    InventoryFile: {
        "version": ("書式の版", "棚卸ファイルの書式の版。1 だけ（1.1・1.2 の項目も version: 1 のまま使う）。"),
        "counter": ("窓口", "このファイルが記述する窓口。"),
        "procedures": ("手続", "この窓口の手続。1件以上。"),
    },
    Counter: {
        "id": ("窓口ID", f"窓口を識別する記号。{_SLUG}。すべての棚卸ファイルの中で重複しない。"),
        "name": ("窓口名", "すべての出力に表示する窓口の名前。"),
        "section": ("課", "窓口を所管する課。優先順位のワークブックを受け取る課長の課。"),
        "department": ("部", "課の属する部。"),
        "location": ("場所", "窓口のある庁舎・階（例: 本庁舎1階）。"),
        "surveyed_on": ("調査日", "棚卸を行った日（YYYY-MM-DD）。"),
        "windows": (
            "窓口数",
            "同時に応対できる窓口の数（1.2）。bpr queue が待ち時間の計算に使う。書かなければ必要な窓口数だけを示す。",
        ),
        "opening_hours": ("受付時間", "受付の開始と終了（1.2）。省略すると設定の queue.opening_hours。"),
        "monthly_profile": (
            "月別の件数",
            "繁忙期（1.2）: 月ごとの件数の重み。自分の monthly_profile を持たない、この窓口のすべての手続に使う。",
        ),
        "hourly_profile": ("時刻別の来庁", "1日の中の来庁の重み（1.2）。省略すると設定の queue.hourly_profile。"),
    },
    Procedure: {
        "id": (
            "手続ID",
            f"手続を識別する記号。{_SLUG}。すべての棚卸ファイルの中で重複しない（窓口IDで始めると重複しない）。",
        ),
        "name": ("手続名", "住民から見た手続の名前。"),
        "kind": ("手続類型", "手続の種類。"),
        "legal_basis": ("根拠法令", "法令・条例と条項（例: 児童手当法第7条）。"),
        "annual_volume": ("年間件数", "1年間の件数（整数）。0 の手続は優先順位に入らない（警告 zero-volume）。"),
        "volume_source": ("件数の出典", "件数の根拠（例: 令和3年度実績）。"),
        "national_id": (
            "国の手続ID",
            "国の行政手続等の棚卸調査の手続ID（1.1）。後の取込みが同じ手続を更新するために使う。"
            '引用符で囲む: national_id: "9108"。',
        ),
        "flow_source": (
            "フローの状態",
            "業務フローの出どころ（1.1）。skeleton は取込みで作ったひな形で、まだ調査していない（警告 skeleton-flow）。",
        ),
        "life_events": ("ライフイベント", "住民のどのライフイベントの手続か。"),
        "national_priority": (
            "国の優先手続",
            "国の計画でマイナポータルからのオンライン化が求められる手続（公式の一覧の27項目）なら true。",
        ),
        "handled": (
            "市で扱う",
            "false: 市で扱わない手続（1.2）。一覧に載るが、採点せず KPI にも数えない。bpr import national も戻さない。",
        ),
        "handled_reason": ("扱わない理由", "市で扱わない理由（1.2。例: 市内に港湾がない）。"),
        "shared_with": (
            "他の受付機関",
            "同じ手続を受け付ける市以外の機関（1.2。調査の「申請を提出する機関」）。"
            "取り込んだ件数は設定の import.shared_share で分ける。",
        ),
        "online": ("オンライン化", "オンライン化の状況と法令上の制約。"),
        "fee": ("手数料", "手数料と、その支払方法。"),
        "attachments": ("添付書類", "住民に求める添付書類。"),
        "plan": ("決定済みの方針", "人が既に決めた施策。計算したロードマップより優先する。"),
        "steps": ("業務フロー", "手続の工程。1つ以上。最初の工程から始まる。"),
        "issues": ("課題", "棚卸で見つかった課題・問題点。1項目に1つ。"),
        "notes": ("備考", "自由記述。"),
        "survey": ("国の調査の回答", "bpr import national が書き込む国の棚卸調査の回答（編集しない）。"),
        "monthly_profile": (
            "月別の件数",
            "この手続の月ごとの件数の重み（1.2）。窓口の monthly_profile より優先する。",
        ),
    },
    Online: {
        "status": ("オンライン化の状況", "現在のオンライン化の状況。"),
        "channel": ("申請チャネル", "来庁以外の申請・交付の方法（例: ぴったりサービス、電子申請システム）。"),
        "in_person_required_by_law": (
            "来庁義務(法令)",
            "法令・条例で本人の来庁が必要なら true。presence_basis がなければ法律（law）とみなす。",
        ),
        "identity_check": ("本人確認", "必要な本人確認の方法。"),
        "share": (
            "オンライン割合",
            "来庁せずに済んでいる件数の割合 0〜1（1.1。オンライン・コンビニ交付・郵送）: "
            "国の調査のオンライン手続件数 ÷ 総手続件数。status: partial で書かなければ警告 online-share-missing、"
            "設定の scoring.default_online_share を使う。",
        ),
        "mynaportal": (
            "マイナポータル",
            "マイナポータル（ぴったりサービス）から既に申請できるなら true（1.1）。channels: [mynaportal] と同じ。",
        ),
        "channels": (
            "既にある経路",
            "来庁せずに済む既存の経路（1.2）。経路のある手続は構築の枠を使わず、利用促進になる。",
        ),
        "presence_basis": (
            "来庁義務の根拠",
            "来庁を求める定めの種類（1.2）。法律・政令・省令だけがオンライン化を止め、"
            "市が定めたもの（条例・規則・要綱・要領・慣行）は見直しの対象。",
        ),
        "seal_basis": ("押印義務の根拠", "押印を求める定めの種類（1.2）。presence_basis と同じ語。"),
        "uptake": (
            "利用率",
            "窓口に残る件数のうち、新しい経路・既存の経路に移る割合（1.2）: 0〜1 の数（設定の曲線で到達する割合）、"
            "または 開始後の年（1〜50）→ 割合 の対応（書かない年は直前に書いた年の値、最初の年より前は0）。省略すると設定の scoring.uptake。",
        ),
    },
    Fee: {
        "amount": ("手数料(円)", "1件あたりの手数料（円、整数、10億円まで）。"),
        "payment": ("納付方法", "手数料の支払方法。省略すると、手数料があれば [cash]、なければなし。"),
    },
    Attachment: {
        "name": ("書類名", "住民に求める添付書類の名前。"),
        "source": ("発行元", "誰が発行する書類か。"),
        "procedure": (
            "発行手続",
            "本市が発行する書類（source: self）なら、それを発行する手続の手続ID（他の課の手続でもよい）。",
        ),
        "electronic": ("電子取得可", "電子的に、またはデータ連携で取得できるなら true。"),
    },
    Plan: {
        "measure": ("手法", "決めた施策の手法。"),
        "target_fy": ("実施年度", "施策を実施する年度（西暦。2023 = 令和5年度、2023年4月〜2024年3月）。"),
        "progress": ("進捗", "施策の進捗。"),
        "done_fy": ("完了年度", "施策が完了した年度。done_fy だけを書けば progress: done とみなす。"),
        "cost": ("施策の費用", "この施策の費用（千円。1.2）。設定の既定値に代えて使う。"),
        "actual": ("効果検証", "施策の完了後に測った実績（1.2）。"),
    },
    PlanCost: {
        "initial": ("初期費用(千円)", "計画の年度にかかる費用（千円）。"),
        "annual": ("年間費用(千円)", "その翌年度から毎年かかる費用（千円/年）。"),
    },
    PlanActual: {
        "measured_fy": ("測定年度", "実績を測った年度。"),
        "staff_minutes_per_case": ("職員の作業時間", "施策の後の、1件あたりの職員の作業時間。"),
        "cases": ("件数", "測った1年間の件数。"),
        "online_share": ("オンライン割合", "オンラインで受けた件数の割合 0〜1。"),
        "note": ("メモ", "測定についての注記。"),
    },
    Step: {
        "id": ("工程ID", f"工程を識別する記号。{_SLUG}。同じ手続の中で重複しない。"),
        "name": ("工程名", "何をするか。"),
        "actor": ("担当", "誰が行うか（スイムレーン）。"),
        "action": ("作業", "作業の種類。"),
        "medium": (
            "媒体",
            "扱う書類・データの媒体。入力（enter）の工程では入力元の媒体（紙なら AI-OCR、電子なら RPA の候補）。",
        ),
        "handwritten": ("手書き", "紙に手で書くなら true。"),
        "seal": ("押印", "押印が必要なら true（警告 seal-required）。"),
        "in_person": ("来庁", "住民が窓口に来る必要があるなら true。"),
        "rule_based": ("定型判断", "決まったルールで判断でき、人の判断が要らないなら true。"),
        "effort": ("作業時間", "この工程の1件あたりの作業時間。住民の工程では住民自身の時間。"),
        "wait": ("待ち時間", "この工程が始まるまでの待ち時間。"),
        "system": ("システム", "使う情報システム。"),
        "next": (
            "次の工程",
            "次の工程: 工程ID、または {to: 工程ID, share: 割合, label: 条件}（1.1）。"
            "書かなければリストの次の工程（最後の工程で終了）、[] ならこの工程で終了。"
            "複数なら分岐、前の工程なら差し戻し。",
        ),
        "covers": (
            "代わりを務める手続",
            "この工程が代わりを務める手続の手続ID（1.2。例: 死亡届の「各課の窓口を回って手続」）。"
            "ライフイベントの負担はその手続で数え、この工程を重ねて数えない。",
        ),
    },
    Branch: {
        "to": ("次の工程", "進む先の工程ID。"),
        "share": ("割合", "この分岐に進む件数の割合 0〜1（0.2 = 20%）。"),
        "label": ("条件", "矢印に書く条件（例: 不備あり）。"),
    },
    SurveyAnswer: {
        "ministry": ("所管府省庁", "調査の「所管府省庁」。"),
        "name": ("手続名", "調査の「手続名」。"),
        "law": ("法令名", "調査の「法令名」。"),
        "article": ("根拠条項号", "調査の「根拠条項号」。"),
        "online_status": ("オンライン化の実施状況", "調査の「オンライン化の実施状況」。"),
        "national_volume": ("総手続件数", "調査の「総手続件数」（全国）。"),
        "national_online": ("オンライン手続件数", "調査の「オンライン手続件数」（全国）。"),
        "city_volume": ("自団体の手続件数", "調査にある市の件数。なければ全国の件数と人口から推計する。"),
        "population": ("人口", "件数の推計に使った市の人口（--population）。"),
        "identity_check": ("本人確認手法", "調査の「申請等における本人確認手法」。"),
        "fee": ("手数料等の納付有無", "調査の「手数料等の納付有無」。"),
        "payment": ("手数料等の納付方法", "調査の「手数料等の納付方法」。"),
        "attachments": ("添付させる書類", "調査の「申請時に添付させる書類」。"),
        "events": ("イベント(個人)", "調査の「手続が行われるイベント(個人)」。"),
        "business_events": ("イベント(法人)", "調査の「手続が行われるイベント(法人)」。"),
        "period": ("処理期間(非オンライン)", "調査の「処理期間(非オンライン)」。"),
        "period_online": ("処理期間(オンライン)", "調査の「処理期間(オンライン)」。"),
        "system": ("情報システム(事務処理)", "調査の「情報システム(事務処理)」。"),
        "system_online": ("情報システム(申請)", "調査の「情報システム(申請)」。"),
        "applicant": ("手続主体", "調査の「手続主体」。"),
        "offices": ("申請を提出する機関", "調査の「申請を提出する機関」。"),
        "city_share": ("市の分担割合", "他の受付機関と分ける件数のうち市の割合 0〜1（設定の import.shared_share）。"),
        "priority_item": ("国の優先手続の項目", "国の優先手続の公式の一覧（27項目）で当たる項目。"),
    },
}

# Each enum: its title, its description, and the labels of its values (vocabulary.py, the one home of them).
ENUM_WORDS: dict[type[enum.Enum], tuple[str, str, Mapping[Any, str]]] = {
    Kind: ("手続類型", "手続の種類。", V.KIND_LABELS),
    LifeEvent: ("ライフイベント", "住民のライフイベント。", V.LIFE_EVENT_LABELS),
    OnlineStatus: ("オンライン化の状況", "現在のオンライン化の状況。", V.ONLINE_STATUS_LABELS),
    Channel: ("経路", "来庁せずに済む既存の経路（1.2）。", V.CHANNEL_LABELS),
    LegalLevel: (
        "定めの種類",
        "来庁・押印を求める定めの種類（1.2）。法律・政令・省令は国の定め、ほかは市の定め（見直しの対象）。",
        V.LEGAL_LEVEL_LABELS,
    ),
    SharedWith: ("他の受付機関", "同じ手続を受け付ける市以外の機関（1.2）。", V.SHARED_WITH_LABELS),
    IdentityCheck: ("本人確認", "本人確認の方法。", V.IDENTITY_CHECK_LABELS),
    Payment: ("納付方法", "手数料の支払方法。", V.PAYMENT_LABELS),
    Source: ("発行元", "添付書類を発行する者。", V.SOURCE_LABELS),
    Measure: ("手法", "ロードマップの施策の手法。", V.MEASURE_LABELS),
    Progress: ("進捗", "施策の進捗。", V.PROGRESS_LABELS),
    Actor: ("担当", "工程を行う者（スイムレーン）。", V.ACTOR_LABELS),
    Action: ("作業", "工程の作業の種類。", V.ACTION_LABELS),
    Medium: ("媒体", "工程で扱う書類・データの媒体。", V.MEDIUM_LABELS),
    FlowSource: ("フローの状態", "業務フローの出どころ。", V.FLOW_SOURCE_LABELS),
}
