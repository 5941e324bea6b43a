"""Generate seeded synthetic inventories (format v1) of any size for benchmarks and tests.

    python benchmarks/generate.py OUT_DIR --procedures N [--files F] [--steps S] [--steps-exact] [--seed 0]

Standard library only: the YAML text is written directly, which is far faster than a dumper.
The same arguments always give the same bytes. Only files named ``gen-*.yaml`` in OUT_DIR are
removed and rewritten; anything else there is left alone.

Every file is valid format v1: counter and procedure ids are unique across the set, step ids are
unique within a procedure, every ``next`` and ``attachments[].procedure`` reference exists, and every
step can reach an end of its flow. Warnings (rework loops, ``annual_volume: 0``, seals, self-issued
attachments, ``online.status: full`` with an in-person step) are produced on purpose.
"""

from __future__ import annotations

import argparse
import math
import random
import re
import sys
import time
from pathlib import Path

# fmt: off
# section: (department, systems, [(procedure name, kind, legal basis, life events, fee, national priority)])
SECTIONS: dict[str, tuple[str, list[str], list[tuple[str, str, str, str, int, bool]]]] = {
    "市民課": ("市民環境部", ["住民記録システム", "戸籍総合システム", "印鑑登録システム"], [
        ("住民票の写し 交付", "certificate", "住民基本台帳法第12条", "moving", 300, False),
        ("印鑑登録証明書 交付", "certificate", "市印鑑条例第11条", "housing vehicle", 300, False),
        ("戸籍謄本 交付", "certificate", "戸籍法第10条", "marriage death", 450, False),
        ("転入届", "notification", "住民基本台帳法第22条", "moving", 0, False),
        ("転出届", "notification", "住民基本台帳法第24条", "moving", 0, True),
        ("転居届", "notification", "住民基本台帳法第23条", "moving", 0, False),
        ("出生届", "notification", "戸籍法第49条", "birth", 0, False),
        ("婚姻届", "notification", "戸籍法第74条", "marriage", 0, False),
        ("死亡届", "notification", "戸籍法第86条", "death", 0, False),
        ("印鑑登録", "registration", "市印鑑条例第2条", "housing", 0, False),
        ("マイナンバーカード 交付", "certificate", "番号法第16条の2", "other", 0, False)]),
    "税務課": ("総務部", ["税務総合システム", "収納管理システム", "eLTAX連携サーバ"], [
        ("所得課税証明書 交付", "certificate", "地方税法第20条の10", "tax childcare housing", 300, False),
        ("納税証明書 交付", "certificate", "地方税法第20条の10", "tax business vehicle", 300, False),
        ("市県民税 申告", "application", "地方税法第317条の2", "tax", 0, False),
        ("軽自動車税 減免申請", "application", "市税条例第89条", "vehicle disability", 0, False),
        ("固定資産課税台帳 閲覧", "other", "地方税法第382条の2", "housing", 300, False),
        ("償却資産 申告", "notification", "地方税法第383条", "business tax", 0, False),
        ("市税 口座振替依頼", "registration", "市税条例第9条", "tax", 0, False),
        ("市税 窓口納付", "payment", "地方税法第319条", "tax", 0, False)]),
    "子育て支援課": ("こども未来部", ["児童手当システム", "子ども・子育て支援システム"], [
        ("児童手当 認定請求", "application", "児童手当法第7条", "birth moving childcare", 0, True),
        ("児童手当 現況届", "notification", "児童手当法施行規則第4条", "childcare", 0, True),
        ("児童扶養手当 認定請求", "application", "児童扶養手当法第6条", "childcare marriage", 0, True),
        ("保育施設 利用申込", "application", "子ども・子育て支援法第20条", "childcare", 0, True),
        ("子ども医療費助成 申請", "application", "市子ども医療費助成条例第5条", "birth childcare health", 0, False),
        ("放課後児童クラブ 入所申請", "application", "児童福祉法第6条の3", "education childcare", 0, False)]),
    "高齢福祉課": ("健康福祉部", ["介護保険システム", "要介護認定支援システム"], [
        ("要介護認定 申請", "application", "介護保険法第27条", "nursing_care", 0, True),
        ("介護保険被保険者証 再交付", "certificate", "介護保険法施行規則第27条", "nursing_care", 0, True),
        ("負担限度額認定 申請", "application", "介護保険法第51条の3", "nursing_care", 0, True),
        ("配食サービス 利用申請", "application", "市高齢者配食サービス事業実施要綱", "nursing_care", 0, False),
        ("緊急通報装置 設置申請", "application", "市緊急通報システム事業実施要綱", "nursing_care health", 0, False)]),
    "保険年金課": ("市民環境部", ["国民健康保険システム", "国民年金システム", "後期高齢者医療システム"], [
        ("国民健康保険 資格取得届", "notification", "国民健康保険法第9条", "moving", 0, False),
        ("国民健康保険 資格喪失届", "notification", "国民健康保険法第9条", "moving death", 0, False),
        ("高額療養費 支給申請", "application", "国民健康保険法第57条の2", "health", 0, False),
        ("国民年金保険料 免除申請", "application", "国民年金法第90条", "tax", 0, False),
        ("葬祭費 支給申請", "application", "国民健康保険法第58条", "death", 0, False),
        ("後期高齢者医療 被保険者証再交付", "certificate", "高齢者の医療の確保に関する法律施行規則第17条", "health", 0, False)]),
    "障がい福祉課": ("健康福祉部", ["障害者福祉システム"], [
        ("身体障害者手帳 交付申請", "application", "身体障害者福祉法第15条", "disability", 0, False),
        ("障害福祉サービス 支給申請", "application", "障害者総合支援法第20条", "disability", 0, False),
        ("自立支援医療 支給認定申請", "application", "障害者総合支援法第53条", "disability health", 0, False),
        ("補装具費 支給申請", "application", "障害者総合支援法第76条", "disability", 0, False),
        ("特別障害者手当 認定請求", "application", "特別児童扶養手当等の支給に関する法律第26条の5", "disability nursing_care", 0, False)]),
    "環境課": ("市民環境部", ["犬登録管理システム", "環境行政システム"], [
        ("犬の登録", "registration", "狂犬病予防法第4条", "other", 3000, False),
        ("狂犬病予防注射済票 交付", "certificate", "狂犬病予防法第5条", "other", 550, False),
        ("粗大ごみ 収集申込", "application", "市廃棄物の処理及び清掃に関する条例第20条", "moving housing", 0, False),
        ("浄化槽 設置届", "notification", "浄化槽法第5条", "housing", 0, False),
        ("住宅用太陽光発電 補助金申請", "application", "市再生可能エネルギー設備設置費補助金交付要綱", "housing", 0, False)]),
    "建築指導課": ("都市整備部", ["建築確認審査システム", "建築行政情報システム"], [
        ("建築確認 申請", "application", "建築基準法第6条", "housing business", 15000, False),
        ("完了検査 申請", "application", "建築基準法第7条", "housing", 16000, False),
        ("建築計画概要書 閲覧", "other", "建築基準法第93条の2", "housing", 300, False),
        ("木造住宅 耐震診断 申込", "application", "市木造住宅耐震診断事業実施要綱", "housing disaster", 0, False),
        ("道路位置指定 申請", "application", "建築基準法第42条", "housing business", 50000, False)]),
    "健康推進課": ("健康福祉部", ["健康管理システム", "予防接種管理システム"], [
        ("妊娠届", "notification", "母子保健法第15条", "birth health", 0, True),
        ("予防接種予診票 交付", "certificate", "予防接種法第5条", "birth childcare health", 0, False),
        ("がん検診 申込", "application", "健康増進法第19条の2", "health", 0, False),
        ("未熟児養育医療 給付申請", "application", "母子保健法第20条", "birth health", 0, False)]),
    "生活福祉課": ("健康福祉部", ["生活保護システム"], [
        ("生活保護 申請", "application", "生活保護法第7条", "other health", 0, False),
        ("住居確保給付金 申請", "application", "生活困窮者自立支援法第3条", "housing", 0, False),
        ("生活困窮 相談", "consultation", "生活困窮者自立支援法第5条", "other", 0, False)]),
    "商工観光課": ("産業振興部", ["産業振興データベース", "財務会計システム"], [
        ("特定創業支援等事業 証明書交付", "certificate", "産業競争力強化法第2条", "business", 0, False),
        ("中小企業融資 あっせん申込", "application", "市中小企業融資制度要綱", "business", 0, False),
        ("セーフティネット保証 認定申請", "application", "中小企業信用保険法第2条第5項", "business", 0, False)]),
    "防災危機管理課": ("総務部", ["被災者支援システム", "家屋評価システム"], [
        ("り災証明書 交付申請", "certificate", "災害対策基本法第90条の2", "disaster housing", 0, True),
        ("被災者生活再建支援金 申請", "application", "被災者生活再建支援法第3条", "disaster housing", 0, True),
        ("災害見舞金 申請", "application", "市災害見舞金支給要綱", "disaster", 0, False),
        ("避難行動要支援者名簿 登録申請", "registration", "災害対策基本法第49条の10", "disaster disability nursing_care", 0, False)]),
}
DOCUMENT = {"application": "申請書", "notification": "届出書", "certificate": "交付請求書",
            "registration": "登録申請書", "payment": "納付書", "consultation": "相談票", "other": "申込書"}
