"""The benchmark figures docs/performance.md quotes are those a run wrote (benchmarks/recorded/), rendered by run.py."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

from conftest import ROOT

RECORDED = ROOT / "benchmarks" / "recorded"


def _run_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("benchmarks_run", ROOT / "benchmarks" / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_every_recorded_run_is_quoted_in_the_docs_as_run_py_renders_it() -> None:
    run = _run_module()
    docs = (ROOT / "docs" / "performance.md").read_text(encoding="utf-8")
    records = sorted(RECORDED.glob("*.json"))
    assert records, "no recorded benchmark run"
    for path in records:
        table = run.markdown_table(json.loads(path.read_text(encoding="utf-8")))
        assert table in docs, f"{path.name}: docs/performance.md does not quote `run.py --markdown {path}`"


def test_the_table_says_each_verdict_and_the_load() -> None:
    run = _run_module()
    row = {
        "name": "validate 10k warm (cache)", "median_s": 0.5, "ratio": 0.0625, "target": 0.1, "peak_mib": 130.4,
        "memory_limit_mib": None, "seconds_limit": None, "verdict": "PASS",
    }  # fmt: skip
    place = {"commit": "abc1234", "cores": 2, "python": "3.11.7", "load_average": [0.1, 0.2, 0.3], "time": "t0"}
    report = {"rounds": 3, "started": place, "finished": {**place, "time": "t1"}, "results": [row]}
    text = run.markdown_table(report)
    assert "| validate 10k warm (cache) | 0.50 s | 0.06 × | ≤ 0.1 × | 130 |  | PASS |" in text
    assert "load average 0.10, 0.20, 0.30 at the start" in text and "commit abc1234" in text
    assert Path(run.__file__).name == "run.py"
