"""HTTP for the hand-off, mounted under /api/v1:

- POST /backoffice/callbacks        a back office reports a status (signed, no bearer token)
- GET  /handoff                     outbox rows (?status=pending|delivered|dead, department,
                                    case_no, limit) — supervisors and admins
- GET  /handoff/summary             counts per department and status, oldest pending age
- GET  /handoff/cases/{case_no}     the back office's latest word on a case + its outbox rows
- POST /handoff/{id}/retry          a dead hand-off goes out again (audited, Idempotency-Key)
- POST /handoff/retry-dead          every dead one (of ?department=)
"""

# No `from __future__ import annotations`: FastAPI evaluates the Annotated dependencies.

import json
import logging
import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from services.backoffice import protocol
from services.hall.bootstrap import Hall
from services.hall.deps import ReadyHall, Unit, client_address, require, unit_for
from services.hall.handoff import service
from services.hall.handoff.models import OUTBOX_STATUSES
from services.hall.handoff.service import StatusApplier
from services.hall.handoff.wiring import Wiring
from services.hall.problems import ApiError

log = logging.getLogger("services.hall.handoff")

callbacks = APIRouter(prefix="/backoffice", tags=["handoff"])
router = APIRouter(prefix="/handoff", tags=["handoff"])

SupervisorUnit = Annotated[Unit, Depends(unit_for("supervisor", "admin"))]
_supervisors = [Depends(require("supervisor", "admin"))]

SECRET_TTL_S = 30.0
_secrets: dict[str, tuple[float, str | None]] = {}


def department_secret(department: str) -> str | None:
    now = time.monotonic()
    cached = _secrets.get(department)
    if cached is not None and now - cached[0] < SECRET_TTL_S:
        return cached[1]
    value = protocol.secret_for(department)
    _secrets[department] = (now, value)
    return value


def wiring_of(request: Request) -> Wiring:
    found: Wiring | None = getattr(request.app.state, "handoff", None)
    return found or Wiring(applier=service.no_applier())


def _refuse(hall: Hall, reason: str, department: str | None, client: str, detail: str) -> None:
    try:
        with hall.db.write() as session:
            service.refuse(
                session,
                reason=reason,
                department=department,
                client=client,
                now=hall.now(),
                detail=detail,
            )
    except Exception as exc:  # the refusal itself stands even if the audit cannot be written
        log.error("could not audit a refused callback: %s", exc)
    log.warning("refused a back-office callback from %s: %s %s", client, reason, detail)


def _process(
    hall: Hall,
    applier: StatusApplier,
    body: bytes,
    headers: dict[str, str],
    path: str,
    client: str,
) -> dict[str, Any]:
    department = headers.get(protocol.H_DEPARTMENT.lower())
    secret = department_secret(department) if department else None
    try:
        signed = protocol.verify(
            secret,
            method="POST",
            path=path,
            body=body,
            headers=headers,
            now=hall.now().timestamp(),
        )
    except protocol.SignatureError as exc:
        _refuse(hall, exc.reason, department, client, exc.detail)
        raise ApiError(401, "handoff.unauthorized", reason=exc.reason) from None
    # The nonce is committed on its own, before the report is looked at: a report answered
    # 403/404/422 rolls its transaction back, and a nonce recorded there would go with it, so
    # its replay would be answered again instead of refused and audited as a replay.
    with hall.db.write() as session:
        fresh = service.remember_nonce(session, signed.nonce, signed.department, now=hall.now())
    if not fresh:
        _refuse(hall, "replayed", signed.department, client, signed.nonce)
        raise ApiError(401, "handoff.unauthorized", reason="replayed")
    try:
        report = protocol.StatusReport.parse(json.loads(body))
    except (ValueError, protocol.ProtocolError) as exc:
        _refuse(hall, "bad_body", signed.department, client, str(exc))
        raise ApiError(422, "handoff.bad_report", problem=str(exc)[:200]) from None
    try:
        with hall.db.write() as session:
            outcome = service.apply_report(
                session,
                report,
                department=signed.department,
                now=hall.now(),
                applier=applier,
                via="callback",
            )
    except ApiError as exc:
        if exc.code == "handoff.wrong_department":  # a department reporting on another's case
            _refuse(hall, "wrong_department", signed.department, client, report.case_no)
        raise
    return outcome.as_dict()


@callbacks.post("/callbacks")
async def callback(request: Request, hall: ReadyHall) -> JSONResponse:
    """A signed status report from a back office (docs/backoffice-protocol.md)."""
    body = await request.body()
    headers = {k.lower(): v for k, v in request.headers.items()}
    wiring = wiring_of(request)
    result = await run_in_threadpool(
        _process, hall, wiring.applier, body, headers, request.url.path, client_address(request)
    )
    if result.get("applied"):
        wiring.after_commit()
    return JSONResponse(result)


@router.get("", dependencies=_supervisors)
def list_handoffs(
    hall: ReadyHall,
    status: Annotated[str | None, Query(pattern="^(" + "|".join(OUTBOX_STATUSES) + ")$")] = None,
    department: str | None = None,
    case_no: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> JSONResponse:
    with hall.db.read() as session:
        rows = service.list_items(
            session, status=status, department=department, case_no=case_no, limit=limit
        )
    return JSONResponse(jsonable_encoder(rows))


@router.get("/summary", dependencies=_supervisors)
def summary(hall: ReadyHall) -> JSONResponse:
    with hall.db.read() as session:
        return JSONResponse(jsonable_encoder(service.summary(session, hall.now())))


@router.get("/cases/{case_no}", dependencies=_supervisors)
def case_handoff(case_no: str, hall: ReadyHall) -> JSONResponse:
    with hall.db.read() as session:
        state = service.case_state(session, case_no)
        rows = service.list_items(session, status=None, department=None, case_no=case_no, limit=100)
    if state is None and not rows:
        raise ApiError(404, "not_found", what="case", key=case_no)
    return JSONResponse(jsonable_encoder({"backoffice": state, "handoffs": rows}))


@router.post("/retry-dead")
def retry_dead(unit: SupervisorUnit, department: str | None = None) -> JSONResponse:
    return unit.respond(
        lambda s: {
            "retried": service.retry_all_dead(s, unit.actor, now=unit.now, department=department)
        }
    )


@router.post("/{item_id}/retry")
def retry(item_id: int, unit: SupervisorUnit) -> JSONResponse:
    return unit.respond(lambda s: service.retry(s, unit.actor, item_id, now=unit.now))


ROUTERS = [callbacks, router]