LOCATIONS = ["本庁舎1階", "本庁舎2階", "本庁舎3階", "北部支所", "南部支所", None, None]
SURVEY_DATES = ["2022-07-15", "2022-07-22", "2022-08-05", "2022-08-19"]
VOLUME_SOURCES = ["令和3年度実績", "令和2年度実績", "令和3年度実績（推計）", "窓口日報より集計"]
LIFE_EVENTS = ["birth", "childcare", "education", "moving", "marriage", "death", "nursing_care",
               "disability", "health", "disaster", "housing", "vehicle", "tax", "business", "other"]
CHANNELS = ["ぴったりサービス", "電子申請システム", "LoGoフォーム", "マイナポータル", "eLTAX"]
IDENTITY = ["none", "none", "my_number_card", "my_number_card", "photo_id", "photo_id", "seal_certificate", "other"]
PAYMENTS = ["[cash]", "[cash]", "[cash, qr]", "[cash, barcode, credit_card]", "[cash, e_money, qr]",
            "[payment_slip, bank_transfer]", "[other]"]
SELF_DOCS = ["住民票の写し", "所得課税証明書", "印鑑登録証明書", "納税証明書", "戸籍謄本"]
OTHER_DOCS = [("本人確認書類の写し", "citizen"), ("健康保険証の写し", "citizen"), ("委任状", "citizen"),
              ("通帳の写し", "citizen"), ("医師の診断書", "private"), ("賃貸借契約書の写し", "private"),
              ("登記事項証明書", "national"), ("年金証書の写し", "national"),
              ("戸籍謄本（本籍地発行）", "other_municipality"), ("転出証明書", "other_municipality")]
