"""The embedded hall on a Unix socket, with the real HallClient."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from clerk import i18n
from services import client as hc
from services.embedded import HallStartError, HallStarting, start_embedded
from services.hall.migrate import head_revision
from tests.support.hall import FakeClock, RunningHall, hall_settings


async def test_login_me_logout_over_the_socket(
    embedded_hall: RunningHall, hall_client: hc.HallClient
) -> None:
    path = embedded_hall.socket_path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    health = await hall_client.health()
    assert health.ok and health.database == "ok" and health.migration == head_revision()
    session = await hall_client.login("clerk1", embedded_hall.credentials["clerk1"], 1)
    assert session.user == hc.UserInfo("clerk1", "王芳", "clerk")
    assert session.window == hc.WindowInfo(1, "综合受理 1 号窗", ("A", "D"), True)
    assert hall_client.token == session.token
    assert await hall_client.me() == session.user
    await hall_client.logout()
    assert hall_client.token is None
    with pytest.raises(hc.TokenInvalid) as caught:
        await hall_client.request("GET", "/auth/me", auth=False)
    assert caught.value.message == "请先登录"


async def test_client_errors(
    embedded_hall: RunningHall, hall_client: hc.HallClient, clock: FakeClock
) -> None:
    with pytest.raises(hc.WrongPassword) as wrong:
        await hall_client.login("clerk1", "wrong-password")
    assert wrong.value.code == "auth.wrong_password"
    assert wrong.value.message == "用户名或密码错误"
    for _ in range(4):
        with pytest.raises(hc.WrongPassword):
            await hall_client.login("clerk1", "wrong-password")
    with pytest.raises(hc.AccountLocked) as locked:
        await hall_client.login("clerk1", embedded_hall.credentials["clerk1"])
    assert locked.value.retry_after == 900
    assert locked.value.message == "登录失败次数过多，账号已临时锁定，请 15 分钟后再试"
    clock.advance(minutes=16)
    session = await hall_client.login("clerk2", embedded_hall.credentials["clerk2"])
    with pytest.raises(hc.Forbidden) as forbidden:
        await hall_client.create_user("x1", "x", "clerk", "long-enough")
    assert forbidden.value.message == "当前角色无权执行此操作"
    clock.advance(minutes=481)
    with pytest.raises(hc.TokenExpired) as expired:
        await hall_client.me()
    assert expired.value.message == "登录已过期，请重新登录"
    assert session.token


async def test_admin_helpers(embedded_hall: RunningHall, hall_client: hc.HallClient) -> None:
    await hall_client.login("admin", embedded_hall.credentials["admin"])
    user = await hall_client.create_user("clerk5", "周洁", "clerk", "long-enough")
    assert user.username == "clerk5" and not user.disabled
    assert (await hall_client.disable_user("clerk5")).disabled
    assert not (await hall_client.enable_user("clerk5")).disabled
    await hall_client.set_password("clerk5", "another-one")
    assert "clerk5" in [u.username for u in await hall_client.users()]
    await hall_client.create_category("E", "医保")
    window = await hall_client.create_window(7, "七号窗", ["E", "A"])
    assert window.categories == ("E", "A")
    assert (await hall_client.set_window_categories(7, ["A"])).categories == ("A",)
    assert not (await hall_client.update_window(7, active=False)).active
    assert [w.number for w in await hall_client.windows()] == [1, 2, 3, 4, 5, 6, 7]
    assert "E" in [c.prefix for c in await hall_client.categories()]
    with pytest.raises(hc.Conflict) as dup:
        await hall_client.create_window(7, "again")
    assert dup.value.message == "窗口已存在：7"
    with pytest.raises(hc.NotFound):
        await hall_client.disable_user("ghost")
    with pytest.raises(hc.ValidationFailed) as invalid:
        await hall_client.create_user("ok_name", "x", "clerk", "short")
    assert invalid.value.message == "密码至少需要 8 个字符"
    verdict = await hall_client.audit_verify()
    assert verdict.ok and verdict.count > 20


async def test_english_client_messages(
    embedded_hall: RunningHall, hall_client: hc.HallClient
) -> None:
    i18n.set_language("en")
    with pytest.raises(hc.WrongPassword) as wrong:
        await hall_client.login("clerk1", "wrong-password")
    assert wrong.value.message == "Wrong user name or password"


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
async def test_unreachable_socket(tmp_path: Path, lang: str) -> None:
    i18n.set_language(lang)
    client = hc.HallClient(uds=str(tmp_path / "gone.sock"), retries=1, backoff=0.01)
    with pytest.raises(hc.HallUnreachable) as caught:
        await client.health()
    await client.aclose()
    prefix = "大厅服务不可达：" if lang == "zh-CN" else "Hall service unreachable: "
    assert caught.value.message.startswith(prefix)
    assert "gone.sock" in caught.value.message
    assert "Traceback" not in caught.value.message


async def test_unreachable_after_stop(sqlite_store: str) -> None:
    settings = hall_settings(sqlite_store)
    hall = start_embedded(settings)
    client = hc.HallClient.for_settings(settings, hall)
    assert (await client.health()).ok
    hall.stop()
    assert not hall.socket_path.exists()
    with pytest.raises(hc.HallUnreachable):
        await client.health()
    await client.aclose()


def test_start_error_when_the_store_is_unusable() -> None:
    settings = hall_settings("sqlite:////nonexistent/folder/hall.sqlite3")
    with pytest.raises(HallStartError) as caught:
        start_embedded(settings)
    assert str(caught.value).startswith("内置大厅服务的数据库不可用")


def test_long_runtime_dir_falls_back(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, sqlite_store: str
) -> None:
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    monkeypatch.setenv("CLERK_HOME", str(deep))
    with start_embedded(hall_settings(sqlite_store)) as hall:
        assert len(str(hall.socket_path)) < 108
        assert stat.S_IMODE(hall.socket_path.parent.stat().st_mode) == 0o700


def test_for_settings_without_a_hall() -> None:
    with pytest.raises(hc.HallClientError) as caught:
        hc.HallClient.for_settings(hall_settings("sqlite://"))
    assert caught.value.code == "config.no_hall"


async def test_concurrent_writers_keep_one_chain(
    embedded_hall: RunningHall, hall_client: hc.HallClient
) -> None:
    """Parallel mutations over real HTTP: no 'database is locked', no forked audit chain."""
    import asyncio

    await hall_client.login("admin", embedded_hall.credentials["admin"])
    clients = [embedded_hall.client(token=hall_client.token) for _ in range(8)]
    others = [embedded_hall.client() for _ in range(4)]
    letters = "EFGHIJKL"
    try:
        await asyncio.gather(
            *(
                c.create_category(letter, f"类别{letter}")
                for c, letter in zip(clients, letters, strict=True)
            ),
            *(c.login("clerk1", embedded_hall.credentials["clerk1"]) for c in others),
        )
    finally:
        for c in clients + others:
            await c.aclose()
    prefixes = {c.prefix for c in await hall_client.categories()}
    assert set(letters) <= prefixes
    verdict = await hall_client.audit_verify()
    assert verdict.ok, verdict


async def test_a_client_built_before_the_hall_is_up_waits_for_it(sqlite_store: str) -> None:
    """The TUI draws the login screen first and starts the hall behind it: the client exists
    before the socket does, and its first request waits for the hall instead of failing."""
    settings = hall_settings(sqlite_store)
    starting = HallStarting(settings)
    client = hc.HallClient.for_starting(settings, starting)
    assert client.starting and not starting.up
    assert not starting.socket_path.exists()
    starting.begin()
    try:
        health = await client.health()  # waits for the start, then asks
        assert health.ok and starting.up and not client.starting
        assert starting.socket_path.exists()
    finally:
        await client.aclose()
        starting.stop()
    assert not starting.socket_path.exists()


async def test_a_hall_that_cannot_start_is_a_message_on_the_first_request() -> None:
    settings = hall_settings("sqlite:////nonexistent/folder/hall.sqlite3")
    starting = HallStarting(settings)
    client = hc.HallClient.for_starting(settings, starting)
    starting.begin()
    try:
        with pytest.raises(hc.HallUnreachable) as caught:
            await client.login("clerk1", "whatever", 1)
        assert caught.value.message.startswith("内置大厅服务的数据库不可用")
        assert "Traceback" not in caught.value.message
        with pytest.raises(hc.HallUnreachable):  # and again, not a hang
            await client.health()
    finally:
        await client.aclose()
        starting.stop()
