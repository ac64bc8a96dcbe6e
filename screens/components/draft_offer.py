"""DraftOffer: open drafts found in the hall — pick one up where it was left (after a crash, a
restart, or from another window), or start a new intake.

Enter resumes the highlighted draft (dismisses with its id); N or Esc starts afresh (None).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from clerk import i18n
from clerk.clock import datetime_text
from clerk.identity import mask_name
from screens.base import ClerkModal
from screens.keymap import KeyAction, register
from services.client_cases import DraftSummary

NEW = KeyAction("intake_draft_new", "n,escape", "new", "intake.keys.draft_new")


def _t(key: str, **values: Any) -> str:
    return i18n.t(f"intake.{key}", **values)


def describe(draft: DraftSummary, names: dict[str, str]) -> str:
    who = mask_name(draft.applicant_name) or _t("offer.no_name")
    what = "、".join(
        names.get(code, code) for code in ([draft.theme] if draft.theme else []) + list(draft.items)
    ) or _t("offer.no_items")
    when = datetime_text(draft.updated_at, year=False)
    window = _t("offer.window", number=draft.window_no) if draft.window_no else ""
    return _t("offer.line", who=who, what=what, when=when, window=window)


class DraftOffer(ClerkModal[str | None]):
    BINDINGS = register(NEW)

    def __init__(self, drafts: Sequence[DraftSummary], names: dict[str, str]) -> None:
        super().__init__(id="draft-offer")
        self.drafts = list(drafts)
        self.names = names

    def compose(self) -> ComposeResult:
        with Vertical(id="offer-box"):
            yield Static(_t("offer.title", count=len(self.drafts)), id="offer-title")
            yield OptionList(
                *[Option(describe(d, self.names), id=d.id) for d in self.drafts],
                id="offer-list",
            )
            yield Static(_t("offer.hint"), id="offer-hint", markup=False)

    def on_mount(self) -> None:
        super().on_mount()
        options = self.query_one("#offer-list", OptionList)
        options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected, "#offer-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_new(self) -> None:
        self.dismiss(None)