ISSUES = ["住民票の写しを市民課で取得してから来庁している", "繁忙期（3月・4月）は待ち時間が60分を超える",
          "申請書の記入誤りが多く、書き直しが発生している", "システムへの手入力で転記ミスが発生している",
          "決裁に紙の回議書を回しており日数がかかる", "他課への照会を紙で行っている", "押印欄が残っている",
          "制度改正のたびに様式を差し替えている", "郵送申請の開封・仕分けに時間がかかる",
          "電話での問い合わせ対応が業務を圧迫している", "担当者しか処理できず属人化している"]
NOTES = ["令和5年度に様式の見直しを予定", "支所でも受付している", "郵送でも受け付けている",
         "注: 件数は窓口日報の集計値であり郵送分を含まない", "代理人申請の場合は委任状が必要",
         "繁忙期: 3月下旬〜4月上旬", "マイナポータルからの申請は令和4年度から受付開始"]
MULTILINE_NOTES = ["本庁と支所で手順が異なる。\n支所では審査を本庁へ回送している。",
                   "ヒアリング結果（令和4年7月）:\n- 記入例を窓口に掲示している\n- 申請の約2割が郵送"]

# fmt: on

_PLAIN = re.compile(r"[^\x00-\x7f\s][^\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff:#,\[\]{}'\"]*[^\x00-\x7f\s]?\Z")


