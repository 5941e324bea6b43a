"""Which part of a procedure's main path a slide shows: below the slide and its notes, which both read it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SlidePart:
    """One slide of a procedure: the steps of its main path from `start` to `stop`, `per_row` a row."""

    number: int  # 1-based
    count: int  # slides the procedure takes
    start: int  # index in the main path of the first step on this slide
    stop: int  # index after the last
    per_row: int
    steps: int  # steps on the whole main path

    def number_of(self, index: int) -> int:
        """Return the number of the slide that shows the main path's step at `index`."""
        return next(
            number for number, (start, stop) in enumerate(part_bounds(self.steps, self.count), 1) if index < stop
        )

    def rows(self) -> list[range]:
        """Return the main-path indices of each row, in order."""
        return [range(i, min(i + self.per_row, self.stop)) for i in range(self.start, self.stop, self.per_row)]


def part_bounds(steps: int, count: int) -> list[tuple[int, int]]:
    """Return the main-path indices (start, stop) of `count` consecutive parts whose lengths differ by one at most."""
    size, extra = divmod(steps, count)
    bounds, start = [], 0
    for number in range(count):
        stop = start + size + (1 if number < extra else 0)
        bounds.append((start, stop))
        start = stop
    return bounds
