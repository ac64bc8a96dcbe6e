"""The window home's first panel for clerks: the queue (screens/components/queue_panel.py)."""

from __future__ import annotations

from screens.components.queue_panel import QueuePanel
from screens.keymap import KeyAction
from screens.panels import PanelSpec

PANEL = PanelSpec(
    id="queue",
    title="queue_tui.panel.title",
    factory=QueuePanel,
    order=10,
    roles=frozenset({"clerk"}),
    key=KeyAction("panel.queue", "f3", "show_panel('queue')", "queue_tui.keys.show"),
)
