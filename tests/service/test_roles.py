"""Role checks: admins manage users, admins and supervisors manage windows and categories."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
import pytest

Headers = Callable[..., Awaitable[dict[str, str]]]
NEW_USER = {
    "username": "clerk9",
    "display_name": "新人",
    "role": "clerk",
    "password": "long-enough",
}


@pytest.mark.parametrize(
    ("username", "users", "windows"),
    [
        ("admin", 201, 201),
        ("supervisor", 403, 201),
        ("trainer", 403, 403),
        ("clerk1", 403, 403),
    ],
)
async def test_who_may_do_what(
    api: httpx.AsyncClient, login_headers: Headers, username: str, users: int, windows: int
) -> None:
    headers = await login_headers(username)
    answer = await api.post("/api/v1/users", json=NEW_USER, headers=headers)
    assert answer.status_code == users
    if users == 403:
        assert answer.json()["detail"]["code"] == "auth.forbidden"
        assert answer.json()["detail"]["message"] == "当前角色无权执行此操作"
    answer = await api.post(
        "/api/v1/windows",
        json={"number": 7, "name": "七号窗", "categories": ["D"]},
        headers=headers,
    )
    assert answer.status_code == windows
    listing = await api.get("/api/v1/users", headers=headers)
    assert listing.status_code == (200 if username == "admin" else 403)
    verify = await api.get("/api/v1/audit/verify", headers=headers)
    assert verify.status_code == (200 if username in ("admin", "supervisor") else 403)


async def test_windows_are_public_categories_need_a_login(
    api: httpx.AsyncClient, login_headers: Headers
) -> None:
    windows = await api.get("/api/v1/windows")
    assert windows.status_code == 200
    assert [w["number"] for w in windows.json()] == [1, 2, 3, 4, 5, 6]
    assert windows.json()[5]["categories"] == ["V", "A", "B", "C"]
    assert (await api.get("/api/v1/categories")).status_code == 401
    clerk = await login_headers("clerk1")
    categories = (await api.get("/api/v1/categories", headers=clerk)).json()
    assert {"prefix": "C", "name": "不动产登记"} in categories


async def test_users_crud(api: httpx.AsyncClient, login_headers: Headers) -> None:
    admin = await login_headers("admin")
    created = await api.post("/api/v1/users", json=NEW_USER, headers=admin)
    assert created.status_code == 201
    assert created.json()["username"] == "clerk9" and created.json()["disabled"] is False
    again = await api.post("/api/v1/users", json=NEW_USER, headers=admin)
    assert again.status_code == 409 and again.json()["detail"]["code"] == "conflict"
    assert again.json()["detail"]["message"] == "用户已存在：clerk9"
    short = await api.post(
        "/api/v1/users", json=NEW_USER | {"username": "x2", "password": "short"}, headers=admin
    )
    assert short.status_code == 422
    assert short.json()["detail"]["code"] == "validation.password_too_short"
    bad_role = await api.post("/api/v1/users", json=NEW_USER | {"role": "boss"}, headers=admin)
    assert bad_role.status_code == 422 and bad_role.json()["detail"]["code"] == "validation.invalid"
    names = [u["username"] for u in (await api.get("/api/v1/users", headers=admin)).json()]
    assert "clerk9" in names and names == sorted(names)
    missing = await api.post("/api/v1/users/ghost/disable", headers=admin)
    assert missing.status_code == 404 and missing.json()["detail"]["code"] == "not_found"
    enabled = await api.post("/api/v1/users/clerk9/enable", headers=admin)
    assert enabled.json()["disabled"] is False


async def test_window_categories(api: httpx.AsyncClient, login_headers: Headers) -> None:
    supervisor = await login_headers("supervisor")
    changed = await api.put(
        "/api/v1/windows/1/categories", json={"categories": ["D", "a"]}, headers=supervisor
    )
    assert changed.status_code == 200 and changed.json()["categories"] == ["D", "A"]
    unknown = await api.put(
        "/api/v1/windows/1/categories", json={"categories": ["Q"]}, headers=supervisor
    )
    assert unknown.status_code == 422
    assert unknown.json()["detail"]["code"] == "validation.unknown_category"
    created = await api.post(
        "/api/v1/categories", json={"prefix": "E", "name": "医保社保"}, headers=supervisor
    )
    assert created.status_code == 201
    renamed = await api.patch(
        "/api/v1/windows/2", json={"name": "综合受理（二）"}, headers=supervisor
    )
    assert renamed.json()["name"] == "综合受理（二）"
    dup = await api.post(
        "/api/v1/windows", json={"number": 2, "name": "重复", "categories": []}, headers=supervisor
    )
    assert dup.status_code == 409


async def test_openapi(api: httpx.AsyncClient) -> None:
    schema = (await api.get("/openapi.json")).json()
    for path in (
        "/api/v1/auth/login",
        "/api/v1/auth/me",
        "/api/v1/auth/logout",
        "/api/v1/health",
        "/api/v1/users",
        "/api/v1/windows",
        "/api/v1/categories",
        "/api/v1/audit/verify",
    ):
        assert path in schema["paths"], path
