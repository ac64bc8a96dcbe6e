"""Practice mode for trainees (练习模式): a practice queue of the scenario applicants, the SAME
intake screen as at a window (in practice mode), and the score with feedback after each one.

    PracticeScreen()                 the trainee's practice queue (opened from the home panel)
    PracticeIntakeScreen(...)        screens.intake.IntakeScreen in practice mode: a full-width
                                     练习模式 / PRACTICE banner, the practice colour, the
                                     applicant's papers on the desk, F11 reads the applicant's
                                     ID card (the window's card reader, simulated); drafts and
                                     the decision go to /api/v1/practice/… (LX case numbers,
                                     watermarked papers) — never to live work
    PracticeResultScreen(...)        points, decision vs the right one, materials found,
                                     time and keystrokes, feedback citing the catalog rules

Hooks in other rooms (clearly marked HOOK there): IntakeScreen.practice (watermarked papers)
and ClerkApp.on_event (keystrokes reach `count_key` of the practice intake).
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from clerk import i18n
from clerk.catalog.errors import CatalogError
from clerk.catalog.model import Catalog
from clerk.catalog.search import SearchIndex
from screens.base import ClerkModal, ClerkScreen
from screens.components.applicant_form import ApplicantForm
from screens.components.practice_banner import PracticeBanner
from screens.components.practice_desk import PracticeDesk
from screens.components.practice_score import score_text
from screens.components.steady_footer import SteadyFooter
from screens.errors import error_text, session_ended
from screens.intake import IntakeScreen
from screens.intake_state import parse_scan
from screens.keymap import KeyAction, register
from services.client import HallClientError
from services.client_cases import VisitRecord
from services.client_practice import (
    AttemptInfo,
    PracticeDecision,
    PracticeIntakeClient,
    StartedAttempt,
)
from services.elicense import DemoElicense

START = KeyAction("practice_start", "enter", "start", "practice.keys.start")
REFRESH = KeyAction("practice_refresh", "f5", "refresh", "practice.keys.refresh")
BACK = KeyAction("practice_back", "escape", "back", "practice.keys.back")
READ_CARD = KeyAction("practice_read_card", "f11", "read_card", "practice.keys.read_card")
RESULT_CLOSE = KeyAction(
    "practice_result_close", "enter,escape", "close", "practice.keys.result_close"
)

STYLES = "styles/practice.tcss"


def _t(key: str, **values: Any) -> str:
    return i18n.t(f"practice.{key}", **values)


def _difficulty(value: str) -> str:
    key = f"practice.difficulty.{value}"
    return i18n.t(key) if value and i18n.has(key) else value


# =========================================================================== the intake


class PracticeIntakeScreen(IntakeScreen):
    """The window's intake screen, in practice mode."""

    CSS_PATH: ClassVar[list[str | PurePath]] = ["styles/intake.tcss", STYLES]
    BINDINGS: ClassVar = register(READ_CARD)
    practice: ClassVar[bool] = True

    def __init__(
        self,
        catalog: Catalog,
        index: SearchIndex,
        client: PracticeIntakeClient,
        started: StartedAttempt,
    ) -> None:
        persona = started.papers.persona
        number = str(persona.get("uscc") or persona.get("id_number") or "")
        holders: dict[str, Any] = {}
        if number:
            holders[number] = {
                "name": persona.get("name", ""),
                "licenses": [{"type": t} for t in persona.get("elicenses") or []],
            }
        draft = client.resume_draft()
        super().__init__(
            catalog,
            index,
            client,
            None,
            draft,
            elicense=DemoElicense(holders),
            offer_drafts=False,
        )
        self.add_class("practice")
        self.practice_client = client
        self.started = started
        self.keystrokes = 0
        self._cards_read = 0
        client.keystrokes = lambda: self.keystrokes

    def count_key(self, key: str) -> None:
        """Every key the trainee presses while this intake (or one of its dialogs) is up."""
        self.keystrokes += 1

    def compose(self) -> ComposeResult:
        papers = self.started.papers
        yield PracticeBanner(papers.title, papers.difficulty)
        yield PracticeDesk(papers)
        yield from super().compose()

    def action_read_card(self) -> None:
        """The window's ID-card / licence reader, simulated: the applicant's card first, the
        agent's on the second press."""
        papers = self.started.papers
        p = papers.persona
        target = "applicant"
        if self._cards_read % 2 == 1 and papers.agent:
            agent = papers.agent
            burst = f"{agent.get('name', '')}|{agent.get('id_number', '')}|" + str(
                agent.get("id_valid_until") or "长期"
            )
            target = "agent"
        elif p.get("kind") == "organization":
            burst = f"{p.get('name', '')}|{p.get('uscc', '')}|{p.get('legal_rep', '')}"
        else:
            burst = f"{p.get('name', '')}|{p.get('id_number', '')}|" + str(
                p.get("id_valid_until") or "长期"
            )
        self._cards_read += 1
        scan = parse_scan(burst)
        if scan is None:
            return
        form = self.query_one(ApplicantForm)
        if target == "agent" and not self.form.agent_on:
            self.notify(_t("desk.agent_first"), markup=False)
            return
        self.post_message(ApplicantForm.Scanned(form, scan, target))
        self.notify(_t("desk.card_read", name=scan.name or scan.number), markup=False)


