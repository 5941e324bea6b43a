"""Erlang C (M/M/c): the probability of waiting, the mean wait, and the windows a target wait needs.

`load` is the offered load a = λ·s in Erlangs (arrivals a minute × mean service minutes); `windows` is c.
The probability of waiting is computed through Erlang B's recursion, B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1)),
then C = c·B / (c − a·(1 − B)): the same value as the closed form

    C(c, a) = (aᶜ/c! · c/(c − a)) / (Σₖ₌₀..c₋₁ aᵏ/k! + aᶜ/c! · c/(c − a))

without its factorials, so that 50 windows do not overflow. The mean wait is Wq = C · s / (c − a).
A load at or above the windows has no steady state: the queue grows for as long as it lasts.
"""

from __future__ import annotations

MAX_WINDOWS = 1000


def erlang_c(windows: int, load: float) -> float:
    """Return the probability that an arrival waits (1 when the load reaches the windows)."""
    if load <= 0:
        return 0.0
    if load >= windows:
        return 1.0
    blocking = 1.0
    for k in range(1, windows + 1):
        blocking = load * blocking / (k + load * blocking)
    return windows * blocking / (windows - load * (1 - blocking))


def mean_wait(windows: int, load: float, service_minutes: float) -> float | None:
    """Return the mean wait in minutes before service (Wq), or None when the load reaches the windows."""
    if load <= 0:
        return 0.0
    if load >= windows:
        return None
    return erlang_c(windows, load) * service_minutes / (windows - load)


def windows_needed(load: float, service_minutes: float, target_minutes: float) -> int:
    """Return the fewest windows whose mean wait is at most the target (0 when nobody comes)."""
    if load <= 0:
        return 0
    windows = max(1, int(load) + 1)
    while windows < MAX_WINDOWS:
        wait = mean_wait(windows, load, service_minutes)
        if wait is not None and wait <= target_minutes:
            return windows
        windows += 1
    return MAX_WINDOWS
