"""Shared fixtures. Every test gets its own CLERK_HOME so nothing touches the real user dirs."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from clerk import clock, i18n

LOGGERS = ("clerk", "services", "screens", "printing")


@pytest.fixture(autouse=True)
def restore_loggers() -> Iterator[None]:
    """logs.setup() (the CLI entry points call it) rewires the package loggers for the whole
    process: put them back, so a later test's caplog still sees their records."""
    saved = {
        name: (lg.handlers[:], lg.level, lg.propagate)
        for name in LOGGERS
        for lg in [logging.getLogger(name)]
    }
    try:
        yield
    finally:
        for name, (handlers, level, propagate) in saved.items():
            lg = logging.getLogger(name)
            for handler in lg.handlers:
                if handler not in handlers:
                    handler.close()
            lg.handlers[:] = handlers
            lg.setLevel(level)
            lg.propagate = propagate


@pytest.fixture(autouse=True)
def clerk_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "clerk-home"
    home.mkdir()
    monkeypatch.setenv("CLERK_HOME", str(home))
    for name in ("CLERK_LANG", "CLERK_HALL_URL", "CLERK_WINDOW"):
        monkeypatch.delenv(name, raising=False)
    i18n.set_language("zh-CN")
    yield home
    i18n.set_language("zh-CN")
    clock.use_zone(clock.DEFAULT_ZONE)  # a test that set another hall zone leaves none behind


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deal the heaviest tests out first, one to each xdist worker. The 50-window load tests
    take minutes each; xdist's worksteal gives every worker a contiguous slice of this list, and
    a worker that meets a load test last leaves the other idle while it runs."""
    workers = config.getoption("numprocesses", default=None)
    count = workers if isinstance(workers, int) and workers > 1 else 1

    def weight(item: pytest.Item) -> int:
        if "test_fifty_windows" in item.nodeid:
            return 0
        if item.nodeid.startswith("tests/queue/test_queue_load.py"):
            return 1
        return 2 if item.get_closest_marker("slow") else 3

    ordered = sorted(items, key=lambda item: (weight(item), "sqlite" in item.nodeid))
    heavy = [item for item in ordered if weight(item) < 3]
    rest = [item for item in ordered if weight(item) == 3]
    slices: list[list[pytest.Item]] = [heavy[i::count] for i in range(count)]
    size = -(-len(items) // count)
    for chunk in slices:
        while len(chunk) < size and rest:
            chunk.append(rest.pop(0))
    slices[-1].extend(rest)
    items[:] = [item for chunk in slices for item in chunk]
