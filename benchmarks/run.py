"""Run every benchmark of issue 6, several times each, and print medians, ratios to their floors and targets.

    .venv/bin/python benchmarks/run.py            # 10,000 procedures, 3 rounds (about 16 minutes on 2 cores)
    .venv/bin/python benchmarks/run.py --quick    # one round: a smoke test, not a measurement
    .venv/bin/python benchmarks/run.py --full     # also 100,000 procedures (1,000 files), once (about 8 minutes more)

Every command runs as a subprocess and is timed wall-clock, with the peak resident memory of its
largest process (os.wait4). The rounds interleave the floors and the benchmarks, so that a burst of
load from elsewhere hits both, and each ratio divides two medians of the same run. The inventories are
generated once into benchmarks/data/ (seeded, so the same bytes every time); the cache the warm runs
use lives there too, never in your own ~/.cache. Results go to benchmarks/results/latest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
RESULTS = HERE / "results"
CACHE_HOME = DATA / "cache-home"
MB = 1024 * 1024

SETS = {  # name: generator arguments
    "small": ["--procedures", "10", "--files", "1"],
    "10k": ["--procedures", "10000", "--steps", "12", "--steps-exact"],
    "diagram-2k": ["--procedures", "2000"],
    "100k": ["--procedures", "100000", "--steps", "12", "--steps-exact"],
    # One file of about 300 MB (2.1 KB a procedure): validate checks it a procedure at a time.
    "300mb": ["--procedures", "140000", "--files", "1", "--steps", "12", "--steps-exact"],
}


@dataclass
class Sample:
    """One timed run of a command."""

    seconds: float
    peak_bytes: int
    exit_code: int


@dataclass
class Bench:
    """A command measured several times, and what it is compared with."""

    name: str
    command: list[str]
    env: dict[str, str] = field(default_factory=dict)
    floor: str | None = None  # the name of the bench that is this one's floor
    target: float | None = None  # the highest ratio to the floor that passes
    memory_limit_mb: float | None = None
    seconds_limit: float | None = None  # an absolute goal, for commands with no floor
    ok_codes: tuple[int, ...] = (0,)
    before: Callable[[], None] | None = None  # run before each sample, untimed
    rounds: int | None = None  # fewer rounds than the others (the 100,000 runs)
    warm_up: bool = False  # run once unmeasured first (quick commands, whose bytecode must be compiled)
    samples: list[Sample] = field(default_factory=list)

    @property
    def median(self) -> float:
        """Return the median wall time in seconds."""
        return statistics.median(s.seconds for s in self.samples)

    @property
    def peak_mb(self) -> float:
        """Return the highest peak resident memory of any sample, in MiB."""
        return max(s.peak_bytes for s in self.samples) / MB


def base_environment() -> dict[str, str]:
    """Return the environment of every measured command: compiled bytecode kept, as an installed package has it."""
    # An editable install under PYTHONDONTWRITEBYTECODE=1 would compile bpr's sources on every start, which
    # no installed bpr does; the bytecode goes to benchmarks/data/pycache, for the floors and bpr alike.
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPYCACHEPREFIX": str(DATA / "pycache"), "XDG_CACHE_HOME": str(CACHE_HOME)}


def measure(command: Sequence[str], env: dict[str, str]) -> Sample:
    """Run a command with its output discarded; return its wall time, peak memory and exit code."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**base_environment(), **env}, cwd=ROOT
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return Sample(seconds, usage.ru_maxrss * 1024, process.returncode)


def generate(name: str) -> Path:
    """Generate an inventory set unless the same arguments generated it already; return its folder."""
    folder = DATA / name
    stamp = folder / ".generated-with"
    arguments = SETS[name]
    if stamp.exists() and stamp.read_text() == " ".join(arguments):
        return folder
    print(f"generating {name} ({' '.join(arguments)}) ...", flush=True)
    subprocess.run([sys.executable, str(HERE / "generate.py"), str(folder), *arguments], check=True, cwd=ROOT)
    stamp.write_text(" ".join(arguments))
    return folder


