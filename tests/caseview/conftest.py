"""Case follow-up tests (补正, 出件, deadlines): the cases tests' hall (SQLite and PostgreSQL, the
small test catalog) and desk, plus the back-office secret the simulator tests share."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.cases.conftest import *  # noqa: F403  (the support fixtures + the cases' hall_app)

SECRET = "test-backoffice-secret-0123456789abcdef"


@pytest.fixture(autouse=True)
def backoffice_secret(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("CLERK_SECRET_BACKOFFICE_DEFAULT", SECRET)
    yield SECRET
