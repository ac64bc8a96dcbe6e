"""The hall client's practice methods (mixed into services.client.HallClient), and the adapter
that lets the intake screen run in practice mode.

    scenarios = await client.practice_scenarios()
    created = await client.create_practice_session("第一周", ["clerk1"], difficulty="easy", count=3)
    queue = await client.practice_attempts()                 # the trainee's practice queue
    started = await client.start_practice(queue[0].id)       # the applicant's papers
    intake_client = PracticeIntakeClient(client, started)     # give this to IntakeScreen
    ...                                                      # the trainee works the intake
    intake_client.result                                     # the scored attempt after deciding

Every call goes to /api/v1/practice/… — never to the live drafts, visits or cases. No import of
services.hall (import-linter: screens -> services.client only).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from clerk import clock as clerk_clock
from clerk import i18n
from services.client_cases import Draft, DraftSaved, DraftSummary, ItemDecision, VisitRecord

if TYPE_CHECKING:
    from services.client import HallClient


def _key() -> str:
    return uuid.uuid4().hex


def _dt(value: Any) -> datetime | None:
    return clerk_clock.parse_instant(str(value)) if value else None


@dataclass(frozen=True)
class ScenarioSummary:
    id: str
    title: str
    difficulty: str
    items: tuple[str, ...]
    theme: str | None
    traps: tuple[str, ...]
    brief: str
    expected_decision: str

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> ScenarioSummary:
        return cls(
            id=str(data["id"]),
            title=str(data["title"]),
            difficulty=str(data["difficulty"]),
            items=tuple(str(i) for i in data.get("items") or ()),
            theme=data.get("theme"),
            traps=tuple(str(t) for t in data.get("traps") or ()),
            brief=str(data.get("brief") or ""),
            expected_decision=str(data.get("expected_decision") or ""),
        )


@dataclass(frozen=True)
class AttemptInfo:
    id: int
    session_id: int
    session_title: str
    trainee: str
    scenario_id: str
    scenario_title: str
    difficulty: str
    position: int
    status: str
    version: int
    started_at: datetime | None
    decided_at: datetime | None
    points: int | None
    seconds: float | None
    keystrokes: int | None
    case_numbers: tuple[str, ...]
    score: dict[str, Any] | None

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> AttemptInfo:
        return cls(
            id=int(data["id"]),
            session_id=int(data["session_id"]),
            session_title=str(data.get("session_title") or ""),
            trainee=str(data["trainee"]),
            scenario_id=str(data["scenario_id"]),
            scenario_title=str(data.get("scenario_title") or ""),
            difficulty=str(data.get("difficulty") or ""),
            position=int(data.get("position") or 0),
            status=str(data["status"]),
            version=int(data.get("version") or 1),
            started_at=_dt(data.get("started_at")),
            decided_at=_dt(data.get("decided_at")),
            points=data.get("points"),
            seconds=data.get("seconds"),
            keystrokes=data.get("keystrokes"),
            case_numbers=tuple(str(c) for c in data.get("case_numbers") or ()),
            score=data.get("score"),
        )


@dataclass(frozen=True)
class Papers:
    """The scenario's applicant as the trainee meets them: who, what they say, what they bring."""

    title: str
    difficulty: str
    brief: str
    persona: dict[str, Any]
    agent: dict[str, Any] | None
    documents: tuple[str, ...]
    promises: dict[str, list[str]]

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> Papers:
        return cls(
            title=str(data.get("title") or ""),
            difficulty=str(data.get("difficulty") or ""),
            brief=str(data.get("brief") or ""),
            persona=dict(data.get("persona") or {}),
            agent=data.get("agent"),
            documents=tuple(str(d) for d in data.get("documents") or ()),
            promises=dict(data.get("promises") or {}),
        )


@dataclass(frozen=True)
class StartedAttempt:
    attempt: AttemptInfo
    papers: Papers
    state: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PracticeSessionInfo:
    id: int
    title: str
    trainer: str
    created_at: datetime | None
    difficulty: str | None
    attempts: tuple[AttemptInfo, ...]

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> PracticeSessionInfo:
        return cls(
            id=int(data["id"]),
            title=str(data["title"]),
            trainer=str(data["trainer"]),
            created_at=_dt(data.get("created_at")),
            difficulty=data.get("difficulty"),
            attempts=tuple(AttemptInfo.of(a) for a in data.get("attempts") or ()),
        )


