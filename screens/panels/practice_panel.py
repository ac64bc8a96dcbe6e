"""The window home's practice panel (练习): clerks open their practice queue, trainers also the
trainer screen (screens/components/practice_home.py)."""

from __future__ import annotations

from screens.components.practice_home import PracticeHome
from screens.keymap import KeyAction
from screens.panels import PanelSpec

PANEL = PanelSpec(
    id="practice",
    title="practice.panel.title",
    factory=PracticeHome,
    order=80,
    roles=frozenset({"clerk", "supervisor", "trainer"}),
    key=KeyAction("panel.practice_room", "f6", "show_panel('practice')", "practice.keys.panel"),
)
