"""Command palette (Ctrl+P): every action of the app and of the current screen, plus a few more.

`ShellCommands` walks the bindings active on the screen the palette was opened from — the same
set F1 lists: the app's, the screen's and those of every widget from the focused one up (the
queue panel's N/R/X…, the supervisor's sup_*, a dialog's fields) — so a room contributes its
actions by declaring bindings, nothing else. A command runs its action on the node that declared
the binding, as the key would. It adds the theme switch and the language information. A screen
may add its own provider in its `COMMANDS`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from clerk import i18n
from screens.keymap import describe

_SKIP_ACTIONS = {"command_palette", "app.command_palette"}


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    run: Callable[[], Awaitable[Any] | Any]


def language_name(lang: str) -> str:
    return i18n.t(f"tui.lang.{lang.replace('-', '_')}")


class ShellCommands(Provider):
    def commands(self) -> list[Command]:
        screen = self.screen
        app = self.app
        found: list[Command] = []
        seen: set[str] = set()
        for _key, active in screen.active_bindings.items():
            binding = active.binding
            if not binding.id or binding.action in _SKIP_ACTIONS or not active.enabled:
                continue
            if binding.id in seen:
                continue
            seen.add(binding.id)
            found.append(
                Command(
                    name=describe(binding.description),
                    help=i18n.t(
                        "tui.palette.key_help",
                        key=app.get_key_display(binding),
                        id=binding.id,
                    ),
                    run=partial(app.run_action, binding.action, active.node),
                )
            )
        dark = app.current_theme.dark
        found.append(
            Command(
                name=i18n.t("tui.palette.theme_light" if dark else "tui.palette.theme_dark"),
                help=i18n.t("tui.palette.theme_help"),
                run=partial(app.run_action, "toggle_theme"),
            )
        )
        current = i18n.language()
        found.append(
            Command(
                name=i18n.t("tui.palette.language", language=language_name(current)),
                help=i18n.t("tui.palette.language_help"),
                run=partial(
                    app.notify,
                    i18n.t("tui.palette.language_notice", language=language_name(current)),
                ),
            )
        )
        return found

    async def discover(self) -> Hits:
        for command in self.commands():
            yield DiscoveryHit(command.name, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self.commands():
            score = max(matcher.match(command.name), matcher.match(command.help) * 0.8)
            if score > 0:
                yield Hit(score, matcher.highlight(command.name), command.run, help=command.help)
