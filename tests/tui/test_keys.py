"""Keys by id: remapping from the config, the footer, F1 help, the command palette, themes,
quitting (asks only when something is unsaved), F2 catalog, and panels added by rooms."""

from __future__ import annotations

import asyncio
import importlib
import pkgutil
import sys
from collections.abc import Callable

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.command import CommandPalette
from textual.dom import DOMNode
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static
from textual.widgets._footer import FooterKey

import screens.app
from clerk import i18n
from clerk.catalog.model import Catalog
from clerk.catalog.search import SearchIndex, build_index
from screens import panels
from screens.app import ClerkApp
from screens.catalog_browser import CatalogBrowserScreen
from screens.commands import ShellCommands
from screens.components.queue_counts import QueueCounts
from screens.components.queue_pause import REASON_KEYS, PauseDialog
from screens.confirm import ConfirmScreen
from screens.help import HelpScreen
from screens.home import HomeScreen
from screens.keymap import KeyAction
from screens.login import LoginScreen
from screens.panels import PanelSpec
from tests.support.hall import RunningHall
from tests.tui.conftest import SIZE, AppFactory
from tests.tui.pilot import settle, sign_in


def footer_keys(app: ClerkApp) -> dict[str, str]:
    """action -> key display, as the footer shows them."""
    footer = app.screen.query_one(Footer)
    return {key.action: key.key_display for key in footer.query(FooterKey)}


def help_rows(app: ClerkApp) -> dict[str, tuple[str, str]]:
    """binding id -> (key, description) from the help screen's table."""
    table: DataTable[str] = app.screen.query_one("#help-table", DataTable)
    rows = {}
    for row_key in table.rows:
        key, description, binding_id = table.get_row(row_key)
        rows[str(binding_id)] = (str(key), str(description))
    return rows


