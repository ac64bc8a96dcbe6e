"""A fake status applier (the seam with the cases room) and a few helpers."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from services.backoffice import protocol
from services.hall import outbox


@dataclass
class FakeCases:
    """Records every status a hand-off asks for, per case (thread-safe)."""

    moves: dict[str, list[str]] = field(default_factory=dict)
    data: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(
        self,
        session: Session,
        case_no: str,
        new_status: str,
        *,
        by: Any,
        note: str,
        data: dict[str, Any],
        at: datetime,
    ) -> None:
        with self._lock:
            self.moves.setdefault(case_no, []).append(new_status)
            self.data.setdefault(case_no, []).append(data | {"by": by.name, "note": note})

    def last(self, case_no: str) -> str | None:
        with self._lock:
            seen = self.moves.get(case_no)
            return seen[-1] if seen else None


def payload(case_no: str, **extra: Any) -> dict[str, Any]:
    return {"case_no": case_no, "item_code": "SCJG-001", "item_name": "食品经营许可"} | extra


T0 = datetime(2026, 11, 23, 1, 30, tzinfo=UTC)  # tests.support.hall.FakeClock's start


def enqueue(session: Session, case_no: str, department: str = "SCJG", *, now: datetime = T0) -> str:
    key = f"key-{case_no}"
    outbox.enqueue(
        session, department=department, idempotency_key=key, payload=payload(case_no), now=now
    )
    return key


def report(case_no: str, status: str, seq: int, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "case_no": case_no,
        "status": status,
        "seq": seq,
        "at": "2026-11-23T02:00:00Z",
        "note": "",
        "materials_needed": ["身份证明"] if status == protocol.NEEDS_CORRECTION else [],
        "result": None,
    }
    return body | extra
