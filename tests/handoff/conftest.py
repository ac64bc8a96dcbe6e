"""Hand-off tests: the hall fixtures (SQLite and PostgreSQL) plus the shared back-office secret."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.fixtures import *  # noqa: F403

SECRET = "test-backoffice-secret-0123456789abcdef"


@pytest.fixture(autouse=True)
def backoffice_secret(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Hall and back office share one secret (env CLERK_SECRET_BACKOFFICE_DEFAULT)."""
    from services.hall.handoff import router

    monkeypatch.setenv("CLERK_SECRET_BACKOFFICE_DEFAULT", SECRET)
    router._secrets.clear()
    yield SECRET
    router._secrets.clear()
