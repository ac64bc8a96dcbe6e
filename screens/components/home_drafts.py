"""HomeDraftsDialog: the intake drafts left open by this clerk or at this window (a crash, a
restart, a clerk who left intake with Esc), offered on the window home right after signing in.

Each row: the ticket number (or "no ticket"), the applicant masked, the items, when it was last
saved (hall time), and who saved it when it was someone else. Enter (`home_drafts_resume`)
resumes the highlighted draft — the dialog is dismissed with its id; L or Esc
(`home_drafts_later`) closes it with None: the drafts stay open in the hall and the home screen's
`home_drafts_show` key (F9, also in the command palette) offers them again.

Styles: styles/home.tcss.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from clerk import i18n
from clerk.clock import datetime_text
from clerk.identity import mask_name
from screens.base import ClerkModal
from screens.keymap import KeyAction, key_display, register
from services.client_cases import DraftSummary

RESUME = KeyAction("home_drafts_resume", "enter", "resume", "home_drafts.keys.resume")
LATER = KeyAction("home_drafts_later", "l,escape", "later", "home_drafts.keys.later")
SHOW = KeyAction("home_drafts_show", "f9", "show_drafts", "home_drafts.keys.show")
"""On the home screen (screens/home.py), while open drafts are known."""


def _t(key: str, **values: Any) -> str:
    return i18n.t(f"home_drafts.{key}", **values)


@dataclass(frozen=True)
class DraftRow:
    """One offered draft as the dialog shows it."""

    id: str
    text: str


def describe(
    draft: DraftSummary,
    *,
    ticket_number: str | None,
    names: Mapping[str, str],
    me: str,
) -> DraftRow:
    """The row of one draft: ticket · applicant (masked) · items · last saved [· saved by]."""
    who = mask_name(draft.applicant_name) or _t("no_name")
    if draft.applicant_id_masked:
        who = f"{who} {draft.applicant_id_masked}"
    codes = ([draft.theme] if draft.theme else []) + list(draft.items)
    what = "、".join(names.get(code, code) for code in codes) or _t("no_items")
    extra = "" if draft.updated_by == me else _t("saved_by", clerk=draft.updated_by)
    text = _t(
        "row",
        ticket=ticket_number or _t("no_ticket"),
        who=who,
        what=what,
        when=datetime_text(draft.updated_at, year=False),
        extra=extra,
    )
    return DraftRow(draft.id, text)


class HomeDraftsDialog(ClerkModal[str | None]):
    BINDINGS: ClassVar = register(RESUME, LATER)

    def __init__(self, rows: Sequence[DraftRow]) -> None:
        super().__init__(id="home-drafts")
        self.rows = list(rows)

    def _key(self, action: KeyAction) -> str:
        key_for = getattr(self.app, "key_for", None)
        if callable(key_for):
            return str(key_for(action.id))
        return " / ".join(key_display(k) for k in action.key.split(","))

    def compose(self) -> ComposeResult:
        with Vertical(id="home-drafts-box"):
            yield Static(_t("title", count=len(self.rows)), id="home-drafts-title", markup=False)
            yield OptionList(
                *[Option(Text(row.text), id=row.id) for row in self.rows], id="home-drafts-list"
            )
            yield Static(
                _t("hint", resume=self._key(RESUME), later=self._key(LATER), show=self._key(SHOW)),
                id="home-drafts-hint",
                markup=False,
            )

    def on_mount(self) -> None:
        super().on_mount()
        options = self.query_one("#home-drafts-list", OptionList)
        options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected, "#home-drafts-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_resume(self) -> None:
        options = self.query_one("#home-drafts-list", OptionList)
        if options.highlighted is None:
            return
        self.dismiss(options.get_option_at_index(options.highlighted).id)

    def action_later(self) -> None:
        self.dismiss(None)
