from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from services.hall import audit
from services.hall.deps import ReadyHall, require
from services.hall.schemas import AuditEntryOut, AuditVerifyOut

router = APIRouter(
    prefix="/audit", tags=["audit"], dependencies=[Depends(require("admin", "supervisor"))]
)


@router.get("/verify", response_model=AuditVerifyOut)
def verify(hall: ReadyHall) -> AuditVerifyOut:
    """Walk the hash chain; `first_bad_id` names the first row that was edited or removed."""
    with hall.db.read() as session:
        return AuditVerifyOut(**audit.verify(session).as_dict())


@router.get("", response_model=list[AuditEntryOut])
def recent(
    hall: ReadyHall, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> list[AuditEntryOut]:
    """The newest entries first."""
    with hall.db.read() as session:
        return [AuditEntryOut.of(e) for e in audit.recent(session, limit)]
