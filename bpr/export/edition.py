"""作成日・版: when a document was made and from what, said alike by every output a chief reads.

作成日 is the date of SOURCE_DATE_EPOCH when it is set (the reproducible-builds convention: a rebuild
with the same value gives the same bytes), else today's. 版 names what the figures come from: bpr's
version, the scoring model's (the `"model"` of the JSON outputs) and the inventory date. One line says
both: 作成日 2023-11-14　版 bpr 0.1.0・算定モデル 3・棚卸日 2022-08-10 (tests/test_edition.py).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass

from bpr import __version__
from bpr.i18n import _

__all__ = ["Edition", "created_on", "edition"]

MODEL_VERSION = 3  # the scoring model the figures come from (docs/scoring.md), as every output names it
UNKNOWN_DATE = "不明"  # an inventory without surveyed_on, as 棚卸日 says it elsewhere


@dataclass(frozen=True)
class Edition:
    """The date a document was made and the versions it was made with."""

    created: dt.date
    bpr_version: str
    model_version: int
    surveyed_on: str | None  # the inventory date (the latest counter's), ISO

    @property
    def created_label(self) -> str:
        """Return 作成日's value: 2023-11-14."""
        return self.created.isoformat()

    @property
    def version_label(self) -> str:
        """Return 版's value: bpr 0.1.0・算定モデル 3・棚卸日 2022-08-10."""
        surveyed = self.surveyed_on or UNKNOWN_DATE
        return f"bpr {self.bpr_version}・算定モデル {self.model_version}・棚卸日 {surveyed}"

    def pairs(self) -> tuple[tuple[str, str], tuple[str, str]]:
        """Return (label, value) of 作成日 and of 版, for an output that sets them in cells of their own."""
        return ("作成日", self.created_label), ("版", self.version_label)

    @property
    def text(self) -> str:
        """Return both on one line: 作成日 2023-11-14　版 bpr 0.1.0・算定モデル 3・棚卸日 2022-08-10."""
        return "　".join(f"{label} {value}" for label, value in self.pairs())


def edition(
    surveyed_on: str | None, environ: Mapping[str, str] | None = None, *, today: dt.date | None = None
) -> Edition:
    """Return the edition of a document made now from an inventory surveyed on `surveyed_on`."""
    return Edition(
        created=created_on(environ, today=today),
        bpr_version=__version__,
        model_version=MODEL_VERSION,
        surveyed_on=surveyed_on,
    )


def created_on(environ: Mapping[str, str] | None = None, *, today: dt.date | None = None) -> dt.date:
    """Return 作成日: SOURCE_DATE_EPOCH's date in UTC when set, else `today` (the local date when None).

    Raises ValueError when SOURCE_DATE_EPOCH is set to anything but a whole number of seconds.
    """
    env = os.environ if environ is None else environ
    epoch = env.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return dt.date.today() if today is None else today
    try:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    except (ValueError, OverflowError, OSError):
        raise ValueError(
            _("SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, not {value}").format(value=repr(epoch))
        ) from None
