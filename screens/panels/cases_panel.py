"""The window home's cases panel (办件): lookup and worklist (screens/components/cases_panel.py)."""

from __future__ import annotations

from screens.components.cases_panel import CasesPanel
from screens.keymap import KeyAction
from screens.panels import PanelSpec

PANEL = PanelSpec(
    id="cases",
    title="caseview.panel.title",
    factory=CasesPanel,
    order=20,
    roles=frozenset({"clerk", "supervisor"}),
    key=KeyAction("panel.cases", "f7", "show_panel('cases')", "caseview.panel.show"),
)