def quote(text: str) -> str:
    """Return the text as a YAML scalar: plain when safe in flow context, double-quoted otherwise."""
    if _PLAIN.match(text) and not text.endswith(" "):
        return text
    out = []
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif code < 0x20 or 0x7F <= code <= 0x9F or code in (0x2028, 0x2029, 0xFEFF):
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


# fmt: off
# Step templates: (slug, name with {doc}/{system}, actor, action, medium, extra flags, wait kind).
# Wait kinds: "" none, "s" short (minutes), "d" days.
START = [
    ("write", "{doc}の記入", "citizen", "write", "paper", "handwritten in_person", "s"),
    ("write", "{doc}の記入（記載台）", "citizen", "write", "paper", "handwritten in_person", "s"),
    ("e-apply", "電子申請フォームへの入力", "citizen", "write", "electronic", "", ""),
    ("mail", "{doc}の郵送", "citizen", "submit", "paper", "handwritten", ""),
    ("consult", "窓口での事前相談", "citizen", "other", "verbal", "in_person", "s"),
    ("ticket", "番号札の発券・待合", "citizen", "wait", "none", "in_person", "s"),
]
E_APPLY = 2  # START index of the online application, the usual first step when online.status is full
INTAKE = [
    ("receive", "窓口受付・書類確認", "counter", "receive", "paper", "in_person", ""),
    ("id-check", "本人確認", "counter", "check", "paper", "in_person", ""),
    ("hearing", "記載内容の聞き取り", "counter", "check", "verbal", "in_person", ""),
    ("pay", "手数料の支払", "citizen", "pay", "paper", "in_person", "s"),
    ("ledger", "受付簿への記入", "counter", "write", "paper", "handwritten", ""),
    ("e-receive", "電子申請データの受信確認", "counter", "receive", "electronic", "", "d"),
]
PROCESS = [
    ("review", "記載内容の審査", "back_office", "check", "paper", "", ""),
    ("lookup", "{system}で要件を照会", "back_office", "check", "electronic", "system", ""),
    ("enter", "{system}へ入力", "back_office", "enter", "paper", "system rule_based", ""),
    ("transcribe", "電子申請データを{system}へ転記", "back_office", "enter", "electronic", "system rule_based", ""),
    ("auto-check", "資格要件の自動判定", "system", "check", "electronic", "system rule_based", ""),
    ("inquiry", "他機関への照会", "external", "check", "paper", "", "d"),
    ("route", "関係課への回付", "back_office", "transport", "paper", "", "d"),
    ("approve", "決裁", "back_office", "approve", "paper", "", "d"),
    ("e-approve", "電子決裁", "back_office", "approve", "electronic", "doc_system", "s"),
    ("committee", "審査会での審査", "external", "check", "paper", "", "d"),
    ("survey", "現地調査", "back_office", "check", "none", "", "d"),
    ("print", "帳票の一括出力", "system", "other", "electronic", "system rule_based", ""),
]
FINISH = [
    ("issue", "証明書・決定通知の交付", "counter", "issue", "paper", "in_person", ""),
    ("notify", "決定通知書の送付", "back_office", "notify", "paper", "", "s"),
    ("pickup", "交付物の受取（再来庁）", "citizen", "other", "paper", "in_person", "d"),
    ("e-notify", "結果のメール通知", "system", "notify", "electronic", "system rule_based", ""),
    ("archive", "書類の保管", "back_office", "archive", "paper", "", ""),
    ("done", "受付完了の連絡", "counter", "notify", "verbal", "in_person", ""),
]
REJECT = [
    ("return", "不備による返戻", "counter", "notify", "paper", "", ""),
    ("reject", "却下通知の送付", "back_office", "notify", "paper", "", "s"),
    ("withdraw", "申請の取下げ", "citizen", "other", "verbal", "in_person", ""),
]
EFFORTS = {
    "citizen": [5, 10, "10m", "15m", 20, "30m", "1h"],
    "counter": [3, 5, "5m", 10, "10m", 15, "0.25h"],
    "back_office": [5, 10, "15m", 20, 30, "0.5h", "1h", "1.5h", "2h"],
    "system": [1, "1m", 2],
    "external": [30, "1h", "2h"],
}
WAITS = {"": [""], "s": ["", "", "", "wait: 10m", "wait: 20m", "wait: 0.5h", "wait: 45"],
         "d": ["", "wait: 1d", "wait: 3d", "wait: 3d", "wait: 7d", "wait: 14d", "wait: 2h"]}

