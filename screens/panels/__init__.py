"""Panels on the window home screen, contributed by rooms without touching the home screen.

A room drops a module into this package (e.g. `screens/panels/queue.py`) that defines

    PANEL = PanelSpec(
        id="queue",                       # DOM id of the tab, unique
        title="queue.panel.title",        # i18n key of the tab title
        factory=QueuePanel,               # () -> Widget; the widget lives in screens/components/
        order=10,                         # tabs are sorted by order, then id
        roles=frozenset({"clerk", "supervisor"}),   # None: every role
        key=KeyAction("panel.queue", "f3", "show_panel('queue')", "queue.keys.show"),
    )

(or `PANELS = [...]` for several). The home screen imports every module here when it is
composed, keeps the panels the signed-in role may see, mounts each in a tab, and binds
`key` (remappable by id like every key) to bring the tab forward. A panel widget that holds
work not yet saved implements `has_unsaved() -> bool` (see screens/unsaved.py).
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

from textual.widget import Widget

from screens.keymap import KeyAction

log = logging.getLogger("screens.panels")


@dataclass(frozen=True)
class PanelSpec:
    id: str
    title: str
    factory: Callable[[], Widget]
    order: int = 100
    roles: frozenset[str] | None = None
    key: KeyAction | None = None

    def visible_to(self, role: str | None) -> bool:
        return self.roles is None or (role is not None and role in self.roles)


def discover() -> list[PanelSpec]:
    """Every panel declared in this package, in display order."""
    specs: dict[str, PanelSpec] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        found: list[PanelSpec] = []
        single = getattr(module, "PANEL", None)
        if isinstance(single, PanelSpec):
            found.append(single)
        found.extend(p for p in getattr(module, "PANELS", []) if isinstance(p, PanelSpec))
        for spec in found:
            if spec.id in specs:
                log.warning("panel id %s declared twice; keeping the first", spec.id)
                continue
            specs[spec.id] = spec
    return sorted(specs.values(), key=lambda p: (p.order, p.id))
