"""The machine's own time zone, set for one test: the product must show the same times whatever
it is (clerk.clock). `machine_zone` runs a test once with the process in UTC and once in
Asia/Shanghai (TZ=..., time.tzset()), and puts the old zone back after it.

    from tests.support.timezones import machine_zone  # noqa: F401  (a fixture)

    def test_header(machine_zone: str) -> None: ...
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

MACHINE_ZONES = ("UTC", "Asia/Shanghai")


@contextmanager
def process_zone(name: str) -> Iterator[None]:
    """The whole process (its threads too: the embedded hall) believes it is in `name`."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()


@pytest.fixture(params=MACHINE_ZONES)
def machine_zone(request: pytest.FixtureRequest) -> Iterator[str]:
    with process_zone(request.param):
        yield request.param
