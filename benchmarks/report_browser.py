"""The HTML report of 10,000 procedures in headless Chromium: its size, how fast its index opens and sorts.

    .venv/bin/python benchmarks/report_browser.py             # build the 10k report, then 3 rounds in the browser
    .venv/bin/python benchmarks/report_browser.py --quick     # one round: a smoke test, not a measurement
    .venv/bin/python benchmarks/report_browser.py --report DIR   # measure a report folder already written

Goals (issue 13): the report folder under 200 MB; its index.html opens and sorts in under 2 s.

The inventory is run.py's `10k` set (10,000 procedures of exactly 12 steps in 100 files, generated once into
benchmarks/data/). `bpr report` writes it once per run into benchmarks/data/out/report-10k/, timed with its
peak memory, as run.py times its commands. Then each round starts a fresh headless Chromium (a new profile,
so nothing is cached from the round before), from the system's chromium and chromedriver (`bash scripts/dev
test` installs them) with every host name resolving to nothing, and measures:

- open: from driver.get() of index.html (file://) until the table is ready: navigation, parsing, the report's
  deferred script (which runs before DOMContentLoaded: it reads every row's keys and shows the filters), and
  the load event, polled as document.readyState == 'complete'. Wall-clock in this process, so it includes
  WebDriver's few milliseconds of round trips.
- sort: one click on the 件数 (volume) header, inside the page: from the click until aria-sort has changed
  and the next frame after it is drawn (so the layout of the re-ordered rows counts), then checked to be in
  order (untimed).

The median of the rounds is compared with the goals; everything (every sample, the navigation timings) goes
to benchmarks/results/report-browser.json. The exit code is 1 when a goal is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from run import DATA, MB, RESULTS, ROOT, bpr_command, environment, generate, measure

SIZE_GOAL_MB = 200.0
OPEN_AND_SORT_GOAL_S = 2.0
REPORT = DATA / "out" / "report-10k"
SORT_KEY = "volume"
TIMEOUT_S = 120

# Clicks a sort header and calls back with the milliseconds until aria-sort changed and the next frame is drawn.
_SORT_JS = """
const [key, done] = arguments;
const button = document.querySelector(`#procedures thead button[data-sort-key="${key}"]`);
const th = button.closest('th');
const before = th.getAttribute('aria-sort');
const start = performance.now();
button.click();
function check() {
    if (th.getAttribute('aria-sort') !== before) {
        requestAnimationFrame(() => setTimeout(() => done(performance.now() - start), 0));
    } else {
        requestAnimationFrame(check);
    }
}
check();
"""

# Reads the sorted column's data-values and the order aria-sort claims.
_ORDER_JS = """
const th = document.querySelector(`#procedures thead button[data-sort-key="${arguments[0]}"]`).closest('th');
const table = document.getElementById('procedures');
const values = [...table.tBodies].flatMap(b => [...b.rows]).map(r => Number(r.cells[th.cellIndex].dataset.value));
return {sort: th.getAttribute('aria-sort'), values};
"""

_NAVIGATION_JS = """
const nav = performance.getEntriesByType('navigation')[0];
const paint = performance.getEntriesByType('paint').find(p => p.name === 'first-contentful-paint');
return {
    response_end_ms: nav.responseEnd, dom_interactive_ms: nav.domInteractive,
    dom_content_loaded_ms: nav.domContentLoadedEventEnd, load_ms: nav.loadEventEnd,
    first_contentful_paint_ms: paint ? paint.startTime : null,
    rows: document.querySelectorAll('#procedures tbody tr').length,
};
"""


def build(inventory: Path, out: Path) -> dict[str, Any]:
    """Write the report of the inventory (timed, with its peak memory); return the sample."""
    shutil.rmtree(out, ignore_errors=True)
    print(f"bpr report {inventory.relative_to(ROOT)} -o {out.relative_to(ROOT)} ...", flush=True)
    sample = measure([*bpr_command(), "report", str(inventory), "-o", str(out)], {"BPR_NO_CACHE": "1"})
    if sample.exit_code != 0:
        raise SystemExit(f"bpr report exited {sample.exit_code}")
    return {"seconds": round(sample.seconds, 2), "peak_mib": round(sample.peak_bytes / MB, 1)}


def folder_size(folder: Path) -> dict[str, Any]:
    """Return the report folder's size (bytes, and blocks on this disk), its files, and index.html's size."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    stats = [p.stat() for p in files]
    return {
        "bytes": sum(s.st_size for s in stats),
        "disk_bytes": sum(s.st_blocks * 512 for s in stats),  # what the files take on a disk of 4 KiB blocks
        "files": len(files),
        "index_bytes": (folder / "index.html").stat().st_size,
    }


