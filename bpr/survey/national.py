"""The national survey of administrative procedures (行政手続等の棚卸調査), row by row, as inventory fields.

A row becomes a `SurveyAnswer` (the survey's own words, kept in the procedure's `survey` block) and the
answer becomes the fields the survey owns (`derive_fields`). Both are pure functions, so a re-import
can recompute what the previous answer gave and tell a person's edit from the survey's. Every choice
made here is written in docs/import-survey.md; the reading of the columns follows ../shared/data/README.md.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from bpr.inventory.enums import Channel, LifeEvent, SharedWith
from bpr.inventory.models import MAX_ANNUAL_VOLUME, MAX_WAIT_MINUTES, SurveyAnswer
from bpr.survey.yamldoc import duration_text

NATIONAL_POPULATION = 124_500_000
ID_COLUMN = "手続ID"
NAME_COLUMN = "手続名"
REQUIRED_COLUMNS = (
    ID_COLUMN,
    "所管府省庁",
    NAME_COLUMN,
    "法令名",
    "総手続件数",
    "オンライン手続件数",
    "オンライン化の実施状況",
)
# What a city's copy may add: its own yearly count of the procedure.
CITY_VOLUME_COLUMNS = ("自団体の手続件数", "市の手続件数", "年間件数")
OPTIONAL_COLUMNS = (
    "根拠条項号",
    "手続類型",
    "申請を提出する機関",
    "申請等における本人確認手法",
    "手数料等の納付有無",
    "手数料等の納付方法",
    "申請時に添付させる書類",
    "手続が行われるイベント(個人)",
    "手続が行われるイベント(法人)",
    "処理期間(オンライン)",
    "処理期間(非オンライン)",
    "手続主体",
    "情報システム(申請)",
    "情報システム(事務処理)",
    *CITY_VOLUME_COLUMNS,
)
CITY_OFFICE = "市役所・町村役場"
APPLICATION_TYPE = "1"  # 手続類型 1 申請等

_LIFE_EVENTS: dict[str, tuple[LifeEvent, ...]] = {
    "妊娠": (LifeEvent.BIRTH,),
    "出生・こども": (LifeEvent.BIRTH, LifeEvent.CHILDCARE),
    "引越し": (LifeEvent.MOVING,),
    "結婚・離婚": (LifeEvent.MARRIAGE,),
    "死亡・相続": (LifeEvent.DEATH,),
    "介護": (LifeEvent.NURSING_CARE,),
    "医療・健康": (LifeEvent.HEALTH,),
    "税金": (LifeEvent.TAX,),
    "住宅の購入・保有": (LifeEvent.HOUSING,),
    "自動車の購入・保有": (LifeEvent.VEHICLE,),
    "就職・転職": (LifeEvent.OTHER,),
    "年金の受給": (LifeEvent.OTHER,),
    "その他イベント(個人)": (LifeEvent.OTHER,),
}
_NO_EVENT = "その他(個人も法人にもあてはまらない)"
# 本人確認手法 by its code: 1 電子署名（マイナンバーカード等）, 2 押印, 3 署名, 4 本人確認書類, 5 その他, 6 不要.
_IDENTITY = {"1": "my_number_card", "2": "other", "3": "other", "4": "photo_id", "5": "other", "6": "none"}
_SEAL_CODE = "2"
_PAYMENT = {
    "1-1": "cash",
    "1-2": "payment_slip",
    "1-3": "bank_transfer",
    "1-4": "payment_slip",
    "1-5": "other",
    "2-1": "bank_transfer",
    "2-2": "bank_transfer",
    "2-3": "credit_card",
    "2-4": "qr",
    "2-5": "bank_transfer",
    "2-6": "other",
}
_PAYMENT_ORDER = ("cash", "barcode", "qr", "credit_card", "e_money", "bank_transfer", "payment_slip", "other")
# 申請時に添付させる書類: the categories with a name a counter recognises, and who issues them.
_ATTACHMENTS = {
    "住民票": ("住民票の写し", "self"),
    "戸籍": ("戸籍謄本・抄本", "self"),
    "所得証明書・納税証明書": ("所得証明書・納税証明書", "self"),
    "印鑑登録証明書（個人）": ("印鑑登録証明書", "self"),
    "登記事項証明書（商業）": ("登記事項証明書（商業・法人）", "national"),
    "登記事項証明書（不動産）": ("登記事項証明書（不動産）", "national"),
    "印鑑登録証明書（法人）": ("印鑑証明書（法人）", "national"),
    "健康保険及び厚生年金保険の納入証明書": ("健康保険及び厚生年金保険の納入証明書", "national"),
    "資格証明書（くるみん認定等）": ("資格証明書（くるみん認定等）", "national"),
    "営業許可証（食品衛生法、建設業等）": ("営業許可証（食品衛生法、建設業等）", "other_municipality"),
    "定款": ("定款", "citizen"),
    "決算書": ("決算書", "citizen"),
    "社員名簿": ("社員名簿", "citizen"),
}
_KINDS = (("証明", "certificate"), ("写し", "certificate"), ("届", "notification"), ("登録", "registration"),
          ("納付", "payment"), ("納入", "payment"), ("相談", "consultation"))  # fmt: skip
_PERIOD_RE = re.compile(r"(\d+(?:\.\d+)?)\s*(日|週間|週|か月|ヶ月|ケ月|箇月|月|年)")
_PERIOD_DAYS = {"日": 1, "週": 7, "週間": 7, "か月": 30, "ヶ月": 30, "ケ月": 30, "箇月": 30, "月": 30, "年": 365}
_SHARE_DIGITS = 4
# 手続主体 by its code: 5 国民等 and 7 国民等、民間事業者等 are procedures a citizen may bring; 6 民間事業者等,
# 1 国, 2 独立行政法人等, 3 地方等 and 4-x are business procedures (operators, public bodies).
_CITIZEN_APPLICANTS = frozenset({"5", "7"})
# 申請を提出する機関 besides the city hall, by kind of body (the city's own organs are not another body).
_OFFICE_KINDS: dict[str, SharedWith | None] = {
    "都道府県庁": SharedWith.PREFECTURE,
    "保健所": SharedWith.PREFECTURE,
    "警察署": SharedWith.PREFECTURE,
    "消防署": SharedWith.OTHER_MUNICIPALITY,
    "その他機関": SharedWith.PRIVATE,
    "上下水道局": None,
    "地域包括支援センター": None,
}


def _code(value: str) -> str:
    """Return the code of a coded value: '1 実施済' -> '1', '1-1 行政機関の窓口' -> '1-1'."""
    return value.split(" ", 1)[0] if value and value[0].isdigit() else ""


def _items(value: str) -> list[str]:
    return [item.strip() for item in value.split(";") if item.strip()]


def _count(value: str) -> int | None:
    """Return a count written as digits (full-width and commas allowed), None when blank or not a count."""
    text = unicodedata.normalize("NFKC", value).replace(",", "").strip()
    if re.fullmatch(r"\d+(\.0+)?", text):
        return int(text.split(".", 1)[0])  # as an integer: a float would round 20 digits and overflow at 400
    return None


def is_city_procedure(row: Mapping[str, str]) -> bool:
    """Tell whether a row is a 申請等 a city receives (always true when the columns are absent)."""
    office = row.get("申請を提出する機関", "")
    kind = row.get("手続類型", "")
    return (not office or CITY_OFFICE in office) and (not kind or _code(kind) == APPLICATION_TYPE)


def shared_with_of(offices: list[str]) -> list[SharedWith]:
    """Return the other kinds of body that take a procedure, from 申請を提出する機関 (ministries' offices: national)."""
    kinds: set[SharedWith] = set()
    for office in offices:
        if office == CITY_OFFICE:
            continue
        kind = _OFFICE_KINDS.get(office, SharedWith.NATIONAL)
        if kind is not None:
            kinds.add(kind)
    return [kind for kind in SharedWith if kind in kinds]


def city_share_of(offices: list[str], shares: Mapping[SharedWith, float] | None) -> float | None:
    """Return the city's share of the population estimate: the product of the shares of the other bodies."""
    kinds = shared_with_of(offices)
    if not kinds or shares is None:
        return None
    share = 1.0
    for kind in kinds:
        share *= shares[kind]
    return round(share, _SHARE_DIGITS)


def is_business_procedure(answer: SurveyAnswer) -> bool:
    """Tell whether 手続主体 says a business or a public body applies, never a citizen (never in a journey)."""
    code = _code(answer.applicant or "")
    return bool(code) and code not in _CITIZEN_APPLICANTS


def channels_of(answer: SurveyAnswer) -> list[Channel]:
    """Return the channels 情報システム(申請) names: マイナポータル, the city's own e-application, or another system.

    Whatever オンライン化の実施状況 says: a system named for applications is a channel a case can be started
    from (the national status describes the procedure nationally, and a city's ぴったりサービス form exists
    even where it says 未実施); what remains is uptake, not a build.
    """
    if not answer.system_online:
        return []
    found: set[Channel] = set()
    for item in _items(unicodedata.normalize("NFKC", answer.system_online)):
        if "マイナポータル" in item or "ぴったり" in item:
            found.add(Channel.MYNAPORTAL)
        elif "コンビニ" in item:
            found.add(Channel.CONVENIENCE_STORE)
        elif "キオスク" in item:
            found.add(Channel.KIOSK)
        elif "地方公共団体ごと" in item or "個別システム" in item or item in {"電子申請", "インターネット受付"}:
            found.add(Channel.CITY_FORM)
        elif "郵送" in item:
            found.add(Channel.POST)
        else:
            found.add(Channel.OTHER)
    return [channel for channel in Channel if channel in found]


def answer_from_row(
    row: Mapping[str, str], population: int | None, shares: Mapping[SharedWith, float] | None = None
) -> SurveyAnswer:
    """Return the survey's answer for one row, in its own words (`shares`: import.shared_share)."""

    def text(column: str) -> str | None:
        value = row.get(column, "").strip()
        return value or None

    city_volume = next((_count(row[c]) for c in CITY_VOLUME_COLUMNS if row.get(c, "").strip()), None)
    offices = _items(row.get("申請を提出する機関", ""))
    return SurveyAnswer(
        ministry=text("所管府省庁"),
        name=text(NAME_COLUMN),
        law=text("法令名"),
        article=text("根拠条項号"),
        online_status=text("オンライン化の実施状況"),
        national_volume=_count(row.get("総手続件数", "")),
        national_online=_count(row.get("オンライン手続件数", "")),
        city_volume=city_volume,
        population=population if city_volume is None else None,
        identity_check=text("申請等における本人確認手法"),
        fee=text("手数料等の納付有無"),
        payment=_items(row.get("手数料等の納付方法", "")),
        attachments=_items(row.get("申請時に添付させる書類", "")),
        events=_items(row.get("手続が行われるイベント(個人)", "")),
        business_events=_items(row.get("手続が行われるイベント(法人)", "")),
        period=text("処理期間(非オンライン)"),
        period_online=text("処理期間(オンライン)"),
        system=text("情報システム(事務処理)"),
        system_online=text("情報システム(申請)"),
        applicant=text("手続主体"),
        offices=offices,
        city_share=city_share_of(offices, shares) if city_volume is None else None,
    )


def derive_fields(answer: SurveyAnswer, national_id: str, priority: bool) -> dict[str, Any]:
    """Return the procedure fields the survey owns, from its answer (no id, no steps yet)."""
    name = answer.name or f"手続 {national_id}"
    fields: dict[str, Any] = {
        "name": name,
        "kind": _kind(name),
        "legal_basis": _legal_basis(answer),
        **_volume(answer, national_id),
        "national_id": national_id,
        "shared_with": [kind.value for kind in shared_with_of(answer.offices)],
        "life_events": _life_events(answer),
        "national_priority": priority or None,
        "online": _online(answer),
        "fee": _fee(answer),
        "attachments": _attachments(answer),
    }
    return {key: value for key, value in fields.items() if value not in (None, [], {})}


def _kind(name: str) -> str:
    return next((kind for text, kind in _KINDS if text in name), "application")


def _legal_basis(answer: SurveyAnswer) -> str | None:
    if answer.law is None:
        return None
    article = answer.article if answer.article and answer.article not in {"-", "－", "ー"} else ""
    return f"{answer.law}{article}"


def _volume(answer: SurveyAnswer, national_id: str) -> dict[str, Any]:
    """Return the annual volume and its source; never a volume `validate` refuses (over MAX_ANNUAL_VOLUME)."""
    for count in (answer.city_volume, answer.national_volume):
        if count is not None and count > MAX_ANNUAL_VOLUME * NATIONAL_POPULATION:
            # No population makes a count this large a city's volume (and floats would overflow on it).
            return {
                "annual_volume": 0,
                "volume_source": f"調査の件数 {count:,}件は件数として大きすぎるため使わない（手続ID {national_id}）。"
                "調査の値を確かめ、市の年間件数を記入すること",
            }
    found = _volume_from(answer, national_id)
    if found["annual_volume"] > MAX_ANNUAL_VOLUME:
        return {
            "annual_volume": 0,
            "volume_source": f"{found['volume_source']}: 年間件数の上限（{MAX_ANNUAL_VOLUME:,}件）を超えるため使わない。"
            "調査の値を確かめ、市の年間件数を記入すること",
        }
    return found


def _volume_from(answer: SurveyAnswer, national_id: str) -> dict[str, Any]:
    if answer.city_volume is not None:
        return {
            "annual_volume": answer.city_volume,
            "volume_source": f"市の手続件数（調査票の回答、手続ID {national_id}）",
        }
    total = answer.national_volume
    if total is None:
        return {
            "annual_volume": 0,
            "volume_source": f"全国の総手続件数が未回答（手続ID {national_id}）: 市の年間件数を記入すること",
        }
    population = answer.population or 0
    share = answer.city_share if answer.city_share is not None else 1.0
    estimate = total * population / NATIONAL_POPULATION * share
    volume = round(estimate)
    shared = ""
    if answer.city_share is not None:
        others = "・".join(o for o in answer.offices if o != CITY_OFFICE)
        shared = f" × 市の分担 {share:g}（{others}も受け付ける: import.shared_share）"
    source = (
        f"全国 総手続件数 {total:,}件 × 人口 {population:,}人 / {NATIONAL_POPULATION:,}人{shared} ≈ {estimate:,.1f}件"
        f"（手続ID {national_id}）"
    )
    if total == 0:
        source = f"全国の総手続件数が0件（手続ID {national_id}）: 市で扱いがあれば件数を記入すること"
    elif volume == 0:
        source += ": 0件に丸めた推計。市で扱いがあれば件数を記入すること"
    return {"annual_volume": volume, "volume_source": source}


def _life_events(answer: SurveyAnswer) -> list[str]:
    events: set[LifeEvent] = set()
    if is_business_procedure(answer):
        # An operator's or a public body's procedure: never part of a citizen's life event.
        return [LifeEvent.BUSINESS.value]
    for item in answer.events:
        events.update(_LIFE_EVENTS.get(item, ()))
    if any(item != _NO_EVENT for item in answer.business_events):
        events.add(LifeEvent.BUSINESS)
    return [event.value for event in LifeEvent if event in events]


def online_share(answer: SurveyAnswer) -> float | None:
    """Return オンライン手続件数 / 総手続件数, None when the total is blank or 0 (unknown, not 0 %)."""
    total, online = answer.national_volume, answer.national_online
    if not total or online is None:
        return None
    if online >= total:
        return 1.0  # (dividing a 400-digit count by a small one would overflow a float)
    return round(online / total, _SHARE_DIGITS)


def _online(answer: SurveyAnswer) -> dict[str, Any]:
    share = online_share(answer)
    possible = _code(answer.online_status or "") in {"1", "5"}
    online: dict[str, Any]
    if share is not None and share >= 1:
        online = {"status": "full"}
    elif share is not None and (share > 0 or possible):
        online = {"status": "partial", "share": share}
    elif possible:
        online = {"status": "partial"}  # possible somewhere, share unknown: warning online-share-missing
    else:
        online = {"status": "none"}
    identity = _IDENTITY.get(_code(answer.identity_check or ""))
    if identity is not None:
        online["identity_check"] = identity
    channels = channels_of(answer)
    if channels and online["status"] != "full":
        online["channels"] = [channel.value for channel in channels]
    return online


def _fee(answer: SurveyAnswer) -> dict[str, Any] | None:
    methods = {_PAYMENT[code] for code in map(_code, answer.payment) if code in _PAYMENT}
    if not methods:
        return None
    # The survey gives no amount: 0 stands for "not given", and the payment methods are kept.
    return {"payment": [method for method in _PAYMENT_ORDER if method in methods]}


def _attachments(answer: SurveyAnswer) -> list[dict[str, Any]]:
    out = []
    for item in answer.attachments:
        known = _ATTACHMENTS.get(item)
        if known is not None:
            out.append({"name": known[0], "source": known[1]})
    return out


def period_minutes(text: str | None) -> float | None:
    """Return a processing period such as '1月', '2週' or '30日' in minutes; a range ('１～５月') takes its end."""
    if not text:
        return None
    match = _PERIOD_RE.search(unicodedata.normalize("NFKC", text))
    if match is None:
        return None
    minutes = float(match.group(1)) * _PERIOD_DAYS[match.group(2)] * 1440.0
    return min(minutes, MAX_WAIT_MINUTES)


def skeleton_steps(answer: SurveyAnswer, online: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Return the minimal flow an import writes until the counter is surveyed (flow_source: skeleton)."""
    full = online.get("status") == "full"
    seal = _code(answer.identity_check or "") == _SEAL_CODE
    apply: dict[str, Any] = (
        {"id": "apply", "name": "オンラインで申請", "actor": "citizen", "action": "submit", "medium": "electronic"}
        if full
        else {"id": "apply", "name": "申請書を記入して窓口に提出", "actor": "citizen", "action": "submit",
              "medium": "paper", "handwritten": True, "in_person": True}
    )  # fmt: skip
    if seal and not full:
        apply["seal"] = True
    if answer.system_online and full:
        apply["system"] = answer.system_online
    receive = {"id": "receive", "name": "受付・書類の確認", "actor": "counter", "action": "receive",
               "medium": "electronic" if full else "paper"}  # fmt: skip
    check: dict[str, Any] = {"id": "check", "name": "審査・決定", "actor": "back_office", "action": "check",
                             "medium": "electronic" if full else "paper"}  # fmt: skip
    if answer.system:
        check["system"] = answer.system
    notify: dict[str, Any] = {"id": "notify", "name": "結果の通知・交付", "actor": "back_office", "action": "notify",
                              "medium": "electronic" if full else "paper"}  # fmt: skip
    period = period_minutes(answer.period_online if full and answer.period_online else answer.period)
    if period:
        # 処理期間 is the elapsed time until the result: the wait before the notification.
        notify["wait"] = duration_text(period)
    return [apply, receive, check, notify]