# =========================================================================== the result


class PracticeResultScreen(ClerkModal[None]):
    BINDINGS: ClassVar = register(RESULT_CLOSE)
    CSS_PATH = STYLES

    def __init__(self, title: str, decision: PracticeDecision) -> None:
        super().__init__(id="practice-result")
        self.title_text = title
        self.decision = decision

    def compose(self) -> ComposeResult:
        with Vertical(id="practice-result-box"):
            yield PracticeBanner(id="practice-result-banner")
            yield Static(
                _t("result.title", title=self.title_text), id="practice-result-title", markup=False
            )
            with VerticalScroll(id="practice-result-scroll"):
                yield Static(
                    score_text(self.decision.score, self.decision.visit.case_numbers),
                    id="practice-result-text",
                    markup=False,
                )
            yield Static(_t("result.hint"), id="practice-result-hint", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)


# =========================================================================== the queue


class PracticeScreen(ClerkScreen):
    """The trainee's practice queue: the scenario applicants waiting, in the order assigned."""

    CSS_PATH = STYLES
    BINDINGS: ClassVar = register(START, REFRESH, BACK)

    def __init__(self) -> None:
        super().__init__(id="practice")
        self.add_class("practice")
        self.attempts: list[AttemptInfo] = []
        self.last: PracticeDecision | None = None

    def compose(self) -> ComposeResult:
        yield PracticeBanner()
        with Vertical(id="practice-body"):
            yield Static(_t("queue.title"), id="practice-title", markup=False)
            yield OptionList(id="practice-queue")
            yield Static("", id="practice-status", markup=False)
        yield SteadyFooter()

    def on_mount(self) -> None:
        super().on_mount()
        self.load()

    def action_refresh(self) -> None:
        self.load()

    def action_back(self) -> None:
        self.dismiss(None)

    def _reload(self, _: object = None) -> None:
        self.load()

    @work(exclusive=True, group="practice-load")
    async def load(self) -> None:
        status = self.query_one("#practice-status", Static)
        try:
            self.attempts = await self.clerk.client.practice_attempts()
        except HallClientError as exc:
            if session_ended(exc):
                self.clerk.session_lost(error_text(exc))
                return
            status.update(error_text(exc))
            return
        queue = self.query_one("#practice-queue", OptionList)
        queue.clear_options()
        for attempt in self.attempts:
            state = _t(f"queue.status.{attempt.status}")
            queue.add_option(
                Option(
                    _t(
                        "queue.line",
                        position=attempt.position,
                        title=attempt.scenario_title,
                        difficulty=_difficulty(attempt.difficulty),
                        session=attempt.session_title,
                        status=state,
                    ),
                    id=f"a{attempt.id}",
                )
            )
        if self.attempts:
            queue.highlighted = 0
            status.update(_t("queue.hint", count=len(self.attempts)))
        else:
            status.update(_t("queue.empty"))
        queue.focus()

    @on(OptionList.OptionSelected, "#practice-queue")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_start()

    def action_start(self) -> None:
        queue = self.query_one("#practice-queue", OptionList)
        if queue.highlighted is None or not self.attempts:
            return
        self.start(self.attempts[queue.highlighted])

    @work(exclusive=True, group="practice-start")
    async def start(self, attempt: AttemptInfo) -> None:
        client = self.clerk.client
        try:
            catalog, index = await self.clerk.catalog_and_index()
            started = await client.start_practice(attempt.id)
        except CatalogError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        except HallClientError as exc:
            self.notify(error_text(exc), severity="error", markup=False)
            return
        intake_client = PracticeIntakeClient(client, started)

        def done(visit: VisitRecord | None) -> None:
            result = intake_client.result
            if visit is not None and result is not None:
                self.last = result
                self.app.push_screen(
                    PracticeResultScreen(started.papers.title, result),
                    self._reload,
                )
            else:
                self.load()

        await self.app.push_screen(
            PracticeIntakeScreen(catalog, index, intake_client, started), done
        )
