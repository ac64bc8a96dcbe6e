"""/api/v1 endpoints after the back office: the case's work view, 需补正 resubmission, 出件
(ready, hand over, mail) and the clerk's worklists. The work is in pickup.py / resubmit.py.

    GET  /cases/{no}/work         CaseOut + deadline, correction, result, handover, mail, actions,
                                  event_cursor (follow /events from it: nothing is missed)
    POST /cases/{no}/resubmit     {received: [material], note}      -> resubmitted + new delivery
    POST /cases/{no}/ready        {note}                            -> ready_for_pickup + SMS
    POST /cases/{no}/handover     {collector_name, collector_id_type?, collector_id_number,
                                   authorization_received, note}    -> handed_over
    POST /cases/{no}/mail         {tracking_no, carrier, address?, recipient?, phone?} -> mailed
    GET  /worklist                {ready_for_pickup, to_mail, needs_correction, deadline, recent}
    GET  /worklist/deadlines      overdue (and, with near=true, near-deadline) open cases
"""

# No `from __future__ import annotations`: FastAPI evaluates the Annotated[...] dependencies.

import contextlib
from collections.abc import AsyncIterator
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from services.hall.bootstrap import Hall
from services.hall.cases import pickup, resubmit
from services.hall.cases import service as cases
from services.hall.cases.models import Case
from services.hall.cases.schemas import CaseOut, CaseSummaryOut
from services.hall.deps import ReadyHall, Unit, get_hall, require, unit_for
from services.hall.errors import request_language


def configure_hall(hall: Hall) -> None:
    """Tell pickup.py this hall's settings (deadline flags, auto ready, SMS adapter)."""
    pickup.configure(hall.db.engine.url, pickup.CaseworkConfig.of(hall.settings))


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    hall = getattr(app.state, "hall", None)
    if isinstance(hall, Hall):
        configure_hall(hall)  # before the dispatcher moves any case
    yield


def configured(hall: Annotated[Hall, Depends(get_hall)]) -> Hall:
    configure_hall(hall)
    return hall


router = APIRouter(tags=["casework"], lifespan=lifespan, dependencies=[Depends(configured)])

DESK = ("clerk", "supervisor")
DeskUnit = Annotated[Unit, Depends(unit_for(*DESK))]
Reader = [Depends(require(*DESK, "admin"))]


# --- bodies ------------------------------------------------------------------------------------


class ResubmitIn(BaseModel):
    received: list[str] = Field(default_factory=list, max_length=200)
    note: str = Field("", max_length=2000)


class ReadyIn(BaseModel):
    note: str = Field("", max_length=2000)


class HandoverIn(BaseModel):
    collector_name: str = Field(max_length=200)
    collector_id_type: str = "resident_id"
    collector_id_number: str = Field(max_length=64)
    authorization_received: bool = Field(
        False, description="A 授权委托书 for this collector is in hand"
    )
    note: str = Field("", max_length=2000)


class MailIn(BaseModel):
    tracking_no: str = Field(max_length=64)
    carrier: str = Field("", max_length=100)
    address: str | None = Field(None, max_length=500)
    recipient: str | None = Field(None, max_length=200)
    phone: str | None = Field(None, max_length=32)


class DeadlineOut(BaseModel):
    state: str
    promised: date | None
    workdays_left: int | None
    workdays_over: int | None


class WorkRow(CaseSummaryOut):
    deadline: DeadlineOut
    delivery_method: str

    @classmethod
    def row(cls, case: Case, flag: Any) -> "WorkRow":
        return cls(
            **CaseSummaryOut.of(case).model_dump(),
            deadline=DeadlineOut(**flag.as_dict()),
            delivery_method=str((case.delivery or {}).get("method") or "pickup"),
        )


class WorklistOut(BaseModel):
    ready_for_pickup: list[WorkRow]
    to_mail: list[WorkRow]
    needs_correction: list[WorkRow]
    deadline: list[WorkRow]
    recent: list[WorkRow]


# --- helpers -----------------------------------------------------------------------------------