@dataclass(frozen=True)
class PracticeDecision:
    attempt: AttemptInfo
    visit: VisitRecord

    @property
    def score(self) -> dict[str, Any]:
        return self.attempt.score or {}


class PracticeApi:
    """Mixin: needs `request()` from services.client.HallClient."""

    if TYPE_CHECKING:  # provided by services.client.HallClient

        async def request(
            self,
            method: str,
            path: str,
            *,
            json: Any = None,
            params: Mapping[str, Any] | None = None,
            idempotency_key: str | None = None,
            auth: bool = True,
        ) -> Any: ...

    async def practice_scenarios(self, difficulty: str | None = None) -> list[ScenarioSummary]:
        params = {"difficulty": difficulty} if difficulty else None
        data = await self.request("GET", "/practice/scenarios", params=params)
        return [ScenarioSummary.of(d) for d in data]

    async def create_practice_session(
        self,
        title: str,
        trainees: Sequence[str],
        *,
        scenarios: Sequence[str] = (),
        difficulty: str | None = None,
        count: int | None = None,
        seed: int | None = None,
    ) -> PracticeSessionInfo:
        """Assign the chosen scenarios — or `count` at random of `difficulty` — to trainees."""
        body = {
            "title": title,
            "trainees": list(trainees),
            "scenarios": list(scenarios),
            "difficulty": difficulty,
            "count": count,
            "seed": seed,
        }
        data = await self.request("POST", "/practice/sessions", json=body, idempotency_key=_key())
        return PracticeSessionInfo.of(data)

    async def practice_sessions(self, *, everyone: bool = False) -> list[PracticeSessionInfo]:
        data = await self.request(
            "GET", "/practice/sessions", params={"all": "true"} if everyone else None
        )
        return [PracticeSessionInfo.of(d) for d in data]

    async def practice_attempts(self, *, open_only: bool = True) -> list[AttemptInfo]:
        data = await self.request(
            "GET", "/practice/attempts", params={"open": "true" if open_only else "false"}
        )
        return [AttemptInfo.of(d) for d in data]

    async def practice_attempt(self, attempt_id: int) -> AttemptInfo:
        return AttemptInfo.of(await self.request("GET", f"/practice/attempts/{attempt_id}"))

    async def start_practice(self, attempt_id: int) -> StartedAttempt:
        data = await self.request(
            "POST", f"/practice/attempts/{attempt_id}/start", idempotency_key=_key()
        )
        return StartedAttempt(
            AttemptInfo.of(data), Papers.of(data["papers"]), dict(data.get("state") or {})
        )

    async def practice_state(self, attempt_id: int) -> dict[str, Any]:
        data: dict[str, Any] = await self.request("GET", f"/practice/attempts/{attempt_id}/state")
        return data

    async def save_practice_state(
        self, attempt_id: int, version: int, state: Mapping[str, Any]
    ) -> DraftSaved:
        data = await self.request(
            "PUT",
            f"/practice/attempts/{attempt_id}/state",
            json={"version": version, "state": dict(state)},
            idempotency_key=_key(),
        )
        return DraftSaved.of(data)

    async def decide_practice(
        self,
        attempt_id: int,
        decisions: Sequence[ItemDecision | Mapping[str, Any]],
        *,
        draft_version: int | None = None,
        keystrokes: int = 0,
        idempotency_key: str | None = None,
    ) -> PracticeDecision:
        body = {
            "decisions": [
                d.to_json() if isinstance(d, ItemDecision) else dict(d) for d in decisions
            ],
            "draft_version": draft_version,
            "keystrokes": keystrokes,
        }
        data = await self.request(
            "POST",
            f"/practice/attempts/{attempt_id}/decide",
            json=body,
            idempotency_key=idempotency_key or _key(),
        )
        return PracticeDecision(AttemptInfo.of(data["attempt"]), VisitRecord.of(data["visit"]))

    async def practice_results(
        self,
        *,
        trainee: str | None = None,
        scenario: str | None = None,
        session_id: int | None = None,
    ) -> list[dict[str, Any]]:
        params: dict[str, Any] = {}
        if trainee:
            params["trainee"] = trainee
        if scenario:
            params["scenario"] = scenario
        if session_id is not None:
            params["session_id"] = session_id
        data: list[dict[str, Any]] = await self.request("GET", "/practice/results", params=params)
        return data


