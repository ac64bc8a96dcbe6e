"""DecisionDialog: 受理 / 一次性告知 / 不予受理, the delivery, and confirm.

Opened by the intake screen's decide key with the live view. The choice the verdict allows is
highlighted; 受理 is disabled (and says why) while the file is incomplete. Enter on a choice
confirms it — for 不予受理 the reasons list comes first and Enter there confirms. Delivery:
窗口领取 or 邮寄 (with the address; Enter in the address confirms too). Returns a
`DecisionRequest` or None (Esc).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, OptionList, RadioButton, RadioSet, Static
from textual.widgets.option_list import Option

from clerk import i18n
from clerk.checklist import requirement
from screens.base import ClerkModal
from screens.intake_state import (
    ACCEPT,
    MAIL,
    NOTICE,
    PICKUP,
    REFUSE,
    IntakeView,
    RefusalChoice,
    default_choice,
    refusal_choices,
)
from screens.keymap import KeyAction, register

CONFIRM = KeyAction("intake_dialog_confirm", "ctrl+s", "confirm", "intake.keys.dialog_confirm")
CANCEL = KeyAction("intake_dialog_cancel", "escape", "cancel", "intake.keys.dialog_cancel")


def _t(key: str, **values: Any) -> str:
    return i18n.t(f"intake.{key}", **values)


@dataclass(frozen=True)
class DecisionRequest:
    choice: str  # accept / notice / refuse
    refusal: RefusalChoice | None
    delivery: str  # pickup / mail
    address: str = ""


class DecisionDialog(ClerkModal[DecisionRequest | None]):
    BINDINGS = register(CONFIRM, CANCEL)

    def __init__(self, view: IntakeView, *, delivery: str = PICKUP, address: str = "") -> None:
        super().__init__(id="decision-dialog")
        self.view = view
        self.delivery = delivery
        self.address = address
        self.refusals = refusal_choices(view)
        self.choice = default_choice(view)

    # ------------------------------------------------------------------ layout

    def _summary(self) -> Text:
        view = self.view
        text = Text()
        text.append(_t(f"verdict.{view.decision.value}"), style="bold")
        text.append("  " + "、".join(i.name for i in view.items))
        for blocker in view.blockers:
            text.append("\n  ✗ " + blocker)
        for material in view.verdict.missing:
            text.append(
                "\n  ✗ "
                + _t(
                    "dialog.missing_line", material=material.name, requirement=requirement(material)
                )
            )
        for deferred in view.verdict.deferred:
            due = deferred.due.isoformat() if deferred.due else "—"
            text.append(
                "\n  ◔ " + _t("dialog.deferred_line", material=deferred.material.name, due=due)
            )
        for refusal in view.verdict.refusals:
            text.append("\n  ⊘ " + refusal.text)
        return text

    def _choices(self) -> list[Option]:
        view = self.view
        why_not = ""
        if not view.can_accept:
            reasons = list(view.blockers) + [m.name for m in view.verdict.missing]
            if view.verdict.refusals:
                reasons.append(_t("dialog.refused"))
            if view.verdict.unanswered:
                reasons.append(_t("dialog.unanswered"))
            why_not = _t("dialog.accept_disabled", why="、".join(reasons[:4]) or "—")
        accept_label = _t("dialog.accept_deferred" if view.verdict.deferred else "dialog.accept")
        notice_label = _t("dialog.notice", count=len(view.verdict.missing))
        return [
            Option(
                accept_label + (f"  — {why_not}" if why_not else ""),
                id=ACCEPT,
                disabled=not view.can_accept,
            ),
            Option(notice_label, id=NOTICE, disabled=not view.verdict.missing),
            Option(_t("dialog.refuse"), id=REFUSE, disabled=not self.refusals),
        ]

    def compose(self) -> ComposeResult:
        with Vertical(id="decision-box"):
            yield Static(_t("dialog.title"), id="decision-title")
            with VerticalScroll(id="decision-summary-scroll"):
                yield Static(self._summary(), id="decision-summary", markup=False)
            yield OptionList(*self._choices(), id="decision-choice")
            yield Label(_t("dialog.refusal_title"), id="refusal-title")
            yield OptionList(
                *[
                    Option(
                        f"{r.item} {r.reason_id}  {r.text}（{r.legal_basis or '—'}）", id=f"r{i}"
                    )
                    for i, r in enumerate(self.refusals)
                ],
                id="refusal-reasons",
            )
            with Horizontal(id="delivery-row"):
                yield Label(_t("dialog.delivery"), classes="intake-label")
                with RadioSet(id="delivery"):
                    yield RadioButton(
                        _t("dialog.pickup"), value=self.delivery != MAIL, id="delivery-pickup"
                    )
                    yield RadioButton(
                        _t("dialog.mail"), value=self.delivery == MAIL, id="delivery-mail"
                    )
            yield Input(self.address, placeholder=_t("dialog.address_hint"), id="delivery-address")
            yield Static("", id="decision-message", markup=False)
            yield Static(_t("dialog.hint"), id="decision-hint", markup=False)

    def on_mount(self) -> None:
        super().on_mount()
        choices = self.query_one("#decision-choice", OptionList)
        order = [ACCEPT, NOTICE, REFUSE]
        choices.highlighted = order.index(self.choice)
        self._show_refusals(self.choice == REFUSE)
        self.query_one("#delivery-address").display = self.delivery == MAIL
        choices.focus()

    def _show_refusals(self, on: bool) -> None:
        self.query_one("#refusal-title").display = on
        reasons = self.query_one("#refusal-reasons", OptionList)
        reasons.display = on
        if on and reasons.option_count and reasons.highlighted is None:
            reasons.highlighted = 0

    # ------------------------------------------------------------------ events

    @on(OptionList.OptionHighlighted, "#decision-choice")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id:
            self.choice = event.option.id
            self._show_refusals(self.choice == REFUSE)

    @on(OptionList.OptionSelected, "#decision-choice")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.choice = event.option.id or self.choice
        if self.choice == REFUSE:
            self._show_refusals(True)
            self.query_one("#refusal-reasons", OptionList).focus()
            return
        self.action_confirm()

    @on(OptionList.OptionSelected, "#refusal-reasons")
    def _reason_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_confirm()

    @on(RadioSet.Changed, "#delivery")
    def _delivery(self, event: RadioSet.Changed) -> None:
        event.stop()
        self.delivery = MAIL if event.pressed.id == "delivery-mail" else PICKUP
        self.query_one("#delivery-address").display = self.delivery == MAIL

    @on(Input.Submitted, "#delivery-address")
    def _address_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_confirm()

    def _say(self, message: str) -> None:
        self.query_one("#decision-message", Static).update(message)

    def action_confirm(self) -> None:
        option = self.query_one("#decision-choice", OptionList)
        if option.highlighted is not None:
            highlighted = option.get_option_at_index(option.highlighted)
            if highlighted.disabled:
                self._say(_t("dialog.choice_disabled"))
                return
            self.choice = highlighted.id or self.choice
        refusal: RefusalChoice | None = None
        if self.choice == REFUSE:
            reasons = self.query_one("#refusal-reasons", OptionList)
            if reasons.highlighted is None or not self.refusals:
                self._say(_t("dialog.choose_reason"))
                return
            refusal = self.refusals[reasons.highlighted]
        address = self.query_one("#delivery-address", Input).value.strip()
        if self.choice != REFUSE and self.delivery == MAIL and not address:
            self._say(_t("dialog.address_required"))
            self.query_one("#delivery-address", Input).focus()
            return
        self.dismiss(DecisionRequest(self.choice, refusal, self.delivery, address))

    def action_cancel(self) -> None:
        self.dismiss(None)
