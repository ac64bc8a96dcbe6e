"""bench/call_next.py guards the SSE budget: a run whose median call-to-event latency is over it
exits non-zero (so `make bench` in a script or CI cannot look green), one within it exits 0.
A tiny run on SQLite only (one window, a fraction of a second), a few seconds each."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def bench(budget_ms: float, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "call_next.py"),
            *("--stores", "sqlite", "--levels", "1", "--seconds", "0.2"),
            *("--sse-budget-ms", str(budget_ms)),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "CLERK_HOME": str(tmp_path / "home"), "LANG": "C.UTF-8"},
    )


@pytest.mark.parametrize(
    ("budget_ms", "code", "verdict"),
    [(0.001, 1, "OVER budget"), (60_000, 0, "within budget")],
)
def test_bench_exit_status_follows_the_sse_budget(
    tmp_path: Path, budget_ms: float, code: int, verdict: str
) -> None:
    run = bench(budget_ms, tmp_path)
    assert run.returncode == code, run.stdout + run.stderr
    assert "sqlite: p50" in run.stdout and verdict in run.stdout, run.stdout
    assert ("SSE latency over the" in run.stdout) == (code == 1)
