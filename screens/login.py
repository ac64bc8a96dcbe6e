"""Sign in: username, password (masked), window number (prefilled from the settings)."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.widgets import Button, Input, Label, Static

from clerk import i18n
from screens.base import ClerkScreen
from screens.components.shell_header import ShellHeader
from screens.components.status_line import StatusLine
from screens.components.steady_footer import SteadyFooter
from screens.errors import error_text
from screens.keymap import LOGIN_SUBMIT, register
from services.client import HallClientError


class LoginScreen(ClerkScreen):
    """The first screen. `message` explains why we are here again (e.g. the session expired)."""

    BINDINGS = register(LOGIN_SUBMIT)
    AUTO_FOCUS = "#username"

    def __init__(self, message: str | None = None, *, username: str = "") -> None:
        super().__init__(id="login")
        self._message = message
        self._username = username

    def compose(self) -> ComposeResult:
        app = self.clerk
        settings = app.settings
        yield ShellHeader(settings.hall.name, app.clock)
        with Center(id="login-center"), Vertical(id="login-box"):
            yield Label(i18n.t("tui.login.title"), id="login-title")
            yield Label(i18n.t("tui.login.username"), classes="login-label")
            yield Input(
                value=self._username,
                placeholder=i18n.t("tui.login.username_placeholder"),
                id="username",
            )
            yield Label(i18n.t("tui.login.password"), classes="login-label")
            yield Input(
                password=True,
                placeholder=i18n.t("tui.login.password_placeholder"),
                id="password",
            )
            yield Label(i18n.t("tui.login.window"), classes="login-label")
            yield Input(
                value="" if settings.window is None else str(settings.window),
                placeholder=i18n.t("tui.login.window_placeholder"),
                type="integer",
                id="window",
            )
            yield Static(self._message or "", id="login-message", markup=False)
            yield Button(i18n.t("tui.login.submit"), id="login-button", variant="primary")
            yield Static(
                i18n.t(
                    "tui.login.hint",
                    help=app.key_for("help"),
                    palette=app.key_for("command_palette"),
                ),
                id="login-hint",
                markup=False,
            )
        yield StatusLine(app.connection_text())
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.query_one(ShellHeader).show(window=self.clerk.settings.window)
        self.query_one("#login-message", Static).set_class(bool(self._message), "-error")
        if self._username:
            self.query_one("#password", Input).focus()
        self.check_health()

    # ---- the hall's health, so a dead hall is visible before anyone types a password

    @work(exclusive=True, group="health")
    async def check_health(self) -> None:
        status = self.query_one(StatusLine)
        if self.clerk.client.starting:
            status.set_health(i18n.t("tui.health.starting"), ok=True)
        try:
            health = await self.clerk.client.health()
        except HallClientError as exc:
            status.set_health(error_text(exc), ok=False)
            return
        status.set_health(
            i18n.t("tui.health.line", version=health.version)
            if health.ok
            else i18n.t("tui.health.degraded"),
            ok=health.ok,
        )

    # ---- submitting

    @on(Input.Submitted)
    def _field_submitted(self, event: Input.Submitted) -> None:
        """Enter moves down the form (username → password → window); on the window field it
        signs in. Signing in from the password field would drop the window number a clerk was
        about to type, and a clerk without a window has no queue."""
        order = ("username", "password", "window")
        current = event.input.id or ""
        if current in order[:-1]:
            self.query_one(f"#{order[order.index(current) + 1]}", Input).focus()
            return
        self.action_submit()

    @on(Button.Pressed, "#login-button")
    def _button(self) -> None:
        self.action_submit()

    def action_submit(self) -> None:
        username = self.query_one("#username", Input).value.strip()
        password = self.query_one("#password", Input).value
        window_text = self.query_one("#window", Input).value.strip()
        if not username:
            self.show_message(i18n.t("tui.login.need_username"))
            self.query_one("#username", Input).focus()
            return
        if not password:
            self.show_message(i18n.t("tui.login.need_password"))
            self.query_one("#password", Input).focus()
            return
        window: int | None = None
        if window_text:
            try:
                window = int(window_text)
            except ValueError:
                self.show_message(i18n.t("tui.login.bad_window"))
                self.query_one("#window", Input).focus()
                return
        # an embedded hall still coming up: the sign-in waits for it, and says so
        waiting = self.clerk.client.starting
        self.show_message(
            i18n.t("tui.login.waiting_for_hall" if waiting else "tui.login.signing_in"),
            error=False,
        )
        self.query_one("#login-button", Button).disabled = True
        self.sign_in(username, password, window)

    @work(exclusive=True, group="login")
    async def sign_in(self, username: str, password: str, window: int | None) -> None:
        try:
            session = await self.clerk.client.login(username, password, window)
        except HallClientError as exc:
            self.query_one("#login-button", Button).disabled = False
            self.show_message(error_text(exc))
            password_field = self.query_one("#password", Input)
            password_field.value = ""
            password_field.focus()
            return
        self.clerk.signed_in(session)

    def show_message(self, text: str, *, error: bool = True) -> None:
        message = self.query_one("#login-message", Static)
        message.update(text)
        message.set_class(error and bool(text), "-error")

    # The login screen holds nothing that could be lost.
    def has_unsaved(self) -> bool:
        return False
