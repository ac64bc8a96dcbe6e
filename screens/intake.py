"""IntakeScreen: the clerk's main screen — one applicant at the window, from "call next" to the
receipt (受理 / 一次性告知 / 不予受理).

    IntakeScreen(catalog, index, client, ticket=None, draft=None, *, elicense=None)

    catalog, index  the hall's catalog and its search index (ClerkApp.catalog_and_index())
    client          a services.client_cases.DraftsClient: HallClient or PracticeIntakeClient
    ticket          the called ticket (anything with `.id: int` and `.number: str`), or None for
                    a walk-in without a ticket; the draft and the cases carry its id
    draft           a services.client_cases.Draft (or its id) to resume; None: a new intake —
                    the clerk's open drafts are offered first (resume after a crash/restart)
    elicense        a services.elicense.ElicenseService; default: elicense_for(app.settings)
    offer_drafts    False to skip the offer (e.g. the queue panel already chose)

The screen is dismissed with the `VisitRecord` of the decision (None when the clerk leaves with
Esc; the draft stays open in the hall and is offered next time). Push it with a callback to learn
the outcome, e.g. to finish the ticket: `app.push_screen(IntakeScreen(...), on_done)`.

The flow: find the item (or a theme) in the search box → scan or type the applicant's ID
(Enter in the ID field takes a scanner burst, see screens.intake_state.parse_scan) → answer the
questions that matter → tick materials (F9 marks every remaining required material received)
→ F10 / Ctrl+Enter decides → confirm → case numbers, promised date, receipt preview and print.

Every change re-derives the view (screens.intake_state.derive: clerk.checklist + identity
checks) and saves the draft in the hall a moment later, in a worker; typing never waits.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import uuid
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from clerk import checklist, formfill, i18n
from clerk import clock as clerk_clock
from clerk.catalog.model import Catalog, Theme
from clerk.catalog.search import SearchIndex
from clerk.identity import IdType, mask_id, mask_phone, validate_id, validate_phone, validate_uscc
from clerk.workdays import HolidayFileError, WorkCalendar, add_working_days, default_calendar
from printing import builders
from printing.documents import Document, Hall
from screens.base import apply_blink, localize_bindings
from screens.components.applicant_form import ApplicantForm
from screens.components.checklist_table import ChecklistTable
from screens.components.decision_dialog import DecisionDialog, DecisionRequest
from screens.components.draft_offer import DraftOffer
from screens.components.due_dialog import DueDateDialog
from screens.components.fields_form import FieldsForm
from screens.components.item_search import ItemSearch
from screens.components.result_dialog import Printer, ResultDialog
from screens.components.situation_panel import SituationPanel
from screens.components.steady_footer import SteadyFooter
from screens.components.steady_text import show
from screens.components.verdict_bar import VerdictBar
from screens.errors import error_text, session_ended
from screens.intake_state import (
    MAIL,
    ORGANIZATION,
    PERSON,
    IntakeForm,
    IntakeView,
    Person,
    allowed,
    cycle_state,
    derive,
    outstanding,
    plan_decisions,
)
from screens.keymap import KeyAction, key_display, register
from services.client import HallClientError, HallUnreachable
from services.client_cases import (
    DRAFT_CLOSED,
    VERSION_CONFLICT,
    CaseFinder,
    Draft,
    DraftsClient,
    VisitRecord,
)
from services.elicense import ElicenseError, ElicenseService, elicense_for

if TYPE_CHECKING:
    from screens.app import ClerkApp

log = logging.getLogger("screens.intake")

SAVE_DELAY_S = 0.6  # debounce: a draft save this long after the last change
RETRY_SAVE_S = 5.0
RONGQUE_DAYS = 5  # 容缺: default due date, in working days

SEARCH = KeyAction("intake_search", "ctrl+f", "focus_search", "intake.keys.search")
APPLICANT = KeyAction(
    "intake_applicant", "f4", "focus_applicant", "intake.keys.applicant", show=False
)
SITUATIONS = KeyAction(
    "intake_situations", "f5", "focus_situations", "intake.keys.situations", show=False
)
MATERIALS = KeyAction(
    "intake_materials", "f6", "focus_materials", "intake.keys.materials", show=False
)
REVEAL = KeyAction("intake_reveal", "f7", "reveal", "intake.keys.reveal")
RECEIVE_ALL = KeyAction("intake_receive_all", "f9", "receive_all", "intake.keys.receive_all")
# terminals without the kitty keyboard protocol send Ctrl+Enter as Ctrl+J
DECIDE = KeyAction("intake_decide", "ctrl+enter,ctrl+j", "decide", "intake.keys.decide")
DECIDE_ALT = KeyAction("intake_decide_alt", "f10", "decide", "intake.keys.decide")
REMOVE_ITEM = KeyAction(
    "intake_remove_item", "delete", "remove_item", "intake.keys.remove_item", show=False
)
CLOSE = KeyAction("intake_close", "escape", "close", "intake.keys.close")
INTAKE_KEYS = (
    SEARCH,
    APPLICANT,
    SITUATIONS,
    MATERIALS,
    REVEAL,
    RECEIVE_ALL,
    DECIDE,
    DECIDE_ALT,
    REMOVE_ITEM,
    CLOSE,
)


class TicketRef(Protocol):
    """What the intake needs of a called ticket."""

    @property
    def id(self) -> int: ...

    @property
    def number(self) -> str: ...


def _t(key: str, **values: Any) -> str:
    return i18n.t(f"intake.{key}", **values)


ACCEPTED_STATUSES = ("accepted", "accepted_rongque", "completed_on_spot")


class IntakeScreen(Screen[VisitRecord | None]):
    CSS_PATH: ClassVar[str | list[str | PurePath]] = "styles/intake.tcss"
    BINDINGS: ClassVar = register(*INTAKE_KEYS)
    # HOOK (practice room, screens/practice.py): practice mode prints 练习/PRACTICE-watermarked
    # papers with LX numbers; PracticeIntakeScreen sets this to True.
    practice: ClassVar[bool] = False

    def __init__(
        self,
        catalog: Catalog,
        index: SearchIndex,
        client: DraftsClient,
        ticket: TicketRef | None = None,
        draft: Draft | str | None = None,
        *,
        elicense: ElicenseService | None = None,
        offer_drafts: bool = True,
    ) -> None:
        super().__init__(id="intake")
        localize_bindings(self)
        self.catalog = catalog
        self.index = index
        self.client = client
        self.ticket = ticket
        self._initial_draft = draft
        self._elicense = elicense
        self.offer_drafts = offer_drafts
        self.form = IntakeForm()
        self.view: IntakeView = derive(catalog, self.form, clerk_clock.hall_today())
        self.draft_id: str | None = None
        self.draft_version = 0
        self.revealed = False
        self.visit: VisitRecord | None = None
        self._revision = 0
        self._saved_revision = 0
        self._save_lock = asyncio.Lock()
        self._save_timer: Timer | None = None
        self._saving = False
        self._save_problem: str | None = None
        self._saved_at: dt.datetime | None = None
        self._decide_key: str | None = None
        self._looked_up: str | None = None
        self._filled: dict[str, formfill.Filled] = {}
        self._ready = False
        self._mark_problem: str | None = None
        self._items_shown: tuple[tuple[str | None, str, bool], ...] = ()

    # ------------------------------------------------------------------ services

    @property
    def clerk(self) -> ClerkApp:
        from screens.app import ClerkApp

        assert isinstance(self.app, ClerkApp)
        return self.app

    def now(self) -> dt.datetime:
        """The app's clock (aware UTC)."""
        clock = getattr(self.app, "clock", None)
        return clerk_clock.aware(clock()) if callable(clock) else clerk_clock.now()

    def today(self) -> dt.date:
        """The hall's day (not the workstation's: its own time zone may differ)."""
        return clerk_clock.hall_day(self.now())

    @property
    def elicense(self) -> ElicenseService:
        if self._elicense is None:
            self._elicense = elicense_for(getattr(self.app, "settings", None))
        return self._elicense

    def key_for(self, binding_id: str) -> str:
        key_of = getattr(self.app, "key_for", None)
        if callable(key_of):
            return str(key_of(binding_id))
        return key_display(DECIDE_ALT.key)

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Static("", id="intake-header", markup=False)
        with Horizontal(id="intake-body"):
            with VerticalScroll(id="intake-left", can_focus=False):
                yield ItemSearch(
                    self.index, id="intake-search", limit=8, placeholder=_t("search.placeholder")
                )
                yield Static(_t("items.title"), classes="intake-section")
                yield OptionList(id="intake-items")
                yield ApplicantForm(id="intake-applicant")
            with VerticalScroll(id="intake-right", can_focus=False):
                yield SituationPanel(id="intake-situations")
                yield Static(_t("checklist.title"), classes="intake-section", id="checklist-title")
                yield ChecklistTable(id="intake-checklist")
                yield Static("", id="checklist-detail", markup=False)
                yield FieldsForm(id="intake-fields")
        yield VerdictBar(id="intake-verdict")
        yield SteadyFooter(compact=True)

    async def on_mount(self) -> None:
        apply_blink(self)
        draft = self._initial_draft
        if isinstance(draft, Draft):
            await self._load_draft(draft)
        elif isinstance(draft, str):
            self._resume(draft)
        elif self.offer_drafts:
            self._offer_drafts()
        await self.refresh_view()
        self._ready = True
        self.query_one(ItemSearch).focus_input()

    # ------------------------------------------------------------------ drafts: offer, load

    @work(exclusive=True, group="intake-offer")
    async def _offer_drafts(self) -> None:
        try:
            # a called ticket: only its own drafts (the clerk's other drafts are not this
            # applicant's); no ticket: every open draft of this clerk
            if self.ticket is not None:
                drafts = await self.client.drafts(ticket_id=self.ticket.id)
            else:
                drafts = await self.client.drafts()
        except HallClientError as exc:
            self._set_problem(error_text(exc))
            return
        if not drafts or self.draft_id is not None or self._revision:
            return
        names = {i.code: i.name for i in self.catalog.items}
        names.update({t.code: t.name for t in self.catalog.themes})

        def chosen(draft_id: str | None) -> None:
            if draft_id:
                self._resume(draft_id)

        self.app.push_screen(DraftOffer(drafts, names), chosen)

    @work(exclusive=True, group="intake-offer")
    async def _resume(self, draft_id: str) -> None:
        try:
            draft = await self.client.get_draft(draft_id)
        except HallClientError as exc:
            self.notify(error_text(exc), severity="error", markup=False)
            return
        await self._load_draft(draft)

    async def _load_draft(self, draft: Draft) -> None:
        self.form = IntakeForm.from_state(draft.state)
        self.draft_id = draft.id
        self.draft_version = draft.version
        self._saved_at = draft.updated_at
        self._revision = self._saved_revision = 0
        self.query_one(ApplicantForm).load(self.form)
        await self.refresh_view()
        self._lookup_if_valid()

    # ------------------------------------------------------------------ the view

    def shown_field_value(self, fid: str) -> str:
        """A 多表合一 value filled from what the hall knows, masked like the applicant's fields."""
        value = self.form.field_value(fid, self._filled)
        if self.revealed or not value:
            return value
        if validate_id(IdType.RESIDENT, value, self.today()).ok:
            return mask_id(value)
        if validate_phone(value).ok:
            return mask_phone(value)
        return value

    def _fields_before(self) -> int:
        return checklist.merge_counts(self.view.subject, self.form.answers).fields_before

    async def refresh_view(self) -> None:
        self.view = view = derive(self.catalog, self.form, self.today())
        self._filled = self.form.filled(self.catalog)
        labels = {item.code: item.code for item in view.items}
        self._show_items(view)
        await self.query_one(SituationPanel).show(view.questions)
        self.query_one(ChecklistTable).show(view.statuses, labels)
        counts = checklist.merge_counts(view.subject, self.form.answers)
        show(
            self.query_one("#checklist-title", Static),
            _t(
                "checklist.title_counts",
                count=len(view.statuses),
                before=counts.materials_before,
                outstanding=len(view.verdict.missing),
            )
            if view.statuses
            else _t("checklist.title"),
        )
        self._show_detail()
        await self.query_one(FieldsForm).show(
            view.fields, self.form.fields, self.shown_field_value, counts.fields_before
        )
        self.query_one(ApplicantForm).show_messages(view.messages)
        self.query_one(VerdictBar).show(view, self.key_for(DECIDE_ALT.id))
        self._show_header()

    def _show_items(self, view: IntakeView) -> None:
        options = self.query_one("#intake-items", OptionList)
        entries: list[Option] = []
        if isinstance(view.subject, Theme):
            theme = view.subject
            entries.append(
                Option(
                    _t("items.theme", name=theme.name, code=theme.code, count=len(view.items)),
                    id=theme.code,
                )
            )
            for item in view.items:
                entries.append(
                    Option(
                        f"   {item.code}  {item.name}  ({item.handling.value})",
                        id=f"member-{item.code}",
                        disabled=True,
                    )
                )
        else:
            for item in view.items:
                entries.append(
                    Option(f"{item.code}  {item.name}  ({item.handling.value})", id=item.code)
                )
        if not entries:
            entries.append(Option(_t("items.none"), id="none", disabled=True))
        shown = tuple((o.id, str(o.prompt), o.disabled) for o in entries)
        if shown == self._items_shown:
            return  # most changes (a material marked) leave the items as they are
        self._items_shown = shown
        highlighted = options.highlighted
        options.clear_options()
        options.add_options(entries)
        if highlighted is not None and entries:
            options.highlighted = min(highlighted, len(entries) - 1)

    def _show_detail(self) -> None:
        status = self.query_one(ChecklistTable).current
        detail = self.query_one("#checklist-detail", Static)
        if self._mark_problem:
            show(detail, Text(self._mark_problem, style="bold red"))
            return
        if status is None:
            show(detail, "")
            return
        material = status.material
        names = {i.code: i.name for i in self.view.items}
        parts = [
            f"{material.name}：{checklist.requirement(material)}",
            _t("checklist.serves", items="、".join(names.get(c, c) for c in material.items)),
        ]
        if material.elicenses:
            parts.append(_t("checklist.elicense_types", types="、".join(material.elicenses)))
        if status.problem is not None:
            parts.append(status.problem.text())
        show(detail, "  ".join(parts))

    def _show_header(self) -> None:
        parts = [_t("header.title")]
        if self.ticket is not None:
            parts.append(_t("header.ticket", number=self.ticket.number))
        if self._save_problem:
            parts.append(_t("header.save_failed", problem=self._save_problem))
        elif self._revision > self._saved_revision or self._saving:
            parts.append(_t("header.saving"))
        elif self._saved_at is not None:
            parts.append(
                _t(
                    "header.saved",
                    at=clerk_clock.time_text(self._saved_at, seconds=True),
                )
            )
        if self.form.elicenses:
            parts.append(_t("header.elicenses", types="、".join(sorted(self.form.elicenses))))
        if self.form.follows_notice:
            parts.append(_t("header.second_visit", number=self.form.follows_notice))
        if self.revealed:
            parts.append(_t("header.revealed"))
        show(self.query_one("#intake-header", Static), "  ·  ".join(parts))

    # ------------------------------------------------------------------ changes

    async def _changed(self, *, save: bool = True) -> None:
        await self.refresh_view()
        if save:
            self._schedule_save()

    def _advance(self) -> None:
        """Focus where the common path goes next: the ID field, an unanswered question, the
        checklist."""
        form = self.form
        if not form.lookup_number().strip():
            self.query_one(ApplicantForm).id_input.focus()
            return
        panel = self.query_one(SituationPanel)
        for qid in self.view.verdict.unanswered:
            for widget in panel.query(f"#q-{qid}"):
                widget.focus()
                return
        self.query_one(ChecklistTable).focus()

    @on(ItemSearch.Selected, "#intake-search")
    async def _item_selected(self, event: ItemSearch.Selected) -> None:
        event.stop()
        search = self.query_one(ItemSearch)
        if self.form.add(self.catalog, event.code):
            search.set_query("")
            await self._changed()
        else:
            self.notify(_t("items.already", code=event.code), markup=False)
            search.set_query("")
        if event.hit.guided:  # found from what the applicant said: ask the questions first
            self.action_focus_situations()
        else:
            self._advance()

    @on(ItemSearch.CaseNumber, "#intake-search")
    def _case_number(self, event: ItemSearch.CaseNumber) -> None:
        """The applicant's second visit: the 一次性告知书's number, scanned into the search box,
        fills this intake from the first visit (services/hall/cases/second_visit.py)."""
        event.stop()
        self.query_one(ItemSearch).set_query("")
        if not self.form.is_empty() or self.draft_id is not None:
            self.notify(_t("second_visit.busy"), severity="warning", markup=False)
            return
        self._second_visit(event.number)

    @work(exclusive=True, group="intake-offer")
    async def _second_visit(self, number: str) -> None:
        self.notify(_t("second_visit.loading", number=number), markup=False, timeout=2)
        ticket_id = self.ticket.id if self.ticket is not None else None
        try:
            draft = await self.client.second_visit(number, ticket_id=ticket_id)
        except HallClientError as exc:
            if session_ended(exc):
                self.clerk.session_lost(error_text(exc))
                return
            message = _t("second_visit.failed", problem=error_text(exc))
            self.notify(message, severity="error", markup=False, timeout=10)
            return
        await self._load_draft(draft)
        none = _t("second_visit.none")
        missing = [m.name for m in self.view.verdict.missing]
        self.notify(
            _t(
                "second_visit.loaded",
                number=self.form.follows_notice or number,
                received="、".join(self.form.notice_received) or none,
                missing="、".join(missing) or none,
            ),
            markup=False,
            timeout=15,
        )
        self._advance()

    @on(ApplicantForm.Changed)
    async def _applicant_changed(self, event: ApplicantForm.Changed) -> None:
        event.stop()
        form = self.form
        field, value = event.field, event.value
        before = form.to_state()
        if field == "kind":
            form.kind = ORGANIZATION if value == ORGANIZATION else PERSON
            form.elicenses = []
            self._looked_up = None
        elif field == "agent_on":
            form.set_agent(bool(value))
        else:
            who, _, name = field.partition(".")
            if who == "applicant" and name in ("uscc", "legal_rep"):
                setattr(form, name, str(value))
            elif who in ("applicant", "agent") and name in Person.__dataclass_fields__:
                setattr(form.applicant if who == "applicant" else form.agent, name, str(value))
        if form.to_state() == before:
            return  # a widget saying what it already showed (e.g. when mounted)
        await self._changed()
        if field in ("applicant.id_number", "applicant.uscc", "applicant.id_type", "kind"):
            self._lookup_if_valid()

    @on(ApplicantForm.Scanned)
    async def _scanned(self, event: ApplicantForm.Scanned) -> None:
        event.stop()
        self.query_one(ApplicantForm).apply_scan(event.scan, event.target)
        # the fields post their Changed messages; let them land before moving on
        self.call_after_refresh(self._advance)

    @on(SituationPanel.Answered)
    async def _answered(self, event: SituationPanel.Answered) -> None:
        event.stop()
        current = next((q for q in self.view.questions if q.id == event.question), None)
        shown = current.value if current is not None else None
        if shown == event.value and type(shown) is type(event.value):
            return  # what the control already showed (its default, or the same answer)
        self.form.answers[event.question] = event.value
        await self._changed()

    @on(FieldsForm.Changed)
    async def _field_typed(self, event: FieldsForm.Changed) -> None:
        event.stop()
        if self.form.fields.get(event.field, "") == event.value:
            return
        if event.value:
            self.form.fields[event.field] = event.value
        else:
            self.form.fields.pop(event.field, None)
        self._revision += 1  # no need to re-derive: fields do not change the verdict
        self._schedule_save(bump=False)

    @on(ChecklistTable.Marked)
    async def _marked(self, event: ChecklistTable.Marked) -> None:
        event.stop()
        status = next((s for s in self.view.statuses if s.material.name == event.material), None)
        if status is None:
            return
        if event.state is checklist.State.DEFERRED and status.state is checklist.State.DEFERRED:
            self._ask_due(status)  # D again: the clerk sets the date
            return
        state = event.state or cycle_state(status)
        problem = allowed(status, state)
        if problem is not None:
            self.notify(problem, severity="warning", markup=False)
            return
        try:
            self._set_mark(status, state)
        except HolidayFileError as exc:
            # the form is untouched: only this mark is refused, with what the clerk can do
            self._mark_problem = _t("checklist.holiday_file", problem=str(exc))
            self._show_detail()
            self.notify(self._mark_problem, severity="error", markup=False, timeout=10)
            return
        self._mark_problem = None
        await self._changed()

    def _set_mark(self, status: checklist.MaterialStatus, state: checklist.State) -> None:
        material = status.material
        if state is checklist.State.MISSING:
            held = any(e in self.form.elicenses for e in material.elicenses)
            if held:
                self.form.marks[material.name] = checklist.Mark(state)
            else:
                self.form.marks.pop(material.name, None)
        elif state is checklist.State.DEFERRED:
            self.form.marks[material.name] = checklist.Mark(state, self.rongque_due())
        else:
            self.form.marks[material.name] = checklist.Mark(state)

    def _calendar(self) -> WorkCalendar:
        settings = getattr(self.app, "settings", None)
        holiday_file = settings.hall.holiday_file if settings is not None else None
        return default_calendar(holiday_file)

    def rongque_due(self) -> dt.date:
        return add_working_days(self.today(), RONGQUE_DAYS, self._calendar()).date

    def _ask_due(self, status: checklist.MaterialStatus) -> None:
        name = status.material.name
        try:
            calendar = self._calendar()
        except HolidayFileError as exc:
            self.notify(_t("checklist.holiday_file", problem=str(exc)), severity="error")
            return

        def chosen(date: dt.date | None) -> None:
            mark = self.form.marks.get(name)
            if date is None or mark is None or mark.state is not checklist.State.DEFERRED:
                return  # cancelled, or the row changed meanwhile
            self.form.marks[name] = checklist.Mark(checklist.State.DEFERRED, date)
            self.call_later(self._changed)

        self.app.push_screen(DueDateDialog(name, status.due, self.today(), calendar), chosen)

    @on(ChecklistTable.RowHighlighted)
    def _row_highlighted(self, event: ChecklistTable.RowHighlighted) -> None:
        self._mark_problem = None  # said once; the next row shows its own detail
        self._show_detail()

    # ------------------------------------------------------------------ e-license lookup

    def _lookup_if_valid(self) -> None:
        form = self.form
        if form.kind == ORGANIZATION:
            number = form.uscc
            valid = validate_uscc(number).ok
        else:
            number = form.applicant.id_number
            valid = validate_id(form.applicant.id_type, number, self.today()).ok
        key = f"{form.kind}:{number.strip().upper()}"
        if not valid or key == self._looked_up:
            return
        self._looked_up = key
        self._lookup(
            number, form.kind, None if form.kind == ORGANIZATION else form.applicant.id_type
        )
        self._lookup_earlier(number)

    @work(exclusive=True, group="intake-earlier")
    async def _lookup_earlier(self, number: str) -> None:
        """多表合一 from the applicant's latest earlier case, where the hall has one."""
        client = self.client
        if not isinstance(client, CaseFinder):
            return
        try:
            found = await client.find_cases(number, limit=20)
            if not found:
                return
            latest = max(found, key=lambda c: c.decided_at)
            record = await client.case(latest.case_no)
        except HallClientError:
            return  # nothing to fill from: the clerk types it, as before
        if self.form.lookup_number().strip().upper() != number.strip().upper():
            return  # the clerk has typed another number meanwhile
        self.form.earlier = {
            str(k): str(v)
            for k, v in record.fields.items()
            if isinstance(v, (str, int, float)) and str(v).strip()
        }
        await self._changed()

    @work(exclusive=True, group="intake-elicense")
    async def _lookup(self, number: str, kind: str, id_type: str | None) -> None:
        try:
            holdings = await self.elicense.lookup(number, kind=kind, id_type=id_type)
        except ElicenseError as exc:
            self._looked_up = None
            self.notify(exc.message, title=_t("elicense.title"), severity="warning", markup=False)
            return
        if self.form.lookup_number().strip().upper() != holdings.number:
            return  # the clerk has typed another number meanwhile
        self.form.elicenses = sorted(holdings.types)
        self.form.licenses = holdings.data()
        if holdings.types:
            self.notify(
                _t("elicense.found", types="、".join(sorted(holdings.types))),
                title=_t("elicense.title"),
                markup=False,
            )
        await self._changed()

    # ------------------------------------------------------------------ saving the draft

    def has_unsaved(self) -> bool:
        """Work the hall has not got yet (the shell asks before quitting)."""
        return self.visit is None and (self._revision > self._saved_revision or self._saving)

    def _schedule_save(self, *, bump: bool = True) -> None:
        if not self._ready or self.visit is not None:
            return
        if bump:
            self._revision += 1
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_DELAY_S, self._kick_save)
        self._show_header()

    def _kick_save(self) -> None:
        self._save_timer = None
        if not self._saving:
            self._save_worker()

    @work(group="intake-draft")
    async def _save_worker(self) -> None:
        self._saving = True
        try:
            while self._saved_revision < self._revision:
                if not await self._save_once():
                    self.set_timer(RETRY_SAVE_S, self._kick_save)
                    break
        finally:
            self._saving = False
            self._show_header()

    async def _save_once(self) -> bool:
        """Save the form as it is now; True when the hall has it (or it needs nothing)."""
        async with self._save_lock:
            revision = self._revision
            if revision <= self._saved_revision and self.draft_id is not None:
                return True
            if self.draft_id is None and self.form.is_empty():
                self._saved_revision = max(self._saved_revision, revision)
                return True  # nothing worth a draft yet
            state = self.form.to_state(self.catalog)
            ticket_id = self.ticket.id if self.ticket is not None else None
            try:
                if self.draft_id is None:
                    draft = await self.client.create_draft(state, ticket_id=ticket_id)
                    self.draft_id, self.draft_version = draft.id, draft.version
                    self._saved_at = draft.updated_at
                else:
                    try:
                        saved = await self.client.save_draft(
                            self.draft_id, self.draft_version, state, ticket_id=ticket_id
                        )
                    except HallClientError as exc:
                        if exc.code != VERSION_CONFLICT:
                            raise
                        # someone saved it elsewhere: this window's form is what the clerk
                        # sees, so it goes on top of theirs (said once)
                        self.notify(_t("draft.conflict"), severity="warning", markup=False)
                        self.draft_version = int(exc.extra.get("current", self.draft_version))
                        saved = await self.client.save_draft(
                            self.draft_id, self.draft_version, state, ticket_id=ticket_id
                        )
                    self.draft_version = saved.version
                    self._saved_at = saved.updated_at
            except HallClientError as exc:
                if exc.code == DRAFT_CLOSED:
                    self._save_problem = _t("draft.closed")
                    self._saved_revision = self._revision
                    return True
                self._save_problem = error_text(exc)
                log.info("draft save failed: %s", exc.code)
                return False
            self._save_problem = None
            self._saved_revision = max(self._saved_revision, revision)
            return True

    def _set_problem(self, message: str) -> None:
        self._save_problem = message
        self._show_header()

    # ------------------------------------------------------------------ actions

    def action_focus_search(self) -> None:
        self.query_one(ItemSearch).focus_input()

    def action_focus_applicant(self) -> None:
        self.query_one(ApplicantForm).id_input.focus()

    def action_focus_situations(self) -> None:
        panel = self.query_one(SituationPanel)
        for qid in self.view.verdict.unanswered:
            for widget in panel.query(f"#q-{qid}"):
                widget.focus()
                return
        first = panel.first_control()
        if first is not None:
            first.focus()

    def action_focus_materials(self) -> None:
        self.query_one(ChecklistTable).focus()

    async def action_reveal(self) -> None:
        self.revealed = not self.revealed
        self.query_one(ApplicantForm).set_revealed(self.revealed)
        user = self.clerk.session.user.username if self.clerk.session else "-"
        log.info(
            "personal data %s on intake",
            "revealed" if self.revealed else "masked",
            extra={"data": {"user": user, "draft": self.draft_id}},
        )
        await self.refresh_view()

    async def action_receive_all(self) -> None:
        changed = False
        for status in outstanding(self.view.statuses):
            if status.material.required:
                self.form.marks[status.material.name] = checklist.Mark(checklist.State.RECEIVED)
                changed = True
        if changed:
            await self._changed()
        self.query_one(ChecklistTable).focus()

    async def action_remove_item(self) -> None:
        options = self.query_one("#intake-items", OptionList)
        if options.highlighted is None:
            return
        code = options.get_option_at_index(options.highlighted).id
        if code and code != "none" and not code.startswith("member-"):
            self.form.remove(code)
            await self._changed()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "remove_item":
            return self.focused is not None and self.focused.id == "intake-items"
        return True

    async def action_close(self) -> None:
        if self.has_unsaved() and not await self._save_once():
            self.notify(
                _t("draft.not_saved_leave", problem=self._save_problem or ""),
                severity="error",
                markup=False,
            )
            return
        self.dismiss(None)

    # ------------------------------------------------------------------ deciding

    def action_decide(self) -> None:
        if not self.view.items:
            self.notify(_t("decide.no_items"), severity="warning", markup=False)
            return
        self.app.push_screen(
            DecisionDialog(
                self.view, delivery=self.form.delivery_method, address=self.form.delivery_address
            ),
            self._dialog_done,
        )

    def _dialog_done(self, request: DecisionRequest | None) -> None:
        if request is None:
            return
        self.form.delivery_method = request.delivery
        if request.delivery == MAIL:
            self.form.delivery_address = request.address
        self._revision += 1
        if self._decide_key is None:
            self._decide_key = uuid.uuid4().hex
        self._submit(request)

    @work(exclusive=True, group="intake-decide")
    async def _submit(self, request: DecisionRequest) -> None:
        if not await self._save_once() or self.draft_id is None:
            self.notify(
                _t("decide.save_first", problem=self._save_problem or ""),
                severity="error",
                markup=False,
            )
            return
        decisions = plan_decisions(self.view, request.choice, request.refusal)
        try:
            visit = await self.client.decide(
                self.draft_id,
                decisions,
                draft_version=self.draft_version,
                idempotency_key=self._decide_key,
            )
        except HallClientError as exc:
            if not isinstance(exc, HallUnreachable):
                self._decide_key = None
            reasons = [
                str(r.get("text", ""))
                for r in exc.extra.get("reasons") or []
                if isinstance(r, dict)
            ]
            message = error_text(exc) + ("\n" + "\n".join(reasons) if reasons else "")
            self.notify(
                message, title=_t("decide.failed"), severity="error", markup=False, timeout=10
            )
            return
        self.visit = visit
        self._saved_revision = self._revision
        self._show_header()
        documents = self.documents_for(visit)
        self.app.push_screen(
            ResultDialog(self.result_summary(visit), documents, self.printer()),
            lambda _: self.dismiss(visit),
        )

    # ------------------------------------------------------------------ papers

    def result_summary(self, visit: VisitRecord) -> Text:
        text = Text()
        for case in visit.cases:
            label = (
                i18n.t(f"cases.status.{case.decision}")
                if i18n.has(f"cases.status.{case.decision}")
                else case.decision
            )
            text.append(f"{case.case_no}  ", style="bold")
            text.append(f"{case.item_name}  ")
            text.append(label, style="bold")
            if case.promised.date is not None and case.decision in ACCEPTED_STATUSES:
                text.append(
                    "  "
                    + _t(
                        "result.promised",
                        date=case.promised.date.isoformat(),
                        limit=case.promised.limit or "",
                    )
                )
            text.append("\n")
        notes = {c.promised.note for c in visit.cases if c.promised.note}
        for note in sorted(notes):
            text.append(_t("result.estimate", note=note) + "\n", style="italic")
        return text

    def documents_for(self, visit: VisitRecord) -> list[Document]:
        """The papers of the decided visit (printing.builders, shared with the case view's
        补打)."""
        settings = getattr(self.app, "settings", None)
        hall = builders.hall(settings) if settings is not None else Hall(name="")
        session = getattr(self.app, "session", None)
        names = {session.user.username: session.user.display_name} if session else {}
        return builders.visit_documents(visit, hall=hall, practice=self.practice, clerk_names=names)

    def printer(self) -> Printer | None:
        """This workstation's printer (printing.printers, from settings.printer)."""
        settings = getattr(self.app, "settings", None)
        if settings is None:
            return None
        from printing.printers import printer_from_settings

        try:
            device = printer_from_settings(settings.printer)
        except Exception as exc:  # a printer that can't be set up: said when printing
            problem = exc

            def unavailable(doc: Document) -> str:
                raise problem

            return unavailable

        def send(doc: Document) -> str:
            return device.print(doc).message()

        return send