def _head(session: Session) -> int:
    try:
        from services.hall.queue import events
    except ImportError:  # pragma: no cover - the queue room is part of the service
        return 0
    return events.head(session)


def _work(session: Session, case_no: str, now: datetime, lang: str) -> dict[str, Any]:
    case = cases.get_case(session, case_no)
    return {
        "case": CaseOut.of(case, lang).model_dump(mode="json"),
        "work": pickup.work_view(session, case, now),
        "event_cursor": _head(session),
    }


def _poke(request: Request) -> None:
    bus: Any = getattr(getattr(request.app.state, "queue", None), "bus", None)
    if bus is not None and callable(getattr(bus, "poke", None)):
        bus.poke()


def _act(unit: Unit, request: Request, case_no: str, act: Any) -> JSONResponse:
    """Run `act(session) -> record` in the unit's transaction; answer the record and the case's
    work view; poke the event stream so open case views update at once."""
    lang = request_language(request)

    def produce(session: Session) -> dict[str, Any]:
        record = act(session)
        session.flush()
        return {"record": record} | _work(session, case_no, unit.now, lang)

    answer = unit.respond(produce)
    _poke(request)
    return answer


# --- routes ------------------------------------------------------------------------------------


@router.get("/cases/{case_no}/work", dependencies=Reader)
def case_work(case_no: str, hall: ReadyHall, request: Request) -> dict[str, Any]:
    with hall.db.read() as session:
        return _work(session, case_no, hall.now(), request_language(request))


@router.post("/cases/{case_no}/resubmit")
def resubmit_case(case_no: str, body: ResubmitIn, unit: DeskUnit, request: Request) -> JSONResponse:
    """补正后重新提交: the materials received, the case delivered again under a new key."""
    return _act(
        unit,
        request,
        case_no,
        lambda s: resubmit.resubmit(
            s, unit.actor, case_no, received=body.received, note=body.note, now=unit.now
        ),
    )


@router.post("/cases/{case_no}/ready")
def mark_ready(case_no: str, body: ReadyIn, unit: DeskUnit, request: Request) -> JSONResponse:
    return _act(
        unit,
        request,
        case_no,
        lambda s: {
            "status": pickup.mark_ready(s, unit.actor, case_no, note=body.note, now=unit.now).status
        },
    )


@router.post("/cases/{case_no}/handover")
def hand_over(case_no: str, body: HandoverIn, unit: DeskUnit, request: Request) -> JSONResponse:
    collector = pickup.Collector(
        name=body.collector_name,
        id_type=body.collector_id_type,
        id_number=body.collector_id_number,
        authorization_received=body.authorization_received,
    )
    return _act(
        unit,
        request,
        case_no,
        lambda s: pickup.handover(s, unit.actor, case_no, collector, note=body.note, now=unit.now),
    )


@router.post("/cases/{case_no}/mail")
def mail_result(case_no: str, body: MailIn, unit: DeskUnit, request: Request) -> JSONResponse:
    return _act(
        unit,
        request,
        case_no,
        lambda s: pickup.mail(
            s,
            unit.actor,
            case_no,
            tracking_no=body.tracking_no,
            carrier=body.carrier,
            address=body.address,
            recipient=body.recipient,
            phone=body.phone,
            now=unit.now,
        ),
    )


@router.get("/worklist", response_model=WorklistOut, dependencies=Reader)
def worklist(hall: ReadyHall, window_no: int | None = None) -> WorklistOut:
    with hall.db.read() as session:
        lists = pickup.worklist(session, hall.now(), window_no=window_no)
        return WorklistOut(
            **{name: [WorkRow.row(c, d) for c, d in rows] for name, rows in lists.items()}
        )


@router.get("/worklist/deadlines", response_model=list[WorkRow], dependencies=Reader)
def deadlines(
    hall: ReadyHall,
    near: bool = Query(True, description="Also the cases close to their promised date"),
    limit: int = Query(200, ge=1, le=1000),
) -> list[WorkRow]:
    with hall.db.read() as session:
        rows = pickup.deadline_cases(session, hall.now(), near=near, limit=limit)
        return [WorkRow.row(c, d) for c, d in rows]
