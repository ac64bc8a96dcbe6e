"""The supervisor's panel redraws on the event itself, not on a timer: the first event after a
quiet spell changes the summary before `apply` returns; a burst of events costs one redraw at
once and one more at the end of the burst (BURST_SECONDS).

The waits here are bounded and the assertions are about order, not about the machine's speed: a
redraw inside `apply` takes no time of the clock's, however loaded the machine."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from clerk import i18n
from screens.app import ClerkApp
from screens.components import dash_panel
from screens.components.dash_panel import SupervisorPanel
from screens.components.dash_views import DashSummary
from services.client import Event, HallClient
from tests.support.hall import FakeClock, RunningHall, hall_settings, running_embedded, sqlite_url
from tests.tui.conftest import FROZEN, tui_settings
from tests.tui.pilot import settle, sign_in

WAIT = 10.0


@pytest.fixture
def tui_hall(tmp_path: Path) -> Iterator[RunningHall]:
    with running_embedded(hall_settings(sqlite_url(tmp_path / "store")), clock=FakeClock()) as h:
        yield h


@pytest.fixture
async def kiosk(tui_hall: RunningHall) -> AsyncIterator[HallClient]:
    client = tui_hall.client()
    try:
        yield client
    finally:
        await client.aclose()


async def until(pilot: Pilot[None], predicate: Callable[[], Any], what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"not within {WAIT} s: {what}")
        await pilot.pause(0.01)


def summary_text(panel: SupervisorPanel) -> str:
    return str(panel.query_one(DashSummary).render())


def waiting_line(count: int) -> str:
    return i18n.t("supervisor.summary.queue", waiting=count, longest="", target="").split("·")[0]


def app_for(hall: RunningHall) -> ClerkApp:
    i18n.set_language("zh-CN")
    return ClerkApp(
        tui_settings(lang="zh-CN", window=None),
        hall.client(),
        clock=lambda: FROZEN,
        cursor_blink=False,
    )


async def open_panel(pilot: Pilot[None], hall: RunningHall) -> SupervisorPanel:
    await sign_in(pilot, "supervisor", hall.credentials["supervisor"])
    panel = pilot.app.screen.query_one(SupervisorPanel)
    await asyncio.wait_for(panel.ready.wait(), WAIT)
    await settle(pilot)
    return panel


async def test_one_event_after_a_quiet_spell_is_drawn_at_once(
    tui_hall: RunningHall, kiosk: HallClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = app_for(tui_hall)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_panel(pilot, tui_hall)
        applied: list[tuple[float, str]] = []  # (when apply began, summary when it returned)
        drawn: list[tuple[float, str]] = []  # (when, text) of every summary update
        real_apply = panel.apply
        summary = panel.query_one(DashSummary)
        real_update = summary.update

        def apply(event: Event) -> None:
            began = time.monotonic()
            real_apply(event)
            applied.append((began, summary_text(panel)))

        def update(*args: Any, **kwargs: Any) -> None:
            real_update(*args, **kwargs)
            drawn.append((time.monotonic(), str(summary.render())))

        monkeypatch.setattr(panel, "apply", apply)
        monkeypatch.setattr(summary, "update", update)

        latencies: list[float] = []
        for count in range(1, 6):
            # A quiet spell longer than a burst: the next event must not wait for a timer.
            await pilot.pause(dash_panel.BURST_SECONDS * 2)
            wanted = waiting_line(count)
            before = len(applied)
            await kiosk.issue_ticket("A")
            await until(pilot, lambda w=wanted: w in summary_text(panel), f"waiting {count}")
            # The summary must show the new count when `apply` returns, not at a later tick.
            changing = next((began for began, text in applied[before:] if wanted in text), None)
            assert changing is not None, f"no event redrew the summary: {applied[before:]}"
            shown = next(at for at, text in drawn if at >= changing and wanted in text)
            latencies.append(shown - changing)
        assert statistics.median(latencies) < 0.1, latencies


async def test_a_burst_is_drawn_once_at_once_and_once_at_its_end(
    tui_hall: RunningHall, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = app_for(tui_hall)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_panel(pilot, tui_hall)
        await pilot.pause(dash_panel.BURST_SECONDS * 2)
        redraws: list[float] = []
        real_redraw = panel.redraw

        def redraw() -> None:
            redraws.append(time.monotonic())
            real_redraw()

        monkeypatch.setattr(panel, "redraw", redraw)
        started = time.monotonic()
        for _ in range(50):
            panel.changed()
        assert len(redraws) == 1  # the first change of the burst, drawn before returning
        await until(pilot, lambda: len(redraws) >= 2, "the redraw at the end of the burst")
        await pilot.pause(dash_panel.BURST_SECONDS * 2)
        assert len(redraws) == 2  # the other 49 changes shared one redraw
        assert redraws[1] - started >= dash_panel.BURST_SECONDS * 0.9