def start_chromium(profile: Path) -> Any:
    """Start the system's headless Chromium through the system's chromedriver (the tests' settings)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, chromedriver = shutil.which("chromium"), shutil.which("chromedriver")
    if chromium is None or chromedriver is None:
        raise SystemExit("the browser benchmark needs chromium and chromedriver (bash scripts/dev test installs them)")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--disable-gpu", "--window-size=1366,900", f"--user-data-dir={profile}",
                     "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
                     "--disable-component-update", "--host-resolver-rules=MAP * ~NOTFOUND"):  # fmt: skip
        options.add_argument(argument)
    if getattr(os, "geteuid", lambda: -1)() == 0:  # Chromium refuses to start its sandbox as root
        options.add_argument("--no-sandbox")
    driver = webdriver.Chrome(options=options, service=Service(executable_path=chromedriver))
    driver.set_page_load_timeout(TIMEOUT_S)
    driver.set_script_timeout(TIMEOUT_S)
    return driver


def ready(driver: Any) -> bool:
    """Tell whether the index's table is ready: the document complete, so its deferred script has run."""
    return bool(
        driver.execute_script(
            "return document.readyState === 'complete' && document.getElementById('procedures') !== null;"
        )
    )


def one_round(index: Path) -> dict[str, Any]:
    """Open the index in a fresh browser, wait until the table is ready, sort it once; return the timings."""
    from selenium.webdriver.support.wait import WebDriverWait

    with tempfile.TemporaryDirectory(prefix="bpr-bench-profile-") as profile:
        driver = start_chromium(Path(profile))
        try:
            driver.get("about:blank")  # the browser is up before the clock starts
            start = time.perf_counter()
            driver.get(index.as_uri())
            WebDriverWait(driver, TIMEOUT_S, poll_frequency=0.005).until(ready)
            open_s = time.perf_counter() - start
            navigation = driver.execute_script(_NAVIGATION_JS)
            sort_s = driver.execute_async_script(_SORT_JS, SORT_KEY) / 1000
            order = driver.execute_script(_ORDER_JS, SORT_KEY)
        finally:
            driver.quit()
    values, claimed = order["values"], order["sort"]
    if claimed not in ("ascending", "descending") or values != sorted(values, reverse=claimed == "descending"):
        raise SystemExit(f"after the click the rows are not in the order aria-sort says ({claimed!r})")
    return {"open_s": open_s, "sort_s": sort_s, "open_and_sort_s": open_s + sort_s, **navigation}


def main(argv: list[str] | None = None) -> int:
    """Build the 10k report, measure it in the browser, print the table; return 1 when a goal is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="rounds in the browser (default 3)")
    parser.add_argument("--quick", action="store_true", help="one round instead of three (no medians)")
    parser.add_argument("--report", type=Path, metavar="DIR", help="measure this report folder; build nothing")
    args = parser.parse_args(argv)
    rounds = 1 if args.quick else args.rounds
    started = environment()
    if args.report is None:
        folder = REPORT
        built: dict[str, Any] | None = build(generate("10k"), folder)
    else:
        folder, built = args.report.resolve(), None
    size = folder_size(folder)
    samples = []
    for number in range(1, rounds + 1):
        sample = one_round(folder / "index.html")
        samples.append(sample)
        print(f"  round {number}/{rounds}  open {sample['open_s']:6.2f} s  sort {sample['sort_s']:6.2f} s  "
              f"({sample['rows']} rows)", flush=True)  # fmt: skip
    medians = {key: statistics.median(s[key] for s in samples) for key in ("open_s", "sort_s", "open_and_sort_s")}
    size_mb = size["bytes"] / 1e6
    rows = [
        ("report folder (MB)", f"{size_mb:.1f}", f"< {SIZE_GOAL_MB:g}", size_mb < SIZE_GOAL_MB),
        ("report folder on this disk (MB, whole blocks)", f"{size['disk_bytes'] / 1e6:.1f}", "", None),
        ("index.html (MB)", f"{size['index_bytes'] / 1e6:.1f}", "", None),
        ("files in the folder", str(size["files"]), "", None),
        ("open index.html until the table is ready (s)", f"{medians['open_s']:.2f}", "", None),
        (f"sort by {SORT_KEY}: click until re-ordered and drawn (s)", f"{medians['sort_s']:.2f}", "", None),
        ("open + sort (s)", f"{medians['open_and_sort_s']:.2f}", f"< {OPEN_AND_SORT_GOAL_S:g}",
         medians["open_and_sort_s"] < OPEN_AND_SORT_GOAL_S),
    ]  # fmt: skip
    if built is not None:
        rows.insert(0, ("bpr report 10k (s, one run)", f"{built['seconds']:.1f}", "", None))
        rows.insert(1, ("bpr report 10k peak memory (MiB)", f"{built['peak_mib']:.0f}", "", None))
    print(f"\n{'measure':<58} {'median' if rounds > 1 else 'value':>8} {'goal':>8}  verdict")
    for name, value, goal, passed in rows:
        verdict = "" if passed is None else "PASS" if passed else "FAIL"
        print(f"{name:<58} {value:>8} {goal:>8}  {verdict}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    result = {
        "rounds": rounds, "report": str(folder), "build": built, "size": size, "medians": medians,
        "goals": {"size_mb": SIZE_GOAL_MB, "open_and_sort_s": OPEN_AND_SORT_GOAL_S},
        "samples": samples, "started": started, "finished": environment(),
    }  # fmt: skip
    target = RESULTS / "report-browser.json"
    target.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(
        f"wrote {target.relative_to(ROOT)}; load average at start {started['load_average']}, at end {os.getloadavg()}"
    )
    return 0 if all(passed is not False for *_, passed in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
