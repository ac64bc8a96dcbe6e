"""The practice room's use cases, each inside the caller's transaction.

Sessions   create_session (scenarios picked, or a random set by difficulty, for trainees) /
           list_sessions / get_session
Attempts   my_attempts (the trainee's practice queue) / start_attempt (the applicant's papers) /
           save_state + get_state (the intake form, like a draft, optimistic version) /
           decide (the live decision's planner, services.hall.cases.service.plan_decision:
           the same verdict, people, mail-address and 容缺-date checks; LX case numbers; scored)
Results    result_rows (per trainee, per scenario, over time; CSV)

Sandbox: only the practice_* tables are written (plus the audit log); never the live queue,
drafts, cases, events, statistics or outbox.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from clerk import checklist, i18n, planner
from clerk.catalog.model import Catalog
from clerk.clock import to_hall
from clerk.practice.loader import load_scenarios
from clerk.practice.model import Difficulty, Scenario, ScenarioSet
from clerk.practice.scoring import Attempt, ItemChoice, score
from clerk.tickets import hall_day
from clerk.workdays import WorkCalendar
from services.hall import audit
from services.hall.audit import Actor
from services.hall.cases.schemas import DraftState, ItemDecisionIn
from services.hall.cases.service import plan_decision
from services.hall.models import User
from services.hall.practice.models import (
    PracticeAttempt,
    PracticeCase,
    PracticeCounter,
    PracticeSession,
)
from services.hall.problems import ApiError, not_found

ASSIGNED, STARTED, DECIDED = "assigned", "started", "decided"
RECORD_LANG = "zh-CN"
PRACTICE_PREFIX = "LX"
MAX_RANDOM = 20


def scenarios() -> ScenarioSet:
    return load_scenarios()


def scenario(scenario_id: str) -> Scenario:
    found = scenarios().get(scenario_id)
    if found is None:
        raise ApiError(404, "practice.unknown_scenario", scenario=scenario_id)
    return found


# =========================================================================== sessions


def _users(session: Session, names: Sequence[str]) -> list[str]:
    wanted = list(dict.fromkeys(n.strip() for n in names if n.strip()))
    if not wanted:
        raise ApiError(422, "practice.no_trainees", field="trainees")
    known = set(session.scalars(select(User.username).where(User.username.in_(wanted))))
    unknown = [n for n in wanted if n not in known]
    if unknown:
        raise ApiError(422, "practice.unknown_user", users="、".join(unknown), field="trainees")
    return wanted


def pick(
    scenario_ids: Sequence[str],
    difficulty: str | None,
    count: int | None,
    seed: int | None,
) -> list[Scenario]:
    """The chosen scenarios, or `count` drawn at random (of one difficulty, or any)."""
    if scenario_ids:
        return [scenario(sid) for sid in dict.fromkeys(scenario_ids)]
    level = Difficulty(difficulty) if difficulty else None
    pool = scenarios().by_difficulty(level)
    if not pool:
        raise ApiError(422, "practice.no_scenarios", field="difficulty")
    n = max(1, min(count or 5, len(pool), MAX_RANDOM))
    return random.Random(seed).sample(pool, n)


def create_session(
    session: Session,
    actor: Actor,
    *,
    title: str,
    trainees: Sequence[str],
    scenario_ids: Sequence[str] = (),
    difficulty: str | None = None,
    count: int | None = None,
    seed: int | None = None,
    now: datetime,
) -> PracticeSession:
    names = _users(session, trainees)
    chosen = pick(scenario_ids, difficulty, count, seed)
    practice = PracticeSession(
        title=title.strip() or i18n.t("practice.session.default_title", lang=RECORD_LANG),
        trainer=actor.name,
        created_at=now,
        difficulty=difficulty if not scenario_ids else None,
        note="",
    )
    session.add(practice)
    session.flush()
    for trainee in names:
        for position, item in enumerate(chosen, start=1):
            session.add(
                PracticeAttempt(
                    session_id=practice.id,
                    trainee=trainee,
                    scenario_id=item.id,
                    position=position,
                    status=ASSIGNED,
                    version=1,
                    state={},
                )
            )
    session.flush()
    audit.record(
        session,
        actor,
        "practice.session.create",
        str(practice.id),
        {"trainees": names, "scenarios": [s.id for s in chosen], "difficulty": difficulty},
        at=now,
    )
    session.refresh(practice, ["attempts"])
    return practice


def list_sessions(session: Session, *, trainer: str | None = None) -> list[PracticeSession]:
    query = select(PracticeSession).order_by(
        PracticeSession.created_at.desc(), PracticeSession.id.desc()
    )
    if trainer:
        query = query.where(PracticeSession.trainer == trainer)
    return list(session.scalars(query.limit(200)))


def get_session(session: Session, session_id: int) -> PracticeSession:
    found = session.get(PracticeSession, session_id)
    if found is None:
        raise not_found("practice_session", session_id)
    return found


# =========================================================================== attempts


def my_attempts(session: Session, trainee: str, *, open_only: bool = True) -> list[PracticeAttempt]:
    query = select(PracticeAttempt).where(PracticeAttempt.trainee == trainee)
    if open_only:
        query = query.where(PracticeAttempt.status != DECIDED)
    query = query.order_by(PracticeAttempt.session_id, PracticeAttempt.position, PracticeAttempt.id)
    return list(session.scalars(query))


def get_attempt(session: Session, attempt_id: int, actor: Actor | None = None) -> PracticeAttempt:
    attempt = session.scalar(
        select(PracticeAttempt)
        .where(PracticeAttempt.id == attempt_id)
        .execution_options(populate_existing=True)
    )
    if attempt is None:
        raise not_found("practice_attempt", attempt_id)
    if actor is not None and attempt.trainee != actor.name:
        raise ApiError(403, "practice.not_yours")
    return attempt


def start_attempt(
    session: Session, actor: Actor, attempt_id: int, *, now: datetime
) -> PracticeAttempt:
    """The trainee calls the scenario's applicant: the clock starts (once)."""
    attempt = get_attempt(session, attempt_id, actor)
    if attempt.status == DECIDED:
        raise ApiError(409, "practice.already_decided")
    if attempt.status == ASSIGNED:
        attempt.status = STARTED
        attempt.started_at = now
        audit.record(
            session,
            actor,
            "practice.attempt.start",
            str(attempt.id),
            {"scenario": attempt.scenario_id},
            at=now,
        )
        session.flush()
    return attempt


