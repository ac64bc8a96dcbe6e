"""Intake keys: key press -> screen updated, p50/p99, against a bare Textual app in the same run.

Drives the real app (ClerkApp, Pilot, headless) against a real embedded hall: the clerk calls
the next ticket into the intake screen, types a search query (pinyin, backspaces, another
query), chooses 食品经营许可, then moves up and down the checklist and cycles material states;
every round repeats the typing and the checklist part. Each key goes in the way the terminal
driver delivers it; it counts as done when the app has handled it and painted the result (the
last paint before every message queue on its way and the screen's layout are quiet again).
The baseline is the same keys in a bare Textual app: a search Input over a list of names and a
DataTable with as many rows as the checklist, Space toggling a cell.

    .venv/bin/python bench/keys.py [--rounds 5] [--p99-target-ms 50]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

ROOT = Path(__file__).resolve().parent.parent
# bench/ is sys.path[0] when this runs as a script; keep it from shadowing stdlib modules.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

SIZE = (140, 40)
QUERIES = ("shipin", "jingying")  # typed, then taken back with Backspace
CHOSEN = "spjy"  # 食品经营许可（新办）, the first hit; Enter takes it
QUIET_CHECKS = 3  # consecutive quiet looks before a key counts as done


class Probe:
    """Sends keys as the driver does and times each until its result is on the screen."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.painted = 0.0
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            self.painted = time.perf_counter()

        app._display = display
        self.times: dict[str, list[float]] = {}
        # CPU time of the whole process per key: what the key cost, whatever else the machine
        # runs (wall-clock figures on a loaded machine are mostly waiting for a core)
        self.cpu: dict[str, list[float]] = {}

    def _pumps(self) -> Iterator[Any]:
        app = self.app
        yield app
        yield app.screen
        node = app.screen.focused
        while node is not None and node is not app.screen:
            yield node
            node = node.parent

    def _quiet(self) -> bool:
        screen = self.app.screen
        if any(p._message_queue.qsize() or p._pending_message is not None for p in self._pumps()):
            return False
        holding = getattr(getattr(self.app, "key_order", None), "holding", 0)
        return not (
            holding
            or screen._dirty_widgets
            or screen._layout_required
            or screen._repaint_required
            or screen._recompose_required
        )

    async def settle(self) -> None:
        quiet = 0
        while quiet < QUIET_CHECKS:
            await asyncio.sleep(0.001)
            quiet = quiet + 1 if self._quiet() else 0

    async def press(self, kind: str, *keys: str) -> None:
        from textual import events

        driver = self.app._driver
        for key in keys:
            char = key if len(key) == 1 else {"space": " "}.get(key)
            sent = time.perf_counter()
            cpu = time.process_time()
            self.painted = 0.0
            driver.send_message(events.Key(key, char))
            await self.settle()
            done = self.painted if self.painted else time.perf_counter()
            self.times.setdefault(kind, []).append((done - sent) * 1000)
            self.cpu.setdefault(kind, []).append((time.process_time() - cpu) * 1000)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def _typing(
    probe: Probe,
    rounds: int,
    checklist_rows: int,
    focus_search: Callable[[], Any],
    focus_table: Callable[[], Any],
) -> None:
    for _ in range(rounds):
        focus_search()
        await probe.settle()  # a focus change rebuilds the footer once; that is not a key
        for query in QUERIES:
            await probe.press("search: typing", *query)
            await probe.press("search: typing", *["backspace"] * len(query))
        focus_table()
        await probe.settle()
        moves = max(1, checklist_rows - 1)
        await probe.press("checklist: moving", *["down"] * moves)
        await probe.press("checklist: moving", *["up"] * moves)
        for _ in range(min(4, checklist_rows)):
            await probe.press("checklist: cycling a state", "space")
            await probe.press("checklist: moving", "down")


