"""Login, wrong password, lockout per user and per address, expiry, logout, disabled users."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
import pytest
from fastapi import FastAPI

from tests.support.hall import FakeClock

LOGIN = "/api/v1/auth/login"
Headers = Callable[..., Awaitable[dict[str, str]]]


async def login(
    api: httpx.AsyncClient, username: str, password: str, window_no: int | None = None
) -> httpx.Response:
    return await api.post(
        LOGIN, json={"username": username, "password": password, "window_no": window_no}
    )


async def test_login_ok_with_window(api: httpx.AsyncClient, seeded: dict[str, str]) -> None:
    answer = await login(api, "clerk1", seeded["clerk1"], 1)
    assert answer.status_code == 200
    body = answer.json()
    assert body["user"] == {"username": "clerk1", "display_name": "王芳", "role": "clerk"}
    assert body["window"] == {
        "number": 1,
        "name": "综合受理 1 号窗",
        "active": True,
        "categories": ["A", "D"],
    }
    assert len(body["token"]) >= 40
    me = await api.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200
    assert me.json()["user"]["username"] == "clerk1"
    assert me.json()["window_no"] == 1


async def test_token_is_stored_only_as_a_hash(
    api: httpx.AsyncClient, seeded: dict[str, str], hall_app: FastAPI
) -> None:
    token = (await login(api, "admin", seeded["admin"])).json()["token"]
    from sqlalchemy import text

    with hall_app.state.hall.db.read() as session:
        stored = [r[0] for r in session.execute(text("SELECT token_hash FROM tokens"))]
        hashes = [r[0] for r in session.execute(text("SELECT password_hash FROM users"))]
    assert token not in stored and len(stored) == 1
    assert all(h.startswith("$argon2id$") for h in hashes)


async def test_login_without_window(api: httpx.AsyncClient, seeded: dict[str, str]) -> None:
    answer = await login(api, "supervisor", seeded["supervisor"])
    assert answer.status_code == 200
    assert answer.json()["window"] is None


async def test_wrong_password_and_unknown_user_answer_the_same(
    api: httpx.AsyncClient, seeded: dict[str, str]
) -> None:
    wrong = await login(api, "clerk1", "not-the-password")
    unknown = await login(api, "nobody", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["detail"]["code"] == "auth.wrong_password"
    assert wrong.json()["detail"]["message"] == "用户名或密码错误"


async def test_english_messages_on_request(api: httpx.AsyncClient, seeded: dict[str, str]) -> None:
    answer = await api.post(
        LOGIN,
        json={"username": "clerk1", "password": "nope"},
        headers={"Accept-Language": "en"},
    )
    assert answer.json()["detail"]["message"] == "Wrong user name or password"


async def test_lockout_per_user(
    api: httpx.AsyncClient, seeded: dict[str, str], clock: FakeClock
) -> None:
    for _ in range(5):  # settings.service.login_max_failures
        assert (await login(api, "clerk2", "wrong-password")).status_code == 401
    locked = await login(api, "clerk2", seeded["clerk2"])  # even the right password
    assert locked.status_code == 429
    detail = locked.json()["detail"]
    assert detail["code"] == "auth.locked"
    assert detail["retry_after"] == 15 * 60
    assert locked.headers["Retry-After"] == str(15 * 60)
    assert "15 分钟" in detail["message"]
    # Another user at another address is not affected.
    other = httpx.ASGITransport(app=api._transport.app, client=("10.0.0.2", 1))  # type: ignore[attr-defined]
    async with httpx.AsyncClient(transport=other, base_url="http://hall") as elsewhere:
        assert (await login(elsewhere, "clerk3", seeded["clerk3"])).status_code == 200
        assert (await login(elsewhere, "clerk2", seeded["clerk2"])).status_code == 429
    clock.advance(minutes=10)
    again = await login(api, "clerk2", seeded["clerk2"])
    assert again.status_code == 429
    assert again.json()["detail"]["retry_after"] == 5 * 60
    clock.advance(minutes=5, seconds=1)
    assert (await login(api, "clerk2", seeded["clerk2"])).status_code == 200


async def test_lockout_per_address(hall_app: FastAPI, seeded: dict[str, str]) -> None:
    attacker = httpx.ASGITransport(app=hall_app, client=("10.9.9.9", 1))
    honest = httpx.ASGITransport(app=hall_app, client=("10.0.0.5", 1))
    async with (
        httpx.AsyncClient(transport=attacker, base_url="http://hall") as bad,
        httpx.AsyncClient(transport=honest, base_url="http://hall") as good,
    ):
        # One guess each against five names: no single user reaches the limit...
        for name in ("clerk1", "clerk2", "clerk3", "clerk4", "trainer"):
            assert (await login(bad, name, "guess-guess")).status_code == 401
        # ...but the address does.
        answer = await login(bad, "admin", seeded["admin"])
        assert answer.status_code == 429
        assert answer.json()["detail"]["code"] == "auth.locked"
        # The users themselves are not locked elsewhere.
        assert (await login(good, "clerk1", seeded["clerk1"])).status_code == 200


async def test_failures_outside_the_window_do_not_lock(
    api: httpx.AsyncClient, seeded: dict[str, str], clock: FakeClock
) -> None:
    for _ in range(4):
        assert (await login(api, "clerk1", "wrong-password")).status_code == 401
    clock.advance(minutes=16)
    assert (await login(api, "clerk1", "wrong-password")).status_code == 401
    assert (await login(api, "clerk1", seeded["clerk1"])).status_code == 200


async def test_success_resets_the_user_counter(
    api: httpx.AsyncClient, seeded: dict[str, str]
) -> None:
    for _ in range(3):
        await login(api, "clerk1", "wrong-password")
    assert (await login(api, "clerk1", seeded["clerk1"])).status_code == 200
    for _ in range(1):
        await login(api, "clerk1", "wrong-password")
    # 3 + 1 + 1 address failures would lock the address at 5; the user counter restarted.
    assert (await login(api, "clerk1", seeded["clerk1"])).status_code == 200


async def test_token_expires(
    api: httpx.AsyncClient, login_headers: Headers, clock: FakeClock
) -> None:
    headers = await login_headers("clerk1")
    assert (await api.get("/api/v1/auth/me", headers=headers)).status_code == 200
    clock.advance(minutes=480, seconds=1)  # settings.service.token_ttl_minutes
    answer = await api.get("/api/v1/auth/me", headers=headers)
    assert answer.status_code == 401
    assert answer.json()["detail"]["code"] == "auth.token_expired"


async def test_logout_revokes(api: httpx.AsyncClient, login_headers: Headers) -> None:
    headers = await login_headers("clerk1")
    assert (await api.post("/api/v1/auth/logout", headers=headers)).json() == {"ok": True}
    answer = await api.get("/api/v1/auth/me", headers=headers)
    assert answer.status_code == 401
    assert answer.json()["detail"]["code"] == "auth.token_invalid"


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({}, "auth.token_missing"),
        ({"Authorization": "Bearer not-a-token"}, "auth.token_invalid"),
        ({"Authorization": "Basic abc"}, "auth.token_missing"),
    ],
)
async def test_bad_tokens(api: httpx.AsyncClient, headers: dict[str, str], code: str) -> None:
    answer = await api.get("/api/v1/auth/me", headers=headers)
    assert answer.status_code == 401
    assert answer.json()["detail"]["code"] == code


async def test_disabled_user(
    api: httpx.AsyncClient, seeded: dict[str, str], login_headers: Headers
) -> None:
    clerk = await login_headers("clerk3")
    admin = await login_headers("admin")
    answer = await api.post("/api/v1/users/clerk3/disable", headers=admin)
    assert answer.status_code == 200 and answer.json()["disabled"] is True
    # Open sessions end, and the account cannot log in again.
    assert (await api.get("/api/v1/auth/me", headers=clerk)).status_code == 401
    refused = await login(api, "clerk3", seeded["clerk3"])
    assert refused.status_code == 403
    assert refused.json()["detail"]["code"] == "auth.disabled"
    # A wrong password for a disabled account still says only "wrong password".
    assert (await login(api, "clerk3", "wrong-password")).json()["detail"][
        "code"
    ] == "auth.wrong_password"


async def test_login_at_unknown_or_closed_window(
    api: httpx.AsyncClient, seeded: dict[str, str], login_headers: Headers
) -> None:
    missing = await login(api, "clerk1", seeded["clerk1"], 99)
    assert missing.status_code == 404
    assert missing.json()["detail"]["code"] == "not_found"
    admin = await login_headers("admin")
    await api.patch("/api/v1/windows/6", json={"active": False}, headers=admin)
    closed = await login(api, "clerk1", seeded["clerk1"], 6)
    assert closed.status_code == 409
    assert closed.json()["detail"]["code"] == "window.inactive"


async def test_password_change_ends_sessions(
    api: httpx.AsyncClient, seeded: dict[str, str], login_headers: Headers
) -> None:
    clerk = await login_headers("clerk4")
    admin = await login_headers("admin")
    answer = await api.put(
        "/api/v1/users/clerk4/password", json={"password": "a-new-password"}, headers=admin
    )
    assert answer.status_code == 200
    assert (await api.get("/api/v1/auth/me", headers=clerk)).status_code == 401
    assert (await login(api, "clerk4", seeded["clerk4"])).status_code == 401
    assert (await login(api, "clerk4", "a-new-password")).status_code == 200
