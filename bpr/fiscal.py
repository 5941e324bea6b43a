"""The fiscal years bpr accepts anywhere: the config, `--start-fy`, and plans in the inventory."""

import datetime
from dataclasses import dataclass

from bpr.i18n import current_language

MIN_FY = 1989  # 平成元年度
MAX_FY = 2200


def fiscal_year_of(day: datetime.date) -> int:
    """Return the Japanese fiscal year of a date: April to March, named by the year it starts in."""
    return day.year if day.month >= 4 else day.year - 1


def current_fiscal_year() -> int:
    """Return today's fiscal year (by the local clock)."""
    return fiscal_year_of(datetime.date.today())


REIWA_START = 2019  # 令和元年 began on 1 May 2019 (平成 before it)


def reiwa(fy: int) -> str:
    """Return the Japanese era label of a fiscal year (2022 → 令和4年度, 2019 → 令和元年度).

    The first year of an era is 元年, as official documents write it; FY2019 is 令和元年度 although its
    April was still 平成31年.
    """
    year, era = (fy - 2018, "令和") if fy >= REIWA_START else (fy - 1988, "平成")
    return f"{era}{'元' if year == 1 else year}年度"


def japanese_date(day: datetime.date) -> str:
    """Return a date in 和暦: 令和8年12月1日 (平成 before May 2019)."""
    if day >= datetime.date(REIWA_START, 5, 1):
        year, era = day.year - REIWA_START + 1, "令和"
    else:
        year, era = day.year - 1988, "平成"
    return f"{era}{'元' if year == 1 else year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class FiscalYear:
    """A fiscal year said in a language: 令和4年度 in Japanese, FY2022 in English."""

    year: int

    def say(self, language: str | None = None) -> str:
        """Return the year's name in a language, or in the run's language when None."""
        return reiwa(self.year) if (language or current_language()) == "ja" else f"FY{self.year}"


def fiscal_year(fy: int) -> str:
    """Return a fiscal year as the run says it: 令和7年度 in Japanese, FY2025 in English.

    The Japanese era is a calendar, not a word that translates, so the label is chosen, not looked up.
    """
    return FiscalYear(fy).say()