def save_state(
    session: Session,
    actor: Actor,
    attempt_id: int,
    *,
    version: int,
    state: DraftState,
    now: datetime,
) -> PracticeAttempt:
    """Save the practice intake form (like a draft: 409 drafts.version_conflict when stale).
    Not audited, as live draft saves are not."""
    attempt = get_attempt(session, attempt_id, actor)
    if attempt.status == DECIDED:
        raise ApiError(409, "drafts.closed", state="decided", draft_id=str(attempt.id))
    if attempt.status == ASSIGNED:
        raise ApiError(409, "practice.not_started")
    data = state.model_dump(mode="json", exclude_none=True)
    if attempt.version != version:
        if attempt.version == version + 1 and attempt.state == data:
            return attempt  # the same save, retried
        raise ApiError(
            409,
            "drafts.version_conflict",
            current=attempt.version,
            given=version,
            draft_id=str(attempt.id),
        )
    attempt.state = data
    attempt.version = version + 1
    session.flush()
    return attempt


# =========================================================================== deciding


@dataclass(frozen=True)
class PracticeContext:
    catalog: Catalog
    calendar: WorkCalendar
    lang: str = "zh-CN"


def next_numbers(session: Session, day: date, count: int) -> list[str]:
    """`count` practice case numbers of `day`: LX-YYYYMMDD-NNNN (own counter, own table)."""
    insert = (
        postgresql.insert if session.get_bind().dialect.name == "postgresql" else (sqlite.insert)
    )
    statement = (
        insert(PracticeCounter)
        .values(day=day, last_seq=count)
        .on_conflict_do_update(
            index_elements=["day"], set_={"last_seq": PracticeCounter.last_seq + count}
        )
        .returning(PracticeCounter.last_seq)
    )
    last = int(session.execute(statement).scalar_one())
    return [f"{PRACTICE_PREFIX}-{day:%Y%m%d}-{n:04d}" for n in range(last - count + 1, last + 1)]


