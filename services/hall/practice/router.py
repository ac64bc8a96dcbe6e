"""/api/v1/practice/… — the practice room's endpoints. Thin: the work is in service.py.

GET  /practice/scenarios                      scenario summaries (no answers)
POST /practice/sessions                       trainer: assign scenarios / a random set
GET  /practice/sessions                       trainer: sessions (own, or all=true)
GET  /practice/sessions/{id}                  trainer: one session with its attempts
GET  /practice/attempts                       trainee: my practice queue (open=false: all)
POST /practice/attempts/{id}/start            trainee: call the applicant -> their papers
GET  /practice/attempts/{id}/state            trainee: the saved intake form
PUT  /practice/attempts/{id}/state            trainee: save the intake form (version)
POST /practice/attempts/{id}/decide           trainee: decide -> LX cases + score
GET  /practice/attempts/{id}                  the trainee or a trainer: attempt + score
GET  /practice/results                        trainer: rows per trainee/scenario/session
"""

# No `from __future__ import annotations`: FastAPI evaluates the Annotated[...] dependencies.

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from clerk.practice.model import Scenario
from services.hall.cases.schemas import DraftState, ItemDecisionIn
from services.hall.cases.service import calendar_for
from services.hall.deps import Caller, ReadyHall, Unit, require, unit_for
from services.hall.errors import request_language
from services.hall.practice import service
from services.hall.practice.models import PracticeAttempt, PracticeSession
from services.hall.problems import ApiError

router = APIRouter(prefix="/practice", tags=["practice"])

TRAINEES = ("clerk", "supervisor", "trainer")
TRAINERS = ("trainer", "admin")
TraineeUnit = Annotated[Unit, Depends(unit_for(*TRAINEES))]
TrainerUnit = Annotated[Unit, Depends(unit_for(*TRAINERS))]
AnyRole = [Depends(require(*TRAINEES, "admin"))]
TrainerOnly = [Depends(require(*TRAINERS))]


# --------------------------------------------------------------------------- bodies


class SessionIn(BaseModel):
    title: str = Field("", max_length=200)
    trainees: list[str] = Field(min_length=1, max_length=200)
    scenarios: list[str] = Field(default_factory=list, max_length=100)
    difficulty: str | None = Field(None, pattern="^(easy|medium|hard)$")
    count: int | None = Field(None, ge=1, le=service.MAX_RANDOM)
    seed: int | None = None


class StateIn(BaseModel):
    version: int = Field(ge=1)
    state: DraftState


class DecideIn(BaseModel):
    decisions: list[ItemDecisionIn] = Field(min_length=1)
    draft_version: int | None = None
    keystrokes: int = Field(0, ge=0, le=1_000_000)


def scenario_summary(s: Scenario) -> dict[str, Any]:
    return {
        "id": s.id,
        "title": s.title,
        "difficulty": s.difficulty.value,
        "items": list(s.subject.items),
        "theme": s.subject.theme,
        "traps": [t.value for t in s.all_traps],
        "brief": s.brief,
        "expected_decision": s.expected.decision.value,
    }


def applicant_papers(s: Scenario) -> dict[str, Any]:
    """What the trainee sees of the applicant: who they are and what is on the counter — never
    the expected answer, the trap flags or which checklist line a document is."""
    p = s.persona
    return {
        "title": s.title,
        "difficulty": s.difficulty.value,
        "brief": s.brief,
        "persona": {
            "kind": p.kind,
            "name": p.name,
            "id_number": p.id_number,
            "id_valid_until": p.id_valid_until,
            "uscc": p.uscc,
            "legal_rep": p.legal_rep,
            "phone": p.phone,
            "says": p.says,
            "elicenses": list(p.elicenses),
        },
        "agent": None
        if s.agent is None
        else {
            "name": s.agent.name,
            "id_number": s.agent.id_number,
            "id_valid_until": s.agent.id_valid_until,
            "phone": s.agent.phone,
        },
        "documents": [d.description for d in s.documents],
        "promises": {"rongque": list(s.promises.rongque), "gaozhi": list(s.promises.gaozhi)},
    }


def attempt_out(attempt: PracticeAttempt, *, with_score: bool = True) -> dict[str, Any]:
    found = service.scenarios().get(attempt.scenario_id)
    return {
        "id": attempt.id,
        "session_id": attempt.session_id,
        "session_title": attempt.session.title,
        "trainee": attempt.trainee,
        "scenario_id": attempt.scenario_id,
        "scenario_title": found.title if found else attempt.scenario_id,
        "difficulty": found.difficulty.value if found else "",
        "position": attempt.position,
        "status": attempt.status,
        "version": attempt.version,
        "started_at": attempt.started_at,
        "decided_at": attempt.decided_at,
        "points": attempt.points,
        "seconds": attempt.seconds,
        "keystrokes": attempt.keystrokes,
        "case_numbers": [c.case_no for c in attempt.cases],
        "score": attempt.score if with_score else None,
    }


