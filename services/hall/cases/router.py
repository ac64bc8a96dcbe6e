"""/api/v1 endpoints of the cases room: drafts, visits (decisions), cases. Thin: the work is in
service.py. Mutations go through `Unit.respond` (one write transaction + Idempotency-Key)."""

# No `from __future__ import annotations`: FastAPI evaluates the Annotated[...] dependencies.

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from services.hall.cases import second_visit, service
from services.hall.cases.schemas import (
    CaseOut,
    CaseSearchIn,
    CaseSummaryOut,
    DraftCreateIn,
    DraftOut,
    DraftSavedOut,
    DraftSaveIn,
    DraftSummaryOut,
    RevealIn,
    RevealOut,
    SecondVisitIn,
    VisitIn,
    VisitOut,
)
from services.hall.deps import Caller, ReadyHall, Unit, require, unit_for
from services.hall.errors import request_language

router = APIRouter(tags=["cases"])

DESK = ("clerk", "supervisor")
DeskUnit = Annotated[Unit, Depends(unit_for(*DESK))]
Reader = [Depends(require(*DESK, "admin"))]


# --- drafts ------------------------------------------------------------------------------------


@router.post("/drafts", status_code=201, response_model=DraftOut)
def create_draft(body: DraftCreateIn, unit: DeskUnit) -> JSONResponse:
    return unit.respond(
        lambda s: DraftOut.of(
            service.create_draft(
                s, unit.actor, state=body.state, ticket_id=body.ticket_id, now=unit.now
            )
        ),
        status=201,
    )


@router.put("/drafts/{draft_id}", response_model=DraftSavedOut)
def save_draft(draft_id: str, body: DraftSaveIn, unit: DeskUnit) -> JSONResponse:
    """Save the whole form (on every change). 409 drafts.version_conflict when someone saved
    since `version`; the answer is small: the new version."""
    return unit.respond(
        lambda s: DraftSavedOut.of(
            service.save_draft(
                s,
                unit.actor,
                draft_id,
                version=body.version,
                state=body.state,
                ticket_id=body.ticket_id,
                now=unit.now,
            )
        )
    )


@router.post("/notices/{case_no}/second-visit", response_model=DraftOut)
def second_visit_draft(case_no: str, body: SecondVisitIn, unit: DeskUnit) -> JSONResponse:
    """The applicant is back with the 一次性告知书: a draft filled from the first visit (the
    same open draft again if one already follows this notice). 409 casework.not_a_notice,
    casework.notice_answered."""
    return unit.respond(
        lambda s: DraftOut.of(
            second_visit.start(s, unit.actor, case_no, ticket_id=body.ticket_id, now=unit.now)
        )
    )


@router.get("/drafts/{draft_id}", response_model=DraftOut, dependencies=Reader)
def get_draft(draft_id: str, hall: ReadyHall) -> DraftOut:
    with hall.db.read() as session:
        return DraftOut.of(service.get_draft(session, draft_id))


@router.get("/drafts", response_model=list[DraftSummaryOut])
def list_drafts(
    hall: ReadyHall,
    caller: Caller,
    ticket_id: int | None = None,
    clerk: str | None = Query(None, description="A user name; default: the caller"),
    all: bool = Query(False, description="Every open draft of the hall"),
) -> list[DraftSummaryOut]:
    """Open drafts: the caller's (default), a ticket's (`ticket_id`), a clerk's, or all."""
    username: str | None = None
    if not all and ticket_id is None:
        username = clerk or caller.username
    elif clerk:
        username = clerk
    with hall.db.read() as session:
        drafts = service.list_drafts(session, username=username, ticket_id=ticket_id)
        return [DraftSummaryOut.of(d) for d in drafts]


@router.delete("/drafts/{draft_id}", response_model=DraftSummaryOut)
def discard_draft(draft_id: str, unit: DeskUnit, version: int | None = None) -> JSONResponse:
    return unit.respond(
        lambda s: DraftSummaryOut.of(
            service.discard_draft(s, unit.actor, draft_id, version=version, now=unit.now)
        )
    )


# --- decisions -----------------------------------------------------------------------------------


@router.post("/visits", status_code=201, response_model=VisitOut)
def decide(body: VisitIn, unit: DeskUnit, request: Request) -> JSONResponse:
    """Decide every item of a draft: one case per item in one visit (one receipt)."""
    lang = request_language(request)

    def work(session: Session) -> VisitOut:
        hall = unit.hall
        context = service.HallContext(
            catalog=hall.catalog(),
            hall_code=hall.settings.hall.code,
            calendar=service.calendar_for(hall.settings.hall.holiday_file),
            lang=lang,
        )
        visit = service.decide(
            unit.session,
            unit.actor,
            context,
            draft_id=body.draft_id,
            draft_version=body.draft_version,
            decisions=body.decisions,
            now=unit.now,
        )
        return VisitOut.of(visit, lang)

    return unit.respond(work, status=201)


@router.get("/visits/{visit_id}", response_model=VisitOut, dependencies=Reader)
def get_visit(visit_id: int, hall: ReadyHall, request: Request) -> VisitOut:
    with hall.db.read() as session:
        return VisitOut.of(service.get_visit(session, visit_id), request_language(request))


# --- cases ---------------------------------------------------------------------------------------


@router.get("/cases", response_model=list[CaseSummaryOut], dependencies=Reader)
def find_cases(
    hall: ReadyHall,
    q: str | None = Query(None, description="Case number (or barcode), ID number/USCC, phone"),
    ticket_id: int | None = None,
    limit: int = Query(50, ge=1, le=200),
) -> list[CaseSummaryOut]:
    with hall.db.read() as session:
        found = service.find_cases(session, q, ticket_id=ticket_id, limit=limit)
        return [CaseSummaryOut.of(c) for c in found]


@router.post("/cases/search", response_model=list[CaseSummaryOut], dependencies=Reader)
def search_cases(hall: ReadyHall, body: CaseSearchIn) -> list[CaseSummaryOut]:
    """The same lookup as GET /cases, with the ID number or phone in the body, not the URL."""
    with hall.db.read() as session:
        found = service.find_cases(session, body.q, ticket_id=body.ticket_id, limit=body.limit)
        return [CaseSummaryOut.of(c) for c in found]


@router.get("/cases/{case_no}", response_model=CaseOut, dependencies=Reader)
def get_case(case_no: str, hall: ReadyHall, request: Request) -> CaseOut:
    with hall.db.read() as session:
        return CaseOut.of(service.get_case(session, case_no), request_language(request))


@router.post("/cases/{case_no}/reveal", response_model=RevealOut)
def reveal(case_no: str, body: RevealIn, unit: DeskUnit) -> JSONResponse:
    """The full ID and phone of a case's applicant; the reason goes to the audit log."""
    return unit.respond(
        lambda s: RevealOut.of(
            service.reveal(s, unit.actor, case_no, reason=body.reason, now=unit.now)
        )
    )