def decide(
    session: Session,
    actor: Actor,
    context: PracticeContext,
    attempt_id: int,
    *,
    decisions: Sequence[ItemDecisionIn],
    draft_version: int | None,
    keystrokes: int,
    now: datetime,
) -> tuple[PracticeAttempt, dict[str, Any]]:
    """Decide the practice file through the live decision's planner (plan_decision: 409
    cases.cannot_accept when the verdict forbids accepting, cases.nothing_missing, 422 for the
    people, the agent, the mail address and past 容缺 dates …), then number the practice
    cases LX-…, score the attempt and close it. Returns the attempt and the visit (the shape of
    a live visit, so the intake screen shows it the same way)."""
    attempt = get_attempt(session, attempt_id, actor)
    if attempt.status == DECIDED:
        raise ApiError(409, "drafts.closed", state="decided", draft_id=str(attempt.id))
    if attempt.status == ASSIGNED or attempt.started_at is None:
        raise ApiError(409, "practice.not_started")
    if draft_version is not None and attempt.version != draft_version:
        raise ApiError(
            409,
            "drafts.version_conflict",
            current=attempt.version,
            given=draft_version,
            draft_id=str(attempt.id),
        )
    the_scenario = scenario(attempt.scenario_id)
    catalog = context.catalog
    state = DraftState.model_validate(attempt.state)
    today = hall_day(now)
    plan, planned = plan_decision(catalog, state, decisions, today, context.lang)
    visit_in = plan.visit
    answers = dict(visit_in.answers)
    applicant_name = state.applicant.name.strip() if state.applicant else ""

    numbers = next_numbers(session, today, len(planned))
    seconds = max(0.0, (now - attempt.started_at).total_seconds())
    result = score(
        the_scenario,
        catalog,
        Attempt(
            theme=state.theme,
            items=tuple(state.items),
            answers=answers,
            marks=dict(visit_in.marks),
            applicant_kind=visit_in.kind,
            elicenses=visit_in.elicenses,
            choices=tuple(ItemChoice(d.item, d.decision, d.refusal_reason) for d in decisions),
            seconds=seconds,
            keystrokes=max(0, keystrokes),
        ),
        today=today,
        lang=context.lang,
    )
    cases_out: list[dict[str, Any]] = []
    for number, entry in zip(numbers, planned, strict=True):
        item, status, refusal = entry.plan.item, entry.status, entry.refusal
        department = catalog.department(item.department)
        promised: dict[str, Any] = {"limit": None, "date": None, "estimated": False, "note": None}
        if status.value in ("accepted", "accepted_rongque"):
            found = planner.promise(item, today, context.calendar)
            promised = {
                "limit": str(item.promised_limit),
                "date": found.date.isoformat(),
                "estimated": found.estimated,
                "note": None,
            }
        elif status.value == "completed_on_spot":
            promised = {
                "limit": str(item.promised_limit),
                "date": today.isoformat(),
                "estimated": False,
                "note": None,
            }
        missing = (
            [
                {
                    "name": m.name,
                    "requirement": checklist.requirement(m, RECORD_LANG),
                    "required": m.required,
                    "rongque": m.rongque,
                    "items": list(m.items),
                }
                for m in entry.plan.missing
            ]
            if status.value == "notice"
            else []
        )
        case = {
            "case_no": number,
            "visit_id": attempt.id,
            "item": {
                "code": item.code,
                "name": item.name,
                "department": item.department,
                "department_name": department.name if department else item.department,
                "handling": item.handling.value,
            },
            "decision": status.value,
            "status": status.value,
            "applicant": {"name": applicant_name, "kind": visit_in.kind},
            "agent": None,
            "answers": plan.answers,
            "materials": [
                {"name": s.material.name, "state": s.state.value} for s in entry.plan.statuses
            ],
            "fields": {},
            "missing": missing,
            "refusal": refusal,
            "delivery": state.delivery.model_dump(mode="json"),
            "note": entry.choice.note.strip(),
            "clerk": actor.name,
            "window_no": actor.window_no,
            "ticket_id": None,
            "catalog_version": catalog.version,
            "decided_at": now.isoformat(),
            "promised": promised,
            "completed_at": now.isoformat() if status.value == "completed_on_spot" else None,
            "events": [],
            "practice": True,
        }
        session.add(
            PracticeCase(
                case_no=number,
                attempt_id=attempt.id,
                item_code=item.code,
                decision=status.value,
                data=case,
                decided_at=now,
            )
        )
        cases_out.append(case)

    attempt.status = DECIDED
    attempt.decided_at = now
    attempt.decisions = [d.model_dump(mode="json") for d in decisions]
    attempt.score = result.to_json(context.lang)  # feedback in the trainee's language
    attempt.points = result.points
    attempt.seconds = seconds
    attempt.keystrokes = max(0, keystrokes)
    attempt.catalog_version = catalog.version
    attempt.version += 1
    audit.record(
        session,
        actor,
        "practice.attempt.decide",
        str(attempt.id),
        {
            "scenario": attempt.scenario_id,
            "cases": numbers,
            "points": result.points,
            "decision": result.decision,
        },
        at=now,
    )
    session.flush()
    visit = {
        "id": attempt.id,
        "draft_id": str(attempt.id),
        "ticket_id": None,
        "clerk": actor.name,
        "window_no": actor.window_no,
        "decided_at": now.isoformat(),
        "applicant_name": applicant_name,
        "catalog_version": catalog.version,
        "cases": cases_out,
        "practice": True,
    }
    return attempt, visit


