"""`bpr score --format jsonl`: each procedure scored as its file is read, written back as one JSON line, in rank order.

A rank needs every procedure, and a national run has millions: the records cannot wait in memory. Each is
scored as soon as its file is loaded, encoded once (the same bytes as in `--format json`), and appended to a
temporary file; memory keeps only its sort key and where its line lies. When every file has been read, the keys
are sorted and the lines read back in that order, each given its rank. The temporary file is unlinked from
the start (`tempfile.TemporaryFile`): a run that is killed leaves nothing behind.
"""

from __future__ import annotations

import tempfile
from array import array
from collections.abc import Iterator

from bpr.analysis.ranking import rank_key, score_procedure
from bpr.config import Config
from bpr.export.jsonout import EMPTY_LIST_CLOSE, LIST_BETWEEN, LIST_CLOSE, LIST_OPEN, procedure_line
from bpr.inventory.records import LoadedFile

# The rank an unranked record carries (ScoredProcedure.rank's default), as json writes it.
_UNRANKED = b'"rank": 0,'
# The lines go out in blocks of about this many bytes.
_BLOCK_BYTES = 1024 * 1024


class RankedLines:
    """Procedure lines spooled to a temporary file as they are scored, given back in rank order with their rank."""

    def __init__(self, config: Config) -> None:
        self._scoring = config.scoring
        self.config_source = config.source
        self._standardization = config.standardization
        self._spool = tempfile.TemporaryFile()  # noqa: SIM115 (open for the run's whole life, closed by `close`)
        # Each line's sort key (rank_key) and place in the spool, column by column in flat arrays: a tuple a line
        # would cost ten times the memory, and scattered among each batch's short-lived models, keep it from
        # being given back.
        self._unrecommended = bytearray()
        self._priority = array("d")
        self._volume = array("q")
        self._ids: list[str] = []
        self._offsets = array("q")
        self._lengths = array("q")
        self._size = 0
        self.surveyed_on: str | None = None  # the latest 調査日 of the counters added, as the analysis takes it

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, loaded: LoadedFile) -> None:
        """Score every valid procedure of a loaded file that the city handles, and spool its line."""
        counter = loaded.counter
        if counter is None:
            return
        if counter.surveyed_on is not None:
            surveyed = str(counter.surveyed_on)
            self.surveyed_on = max(surveyed, self.surveyed_on or surveyed)
        fte, cost = self._scoring.hours_per_fte, self._scoring.staff_cost_per_hour
        for _, procedure in loaded.procedures:
            if not procedure.handled:
                continue
            item = score_procedure(counter, procedure, loaded.path, self._scoring, self._standardization)
            line = procedure_line(item, fte, cost).encode("utf-8")
            unrecommended, priority, volume, procedure_id = rank_key(item)
            self._unrecommended.append(unrecommended)
            self._priority.append(priority)
            self._volume.append(volume)
            self._ids.append(procedure_id)
            self._offsets.append(self._size)
            self._lengths.append(len(line))
            self._spool.write(line)
            self._size += len(line)

    def blocks(self, first: bytes = b"", between: bytes = b"\n", last: bytes = b"\n") -> Iterator[bytes]:
        """Yield the lines in rank order (rank 1 first), each with its rank, in blocks; nothing when there is none.

        `first` goes before the first line, `between` between two lines and `last` after the last: JSON lines
        by default; `--format json` joins the same lines into its list (`json_blocks`).
        """
        if not self._ids:
            return
        self._spool.flush()
        unrecommended, priority, volume, ids = self._unrecommended, self._priority, self._volume, self._ids
        # rank_key, then the order read: as rank_procedures's stable sort.
        order = sorted(range(len(ids)), key=lambda i: (unrecommended[i], priority[i], volume[i], ids[i]))
        spool = self._spool
        block: list[bytes] = []
        size = 0
        for rank, index in enumerate(order, start=1):
            # Read, not mapped: a map's pages of a spool of gigabytes would count as this process's memory.
            spool.seek(self._offsets[index])
            line = spool.read(self._lengths[index])
            block.append(line.replace(_UNRANKED, b'"rank": %d,' % rank, 1))
            size += len(line)
            if size >= _BLOCK_BYTES:
                yield (first if rank == len(block) else between) + between.join(block)
                block, size = [], 0
        yield ((first if len(block) == len(order) else between) + between.join(block) if block else b"") + last

    def json_blocks(self, head: str) -> Iterator[bytes]:
        """Yield `bpr score --format json`'s document: head, then the lines in rank order as its list (`score_json`)."""
        yield head.encode("utf-8", errors="replace")
        if not self._ids:
            yield EMPTY_LIST_CLOSE.encode()
            return
        yield from self.blocks(first=LIST_OPEN.encode(), between=LIST_BETWEEN.encode(), last=LIST_CLOSE.encode())

    def close(self) -> None:
        """Drop the spool (its file is gone with it)."""
        self._ids = []
        self._spool.close()
