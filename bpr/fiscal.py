"""The fiscal years bpr accepts anywhere: the config, `--start-fy`, and plans in the inventory."""

import datetime

MIN_FY = 1989  # 平成元年度
MAX_FY = 2200


def fiscal_year_of(day: datetime.date) -> int:
    """Return the Japanese fiscal year of a date: April to March, named by the year it starts in."""
    return day.year if day.month >= 4 else day.year - 1


def current_fiscal_year() -> int:
    """Return today's fiscal year (by the local clock)."""
    return fiscal_year_of(datetime.date.today())
