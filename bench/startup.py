"""Cold start: milliseconds per import step, and process start -> app ready (headless).

Each measurement runs in a fresh interpreter, several times, and the median is shown. A bare
Textual app (Header, Label, Input, Footer) is measured side by side in the same run as the
baseline, and the ratio is printed.

    .venv/bin/python bench/startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# bench/ is sys.path[0] when this runs as a script; bench/queue.py would shadow the stdlib queue.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

STEPS = [
    ("clerk core", ["clerk", "clerk.config", "clerk.i18n", "clerk.logs"]),
    ("textual", ["textual.app", "textual.widgets"]),
    ("services.client", ["services.client"]),
    ("screens", ["screens.app", "screens.home", "screens.help", "screens.commands"]),
]


def _imports_child() -> None:
    import importlib

    out: dict[str, float] = {}
    for label, modules in STEPS:
        start = time.perf_counter()
        for module in modules:
            importlib.import_module(module)
        out[label] = (time.perf_counter() - start) * 1000
    print(json.dumps(out))


def _ready_child(kind: str) -> None:
    """Run an app headless and print process age (ms) when it is ready."""
    from clerk.logs import process_age_ms

    if kind == "bare":
        from textual.app import App, ComposeResult
        from textual.widgets import Footer, Header, Input, Label

        class Bare(App[None]):
            def compose(self) -> ComposeResult:
                yield Header()
                yield Label("hello")
                yield Input()
                yield Footer()

            def on_ready(self) -> None:
                print(json.dumps({"ready": process_age_ms()}))
                self.exit()

        Bare().run(headless=True)
        return

    phases: dict[str, float] = {"interpreter": process_age_ms()}
    mark = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        phases[name] = (now - mark) * 1000
        mark = now

    import clerk.cli.main  # noqa: F401  (the `clerk` command's own imports, as a launch pays them)

    lap("import cli")
    from clerk.config import Settings

    settings = Settings()
    lap("settings")
    from services.client import HallClient
    from services.embedded import HallStarting

    lap("import client + embedded")
    # as clerk.cli.tui does: the login screen first, the hall brought up behind it
    starting = HallStarting(settings)
    client = HallClient.for_starting(settings, starting)
    from screens.app import ClerkApp

    lap("import screens")
    app: ClerkApp
    out: dict[str, float] = {}

    def hall_up() -> None:
        starting.wait()
        out["hall up (process age)"] = process_age_ms()
        app.call_from_thread(app.exit)

    def ready() -> None:
        lap("login screen ready")
        out["ready"] = process_age_ms()
        starting.begin()
        threading.Thread(target=hall_up, daemon=True).start()

    app = ClerkApp(settings, client, on_ready=ready)
    app.run(headless=True)
    starting.stop()
    print(json.dumps({**out, **phases}))


def _run(args: list[str], env: dict[str, str]) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"child {args} failed:\n{out.stderr}")
    line = [ln for ln in out.stdout.splitlines() if ln.startswith("{")][-1]
    result: dict[str, float] = json.loads(line)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="clerk-bench-") as home:
        env = {**os.environ, "CLERK_HOME": home, "PYTHONPATH": str(ROOT)}
        # users' machines write bytecode; these set PYTHONDONTWRITEBYTECODE (shared/NOTES.md)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env.pop("CLERK_HALL_URL", None)
        imports: dict[str, list[float]] = {label: [] for label, _ in STEPS}
        bare: list[float] = []
        ours: list[float] = []
        phases: dict[str, list[float]] = {}
        # Warm the migrations once so every measured run is a normal (not first-ever) start.
        _run(["--child-ready", "clerk"], env)
        for _ in range(opts.runs):
            for label, ms in _run(["--child-imports"], env).items():
                imports[label].append(ms)
            bare.append(_run(["--child-ready", "bare"], env)["ready"])
            run = _run(["--child-ready", "clerk"], env)
            ours.append(run.pop("ready"))
            for name, ms in run.items():
                phases.setdefault(name, []).append(ms)

    print(f"cold start, median of {opts.runs} runs (each in a fresh interpreter, bytecode on)")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    print(f"{'import step':<22}{'ms':>10}")
    print("-" * 32)
    total = 0.0
    for label, values in imports.items():
        ms = statistics.median(values)
        total += ms
        print(f"{label:<22}{ms:>10.1f}")
    print(f"{'all imports':<22}{total:>10.1f}\n")
    bare_ms = statistics.median(bare)
    ours_ms = statistics.median(ours)
    print(f"{'process start -> ready':<32}{'ms':>10}")
    print("-" * 42)
    print(f"{'bare Textual app (baseline)':<32}{bare_ms:>10.1f}")
    print(f"{'clerk (login screen drawn)':<32}{ours_ms:>10.1f}")
    print(f"\nratio clerk / bare Textual: {ours_ms / bare_ms:.2f}x\n")
    print(f"{'where clerk spends it':<32}{'ms':>10}")
    print("-" * 42)
    for name, values in phases.items():
        print(f"{name:<32}{statistics.median(values):>10.1f}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child-imports":
        _imports_child()
    elif len(sys.argv) > 2 and sys.argv[1] == "--child-ready":
        _ready_child(sys.argv[2])
    else:
        main()