async def _clerk(rounds: int) -> tuple[Probe, int]:
    from clerk import i18n
    from screens.app import ClerkApp
    from screens.intake import IntakeScreen
    from services.client import HallClient
    from tests.support.hall import hall_settings, running_embedded, sqlite_url
    from tests.tui.conftest import tui_settings

    home = Path(os.environ["CLERK_HOME"])
    i18n.set_language("zh-CN")
    with running_embedded(hall_settings(sqlite_url(home / "store"))) as hall:
        client = HallClient(uds=str(hall.socket_path))
        app = ClerkApp(tui_settings(), client, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            from tests.tui.pilot import settle, sign_in

            await sign_in(pilot, "clerk1", hall.credentials["clerk1"])
            await app.client.request(
                "POST", "/tickets", json={"category": "A"}, idempotency_key="bench-keys"
            )
            await pilot.press("n")  # call next: the intake screen opens with the ticket
            for _ in range(100):
                if isinstance(app.screen, IntakeScreen):
                    break
                await pilot.pause(0.05)
            screen = app.screen
            assert isinstance(screen, IntakeScreen), screen
            await settle(pilot)
            probe = Probe(app)

            async def choose() -> None:
                await probe.press("search: typing", *CHOSEN)
                await probe.press("choosing the item (Enter)", "enter")
                await settle(pilot)

            def rows() -> int:
                return int(screen.query_one("#intake-checklist").row_count)

            await choose()
            count = rows()
            await _typing(
                probe,
                rounds,
                count,
                screen.action_focus_search,
                screen.query_one("#intake-checklist").focus,
            )
            return probe, count


async def _bare(rounds: int, checklist_rows: int) -> Probe:
    from textual.app import App, ComposeResult
    from textual.binding import Binding, BindingType
    from textual.widgets import DataTable, Footer, Header, Input, OptionList

    names = [f"事项{n:03d} shixiang {n}" for n in range(228)]

    class Bare(App[None]):
        BINDINGS: ClassVar[list[BindingType]] = [Binding("space", "toggle", "toggle")]

        def compose(self) -> ComposeResult:
            yield Header()
            yield Input(id="q")
            yield OptionList(*names[:10], id="hits")
            yield DataTable(id="t", cursor_type="row")
            yield Footer()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("材料", "状态")
            for n in range(checklist_rows):
                table.add_row(f"材料 {n}", "未收", key=str(n))

        def on_input_changed(self, event: Input.Changed) -> None:
            hits = self.query_one(OptionList)
            hits.clear_options()
            hits.add_options([n for n in names if event.value in n][:10])

        def action_toggle(self) -> None:
            table = self.query_one(DataTable)
            row = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
            value = table.get_cell(row, table.ordered_columns[1].key)
            table.update_cell(
                row, table.ordered_columns[1].key, "已收" if value == "未收" else "未收"
            )

    app = Bare()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        probe = Probe(app)
        await _typing(
            probe,
            rounds,
            checklist_rows,
            app.query_one(Input).focus,
            app.query_one(DataTable).focus,
        )
        await pilot.pause()
        return probe


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--p99-target-ms", type=float, default=50.0)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="clerk-bench-") as home:
        os.environ["CLERK_HOME"] = home
        os.environ.pop("CLERK_HALL_URL", None)
        ours, rows = asyncio.run(_clerk(opts.rounds))
        base = asyncio.run(_bare(opts.rounds, rows))

    print(f"intake keys: key press -> screen updated, {opts.rounds} rounds, {rows} checklist rows")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("wall: until the result is painted; cpu: the process's CPU time for the key\n")
    cols = ("wall p50", "p99", "cpu p50", "p99")
    head = f"{'keys':<28}{'n':>4}" + "".join(f"{c:>9}" for c in cols) + " | bare:"
    head += "".join(f"{c:>9}" for c in cols)
    print(head)
    print("-" * len(head))
    worst = 0.0
    for kind, values in ours.times.items():
        figures = [*_both(values, ours.cpu[kind])]
        compared = kind in base.times
        if compared:
            worst = max(worst, figures[1])
            figures += _both(base.times[kind], base.cpu[kind])
        row = f"{kind:<28}{len(values):>4}" + "".join(f"{f:>9.1f}" for f in figures[:4])
        row += " |      " + "".join(f"{f:>9.1f}" for f in figures[4:])
        print(row + ("" if compared else f"{'(no baseline)':>20}"))
    for label, ours_of, base_of in (
        ("wall", ours.times, base.times),
        ("cpu", ours.cpu, base.cpu),
    ):
        mine = [v for kind, vs in ours_of.items() if kind in base_of for v in vs]
        theirs = [v for vs in base_of.values() for v in vs]
        print(
            f"\nall compared keys, {label}: p50 {statistics.median(mine):.1f} ms "
            f"(bare {statistics.median(theirs):.1f}, {statistics.median(mine) / statistics.median(theirs):.2f}x), "
            f"p99 {_pct(mine, 0.99):.1f} ms (bare {_pct(theirs, 0.99):.1f}, "
            f"{_pct(mine, 0.99) / _pct(theirs, 0.99):.2f}x)"
        )
    verdict = "met" if worst <= opts.p99_target_ms else "NOT met"
    print(
        f"\ntarget wall p99 <= {opts.p99_target_ms:.0f} ms for every compared kind of key: {verdict}"
    )


def _both(wall: list[float], cpu: list[float]) -> list[float]:
    return [_pct(wall, 0.5), _pct(wall, 0.99), _pct(cpu, 0.5), _pct(cpu, 0.99)]


if __name__ == "__main__":
    main()