# fmt: on


class _Step:
    """A step template rendered once: its flow text, its key-value pairs, and the choices that vary."""

    __slots__ = ("efforts", "flow", "pairs", "paper", "slug", "waits")

    def __init__(self, tpl: tuple[str, str, str, str, str, str, str], doc: str, systems: list[str], i: int) -> None:
        slug, name, actor, action, medium, flags, wait_kind = tpl
        system = systems[i % len(systems)]
        pairs = [
            ("name", quote(name.format(doc=doc, system=system))),
            ("actor", actor),
            ("action", action),
            ("medium", medium),
        ]
        for flag in flags.split():
            if flag == "system":
                pairs.append(("system", quote(system)))
            elif flag == "doc_system":
                pairs.append(("system", "文書管理システム"))
            else:
                pairs.append((flag, "true"))
        self.slug, self.pairs, self.paper = slug, pairs, medium == "paper"
        self.flow = ", ".join(f"{k}: {v}" for k, v in pairs)
        self.efforts = [f"effort: {e}" for e in EFFORTS[actor]]
        self.waits = WAITS[wait_kind]


_TEMPLATES: dict[tuple[str, str], list[list[_Step]]] = {}


def _templates(section: str, kind: str) -> list[list[_Step]]:
    """Return the step templates of a section and kind, rendered once and then reused."""
    key = (section, kind)
    if key not in _TEMPLATES:
        systems, doc = SECTIONS[section][1], DOCUMENT[kind]
        _TEMPLATES[key] = [
            [_Step(t, doc, systems, i) for i, t in enumerate(group)]
            for group in (START, INTAKE, PROCESS, FINISH, REJECT)
        ]
    return _TEMPLATES[key]


def _flow(rng: random.Random, k: int) -> tuple[dict[int, list[int]], set[int]]:
    """Choose successors so that every step can still reach an end: all other edges go forward."""
    nexts: dict[int, list[int]] = {}
    rejects: set[int] = set()
    r = rng.random()
    if k >= 4 and r < 0.15:  # a rejection step in the middle that ends the flow
        i = rng.randint(1, k - 3)
        nexts[i], nexts[i + 1] = [i + 2, i + 1], []
        rejects.add(i + 1)
    elif k >= 4 and r < 0.3:  # a rejection step at the end of the list; the normal end is explicit
        i = rng.randint(1, k - 3)
        nexts[i], nexts[k - 2] = [i + 1, k - 1], []
        rejects.add(k - 1)
    elif k >= 4 and r < 0.38:  # an optional step that can be skipped
        i = rng.randint(0, k - 3)
        nexts[i] = [i + 1, i + 2]
    if k >= 3 and rng.random() < 0.2:  # rework: back to an earlier step, or on to the next one
        j = rng.randint(1, k - 2)
        if j not in nexts:
            nexts[j] = [j + 1, rng.randint(0, j - 1)] if rng.random() < 0.7 else [rng.randint(0, j - 1), j + 1]
    if k >= 2 and rng.random() < 0.05:  # spell out the implicit successor now and then
        j = rng.randint(0, k - 2)
        nexts.setdefault(j, [j + 1])
    return nexts, rejects


