"""A retried mutating request with the same Idempotency-Key gets the first answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from services.hall.models import AuditEntry

Headers = Callable[..., Awaitable[dict[str, str]]]
BODY = {"username": "twice", "display_name": "重试", "role": "clerk", "password": "long-enough"}


def audit_count(app: FastAPI, action: str) -> int:
    with app.state.hall.db.read() as session:
        return int(session.scalar(select(func.count()).where(AuditEntry.action == action)) or 0)


async def test_replay_returns_the_first_answer(
    api: httpx.AsyncClient, login_headers: Headers, hall_app: FastAPI
) -> None:
    admin = await login_headers("admin")
    headers = admin | {"Idempotency-Key": "create-twice-1"}
    first = await api.post("/api/v1/users", json=BODY, headers=headers)
    second = await api.post("/api/v1/users", json=BODY, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert "Idempotent-Replayed" not in first.headers
    assert second.headers["Idempotent-Replayed"] == "true"
    assert audit_count(hall_app, "user.create") == 7 + 1  # the demo's seven + this one
    # Without the key, the same request is a new request: conflict.
    third = await api.post("/api/v1/users", json=BODY, headers=admin)
    assert third.status_code == 409


async def test_same_key_other_body_is_refused(
    api: httpx.AsyncClient, login_headers: Headers
) -> None:
    admin = await login_headers("admin") | {"Idempotency-Key": "k-2"}
    assert (await api.post("/api/v1/users", json=BODY, headers=admin)).status_code == 201
    other = await api.post("/api/v1/users", json=BODY | {"username": "other"}, headers=admin)
    assert other.status_code == 422
    assert other.json()["detail"]["code"] == "idempotency.mismatch"


async def test_keys_are_per_user_and_path(api: httpx.AsyncClient, login_headers: Headers) -> None:
    admin = await login_headers("admin")
    supervisor = await login_headers("supervisor")
    key = {"Idempotency-Key": "shared"}
    a = await api.post(
        "/api/v1/categories", json={"prefix": "E", "name": "一"}, headers=admin | key
    )
    b = await api.post(
        "/api/v1/categories", json={"prefix": "F", "name": "二"}, headers=supervisor | key
    )
    assert a.status_code == b.status_code == 201
    assert (a.json()["prefix"], b.json()["prefix"]) == ("E", "F")
    c = await api.post(
        "/api/v1/windows",
        json={"number": 8, "name": "八", "categories": ["E"]},
        headers=admin | key,
    )
    assert c.status_code == 201


async def test_failed_request_is_not_stored(api: httpx.AsyncClient, login_headers: Headers) -> None:
    admin = await login_headers("admin") | {"Idempotency-Key": "k-fail"}
    bad = {"number": 9, "name": "九", "categories": ["Z"]}
    assert (await api.post("/api/v1/windows", json=bad, headers=admin)).status_code == 422
    assert (await api.post("/api/v1/windows", json=bad, headers=admin)).status_code == 422


async def test_bad_key(api: httpx.AsyncClient, login_headers: Headers) -> None:
    admin = await login_headers("admin") | {"Idempotency-Key": "x" * 200}
    answer = await api.post("/api/v1/categories", json={"prefix": "G", "name": "g"}, headers=admin)
    assert answer.status_code == 422
    assert answer.json()["detail"]["code"] == "validation.idempotency_key"