# =========================================================================== results

RESULT_COLUMNS = (
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


def result_row(attempt: PracticeAttempt) -> dict[str, Any]:
    found = scenarios().get(attempt.scenario_id)
    data = attempt.score or {}
    return {
        "attempt_id": attempt.id,
        "session_id": attempt.session_id,
        "session_title": attempt.session.title,
        "trainer": attempt.session.trainer,
        "trainee": attempt.trainee,
        "scenario_id": attempt.scenario_id,
        "scenario_title": found.title if found else attempt.scenario_id,
        "difficulty": found.difficulty.value if found else "",
        "status": attempt.status,
        # the hall's wall clock with its offset: readable in a spreadsheet, still unambiguous
        "started_at": to_hall(attempt.started_at).isoformat() if attempt.started_at else "",
        "decided_at": to_hall(attempt.decided_at).isoformat() if attempt.decided_at else "",
        "points": attempt.points,
        "decision": data.get("decision", ""),
        "expected_decision": data.get("expected_decision", ""),
        "decision_ok": data.get("decision_ok"),
        "precision": data.get("precision"),
        "recall": data.get("recall"),
        "missed": "；".join(data.get("missed") or []),
        "unneeded": "；".join(data.get("unneeded") or []),
        "seconds": attempt.seconds,
        "keystrokes": attempt.keystrokes,
    }


def result_rows(
    session: Session,
    *,
    trainee: str | None = None,
    scenario_id: str | None = None,
    session_id: int | None = None,
    decided_only: bool = False,
) -> list[dict[str, Any]]:
    """Every attempt (newest decisions first), for the trainer's tables and the CSV."""
    query = select(PracticeAttempt)
    if trainee:
        query = query.where(PracticeAttempt.trainee == trainee)
    if scenario_id:
        query = query.where(PracticeAttempt.scenario_id == scenario_id)
    if session_id is not None:
        query = query.where(PracticeAttempt.session_id == session_id)
    if decided_only:
        query = query.where(PracticeAttempt.status == DECIDED)
    query = query.order_by(
        PracticeAttempt.session_id.desc(), PracticeAttempt.trainee, PracticeAttempt.position
    )
    return [result_row(a) for a in session.scalars(query.limit(5000))]
