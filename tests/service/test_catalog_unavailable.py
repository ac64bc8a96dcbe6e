"""A hall whose catalog cannot be loaded refuses decisions with a clear 503
(cases.catalog_unavailable) naming the file, item code and field — not an `internal` 500 — and
decides again once the catalog is fixed, without a restart."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from clerk.catalog.loader import hall_catalog_dir
from tests.cases.catalog import applicant
from tests.catalog.factory import fresh, write_layout


@pytest.fixture
def broken_catalog() -> Path:
    """The hall's own catalog (CLERK_HOME/data/catalog) with an unknown situation reference."""
    layout = fresh()
    layout["items/AAA.json"]["items"][0]["materials"][2]["when"] = {"aera": {"min": 150}}
    return write_layout(hall_catalog_dir(), layout)


async def draft_and_decide(
    api: httpx.AsyncClient, headers: dict[str, str], lang: str = "zh-CN"
) -> httpx.Response:
    state: dict[str, Any] = {"applicant": applicant(), "items": ["AAA-001"], "materials": {}}
    r = await api.post("/api/v1/drafts", json={"state": state}, headers=headers)
    assert r.status_code == 201, r.text
    return await api.post(
        "/api/v1/visits",
        json={"draft_id": r.json()["id"], "decisions": [{"item": "AAA-001", "decision": "accept"}]},
        headers={**headers, "Accept-Language": lang},
    )


async def test_a_broken_catalog_is_a_503_naming_the_problem(
    broken_catalog: Path,
    api: httpx.AsyncClient,
    login_headers: Callable[..., Awaitable[dict[str, str]]],
) -> None:
    headers = await login_headers("clerk1", 1)
    r = await draft_and_decide(api, headers)
    assert r.status_code == 503, r.text
    detail = r.json()["detail"]
    assert detail["code"] == "cases.catalog_unavailable"
    assert detail["message"].startswith("事项目录无法加载"), detail
    assert "items/AAA.json: AAA-001 materials[2].when.aera" in detail["message"], detail
    assert "Traceback" not in r.text
    english = await draft_and_decide(api, headers, lang="en")
    assert english.status_code == 503, english.text
    assert english.json()["detail"]["message"].startswith("The item catalog cannot be loaded")

    write_layout(broken_catalog, fresh())  # fixed in place: the next decision loads it
    r = await draft_and_decide(api, headers)
    assert r.status_code != 503, r.text
    assert "catalog_unavailable" not in r.text


async def test_the_503_names_the_file_code_and_field(
    broken_catalog: Path,
    api: httpx.AsyncClient,
    login_headers: Callable[..., Awaitable[dict[str, str]]],
) -> None:
    r = await draft_and_decide(api, await login_headers("clerk1", 1))
    assert r.status_code == 503, r.text
    assert "items/AAA.json: AAA-001 materials[2].when.aera" in r.json()["detail"]["message"]