def _render_steps(
    rng: random.Random, out: list[str], groups: list[list[_Step]], k: int, no_effort: bool, online_first: bool
) -> None:
    """Append k steps: a citizen start, intake then processing, a finish, and the flow's branches."""
    start, intake, process, finish, reject = groups
    nexts, rejects = _flow(rng, k)
    chosen: list[_Step] = []
    for p in range(k):
        if p in rejects:
            chosen.append(rng.choice(reject))
        elif p == 0:
            chosen.append(start[E_APPLY] if online_first else rng.choice(start))
        elif p == k - 1 or (p == k - 2 and k - 1 in rejects):
            chosen.append(rng.choice(finish))
        else:
            chosen.append(rng.choice(intake if (p - 1) * 3 < k - 2 else process))
    ids: list[str] = []
    seen: dict[str, int] = {}
    for step in chosen:
        n = seen.get(step.slug, 0) + 1
        seen[step.slug] = n
        ids.append(step.slug if n == 1 else f"{step.slug}-{n}")
    rnd, choice = rng.random, rng.choice
    for p, step in enumerate(chosen):
        parts = [] if no_effort or rnd() < 0.06 else [choice(step.efforts)]
        wait = choice(step.waits)
        if wait:
            parts.append(wait)
        if step.paper and rnd() < 0.03:
            parts.append("seal: true")
        if p in nexts:
            parts.append("next: [" + ", ".join(ids[t] for t in nexts[p]) + "]")
        if rnd() < 0.04:  # block style for a few steps
            out.append(f"      - id: {ids[p]}\n")
            out.extend(f"        {key}: {value}\n" for key, value in step.pairs)
            out.extend(f"        {part}\n" for part in parts)
        else:
            out.append(f"      - {{id: {ids[p]}, {step.flow}{''.join(', ' + part for part in parts)}}}\n")


def _render_procedure(
    rng: random.Random, out: list[str], index: int, section: str, steps: int, exact: bool, all_ids: list[str]
) -> None:
    """Append one procedure of the section, with optional fields present at realistic rates."""
    name, kind, basis, events, fee, priority = rng.choice(SECTIONS[section][2])
    rnd = rng.random
    out.append(f"  - id: {all_ids[index]}\n    name: {name}（{index + 1}）\n")
    if kind != "other" or rnd() < 0.5:
        out.append(f"    kind: {kind}\n")
    if rnd() < 0.9:
        out.append(f"    legal_basis: {quote(basis)}\n")
    volume = 0 if rnd() < 0.03 else int(10 ** (rnd() * math.log10(200_000)))
    out.append(f"    annual_volume: {volume}\n")
    if rnd() < 0.7:
        out.append(f"    volume_source: {quote(rng.choice(VOLUME_SOURCES))}\n")
    life = events.split()
    if rnd() < 0.1:
        extra = rng.choice(LIFE_EVENTS)
        if extra not in life:
            life.append(extra)
    if rnd() < 0.9:
        out.append(f"    life_events: [{', '.join(life)}]\n")
    if (priority and rnd() < 0.6) or rnd() < 0.03:
        out.append("    national_priority: true\n")
    status = "none"
    if rnd() < 0.85:
        r = rnd()
        status = "none" if r < 0.6 else "partial" if r < 0.85 else "full"
        fields = [f"status: {status}"]
        if status != "none":
            fields.append(f"channel: {quote(rng.choice(CHANNELS))}")
        if rnd() < 0.05:
            fields.append("in_person_required_by_law: true")
        fields.append(f"identity_check: {rng.choice(IDENTITY)}")
        if rnd() < 0.1:
            out.append("    online:\n" + "".join(f"      {f}\n" for f in fields))
        else:
            out.append(f"    online: {{{', '.join(fields)}}}\n")
    if fee:
        out.append(
            f"    fee: {{amount: {fee}, payment: {rng.choice(PAYMENTS)}}}\n"
            if rnd() < 0.8
            else f"    fee: {{amount: {fee}}}\n"
        )
    elif rnd() < 0.05:
        out.append("    fee: {amount: 0}\n")
    n_attach = rng.choice((0, 0, 1, 1, 2, 3))
    if n_attach:
        out.append("    attachments:\n")
        for _ in range(n_attach):
            if len(all_ids) > 1 and rnd() < 0.3:
                target = rng.randrange(len(all_ids))
                if target == index:  # not the procedure itself
                    target = (index + 1) % len(all_ids)
                line = f"name: {rng.choice(SELF_DOCS)}, source: self, procedure: {all_ids[target]}"
            else:
                doc, source = rng.choice(OTHER_DOCS)
                line = f"name: {doc}, source: {source}"
            if rnd() < 0.15:
                line += ", electronic: true"
            out.append(f"      - {{{line}}}\n")
    if rnd() < 0.2:
        measure = rng.choice(("online", "online", "rpa", "ai_ocr", "bpr", "none"))
        progress = rng.choice(("not_started", "planned", "planned", "in_progress", "done"))
        out.append(f"    plan: {{measure: {measure}, target_fy: {rng.randint(2022, 2025)}, progress: {progress}}}\n")
    out.append("    steps:\n")
    k = steps if exact else rng.randint(min(3, steps), steps)
    _render_steps(rng, out, _templates(section, kind), k, rnd() < 0.02, status == "full" and rnd() < 0.8)
    n_issues = rng.choice((0, 0, 1, 1, 2, 3))
    if n_issues:
        out.append("    issues:\n")
        out.extend(f"      - {quote(text)}\n" for text in rng.sample(ISSUES, n_issues))
    r = rnd()
    if r < 0.25:
        out.append(f"    notes: {quote(rng.choice(NOTES))}\n")
    elif r < 0.28:
        text = rng.choice(MULTILINE_NOTES)
        out.append("    notes: |-\n" + "".join(f"      {line}\n" for line in text.split("\n")))


