"""The home screen's panel for supervisors: the live dashboard and the supervisor's actions
(screens/components/dash_panel.py)."""

from __future__ import annotations

from screens.components.dash_panel import SupervisorPanel
from screens.keymap import KeyAction
from screens.panels import PanelSpec

PANEL = PanelSpec(
    id="supervisor",
    title="supervisor.panel.title",
    factory=SupervisorPanel,
    order=5,
    roles=frozenset({"supervisor", "admin"}),
    key=KeyAction("panel.supervisor", "f4", "show_panel('supervisor')", "supervisor.keys.show"),
)