def bpr_command() -> list[str]:
    """Return how to run bpr: the console script beside this Python, else `python -m bpr`."""
    script = Path(sys.executable).with_name("bpr")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bpr"]


def floor_pyyaml(folder: Path) -> list[str]:
    """Return the loading floor: PyYAML's CSafeLoader over the same files in one process."""
    code = (
        "import sys, yaml\nfrom pathlib import Path\n"
        "for p in sorted(Path(sys.argv[1]).rglob('*.yaml')):\n"
        "    yaml.load(p.read_bytes(), Loader=yaml.CSafeLoader)\n"
    )
    return [sys.executable, "-c", code, str(folder)]


def _run_quietly(command: Sequence[str]) -> None:
    """Run a command untimed, as the benchmarks run (output thrown away), to put the cache in the state a bench wants."""
    subprocess.run(command, env=base_environment(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)


def clear_cache() -> None:
    """Empty the benchmark's own cache folder."""
    shutil.rmtree(CACHE_HOME, ignore_errors=True)


def dot_files(bpr: list[str], inventory: Path) -> list[Path]:
    """Write the DOT files of an inventory (untimed) and return them, for the rendering floor."""
    out = DATA / "diagram-dot"
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run([*bpr, "diagram", str(inventory), "-o", str(out), "--format", "dot"], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL, env=base_environment())  # fmt: skip
    return sorted(out.rglob("*.dot"))


def remove_rendered() -> None:
    """Remove the SVG files the rendering floor wrote, so that every round writes them anew."""
    for path in (DATA / "diagram-dot").rglob("*.svg"):
        path.unlink()


REPORT_DOT = DATA / "report-dot"


def report_floor(bpr: list[str], inventory: Path, procedures: int) -> Bench:
    """Return the report's floor: `dot -Tsvg -O` over the DOT files of the swimlanes `bpr report` draws.

    `bpr diagram --format dot` writes the same swimlanes (top to bottom, no link back) and the counters'
    overviews (counter-<id>.dot), which the report does not draw and are removed. The files are written
    (untimed) before the first sample only, so that `--only validate` does not pay for them.
    """
    written = False

    def before() -> None:
        nonlocal written
        if not written:
            shutil.rmtree(REPORT_DOT, ignore_errors=True)
            subprocess.run([*bpr, "diagram", str(inventory), "-o", str(REPORT_DOT), "--format", "dot"], check=True,
                           cwd=ROOT, stdout=subprocess.DEVNULL, env=base_environment())  # fmt: skip
            for path in REPORT_DOT.glob("counter-*.dot"):
                path.unlink()
            found = len(list(REPORT_DOT.glob("*.dot")))
            if found != procedures:
                raise SystemExit(f"expected {procedures} swimlanes in {REPORT_DOT}, found {found}")
            written = True
        for path in REPORT_DOT.glob("*.svg"):
            path.unlink()

    command = ["sh", "-c", 'exec dot -Tsvg -O "$0"/*.dot', str(REPORT_DOT)]  # 10,000 names: the shell expands them
    return Bench(f"floor: dot -Tsvg -O, {procedures} report DOT files", command, before=before, rounds=1)


def clear_renders() -> None:
    """Empty the render cache (bpr/export/diagram/cache.py) of the benchmark's cache folder: every diagram is drawn."""
    shutil.rmtree(CACHE_HOME / "bpr" / "renders", ignore_errors=True)


def plan(args: argparse.Namespace) -> list[Bench]:
    """Return the benchmarks to run, floors first."""
    bpr = bpr_command()
    inv = generate("10k")
    small = generate("small")
    out = DATA / "out"
    out.mkdir(parents=True, exist_ok=True)
    cold = {"BPR_NO_CACHE": "1"}
    benches = [
        Bench("floor: PyYAML CSafeLoader, 10k", floor_pyyaml(inv)),
        Bench("validate 10k cold (no cache)", [*bpr, "validate", str(inv)], cold, "floor: PyYAML CSafeLoader, 10k", 0.5),
        Bench("validate 10k cold, 1 process", [*bpr, "validate", str(inv)], {**cold, "BPR_WORKERS": "1"},
              "floor: PyYAML CSafeLoader, 10k"),
        Bench("validate 10k, filling the cache", [*bpr, "validate", str(inv)], {}, "floor: PyYAML CSafeLoader, 10k",
              before=clear_cache),
        Bench("validate 10k warm (cache)", [*bpr, "validate", str(inv)], {}, "floor: PyYAML CSafeLoader, 10k", 0.1),
        Bench("floor: import typer, pydantic, ruamel.yaml", [sys.executable, "-c", "import typer, pydantic, ruamel.yaml"],
              warm_up=True),
        Bench("bpr --help", [*bpr, "--help"], {}, "floor: import typer, pydantic, ruamel.yaml", warm_up=True),
        # Its cache entry is made again before each sample: "filling the cache" empties the whole cache every round,
        # which made this a cold run in every round until 2026-12-08 (the cold run is the next row).
        Bench("validate 1 small file", [*bpr, "validate", str(small)], {}, "floor: import typer, pydantic, ruamel.yaml", 2.0,
              warm_up=True, before=lambda: _run_quietly([*bpr, "validate", str(small)])),
        Bench("validate 1 small file, cold (no cache)", [*bpr, "validate", str(small)], cold,
              "floor: import typer, pydantic, ruamel.yaml", warm_up=True),
        Bench("score --format json 10k (no cache)", [*bpr, "score", "--format", "json", str(inv)], cold,
              "floor: PyYAML CSafeLoader, 10k", 1.0, 1536),
        Bench("roadmap -o x.xlsx 10k (no cache)", [*bpr, "roadmap", str(inv), "-o", str(out / "roadmap-10k.xlsx")], cold,
              "floor: PyYAML CSafeLoader, 10k", 1.2, 1536),
    ]  # fmt: skip
    if args.full:
        big = generate("100k")
        benches += [
            Bench("score --format json 100k (no cache)", [*bpr, "score", "--format", "json", str(big)], cold,
                  "score --format json 10k (no cache)", 10.5, 4096, rounds=args.full_rounds),
            Bench("roadmap -o x.xlsx 100k (no cache)", [*bpr, "roadmap", str(big), "-o", str(out / "roadmap-100k.xlsx")],
                  cold, "roadmap -o x.xlsx 10k (no cache)", 11.0, 4096, rounds=args.full_rounds),
        ]  # fmt: skip
        one_file = generate("300mb")
        size = sum(path.stat().st_size for path in one_file.glob("*.yaml"))
        # Past the default 20 MiB limit of one file; the goal is a peak under 4 times the file's size.
        env = {**cold, "BPR_MAX_FILE_BYTES": str(2 * size)}
        benches.append(Bench("validate one 300 MB file (no cache)", [*bpr, "validate", str(one_file)], env,
                             memory_limit_mb=round(4 * size / MB, 1), rounds=args.full_rounds))  # fmt: skip
    if shutil.which("dot") is None:
        print("no Graphviz `dot` on PATH: the rendering benchmark is skipped", file=sys.stderr)
    else:
        diagrams = generate("diagram-2k")
        files = dot_files(bpr, diagrams)
        floor = f"floor: dot -Tsvg -O, {len(files)} DOT files"
        floor_of_report = report_floor(bpr, inv, 10_000)
        report = [*bpr, "report", str(inv), "-o", str(out / "report-10k")]
        benches += [
            Bench(floor, ["dot", "-Tsvg", "-O", *map(str, files)], before=remove_rendered),
            # Issue 26: drawn afresh (the render cache emptied first), then again with every drawing kept.
            Bench("diagram 2k (svg)", [*bpr, "diagram", str(diagrams), "-o", str(out / "diagrams")], {}, floor, 1.0,
                  before=clear_renders),
            Bench("diagram 2k again (every diagram kept)", [*bpr, "diagram", str(diagrams), "-o", str(out / "diagrams")],
                  {}, floor),
            # One round each: about 10 minutes together on 2 cores.
            floor_of_report,
            Bench("report 10k", report, {}, floor_of_report.name, 1.2, 150, before=clear_renders, rounds=1),
            Bench("report 10k again (every diagram kept)", report, {}, floor_of_report.name, rounds=1),
        ]  # fmt: skip
    benches += peer_benches(bpr, small)
    benches += survey_benches(bpr, out)
    if args.only:
        wanted = [b for b in benches if args.only in b.name]
        floors = {b.floor for b in wanted}
        benches = [b for b in benches if b in wanted or b.name in floors]
    return benches


PEERS = HERE / "peers.txt"
PEERS_VENV = DATA / "peers-venv"


def peers_bin() -> Path | None:
    """Return the bin folder of a venv with yamllint and check-jsonschema at the pins of peers.txt, made once."""
    folder = PEERS_VENV / ("Scripts" if os.name == "nt" else "bin")
    stamp = PEERS_VENV / ".installed-from"
    if stamp.exists() and stamp.read_text(encoding="utf-8") == PEERS.read_text(encoding="utf-8"):
        return folder
    print("installing the peers (yamllint, check-jsonschema) into a scratch venv ...", flush=True)
    shutil.rmtree(PEERS_VENV, ignore_errors=True)
    made = subprocess.run([sys.executable, "-m", "venv", str(PEERS_VENV)], capture_output=True)
    pip = [str(folder / "python"), "-m", "pip", "install", "-q", "-r", str(PEERS)]
    if made.returncode != 0 or subprocess.run(pip, capture_output=True).returncode != 0:
        print("the peers could not be installed (no package index?): their benchmarks are skipped", file=sys.stderr)
        return None
    stamp.write_text(PEERS.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


def peer_benches(bpr: list[str], small: Path) -> list[Bench]:
    """Return yamllint and check-jsonschema on one file, and bpr validate on the same file against each."""
    peers = peers_bin()
    if peers is None:
        return []
    file = sorted(small.glob("*.yaml"))[0]
    schema = ROOT / "schema" / "inventory.schema.json"
    # yamllint exits 1 when it finds lint problems, as bpr does for warnings with --strict: both count.
    yamllint = Bench("floor: yamllint, 1 file", [str(peers / "yamllint"), str(file)], ok_codes=(0, 1), warm_up=True)
    jsonschema = Bench("floor: check-jsonschema, 1 file",
                       [str(peers / "check-jsonschema"), "--schemafile", str(schema), str(file)], ok_codes=(0, 1),
                       warm_up=True)  # fmt: skip
    command = [*bpr, "validate", str(file)]
    return [
        yamllint,
        jsonschema,
        Bench("validate 1 file vs yamllint", command, {}, yamllint.name, 1.0, warm_up=True),
        Bench("validate 1 file vs check-jsonschema", command, {}, jsonschema.name, 0.6, warm_up=True),
    ]


NATIONAL_SURVEY = ROOT.parent / "shared" / "data" / "national-survey-r6-municipal.csv"


def survey_benches(bpr: list[str], out: Path) -> list[Bench]:
    """Return the import of the national survey (3,098 procedures; goal: under 5 s), first and again."""
    if not NATIONAL_SURVEY.is_file():
        print(f"no national survey at {NATIONAL_SURVEY}: the import benchmarks are skipped", file=sys.stderr)
        return []
    target = out / "imported"
    command = [*bpr, "import", "survey", str(NATIONAL_SURVEY), "--population", "78000", "-o", str(target)]

    def fresh() -> None:
        shutil.rmtree(target, ignore_errors=True)

    def imported() -> None:
        if not target.exists():
            subprocess.run(command, check=True, capture_output=True)

    return [
        Bench("import survey 3,098 procedures", command, {}, before=fresh, seconds_limit=5.0, memory_limit_mb=1024),
        Bench("import survey again (nothing changes)", command, {}, before=imported, seconds_limit=5.0),
        Bench("validate the 3,098 imported (no cache)", [*bpr, "validate", str(target)], {"BPR_NO_CACHE": "1"},
              before=imported),
        # The rest of the real-data walkthrough of docs/import-survey.md (issue 20): a roadmap, the journeys and
        # the worklist's 調査票 of the city of 78,000, each well under the 5 s of the import.
        Bench("roadmap of the 3,098 imported", [*bpr, "roadmap", str(target), "-o", str(out / "nat.xlsx")], {},
              before=imported, seconds_limit=5.0, memory_limit_mb=1024),
        Bench("journeys of the 3,098 imported", [*bpr, "journeys", str(target)], {}, before=imported,
              seconds_limit=5.0),
        Bench("survey export --worklist of the 3,098 imported",
              [*bpr, "survey", "export", str(target), "--worklist", "--overwrite", "-o", str(out / "worklist")], {},
              before=imported, seconds_limit=5.0),
    ]  # fmt: skip


def warm_up(benches: list[Bench]) -> None:
    """Run the quick commands once, unmeasured, so that bytecode is compiled before any round."""
    for bench in benches:
        if bench.warm_up:
            measure(bench.command, bench.env)


def run(benches: list[Bench], rounds: int) -> None:
    """Measure every bench `rounds` times, interleaved round by round."""
    for number in range(1, rounds + 1):
        for bench in benches:
            if bench.rounds is not None and number > bench.rounds:
                continue
            if bench.before is not None:
                bench.before()
            sample = measure(bench.command, bench.env)
            bench.samples.append(sample)
            print(f"  round {number}/{rounds}  {bench.name:<45} {sample.seconds:8.2f} s  "
                  f"{sample.peak_bytes / MB:7.0f} MiB  exit {sample.exit_code}", flush=True)  # fmt: skip


def verdicts(benches: list[Bench]) -> list[dict[str, object]]:
    """Return one row per bench: median, floor, ratio, target, memory and PASS/FAIL."""
    by_name = {b.name: b for b in benches}
    rows = []
    for bench in benches:
        floor = by_name.get(bench.floor) if bench.floor else None
        ratio = bench.median / floor.median if floor is not None and floor.median > 0 else None
        failures = []
        if any(s.exit_code not in bench.ok_codes for s in bench.samples):
            failures.append("exit code")
        if bench.target is not None and ratio is not None and ratio > bench.target:
            failures.append("time")
        if bench.memory_limit_mb is not None and bench.peak_mb > bench.memory_limit_mb:
            failures.append("memory")
        if bench.seconds_limit is not None and bench.median > bench.seconds_limit:
            failures.append(f"time > {bench.seconds_limit:g} s")
        judged = bench.target is not None or bench.memory_limit_mb is not None or bench.seconds_limit is not None
        rows.append({
            "name": bench.name, "median_s": round(bench.median, 3), "floor": bench.floor,
            "ratio": round(ratio, 3) if ratio is not None else None, "target": bench.target,
            "peak_mib": round(bench.peak_mb, 1), "memory_limit_mib": bench.memory_limit_mb,
            "seconds_limit": bench.seconds_limit,
            "verdict": ("FAIL " + ", ".join(failures)) if failures else ("PASS" if judged else ""),
            "samples": [asdict(s) for s in bench.samples],
        })  # fmt: skip
    return rows


def print_table(rows: list[dict[str, object]]) -> None:
    """Print the rows as a table."""
    print(f"\n{'benchmark':<45} {'median':>9} {'ratio':>7} {'target':>7} {'peak MiB':>9} {'limit':>6}  verdict")
    for row in rows:
        ratio = f"{row['ratio']:.2f}" if row["ratio"] is not None else ""
        target = f"≤{row['target']:g}" if row["target"] is not None else ""
        if row["seconds_limit"] is not None:
            target = f"≤{row['seconds_limit']:g}s"
        limit = f"{row['memory_limit_mib']:g}" if row["memory_limit_mib"] is not None else ""
        print(f"{row['name']:<45} {row['median_s']:>8.2f}s {ratio:>7} {target:>7} {row['peak_mib']:>9.0f} "
              f"{limit:>6}  {row['verdict']}")  # fmt: skip
    print("ratio = median / median of its floor in this run (for 100k: of the same command on 10k)")


def markdown_table(report: dict[str, object]) -> str:
    """Return a run's results (the JSON `main` writes) as the Markdown table docs/performance.md quotes."""
    lines = [
        "| benchmark | median | ratio | target | peak MiB | limit | verdict |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for row in report["results"]:  # type: ignore[union-attr]
        ratio = f"{row['ratio']:.2f} ×" if row["ratio"] is not None else ""
        target = f"≤ {row['target']:g} ×" if row["target"] is not None else ""
        if row["seconds_limit"] is not None:
            target = f"≤ {row['seconds_limit']:g} s"
        limit = f"{row['memory_limit_mib']:g}" if row["memory_limit_mib"] is not None else ""
        lines.append(
            f"| {row['name']} | {row['median_s']:.2f} s | {ratio} | {target} | {row['peak_mib']:.0f} | {limit} "
            f"| {row['verdict']} |"
        )
    started, finished = report["started"], report["finished"]
    load_start = ", ".join(f"{value:.2f}" for value in started["load_average"])  # type: ignore[index]
    load_end = ", ".join(f"{value:.2f}" for value in finished["load_average"])  # type: ignore[index]
    lines.append("")
    lines.append(
        f"{report['rounds']} rounds; commit {started['commit']}, {started['cores']} cores, Python {started['python']}; "  # type: ignore[index]
        f"load average {load_start} at the start, {load_end} at the end; {started['time']} to {finished['time']}."  # type: ignore[index]
    )
    return "\n".join(lines) + "\n"


def environment() -> dict[str, object]:
    """Return what the numbers depend on: machine, load, versions, commit."""
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout
    return {
        "cores": os.cpu_count(),
        "load_average": os.getloadavg(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "commit": commit.strip(),
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks; return 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one round instead of three (no medians)")
    parser.add_argument("--full", action="store_true", help="also 100,000 procedures (1,000 files)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of every benchmark (default 3)")
    parser.add_argument("--full-rounds", type=int, default=1, help="rounds of the 100,000 runs (default 1)")
    parser.add_argument(
        "--only", metavar="TEXT", help="only the benchmarks whose name contains TEXT (and their floors)"
    )
    parser.add_argument(
        "--markdown", metavar="JSON", type=Path, help="print a results file as docs/performance.md's table; run nothing"
    )
    args = parser.parse_args(argv)
    if args.markdown is not None:
        sys.stdout.write(markdown_table(json.loads(args.markdown.read_text(encoding="utf-8"))))
        return 0
    rounds = 1 if args.quick else args.rounds
    started = environment()
    benches = plan(args)
    clear_cache()
    warm_up(benches)
    run(benches, rounds)
    rows = verdicts(benches)
    print_table(rows)
    RESULTS.mkdir(parents=True, exist_ok=True)
    report = {"rounds": rounds, "started": started, "finished": environment(), "results": rows}
    (RESULTS / "latest.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {(RESULTS / 'latest.json').relative_to(ROOT)}; load average at start {started['load_average']}, "
          f"at end {os.getloadavg()}")  # fmt: skip
    return 1 if any(str(row["verdict"]).startswith("FAIL") for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
