"""Queue tests reuse the hall service fixtures (tests/support/fixtures.py): store_url runs each
test on SQLite and on PostgreSQL; `api` is the app in-process; `embedded_hall` is real HTTP over
a Unix socket (needed for Server-Sent Events)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
import pytest

from tests.support.fixtures import *  # noqa: F403

Headers = Callable[..., Awaitable[dict[str, str]]]


@pytest.fixture
def at_window(login_headers: Headers) -> Callable[[int], Awaitable[dict[str, str]]]:
    """Headers of the demo clerk logged in at window n (clerk1..clerk4 sit at windows 1..4)."""

    async def login(window_no: int, username: str | None = None) -> dict[str, str]:
        return await login_headers(username or f"clerk{window_no}", window_no)

    return login


@pytest.fixture
async def staff(login_headers: Headers) -> dict[str, str]:
    """A supervisor's headers (issues tickets with a token, pauses windows, moves tickets)."""
    return await login_headers("supervisor")


async def issue(
    api: httpx.AsyncClient, headers: dict[str, str], category: str, priority: str | None = None
) -> dict[str, object]:
    answer = await api.post(
        "/api/v1/tickets", json={"category": category, "priority": priority}, headers=headers
    )
    assert answer.status_code == 201, answer.text
    data: dict[str, object] = answer.json()
    return data
