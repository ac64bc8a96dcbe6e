"""VerdictBar: the live completeness verdict (clerk.checklist.verdict) at the foot of intake.

One line says what the clerk can do now (受理 / 容缺受理 / 一次性告知 / 不予受理 / 待定) and the
key that decides; the lines under it say why — every missing material with its requirement, a
refusal with its legal basis, an ID problem — so an incomplete file is never accepted by
mistake and the clerk sees what stops it.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Static

from clerk import i18n
from clerk.checklist import Decision
from screens.components.steady_text import show
from screens.intake_state import IntakeView

MAX_REASONS = 6

DECISION_CLASS = {
    Decision.ACCEPT: "-accept",
    Decision.ACCEPT_DEFERRED: "-deferred",
    Decision.NOTIFY: "-notify",
    Decision.REFUSE: "-refuse",
    Decision.UNDECIDED: "-undecided",
}


def _t(key: str, **values: Any) -> str:
    return i18n.t(f"intake.{key}", **values)


class VerdictBar(Static):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.view: IntakeView | None = None

    def show(self, view: IntakeView, decide_key: str) -> None:
        self.view = view
        decision = view.decision
        blocked = view.verdict.can_accept and not view.can_accept
        chosen = "-undecided" if blocked else DECISION_CLASS[decision]
        self.update_classes({cls: cls == chosen for cls in {*DECISION_CLASS.values(), chosen}})
        text = Text()
        headline = _t(f"verdict.{decision.value}")
        if blocked:
            headline = _t("verdict.blocked")
        text.append(f" {headline} ", style="bold reverse")
        if view.verdict.missing:
            text.append("  " + _t("verdict.missing_count", count=len(view.verdict.missing)))
        if view.verdict.deferred:
            text.append("  " + _t("verdict.deferred_count", count=len(view.verdict.deferred)))
        text.append("  " + _t("verdict.decide_hint", press=decide_key), style="dim")
        lines: list[str] = list(view.blockers)
        for reason in view.verdict.reasons:
            if reason.key in ("complete",):
                continue
            lines.append(reason.text())
        for line in lines[:MAX_REASONS]:
            text.append("\n  • " + line)
        if len(lines) > MAX_REASONS:
            text.append("\n  " + _t("verdict.more", count=len(lines) - MAX_REASONS), style="dim")
        show(self, text)
