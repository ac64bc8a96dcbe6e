"""TrainerScreen (培训师): assign practice scenarios — picked, or a random set by difficulty — to
trainees, and follow the results per attempt, per trainee and per scenario over time; CSV export.

Keys (remappable by id): Space ticks a scenario, Ctrl+S assigns the ticked scenarios, Ctrl+R
assigns a random set of the chosen difficulty, F4 switches the results view (attempts → per
trainee → per scenario), F7 exports the results as CSV, F5 reloads, Esc goes back.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Select, SelectionList, Static

from clerk import clock as clerk_clock
from clerk import i18n, paths
from screens.base import ClerkScreen
from screens.components.practice_banner import PracticeBanner
from screens.components.steady_footer import SteadyFooter
from screens.errors import error_text, session_ended
from screens.keymap import KeyAction, register
from services.client import HallClientError
from services.client_practice import ScenarioSummary

ASSIGN = KeyAction("trainer_assign", "ctrl+s", "assign", "practice.trainer.keys.assign")
RANDOM = KeyAction("trainer_random", "ctrl+r", "random", "practice.trainer.keys.random")
VIEW = KeyAction("trainer_view", "f4", "next_view", "practice.trainer.keys.view")
EXPORT = KeyAction("trainer_export", "f7", "export", "practice.trainer.keys.export")
REFRESH = KeyAction("trainer_refresh", "f5", "refresh", "practice.trainer.keys.refresh")
BACK = KeyAction("trainer_back", "escape", "back", "practice.trainer.keys.back")

VIEWS = ("attempts", "trainees", "scenarios")
CSV_COLUMNS = (
    "session_id",
    "session_title",
    "trainer",
    "trainee",
    "scenario_id",
    "scenario_title",
    "difficulty",
    "status",
    "started_at",
    "decided_at",
    "points",
    "decision",
    "expected_decision",
    "decision_ok",
    "precision",
    "recall",
    "missed",
    "unneeded",
    "seconds",
    "keystrokes",
)


def _t(key: str, **values: Any) -> str:
    return i18n.t(f"practice.trainer.{key}", **values)


def _difficulty(value: str) -> str:
    key = f"practice.difficulty.{value}"
    return i18n.t(key) if value and i18n.has(key) else value


def _pct(value: Any) -> str:
    return "—" if value is None else f"{round(100 * float(value))}%"


def _when(value: Any) -> str:
    """An ISO timestamp (or datetime) as "YYYY-MM-DD HH:MM" on the hall's clock; empty when not
    decided."""
    if not value:
        return ""
    return clerk_clock.datetime_text(clerk_clock.parse_instant(value))


def results_csv(rows: Sequence[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(CSV_COLUMNS), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def per_trainee(rows: Sequence[dict[str, Any]]) -> list[tuple[str, ...]]:
    """One line per trainee: attempts done, average, best, the trend of the latest points."""
    done: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row.get("points") is not None:
            done[row["trainee"]].append(row)
    out: list[tuple[str, ...]] = []
    for trainee, items in sorted(done.items()):
        items.sort(key=lambda r: str(r.get("decided_at") or ""))
        points = [int(r["points"]) for r in items]
        right = sum(1 for r in items if r.get("decision_ok"))
        out.append(
            (
                trainee,
                str(len(points)),
                f"{sum(points) / len(points):.0f}",
                str(max(points)),
                f"{right}/{len(items)}",
                "→".join(str(p) for p in points[-6:]),
                _when(items[-1].get("decided_at")),
            )
        )
    return out


def per_scenario(rows: Sequence[dict[str, Any]]) -> list[tuple[str, ...]]:
    """One line per scenario: how often played, average points, share of right decisions, the
    trend of the latest points (oldest first) and when it was last played."""
    done: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row.get("points") is not None:
            done[row["scenario_id"]].append(row)
    out: list[tuple[str, ...]] = []
    for scenario_id, items in sorted(done.items()):
        items.sort(key=lambda r: str(r.get("decided_at") or ""))
        points = [int(r["points"]) for r in items]
        right = sum(1 for r in items if r.get("decision_ok"))
        out.append(
            (
                scenario_id,
                str(items[0].get("scenario_title") or ""),
                _difficulty(str(items[0].get("difficulty") or "")),
                str(len(points)),
                f"{sum(points) / len(points):.0f}",
                f"{right}/{len(items)}",
                "→".join(str(p) for p in points[-6:]),
                _when(items[-1].get("decided_at")),
            )
        )
    return out


class TrainerScreen(ClerkScreen):
    CSS_PATH = "styles/practice.tcss"
    BINDINGS: ClassVar = register(ASSIGN, RANDOM, VIEW, EXPORT, REFRESH, BACK)

    def __init__(self, *, export_dir: Path | None = None) -> None:
        super().__init__(id="trainer")
        self.add_class("practice")
        self.scenarios: list[ScenarioSummary] = []
        self.rows: list[dict[str, Any]] = []
        self.view = VIEWS[0]
        self.export_dir = export_dir
        self.exported: Path | None = None

    def compose(self) -> ComposeResult:
        yield PracticeBanner(id="trainer-banner")
        with Horizontal(id="trainer-body"):
            with Vertical(id="trainer-left"):
                yield Static(_t("scenarios"), classes="practice-section", markup=False)
                yield SelectionList[str](id="trainer-scenarios")
                with Horizontal(classes="practice-row"):
                    yield Static(_t("trainees"), classes="practice-label", markup=False)
                    yield Input(id="trainer-trainees", placeholder=_t("trainees_hint"))
                with Horizontal(classes="practice-row"):
                    yield Static(_t("title_label"), classes="practice-label", markup=False)
                    yield Input(id="trainer-title", placeholder=_t("title_hint"))
                with Horizontal(classes="practice-row"):
                    yield Static(_t("random"), classes="practice-label", markup=False)
                    yield Select[str](
                        [(_difficulty(d), d) for d in ("easy", "medium", "hard")],
                        value="easy",
                        allow_blank=False,
                        id="trainer-difficulty",
                    )
                    yield Input("3", id="trainer-count", type="integer", max_length=2)
            with Vertical(id="trainer-right"):
                yield Static("", id="trainer-view-title", classes="practice-section", markup=False)
                yield DataTable[str](id="trainer-results", zebra_stripes=True, cursor_type="row")
        yield Static("", id="trainer-status", markup=False)
        yield SteadyFooter()

    def on_mount(self) -> None:
        super().on_mount()
        self.refresh_all()

    # ------------------------------------------------------------------ loading

    def action_refresh(self) -> None:
        self.refresh_all()

    def action_back(self) -> None:
        self.dismiss(None)

    def _say(self, message: str) -> None:
        self.query_one("#trainer-status", Static).update(message)

    async def _guard(self, exc: HallClientError) -> None:
        if session_ended(exc):
            self.clerk.session_lost(error_text(exc))
        else:
            self._say(error_text(exc))

    @work(exclusive=True, group="trainer-load")
    async def refresh_all(self) -> None:
        client = self.clerk.client
        try:
            if not self.scenarios:
                self.scenarios = await client.practice_scenarios()
                chooser = self.query_one("#trainer-scenarios", SelectionList)
                chooser.clear_options()
                chooser.add_options(
                    [
                        (f"{s.id}  [{_difficulty(s.difficulty)}]  {s.title}", s.id)
                        for s in self.scenarios
                    ]
                )
            self.rows = await client.practice_results()
        except HallClientError as exc:
            await self._guard(exc)
            return
        self.show_results()

    # ------------------------------------------------------------------ results

    def action_next_view(self) -> None:
        self.view = VIEWS[(VIEWS.index(self.view) + 1) % len(VIEWS)]
        self.show_results()

    def show_results(self) -> None:
        table = self.query_one("#trainer-results", DataTable)
        table.clear(columns=True)
        self.query_one("#trainer-view-title", Static).update(
            _t(f"view.{self.view}", count=len(self.rows))
        )
        if self.view == "trainees":
            table.add_columns(
                *[
                    _t(f"col.{c}")
                    for c in ("trainee", "done", "average", "best", "right", "trend", "last")
                ]
            )
            for line in per_trainee(self.rows):
                table.add_row(*line)
        elif self.view == "scenarios":
            table.add_columns(
                *[
                    _t(f"col.{c}")
                    for c in (
                        "scenario",
                        "title",
                        "difficulty",
                        "done",
                        "average",
                        "right",
                        "trend",
                        "last",
                    )
                ]
            )
            for line in per_scenario(self.rows):
                table.add_row(*line)
        else:
            table.add_columns(
                *[
                    _t(f"col.{c}")
                    for c in (
                        "trainee",
                        "scenario",
                        "session",
                        "status",
                        "points",
                        "right",
                        "precision",
                        "recall",
                        "seconds",
                        "keystrokes",
                        "last",
                    )
                ]
            )
            for row in self.rows:
                table.add_row(
                    str(row["trainee"]),
                    str(row["scenario_id"]),
                    str(row.get("session_title") or ""),
                    i18n.t(f"practice.queue.status.{row['status']}"),
                    "—" if row.get("points") is None else str(row["points"]),
                    "—" if row.get("decision_ok") is None else ("✓" if row["decision_ok"] else "✗"),
                    _pct(row.get("precision")),
                    _pct(row.get("recall")),
                    "—" if row.get("seconds") is None else f"{float(row['seconds']):.0f}",
                    "—" if row.get("keystrokes") is None else str(row["keystrokes"]),
                    _when(row.get("decided_at")),
                )

    # ------------------------------------------------------------------ assigning

    def _trainees(self) -> list[str]:
        text = self.query_one("#trainer-trainees", Input).value
        return [n for n in text.replace("，", ",").replace(" ", ",").split(",") if n.strip()]

    def action_assign(self) -> None:
        chosen = list(self.query_one("#trainer-scenarios", SelectionList).selected)
        if not chosen:
            self._say(_t("choose_first"))
            return
        self.assign(chosen, None, None)

    def action_random(self) -> None:
        difficulty = self.query_one("#trainer-difficulty", Select).value
        count_text = self.query_one("#trainer-count", Input).value.strip()
        count = int(count_text) if count_text.isdigit() else 3
        self.assign([], str(difficulty), max(1, count))

    @work(exclusive=True, group="trainer-assign")
    async def assign(self, scenarios: list[str], difficulty: str | None, count: int | None) -> None:
        trainees = self._trainees()
        if not trainees:
            self._say(_t("trainees_first"))
            self.query_one("#trainer-trainees", Input).focus()
            return
        title = self.query_one("#trainer-title", Input).value.strip()
        try:
            created = await self.clerk.client.create_practice_session(
                title, trainees, scenarios=scenarios, difficulty=difficulty, count=count
            )
            self.rows = await self.clerk.client.practice_results()
        except HallClientError as exc:
            await self._guard(exc)
            return
        per_trainee_count = len(created.attempts) // max(1, len(trainees))
        self._say(
            _t(
                "assigned",
                title=created.title,
                count=per_trainee_count,
                trainees="、".join(trainees),
            )
        )
        self.query_one("#trainer-scenarios", SelectionList).deselect_all()
        self.show_results()

    # ------------------------------------------------------------------ export

    def action_export(self) -> None:
        folder = self.export_dir or paths.data_dir() / "exports"
        stamp = clerk_clock.file_stamp(self.clerk.clock())
        path = folder / f"practice-results-{stamp}.csv"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text("\ufeff" + results_csv(self.rows), "utf-8")
        except OSError as exc:
            self._say(_t("export_failed", path=path, error=exc.strerror or exc))
            return
        self.exported = path
        self._say(_t("exported", count=len(self.rows), path=path))

    def now(self) -> dt.datetime:
        return self.clerk.clock()