def generate_inventory(
    out_dir: Path, procedures: int, files: int | None = None, steps: int = 12, seed: int = 0, exact_steps: bool = False
) -> list[Path]:
    """Write a synthetic inventory of ``procedures`` procedures into ``files`` gen-*.yaml files."""
    if procedures < 1:
        raise ValueError("procedures must be at least 1")
    files = max(1, procedures // 100) if files is None else files
    if not 1 <= files <= procedures:
        raise ValueError(f"files must be between 1 and the number of procedures ({procedures}), not {files}")
    if steps < 1:
        raise ValueError("steps must be at least 1")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("gen-*.yaml"):
        old.unlink()
    rng = random.Random(seed)
    pwidth, fwidth = max(6, len(str(procedures))), max(4, len(str(files)))
    all_ids = [f"gen-p{i:0{pwidth}d}" for i in range(1, procedures + 1)]
    section_names = list(SECTIONS)
    base, extra = divmod(procedures, files)
    written: list[Path] = []
    first = 0
    for f in range(1, files + 1):
        count = base + (1 if f <= extra else 0)
        section = rng.choice(section_names)
        out = [
            "version: 1\ncounter:\n",
            f"  id: gen-c{f:0{fwidth}d}\n  name: {section} 窓口 {f}\n",
            f"  section: {section}\n  department: {SECTIONS[section][0]}\n",
        ]
        location = rng.choice(LOCATIONS)
        if location:
            out.append(f"  location: {location}\n")
        out.append(f"  surveyed_on: {rng.choice(SURVEY_DATES)}\nprocedures:\n")
        for i in range(first, first + count):
            _render_procedure(rng, out, i, section, steps, exact_steps, all_ids)
        first += count
        path = out_dir / f"gen-{f:0{fwidth}d}.yaml"
        path.write_bytes("".join(out).encode("utf-8"))
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, generate, and print a one-line summary."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    parser.add_argument("--procedures", type=int, required=True, metavar="N")
    parser.add_argument("--files", type=int, default=None, metavar="F", help="default: max(1, N // 100)")
    parser.add_argument("--steps", type=int, default=12, metavar="S", help="up to S steps (3..S) per procedure")
    parser.add_argument("--steps-exact", action="store_true", help="exactly S steps per procedure")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        paths = generate_inventory(args.out_dir, args.procedures, args.files, args.steps, args.seed, args.steps_exact)
    except ValueError as exc:
        parser.error(str(exc))
    elapsed = time.perf_counter() - started
    print(f"wrote {args.procedures} procedures in {len(paths)} files to {args.out_dir} in {elapsed:.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
