"""openpyxl's private API in one place: the few internals bpr's workbooks need and no public call gives.

Tested against openpyxl 3.1.3, the floor (constraints-min.txt: `python scripts/dev.py min-deps` writes
the sample's workbooks and 調査票 with it), and 3.1.5, the lock (constraints.txt: the test suite).
openpyxl promises none of this from one release to the next. On raising either version, run
tests/test_workbook_golden.py and tests/test_sheet_rows.py, which compare what bpr writes with dumps of
workbooks written by openpyxl's own cells, and min-deps. tests/test_openpyxl_adapter.py fails when
another module of bpr uses a private name of openpyxl (benchmarks/workbook_dump.py, which reads
workbooks for those tests, keeps its own reads of openpyxl's model: it checks bpr, so it does not go
through bpr).

What each private use is, and why:

- ``openpyxl.writer.excel.ExcelWriter`` (:func:`write_xlsx`). ``Workbook.save`` sets the document's
  modified time to now and makes its own ``zipfile.ZipFile``; ExcelWriter writes the same parts into an
  archive bpr gives it, a :class:`StampedZip` whose entries all carry the document's time, so that the
  same inventory gives the same bytes. StampedZip counts on ExcelWriter adding parts with ``writestr``
  and a write-only sheet's file with ``write``.
- ``WriteOnlyWorksheet._writer.out`` (:func:`sheet_file`): the temporary file a write-only sheet is
  written to. bpr writes the table sheets' rows itself, into the empty ``<sheetData>`` of that file once
  openpyxl has written the sheet's frame (sheet_rows.py): a fraction of the time of openpyxl's cells.
- ``WriteOnlyWorksheet._get_writer()`` and ``._hyperlinks`` (:func:`add_links`): the rows bpr writes
  have no cells to hold a link, so their links go into the list openpyxl writes with the frame (the
  ``<hyperlinks>`` element and its relationships). Making the writer empties that list: it is made first.
- ``WriteOnlyWorksheet._comments`` (:func:`add_comments`): likewise for comments (優先順位's full reasons):
  openpyxl collects a write-only sheet's comments from the cells it writes, into this list, and writes
  the sheet's ``<legacyDrawing>`` with the frame when the list is not empty, then the comments' part
  and their VML shapes with the workbook. Making the writer empties the list: it is made first.
- ``zipfile.ZipFile`` internals (:meth:`StampedZip.write`): a sheet another process compressed already
  (:func:`deflate_file`) goes into the archive as it is, through the steps ``ZipFile.open(…, "w")`` takes
  (``_writecheck``, ``start_dir``, ``filelist``, ``NameToInfo``) with the header it writes last, so that
  the archive is the same bytes as when this process compresses the sheet. tests/test_openpyxl_adapter.py
  compares the two.
- ``StyleableObject._style`` (:func:`style_array`): a cell's array of indices into the workbook's font,
  fill, border … tables. A format is set once on a template cell and its array copied to every cell in
  that format (``Cell(style_array=…)`` is public), instead of each cell hashing its style objects again.
- ``Workbook._cell_styles`` (:func:`style_index`): the workbook's list of style arrays; an array's place
  in it is a cell's ``s`` attribute in the XML, which bpr writes itself for the rows it writes.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

COPY_CHUNK = 1 << 20  # bytes read at a time from a sheet's file: what ZipFile.write compresses at once


class Deflated(NamedTuple):
    """A file compressed ahead of the archive (`deflate_file`): where the compressed bytes are, and what a zip entry says of them."""

    path: str
    crc: int
    size: int
    compressed: int


def deflate_file(source: str, target: str) -> Deflated:
    """Compress a file into `target` as ZipFile would into a deflated entry (same level, same bytes), and describe it."""
    # ZipFile's compressor for ZIP_DEFLATED at its default level; deflate's output does not depend on how
    # its input is cut, so these are the bytes StampedZip.write would have written.
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    crc = size = compressed = 0
    with open(source, "rb") as reading, open(target, "wb") as writing:
        while chunk := reading.read(COPY_CHUNK):
            crc = zlib.crc32(chunk, crc)
            size += len(chunk)
            data = compressor.compress(chunk)
            compressed += len(data)
            writing.write(data)
        data = compressor.flush()
        compressed += len(data)
        writing.write(data)
    return Deflated(target, crc, size, compressed)


def write_xlsx(workbook: Any, path: Path, stamp: dt.datetime, deflated: Mapping[str, Deflated] | None = None) -> None:
    """Write a workbook to `path` as an xlsx archive whose every entry carries `stamp`, never the clock.

    `deflated` gives, by a sheet's file (`sheet_file`), that file compressed already (on another core).
    """
    from openpyxl.writer.excel import ExcelWriter

    with StampedZip(path, stamp, deflated) as archive:
        ExcelWriter(workbook, archive).save()


class StampedZip(zipfile.ZipFile):
    """A zip archive whose every entry carries one fixed timestamp, so equal workbooks are equal bytes."""

    def __init__(self, path: Path, stamp: dt.datetime, deflated: Mapping[str, Deflated] | None = None) -> None:
        super().__init__(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self._stamp = stamp.timetuple()[:6]
        self._deflated = dict(deflated or {})

    def _info(self, name: str, size: int = 0) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=self._stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.create_system = 0
        info.external_attr = 0
        info.file_size = size
        return info

    def writestr(self, zinfo_or_arcname: Any, data: Any, compress_type: Any = None, compresslevel: Any = None) -> None:
        """Add an entry from memory, stamped."""
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = self._info(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    # ZipFile.write's signature; every entry is stamped and compressed alike, whatever the caller asks.
    def write(
        self,
        filename: Any,
        arcname: Any = None,
        compress_type: Any = None,  # noqa: ARG002
        compresslevel: Any = None,  # noqa: ARG002
    ) -> None:
        """Add an entry from a file (openpyxl's streamed sheets), stamped, without reading it all into memory."""
        name = arcname if arcname is not None else os.fspath(filename)
        ready = self._deflated.pop(os.fspath(filename), None)
        # The internals it takes (see the top) as zipfile has them; else this process compresses, as before.
        if ready is not None and getattr(self, "_seekable", False) and hasattr(self, "_writecheck"):
            self._write_deflated(name, ready)
            return
        info = self._info(name, os.path.getsize(filename))
        with open(filename, "rb") as source, self.open(info, "w") as target:
            shutil.copyfileobj(source, target, COPY_CHUNK)

    def _write_deflated(self, name: str, ready: Deflated) -> None:
        """Add an entry whose data is compressed already, as `open(info, "w")` and its close would write it."""
        info = self._info(name, ready.size)
        info.flag_bits = 0  # the archive is a file, which can be seeked: no data descriptor
        info.external_attr = 0o600 << 16  # what ZipFile.open gives an entry without attributes
        info.CRC = ready.crc
        info.compress_size = ready.compressed
        zip64 = info.file_size * 1.05 > zipfile.ZIP64_LIMIT  # ZipFile's rule, from the size known ahead
        if not zip64 and max(ready.size, ready.compressed) > zipfile.ZIP64_LIMIT:
            raise zipfile.LargeZipFile("File size too large, try using force_zip64")  # as ZipFile's close raises
        archive: Any = self  # zipfile's private attributes, which its stubs do not declare
        out = archive.fp
        out.seek(self.start_dir)
        info.header_offset = out.tell()
        archive._writecheck(info)
        archive._didModify = True
        out.write(info.FileHeader(zip64))
        with open(ready.path, "rb") as source:
            shutil.copyfileobj(source, out, COPY_CHUNK)
        self.start_dir = out.tell()
        self.filelist.append(info)
        self.NameToInfo[info.filename] = info


def sheet_file(sheet: Any) -> str:
    """Return the file a closed write-only sheet was written to, which ExcelWriter puts into the archive."""
    return str(sheet._writer.out)


def add_links(sheet: Any, links: Iterable[tuple[str, str]]) -> None:
    """Give a write-only sheet, before it is closed, links by cell reference (``C5``, target): written with its frame."""
    from openpyxl.worksheet.hyperlink import Hyperlink

    sheet._get_writer()  # made now, since making it empties the sheet's list of links
    sheet._hyperlinks.extend(Hyperlink(ref=ref, target=target) for ref, target in links)


def add_comments(sheet: Any, comments: Iterable[tuple[str, str]], author: str = "bpr") -> None:
    """Give a write-only sheet, before it is closed, comments by cell reference (``O5``, text), each box sized to its text."""
    from openpyxl.comments.comment_sheet import CommentRecord

    sheet._get_writer()  # made now, since making it empties the sheet's list of comments
    for ref, text in comments:
        record = CommentRecord(ref=ref, author=author)
        record.text.t = text
        lines = text.split("\n")
        # Pixels: about 13 a full-width character at the comment's 9 pt, 16 a line.
        record.width = min(640, max(160, 13 * max(len(line) for line in lines) + 16))
        record.height = min(480, 16 * sum(1 + 13 * len(line) // 624 for line in lines) + 16)
        sheet._comments.append(record)


def style_array(cell: Any) -> Any:
    """Return a cell's style array: its indices into the workbook's number format, font, fill, border … tables."""
    return cell._style


def style_index(workbook: Any, array: Any) -> int:
    """Return a style array's index among the workbook's cell styles (a cell's ``s``), adding it on first use."""
    return int(workbook._cell_styles.add(array))
