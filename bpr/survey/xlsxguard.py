"""A check of an XLSX archive before openpyxl unpacks it: small files must not exhaust memory or time.

An XLSX is a zip archive. A 1.5 MB file can declare a 1.5 GB shared string, and 855 KB can hold 20 million
tiny ones (issue 24, item 5). zipfile never unpacks more than an entry declares, so the declared sizes
bound what reading can cost: their sum, and the number of entries, are checked here, before anything is
unpacked. A sheet that claims a used range of A1:XFD1048576 in a few bytes is the readers' part: they
iterate the rows the sheet holds, not the range it claims.
"""

from __future__ import annotations

import io
import zipfile

from bpr.i18n import _

# The national survey as XLSX unpacks to some tens of MiB; a 調査票 of a thousand procedures to a few.
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
MAX_ENTRIES = 10_000


class ArchiveTooLarge(ValueError):
    """An XLSX whose content would take too much memory to unpack; the message says why."""


def check_archive(raw: bytes) -> None:
    """Raise ArchiveTooLarge when the archive declares more than MAX_UNPACKED_BYTES or MAX_ENTRIES.

    A file that is no zip archive passes: openpyxl says so in its own words.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return
    if len(entries) > MAX_ENTRIES:
        raise ArchiveTooLarge(
            _("holds {count:,} parts, more than {limit:,}: not an Excel workbook bpr reads").format(
                count=len(entries), limit=MAX_ENTRIES
            )
        )
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > MAX_UNPACKED_BYTES:
        raise ArchiveTooLarge(
            _(
                "would unpack to {size:,} MiB, more than {limit:,} MiB (a few MiB of cells at most are expected):"
                " not read"
            ).format(size=unpacked // (1024 * 1024), limit=MAX_UNPACKED_BYTES // (1024 * 1024))
        )
