"""Health answers 200 whatever happens; a dead store gives ok: false, never a traceback."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from services.hall.app import create_app
from services.hall.migrate import head_revision
from tests.support.hall import hall_settings

DEAD_STORES = {
    "sqlite": "sqlite:////nonexistent/folder/hall.sqlite3",
    "postgresql": "postgresql+psycopg://postgres:secret-pw@127.0.0.1:1/test?connect_timeout=2",
}


async def test_health_ok(api: httpx.AsyncClient) -> None:
    answer = await api.get("/api/v1/health")
    assert answer.status_code == 200
    body = answer.json()
    assert body["ok"] is True and body["database"] == "ok"
    assert body["migration"] == head_revision()
    assert body["version"]


@pytest.mark.parametrize("store", sorted(DEAD_STORES))
async def test_health_with_the_database_down(store: str) -> None:
    app = create_app(hall_settings(DEAD_STORES[store]))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hall") as api:
        answer = await api.get("/api/v1/health")
        assert answer.status_code == 200
        body = answer.json()
        assert body["ok"] is False and body["migration"] is None
        assert "OperationalError" in body["database"]
        assert "Traceback" not in answer.text and "secret-pw" not in answer.text
        login = await api.post("/api/v1/auth/login", json={"username": "a", "password": "b"})
        assert login.status_code == 503
        assert login.json()["detail"]["code"] == "service.database_unavailable"
        assert login.json()["detail"]["message"].startswith("大厅数据库不可用")
        assert "Traceback" not in login.text
    app.state.hall.close()


async def test_store_that_comes_back(tmp_path: Path) -> None:
    folder = tmp_path / "later"
    app = create_app(hall_settings(f"sqlite:///{folder / 'hall.sqlite3'}"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hall") as api:
        assert (await api.get("/api/v1/health")).json()["ok"] is False
        folder.mkdir()
        assert (await api.get("/api/v1/health")).json()["ok"] is True
    app.state.hall.close()


async def test_unexpected_errors_have_the_one_shape(api: httpx.AsyncClient) -> None:
    answer = await api.get("/api/v1/no/such/path")
    assert answer.status_code == 404
    assert answer.json()["detail"]["code"] == "not_found"
    wrong_method = await api.delete("/api/v1/health")
    assert wrong_method.status_code == 405
    assert wrong_method.json()["detail"]["code"] == "method_not_allowed"
    bad_json = await api.post(
        "/api/v1/auth/login", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert bad_json.status_code == 422
    assert bad_json.json()["detail"]["code"] == "validation.invalid"
