"""Login, wrong password, lock-out, disabled user, expired token, unreachable hall — each
against the real embedded hall service, each with its message on screen."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from screens.components.shell_header import ShellHeader
from screens.home import HomeScreen
from screens.login import LoginScreen
from services.client import HallClient
from tests.support.hall import FakeClock, RunningHall
from tests.tui.conftest import MAX_FAILURES, SIZE, AppFactory
from tests.tui.pilot import login_message, settle, sign_in, text_of


async def test_successful_login_shows_window_and_clerk(
    hall: RunningHall, make_app: AppFactory
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk1", hall.credentials["clerk1"])
        assert isinstance(app.screen, HomeScreen)
        assert app.session is not None and app.session.user.display_name == "王芳"
        assert "1 号窗口" in text_of(app, "#window-number")
        assert "综合受理 1 号窗" in text_of(app, "#window-name")
        assert "A 企业服务" in text_of(app, "#window-categories")
        assert "D 综合咨询" in text_of(app, "#window-categories")
        header = app.screen.query_one(ShellHeader)
        assert "王芳" in text_of(app, "#header-clerk")
        assert "窗口人员" in text_of(app, "#header-role")
        assert "示范区政务服务中心" in text_of(app, "#header-hall")
        assert header is not None
        assert "大厅服务正常" in text_of(app, "#health-state")


async def test_window_is_prefilled_from_settings(make_app: AppFactory) -> None:
    app = make_app(window=4)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#window", Input).value == "4"
        assert app.screen.query_one("#password", Input).password is True


async def test_enter_walks_down_the_form_and_signs_in_from_the_window_field(
    hall: RunningHall, make_app: AppFactory
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"clerk1", "enter")
        assert app.screen.focused is app.screen.query_one("#password", Input)
        await pilot.press(*hall.credentials["clerk1"], "enter")
        # Enter on the password must not sign in without the window the clerk types next
        assert isinstance(app.screen, LoginScreen)
        assert app.screen.focused is app.screen.query_one("#window", Input)
        await pilot.press("1", "enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.session is not None and app.session.window is not None
        assert app.session.window.number == 1


async def test_wrong_password_keeps_the_form_but_the_password(
    hall: RunningHall, make_app: AppFactory
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk2", "not-the-password", window="2")
        assert isinstance(app.screen, LoginScreen)
        assert "用户名或密码错误" in login_message(app)
        assert app.screen.query_one("#username", Input).value == "clerk2"
        assert app.screen.query_one("#window", Input).value == "2"
        assert app.screen.query_one("#password", Input).value == ""
        assert app.screen.focused is app.screen.query_one("#password", Input)


async def test_locked_out_after_repeated_failures_says_how_long(
    hall: RunningHall, make_app: AppFactory
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(MAX_FAILURES):
            await sign_in(pilot, "clerk3", "wrong")
            assert "用户名或密码错误" in login_message(app)
        # Even the right password is refused while locked; the message says for how long.
        await sign_in(pilot, "clerk3", hall.credentials["clerk3"])
        message = login_message(app)
        assert isinstance(app.screen, LoginScreen)
        assert "锁定" in message and "15 分钟" in message, message


async def test_disabled_user_is_told_so(hall: RunningHall, make_app: AppFactory) -> None:
    async with hall.client() as admin:
        await admin.login("admin", hall.credentials["admin"])
        await admin.disable_user("clerk4")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk4", hall.credentials["clerk4"])
        assert isinstance(app.screen, LoginScreen)
        assert "停用" in login_message(app)


async def test_expired_token_returns_to_login_with_a_message(
    hall: RunningHall, hall_clock: FakeClock, make_app: AppFactory
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk1", hall.credentials["clerk1"])
        assert isinstance(app.screen, HomeScreen)
        hall_clock.advance(minutes=hall.settings.service.token_ttl_minutes + 1)
        await pilot.press("f5")  # refresh asks the hall who we are: the token has expired
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert app.session is None
        assert "登录已过期" in login_message(app)
        # The username is kept; the password is asked again.
        assert app.screen.query_one("#username", Input).value == "clerk1"


async def test_revoked_token_also_returns_to_login(hall: RunningHall, make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk2", hall.credentials["clerk2"], window="2")
        assert app.session is not None
        async with hall.client(token=app.session.token) as other:
            await other.logout()
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert login_message(app) != ""


async def test_unreachable_hall_is_a_message_not_a_traceback(
    tmp_path: Path, make_app: AppFactory
) -> None:
    dead = HallClient(uds=str(tmp_path / "nobody-listens.sock"), retries=0, timeout=1.0)
    app = make_app(client=dead)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "大厅服务不可达" in text_of(app, "#status-health")
        await sign_in(pilot, "clerk1", "whatever")
        assert isinstance(app.screen, LoginScreen)
        assert "大厅服务不可达" in login_message(app)
        assert app.screen.query_one("#username", Input).value == "clerk1"


async def test_sign_out_returns_to_login(hall: RunningHall, make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk1", hall.credentials["clerk1"])
        assert isinstance(app.screen, HomeScreen)
        token = app.session.token if app.session else ""
        await pilot.press("f12")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert "已签退" in login_message(app)
    # The hall forgot the token too.
    async with hall.client(token=token) as other:
        try:
            await other.me()
        except Exception as exc:
            assert "登录" in str(exc)
        else:
            raise AssertionError("token still valid after sign-out")


async def test_english_messages(hall: RunningHall, make_app: AppFactory) -> None:
    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk1", "wrong")
        assert "Wrong" in login_message(app) or "wrong" in login_message(app)
        await sign_in(pilot, "clerk1", hall.credentials["clerk1"])
        assert isinstance(app.screen, HomeScreen)
        assert "Window 1" in text_of(app, "#window-number")
        assert "Window clerk" in text_of(app, "#header-role")


async def test_signing_in_before_the_hall_is_up_says_it_waits_then_signs_in(
    hall: RunningHall, make_app: AppFactory
) -> None:
    """The embedded hall still coming up (clerk.cli.tui builds the client before it): the form
    takes keys at once, signing in says it waits for the hall, and goes on when the hall is up.
    The gate holds the hall "starting" for as long as the test needs, so nothing races."""
    import asyncio

    gate = asyncio.Event()
    client = HallClient(uds=str(hall.socket_path), until_up=gate.wait)
    app = make_app(client=client)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "内置大厅服务正在启动" in text_of(app, "#status-health")
        await pilot.press(*"clerk1", "enter", *hall.credentials["clerk1"], "enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        assert login_message(app) == "大厅服务正在启动，启动后即登录…"
        assert app.screen.query_one("#username", Input).value == "clerk1"
        gate.set()
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.session is not None and app.session.user.username == "clerk1"
        assert "大厅服务正常" in text_of(app, "#health-state")