async def test_footer_shows_default_keys(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = footer_keys(app)
        assert keys["help"] == "F1"
        assert keys["quit"] == "Ctrl+Q"
        assert keys["open_catalog"] == "F2"
        assert keys["toggle_theme"] == "F8"


async def test_keymap_remap_changes_footer_help_and_the_key_that_works(
    make_app: AppFactory,
) -> None:
    app = make_app(keymap={"help": "f3", "toggle_theme": "ctrl+t", "quit": "ctrl+x"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = footer_keys(app)
        assert keys["help"] == "F3"
        assert keys["toggle_theme"] == "Ctrl+T"
        assert keys["quit"] == "Ctrl+X"
        # The old key does nothing now; the new one opens help.
        await pilot.press("f1")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = help_rows(app)
        assert rows["help"] == ("F3", "帮助")
        assert rows["toggle_theme"] == ("Ctrl+T", "切换主题")
        assert rows["quit"] == ("Ctrl+X", "退出")
        assert rows["login.submit"][0] == "Ctrl+S"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        # The remapped theme key switches the theme.
        assert app.theme == "clerk-dark"
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert app.theme == "clerk-light"
        # The login hint follows the remap too.
        assert "F3" in str(app.screen.query_one("#login-hint", Static).render())


async def test_bad_keymap_entries_are_reported_not_fatal(make_app: AppFactory) -> None:
    app = make_app(keymap={"no_such_action": "f7", "help": "", "quit": "hyperdrive+q"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        problems = " ".join(app.keymap_problems)
        assert "no_such_action" in problems
        assert "help" in problems
        assert "quit" in problems
        assert footer_keys(app)["help"] == "F1"
        assert footer_keys(app)["quit"] == "Ctrl+Q"


async def test_a_key_given_to_two_actions_is_reported(make_app: AppFactory) -> None:
    app = make_app(keymap={"toggle_theme": "f1"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert app.theme == "clerk-light"  # the remap wins
        assert any("F1" in m and "help" in m for m in app.keymap_problems), app.keymap_problems
        told = [str(n.message) for n in app._notifications]
        assert any("F1" in m and "help" in m for m in told), told


async def test_help_on_home_lists_screen_and_app_keys(
    hall: RunningHall, make_app: AppFactory
) -> None:
    app = make_app(keymap={"logout": "ctrl+o"})
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk1", hall.credentials["clerk1"])
        await pilot.press("f1")
        await pilot.pause()
        rows = help_rows(app)
        assert rows["logout"] == ("Ctrl+O", "签退")
        assert rows["home.refresh"] == ("F5", "刷新")
        assert {"quit", "help", "command_palette", "open_catalog", "toggle_theme"} <= set(rows)
        await pilot.press("f1")  # F1 again closes help
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_palette_lists_every_action_of_app_and_screen(
    hall: RunningHall, make_app: AppFactory
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk1", hall.credentials["clerk1"])
        ids = {c.help.rsplit(" ", 1)[-1] for c in ShellCommands(app.screen).commands()[:-2]}
        assert {"quit", "help", "open_catalog", "toggle_theme", "home.refresh", "logout"} <= ids
        names = [c.name for c in ShellCommands(app.screen).commands()]
        assert "主题：切换到浅色" in names
        assert "界面语言：简体中文" in names


def palette_ids(app: ClerkApp) -> set[str]:
    return {c.help.rsplit(" ", 1)[-1] for c in ShellCommands(app.screen).commands()[:-2]}


async def wait_until(pilot: Pilot[None], predicate: Callable[[], object], what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10.0
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"not within 10 s: {what}")
        await pilot.pause(0.05)


async def run_from_palette(pilot: Pilot[None], typed: str) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(pilot.app.screen, CommandPalette)
    await pilot.press(*typed)
    await pilot.pause(0.3)
    await pilot.press("down", "enter")
    await settle(pilot)


async def test_palette_finds_and_runs_a_queue_panel_key(
    hall: RunningHall, make_app: AppFactory
) -> None:
    """The queue panel's keys are bound on the panel widget, not on the screen: the palette
    lists them like F1 does and runs them on the panel."""
    from screens.components.queue_panel import QueuePanel
    from screens.intake import IntakeScreen

    kiosk = hall.client()
    try:
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await sign_in(pilot, "clerk1", hall.credentials["clerk1"])
            panel = app.screen.query_one(QueuePanel)
            await asyncio.wait_for(panel.ready.wait(), 10)
            ids = palette_ids(app)
            assert {"queue_call_next", "queue_recall", "queue_pause", "queue_walk_in"} <= ids
            await pilot.press("f1")
            await pilot.pause()
            assert "queue_call_next" in help_rows(app)
            await pilot.press("escape")
            await pilot.pause()
            ticket = await kiosk.issue_ticket("A", None)
            await wait_until(pilot, lambda: panel.query_one(QueueCounts).counts.get("A"), "seen")
            await run_from_palette(pilot, "queue_call_next")
            # Call next opens intake for the ticket it called.
            await wait_until(pilot, lambda: isinstance(app.screen, IntakeScreen), "intake")
            assert isinstance(app.screen, IntakeScreen)
            assert app.screen.ticket is not None
            assert app.screen.ticket.number == ticket.number
    finally:
        await kiosk.aclose()


async def test_palette_lists_and_runs_the_supervisors_keys(
    hall: RunningHall, make_app: AppFactory
) -> None:
    from screens.components.dash_panel import SupervisorPanel
    from screens.reports import ReportScreen

    app = make_app(window=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "supervisor", hall.credentials["supervisor"])
        panel = app.screen.query_one(SupervisorPanel)
        await asyncio.wait_for(panel.ready.wait(), 10)
        await settle(pilot)
        ids = palette_ids(app)
        assert {"sup_open_window", "sup_move", "sup_broadcast", "sup_reports"} <= ids
        await run_from_palette(pilot, "sup_reports")
        await wait_until(pilot, lambda: isinstance(app.screen, ReportScreen), "report screen")


async def test_palette_finds_an_action_by_typing_its_name(
    hall: RunningHall, make_app: AppFactory
) -> None:
    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk1", hall.credentials["clerk1"])
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"sign out")
        await pilot.pause(0.3)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert app.session is None


async def test_palette_finds_an_action_by_its_id(hall: RunningHall, make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"toggle")
        await pilot.pause(0.3)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert app.theme == "clerk-light"


async def test_theme_from_settings_and_toggle(make_app: AppFactory) -> None:
    app = make_app(theme="light")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme == "clerk-light"
        await pilot.press("f8")
        await pilot.pause()
        assert app.theme == "clerk-dark"


async def test_quit_without_unsaved_work_quits_at_once(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.return_code == 0
        assert not any(isinstance(s, ConfirmScreen) for s in app.screen_stack)


class DirtyScreen(Screen[None]):
    """A room's screen holding work not yet sent to the hall."""

    def compose(self) -> ComposeResult:
        yield Static("half-typed application")

    def has_unsaved(self) -> bool:
        return True


async def test_quit_with_unsaved_work_asks_first(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(DirtyScreen())
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, DirtyScreen)
        assert app.return_code is None
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.return_code == 0


async def test_open_catalog_without_the_room_says_so(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "screens.catalog_browser", None)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        assert any("事项目录" in str(n.message) for n in app._notifications)


def small_catalog() -> tuple[Catalog, SearchIndex]:
    """A catalog built in code, so this test does not depend on the demo data."""
    from tests.catalog.factory import good_layout, load_layout

    catalog = load_layout(good_layout())
    return catalog, build_index(catalog, cache=None)


async def test_open_catalog_opens_the_browser(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(screens.app, "_load_catalog", small_catalog)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, CatalogBrowserScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)


async def test_a_broken_catalog_is_a_message(make_app: AppFactory) -> None:
    """A hall catalog with a bad reference, written where the workstation loads it from
    (CLERK_HOME/data/catalog): F2 stays on the current screen and the message names the file,
    the item code and the field, so the clerk can tell the administrator what to fix."""
    from clerk.catalog.loader import hall_catalog_dir
    from tests.catalog.factory import fresh, write_layout

    layout = fresh()
    layout["items/AAA.json"]["items"][0]["materials"][2]["when"] = {"aera": {"min": 150}}
    write_layout(hall_catalog_dir(), layout)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        shown = [str(n.message) for n in app._notifications]
        failed = [m for m in shown if "事项目录无法载入" in m]
        assert failed, shown
        assert "items/AAA.json: AAA-001 materials[2].when.aera" in failed[0], failed[0]
        assert '未知情形 "aera"' in failed[0], failed[0]


class PracticePanel(Static):
    """Stands in for a room's panel: holds unsaved work once typed into."""

    dirty = False

    def __init__(self) -> None:
        super().__init__("practice panel", id="practice-panel")

    def has_unsaved(self) -> bool:
        return self.dirty


async def test_rooms_add_panels_with_keys_and_unsaved_work(
    hall: RunningHall, make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    specs = [
        PanelSpec(id="queue", title="tui.home.window_title", factory=lambda: Static("queue")),
        PanelSpec(
            id="practice",
            title="tui.home.health_title",
            factory=PracticePanel,
            order=5,
            key=KeyAction("panel.practice", "f6", "show_panel('practice')", "tui.keys.help"),
        ),
        PanelSpec(
            id="supervise",
            title="tui.home.health_title",
            factory=lambda: Static("floor"),
            roles=frozenset({"supervisor"}),
        ),
    ]
    monkeypatch.setattr(panels, "discover", lambda: sorted(specs, key=lambda p: p.order))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk1", hall.credentials["clerk1"])
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert [p.id for p in home.panels] == ["practice", "queue"]  # no supervisor panel
        assert not home.query("#panel-placeholder")
        await pilot.press("f6")
        await pilot.pause()
        assert home.query_one("#panel-tabs").active == "practice"  # type: ignore[attr-defined]
        home.query_one(PracticePanel).dirty = True
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.return_code is None


# --- every key has an id ----------------------------------------------------------------


def screen_classes() -> list[type[DOMNode]]:
    """Every widget, screen and app class defined in the screens package (all modules imported,
    so a room added later is checked without listing it here)."""
    import screens as package

    for info in pkgutil.walk_packages(package.__path__, "screens."):
        importlib.import_module(info.name)
    found: dict[str, type[DOMNode]] = {}
    pending: list[type[DOMNode]] = [DOMNode]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] == "screens":
            found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return [found[name] for name in sorted(found)]


def test_every_binding_in_screens_has_an_id() -> None:
    """posting's rule: a binding without an id cannot be remapped by `[keymap]` and is missing
    from F1's id column. Bindings given as (key, action) tuples cannot carry an id at all.

    Known exceptions, each a key that is typed text rather than a command (so handled in
    `on_key`, with no BINDINGS entry to check here): the case lookup's redirect of letters and
    digits to its search field (screens/case_lookup.py) and the kiosk's digit entry."""
    classes = screen_classes()
    assert len(classes) > 40, [c.__name__ for c in classes]
    missing: list[str] = []
    for cls in classes:
        for entry in cls.__dict__.get("BINDINGS", []):
            if not isinstance(entry, Binding):
                missing.append(f"{cls.__module__}.{cls.__qualname__}: {entry!r} (not a Binding)")
            elif not entry.id:
                missing.append(
                    f"{cls.__module__}.{cls.__qualname__}: {entry.key} -> {entry.action}"
                )
    assert not missing, "\n".join(missing)


class PauseHost(App[None]):
    """A bare app for the pause dialog: its keys do not need a hall."""

    answer: str | None = "-"

    def on_mount(self) -> None:
        def done(answer: str | None) -> None:
            self.answer = answer

        self.push_screen(PauseDialog(), done)


async def test_pause_reasons_are_named_bindings_that_follow_a_remap() -> None:
    i18n.set_language("zh-CN")
    reasons = [i18n.t(key) for key in REASON_KEYS]
    app = PauseHost()
    app.set_keymap({"queue_pause.reason2": "9"})
    async with app.run_test() as pilot:
        dialog = app.screen
        assert isinstance(dialog, PauseDialog)
        ids = {b.id for _key, b in dialog._bindings}
        assert {f"queue_pause.reason{n}" for n in range(1, 6)} <= ids
        await pilot.press("2")  # remapped away: nothing happens
        await pilot.pause()
        assert app.screen is dialog
        await pilot.press("9")
        await pilot.pause()
        assert app.answer == reasons[1]


async def test_digits_typed_into_the_pause_reason_stay_typed() -> None:
    i18n.set_language("zh-CN")
    app = PauseHost()
    async with app.run_test() as pilot:
        dialog = app.screen
        assert isinstance(dialog, PauseDialog)
        dialog.query_one(Input).focus()
        await pilot.press("3", "h")
        await pilot.pause()
        assert app.screen is dialog
        assert dialog.query_one(Input).value == "3h"
        await pilot.press("enter")
        await pilot.pause()
        assert app.answer == "3h"


async def test_supervisor_dialog_escape_is_a_named_binding() -> None:
    from screens.components.dash_dialog import DIALOG_CANCEL, Field, FormDialog

    i18n.set_language("zh-CN")
    assert DIALOG_CANCEL.id in {b.id for b in FormDialog.BINDINGS if isinstance(b, Binding)}
    answers: list[dict[str, str] | None] = []

    class Host(App[None]):
        def on_mount(self) -> None:
            fields = [Field("window", "supervisor.dialog.window")]
            self.push_screen(FormDialog("t", fields), answers.append)

    app = Host()
    app.set_keymap({DIALOG_CANCEL.id: "ctrl+g"})
    async with app.run_test() as pilot:
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert answers == [None]


def test_letter_keys_are_shown_as_the_key_to_press() -> None:
    """The footer said `W 登记无号` for the binding `w`, and Shift+W does nothing: a letter is
    shown as it is bound; named keys and keys with modifiers keep their capitals."""
    from screens.keymap import key_display

    assert key_display("w") == "w"
    assert key_display("W") == "W"
    assert key_display("n") == "n"
    assert key_display("ctrl+q") == "Ctrl+Q"
    assert key_display("f1") == "F1"
    assert key_display("escape") == "Esc"
    assert key_display("shift+w") == "Shift+W"


async def test_home_footer_shows_the_walk_in_key_lower_case(
    hall: RunningHall, make_app: AppFactory
) -> None:
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await sign_in(pilot, "clerk1", hall.credentials["clerk1"])
        keys = footer_keys(app)
        assert keys.get("walk_in") == "w", keys
