"""Binding ids, their default keys, and the user's `[keymap]` table.

Every key in the app is a `KeyAction`: an id (what the config file names), a default key, a
named action and the i18n key of its description. `KeyAction.binding()` makes the Textual
`Binding`; `keymap_from_settings` turns `settings.keymap` into the mapping `App.set_keymap`
takes, and says which entries it could not use.

Descriptions are i18n keys in the class-level `BINDINGS` (those are built at import time, before
the language is known); `localize` swaps them for the text of the current language on each
instance, so the footer, the help screen and the command palette show translated text.

A room adds its own keys by declaring `KeyAction`s next to its screen and listing
`[x.binding() for x in ...]` in that screen's `BINDINGS`; `register()` makes the id known to the
keymap check and to the help screen.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from textual.binding import Binding, BindingsMap, BindingType

from clerk import i18n

log = logging.getLogger("screens.keymap")


@dataclass(frozen=True)
class KeyAction:
    """One remappable key: `id` is what `[keymap]` in the config file names."""

    id: str
    key: str
    action: str
    description: str
    """i18n key of the description (shown in the footer, help screen and command palette)."""
    show: bool = True
    priority: bool = False

    def binding(self) -> Binding:
        return Binding(
            self.key,
            self.action,
            self.description,
            show=self.show,
            priority=self.priority,
            id=self.id,
        )


_REGISTRY: dict[str, KeyAction] = {}


def register(*actions: KeyAction) -> list[BindingType]:
    """Make the ids known (for the keymap check and help) and return their bindings."""
    for action in actions:
        known = _REGISTRY.get(action.id)
        if known is not None and known != action:
            raise ValueError(f"binding id {action.id!r} registered twice with different keys")
        _REGISTRY[action.id] = action
    return [action.binding() for action in actions]


def registered() -> dict[str, KeyAction]:
    return dict(_REGISTRY)


# The shell's own keys. Rooms register theirs in their own modules.
QUIT = KeyAction("quit", "ctrl+q", "quit", "tui.keys.quit", priority=True)
HELP = KeyAction("help", "f1", "help", "tui.keys.help")
# Not shown among the other keys: the footer shows it on its right-hand side.
COMMAND_PALETTE = KeyAction(
    "command_palette",
    "ctrl+p",
    "command_palette",
    "tui.keys.command_palette",
    show=False,
    priority=True,
)
OPEN_CATALOG = KeyAction("open_catalog", "f2", "open_catalog", "tui.keys.open_catalog")
TOGGLE_THEME = KeyAction("toggle_theme", "f8", "toggle_theme", "tui.keys.toggle_theme")
LOGIN_SUBMIT = KeyAction("login.submit", "ctrl+s", "submit", "tui.keys.login_submit")
HOME_REFRESH = KeyAction("home.refresh", "f5", "refresh", "tui.keys.home_refresh")
LOGOUT = KeyAction("logout", "f12", "logout", "tui.keys.logout")
HELP_CLOSE = KeyAction("help.close", "escape", "close", "tui.keys.close")

APP_KEYS = (QUIT, HELP, COMMAND_PALETTE, OPEN_CATALOG, TOGGLE_THEME)


@dataclass(frozen=True)
class LoadedKeymap:
    keymap: dict[str, str]
    problems: list[str]


def keymap_from_settings(table: Mapping[str, str]) -> LoadedKeymap:
    """The `[keymap]` table (id = "key" or "key1,key2") as a Textual keymap, plus problems.

    Unknown ids are kept (a room's screen may not be imported yet) but reported; empty values and
    keys Textual cannot parse are dropped and reported.
    """
    keymap: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, raw in table.items():
        keys = str(raw).strip().replace(" ", "")
        if not keys:
            problems.append(i18n.t("tui.keymap.empty", id=binding_id))
            continue
        if not all(_valid_key(key) for key in keys.split(",")):
            problems.append(i18n.t("tui.keymap.bad_key", id=binding_id, key=raw))
            continue
        normalized = keys
        if binding_id not in _REGISTRY:
            problems.append(i18n.t("tui.keymap.unknown_id", id=binding_id))
        keymap[binding_id] = normalized
    problems.extend(_clashes(keymap))
    for problem in problems:
        log.warning("keymap: %s", problem)
    return LoadedKeymap(keymap=keymap, problems=problems)


def _clashes(keymap: Mapping[str, str]) -> list[str]:
    """Remapped keys that another known action still uses (Textual does not report these).

    Only ids known when the keymap is loaded are checked; two screens that never show at the
    same time may share a key, so this is a warning, not an error."""
    effective = {
        binding_id: set((keymap.get(binding_id) or action.key).split(","))
        for binding_id, action in _REGISTRY.items()
    }
    found: list[str] = []
    for binding_id, keys in keymap.items():
        for key in keys.split(","):
            for other_id, other_keys in effective.items():
                if other_id != binding_id and key in other_keys:
                    found.append(
                        i18n.t(
                            "tui.keymap.clash",
                            key=key_display(key),
                            action=describe(_REGISTRY[other_id].description),
                            id=other_id,
                        )
                    )
    return found


_MODIFIERS = {"ctrl", "shift", "alt", "meta", "super", "hyper"}


def _valid_key(key: str) -> bool:
    *modifiers, last = key.split("+")
    return bool(last) and all(m.lower() in _MODIFIERS for m in modifiers)


def describe(description: str) -> str:
    """The text for a binding description that may be an i18n key."""
    return i18n.t(description) if description and i18n.has(description) else description


def localize(bindings: BindingsMap) -> BindingsMap:
    """A copy of `bindings` with i18n-key descriptions replaced by the current language's text."""
    keys: dict[str, list[Binding]] = {}
    for key, binding in bindings:
        text = describe(binding.description)
        if text != binding.description:
            binding = dataclasses.replace(binding, description=text)
        keys.setdefault(key, []).append(binding)
    return BindingsMap.from_keys(keys)


def key_display(key: str) -> str:
    """How a key is shown to a clerk: `ctrl+q` -> `Ctrl+Q`, `f1` -> `F1`; a letter key as the
    letter to press: `w` -> `w` (Shift+W is another key), `W` -> `W`."""
    parts = key.split("+")
    names = {"ctrl": "Ctrl", "shift": "Shift", "alt": "Alt", "meta": "Meta", "super": "Super"}
    special = {
        "escape": "Esc",
        "enter": "Enter",
        "tab": "Tab",
        "space": "Space",
        "delete": "Del",
        "backspace": "Backspace",
        "pageup": "PgUp",
        "pagedown": "PgDn",
        "up": "↑",
        "down": "↓",
        "left": "←",
        "right": "→",
        "question_mark": "?",
    }
    shown = [names.get(p, p) for p in parts[:-1]]
    last = parts[-1]
    if len(last) == 1 and not parts[:-1]:
        shown.append(last)
    else:
        shown.append(special.get(last, last.upper() if len(last) <= 3 else last.capitalize()))
    return "+".join(shown)


def ids_in(bindings: Iterable[Binding]) -> list[str]:
    return [b.id for b in bindings if b.id]