def session_out(practice: PracticeSession) -> dict[str, Any]:
    return {
        "id": practice.id,
        "title": practice.title,
        "trainer": practice.trainer,
        "created_at": practice.created_at,
        "difficulty": practice.difficulty,
        "attempts": [attempt_out(a) for a in practice.attempts],
    }


# --------------------------------------------------------------------------- scenarios


@router.get("/scenarios", dependencies=AnyRole)
def list_scenarios(difficulty: str | None = None) -> list[dict[str, Any]]:
    return [
        scenario_summary(s)
        for s in service.scenarios()
        if difficulty is None or s.difficulty.value == difficulty
    ]


# --------------------------------------------------------------------------- sessions


@router.post("/sessions", status_code=201)
def create_session(body: SessionIn, unit: TrainerUnit) -> JSONResponse:
    return unit.respond(
        lambda s: session_out(
            service.create_session(
                s,
                unit.actor,
                title=body.title,
                trainees=body.trainees,
                scenario_ids=body.scenarios,
                difficulty=body.difficulty,
                count=body.count,
                seed=body.seed,
                now=unit.now,
            )
        ),
        status=201,
    )


@router.get("/sessions", dependencies=TrainerOnly)
def list_sessions(
    hall: ReadyHall, caller: Caller, all: bool = Query(False)
) -> list[dict[str, Any]]:
    with hall.db.read() as session:
        found = service.list_sessions(session, trainer=None if all else caller.username)
        return [session_out(p) for p in found]


@router.get("/sessions/{session_id}", dependencies=TrainerOnly)
def get_session(session_id: int, hall: ReadyHall) -> dict[str, Any]:
    with hall.db.read() as session:
        return session_out(service.get_session(session, session_id))


# --------------------------------------------------------------------------- attempts


@router.get("/attempts", dependencies=[Depends(require(*TRAINEES))])
def my_attempts(hall: ReadyHall, caller: Caller, open: bool = Query(True)) -> list[dict[str, Any]]:
    with hall.db.read() as session:
        found = service.my_attempts(session, caller.username, open_only=open)
        return [attempt_out(a) for a in found]


@router.post("/attempts/{attempt_id}/start")
def start_attempt(attempt_id: int, unit: TraineeUnit) -> JSONResponse:
    def work(session: Session) -> dict[str, Any]:
        attempt = service.start_attempt(session, unit.actor, attempt_id, now=unit.now)
        out = attempt_out(attempt, with_score=False)
        out["papers"] = applicant_papers(service.scenario(attempt.scenario_id))
        out["state"] = attempt.state
        return out

    return unit.respond(work)


@router.get("/attempts/{attempt_id}/state", dependencies=[Depends(require(*TRAINEES))])
def get_state(attempt_id: int, hall: ReadyHall, caller: Caller) -> dict[str, Any]:
    with hall.db.read() as session:
        attempt = service.get_attempt(session, attempt_id, caller.actor)
        return {
            "id": str(attempt.id),
            "version": attempt.version,
            "status": attempt.status,
            "state": attempt.state,
            "updated_at": attempt.started_at or hall.now(),
        }


@router.put("/attempts/{attempt_id}/state")
def save_state(attempt_id: int, body: StateIn, unit: TraineeUnit) -> JSONResponse:
    def work(session: Session) -> dict[str, Any]:
        attempt = service.save_state(
            session, unit.actor, attempt_id, version=body.version, state=body.state, now=unit.now
        )
        return {"id": str(attempt.id), "version": attempt.version, "updated_at": unit.now}

    return unit.respond(work)


@router.post("/attempts/{attempt_id}/decide", status_code=201)
def decide(attempt_id: int, body: DecideIn, unit: TraineeUnit, request: Request) -> JSONResponse:
    lang = request_language(request)

    def work(session: Session) -> dict[str, Any]:
        hall = unit.hall
        context = service.PracticeContext(
            catalog=hall.catalog(),
            calendar=calendar_for(hall.settings.hall.holiday_file),
            lang=lang,
        )
        attempt, visit = service.decide(
            session,
            unit.actor,
            context,
            attempt_id,
            decisions=body.decisions,
            draft_version=body.draft_version,
            keystrokes=body.keystrokes,
            now=unit.now,
        )
        return {"attempt": attempt_out(attempt), "visit": visit}

    return unit.respond(work, status=201)


@router.get("/attempts/{attempt_id}")
def get_attempt(attempt_id: int, hall: ReadyHall, caller: Caller) -> dict[str, Any]:
    with hall.db.read() as session:
        attempt = service.get_attempt(session, attempt_id)
        if attempt.trainee != caller.username and caller.role not in TRAINERS:
            raise ApiError(403, "practice.not_yours")
        return attempt_out(attempt)


# --------------------------------------------------------------------------- results


@router.get("/results", dependencies=TrainerOnly)
def results(
    hall: ReadyHall,
    trainee: str | None = None,
    scenario: str | None = None,
    session_id: int | None = None,
) -> list[dict[str, Any]]:
    with hall.db.read() as session:
        return service.result_rows(
            session, trainee=trainee, scenario_id=scenario, session_id=session_id
        )
