"""Every script in bench/ starts and runs to the end, as `make bench` and
`.venv/bin/python bench/NAME.py` run it: a fresh interpreter with bench/ first on sys.path, at a
tiny size and with targets wide enough that only a crash fails. A new bench must add its tiny
run here; a bench named like a standard-library module (bench/queue.py once hid `queue` from
asyncio) fails before it runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCHES = sorted(p.stem for p in (ROOT / "bench").glob("*.py"))

# The smallest run of each bench that still goes through all of its code.
TINY: dict[str, list[str]] = {
    "call_next": [
        *("--stores", "sqlite", "--levels", "1", "--seconds", "0.2"),
        *("--sse-budget-ms", "60000"),
    ],
    "dashboard": ["--tickets", "200", "--windows", "4", "--samples", "3"],
    "keys": ["--rounds", "1"],
    "printing": ["--runs", "1", "--cold", "1"],
    "search": [
        *("--items", "300", "--queries", "100", "--load-runs", "1"),
        *("--p99-target-ms", "60000", "--min-speedup", "0", "--load-target-ms", "60000"),
    ],
    "search_quality": [],
    "signin": ["--runs", "1"],
    "startup": ["--runs", "1"],
}


def test_the_benches_are_found() -> None:
    assert "call_next" in BENCHES and len(BENCHES) >= 5, BENCHES


@pytest.mark.parametrize("name", BENCHES)
def test_no_bench_shadows_the_standard_library(name: str) -> None:
    assert name not in sys.stdlib_module_names, (
        f"bench/{name}.py shadows the standard library's {name!r} when a bench runs; rename it"
    )


@pytest.mark.parametrize("name", BENCHES)
def test_the_bench_runs_to_the_end(name: str, tmp_path: Path) -> None:
    assert name in TINY, f"bench/{name}.py has no tiny run in {__file__}: add one"
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / f"{name}.py"), *TINY[name]],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "CLERK_HOME": str(tmp_path / "home"), "LANG": "C.UTF-8"},
        check=False,
    )
    assert run.returncode == 0, (
        f"bench/{name}.py exited {run.returncode}:\n{run.stdout}\n{run.stderr}"
    )
    assert run.stdout.strip(), f"bench/{name}.py printed nothing"