class PracticeIntakeClient:
    """What the intake screen calls for drafts and decisions, routed to one practice attempt.

    IntakeScreen(…, client=PracticeIntakeClient(hall_client, started)) saves its form into the
    attempt (never a live draft) and its decision becomes a scored practice decision with LX case
    numbers. `keystrokes` is read when deciding; `result` holds the PracticeDecision."""

    def __init__(
        self,
        client: HallClient,
        started: StartedAttempt,
        *,
        keystrokes: Callable[[], int] | None = None,
    ) -> None:
        self.client = client
        self.started = started
        self.attempt_id = started.attempt.id
        self.version = started.attempt.version
        self.keystrokes = keystrokes or (lambda: 0)
        self.result: PracticeDecision | None = None

    def __getattr__(self, name: str) -> Any:
        # anything else the screens ask of the hall (health, me, …) goes to the real client
        return getattr(self.client, name)

    def _draft(self, version: int, state: Mapping[str, Any]) -> Draft:
        applicant = state.get("applicant") or {}
        return Draft(
            id=str(self.attempt_id),
            status="open",
            version=version,
            ticket_id=None,
            created_by=self.started.attempt.trainee,
            updated_by=self.started.attempt.trainee,
            updated_at=clerk_clock.now(),
            window_no=None,
            applicant_name=str(applicant.get("name") or ""),
            applicant_id_masked=None,
            theme=state.get("theme"),
            items=tuple(str(i) for i in state.get("items") or ()),
            visit_id=None,
            state=dict(state),
        )

    def resume_draft(self) -> Draft | None:
        """The form saved earlier in this attempt (the trainee left and came back), if any."""
        state = self.started.state
        return self._draft(self.version, state) if state else None

    async def drafts(self, **_: Any) -> list[DraftSummary]:
        return []  # a practice attempt never offers live drafts

    async def create_draft(
        self, state: Mapping[str, Any] | None = None, *, ticket_id: int | None = None
    ) -> Draft:
        saved = await self.client.save_practice_state(
            self.attempt_id, self.version, dict(state or {})
        )
        self.version = saved.version
        return self._draft(saved.version, dict(state or {}))

    async def save_draft(
        self,
        draft_id: str,
        version: int,
        state: Mapping[str, Any],
        *,
        ticket_id: int | None = None,
    ) -> DraftSaved:
        saved = await self.client.save_practice_state(self.attempt_id, version, state)
        self.version = saved.version
        return saved

    async def get_draft(self, draft_id: str) -> Draft:
        data = await self.client.practice_state(self.attempt_id)
        self.version = int(data["version"])
        return self._draft(self.version, dict(data.get("state") or {}))

    async def discard_draft(self, draft_id: str, version: int | None = None) -> DraftSummary:
        return self._draft(self.version, {})

    async def second_visit(self, notice_no: str, *, ticket_id: int | None = None) -> Draft:
        # a scanned notice is a live case: practice never opens one (it would not reach the hall
        # through __getattr__ either, since a live draft is not this attempt's form)
        from services.client import HallClientError  # client.py imports this module

        raise HallClientError("practice.no_second_visit", i18n.t("intake.second_visit.practice"))

    async def decide(
        self,
        draft_id: str,
        decisions: Sequence[ItemDecision | Mapping[str, Any]],
        *,
        draft_version: int | None = None,
        idempotency_key: str | None = None,
    ) -> VisitRecord:
        result = await self.client.decide_practice(
            self.attempt_id,
            decisions,
            draft_version=draft_version,
            keystrokes=self.keystrokes(),
            idempotency_key=idempotency_key,
        )
        self.result = result
        return result.visit
