"""bench/search.py guards the search targets: a run over any of them (p99, speed against the FTS5
baseline, load + index) exits non-zero, so `make bench` in a script or CI cannot look green; a
run within them exits 0. Tiny runs (a few hundred documents and queries, one load run), about
two seconds each."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def bench(tmp_path: Path, *targets: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "search.py"),
            *("--items", "300", "--queries", "100", "--load-runs", "1"),
            *targets,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "CLERK_HOME": str(tmp_path / "home"), "LANG": "C.UTF-8"},
    )


GENEROUS = (
    *("--p99-target-ms", "60000", "--slow-p99-target-ms", "60000"),
    *("--min-speedup", "0", "--load-target-ms", "60000"),
)


def test_within_every_target_exits_zero(tmp_path: Path) -> None:
    run = bench(tmp_path, *GENEROUS)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "all targets OK" in run.stdout and "OVER" not in run.stdout, run.stdout
    # every query kind is timed, the fuzzy ones included
    for kind in ("typo", "english", "colloquial", "sentence", "pinyin", "code"):
        assert f"\n{kind} " in run.stdout, run.stdout
    assert "warm caches" in run.stdout, run.stdout


@pytest.mark.parametrize(
    ("override", "reason"),
    [
        (("--p99-target-ms", "0.00001"), "p99 "),
        (("--slow-p99-target-ms", "0.00001"), "sentence p99 "),
        (("--min-speedup", "1000000"), "fts5/ours"),
        (("--load-target-ms", "0.001"), "load+index"),
    ],
)
def test_an_unmet_target_exits_non_zero(
    tmp_path: Path, override: tuple[str, str], reason: str
) -> None:
    run = bench(tmp_path, *GENEROUS, *override)
    assert run.returncode == 1, run.stdout + run.stderr
    verdict = run.stdout.split("OVER target: ", 1)[-1]
    assert "OVER target: " in run.stdout and reason in verdict, run.stdout
