"""apply_status: the seam the hand-off room moves cases with."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from services.hall.audit import Actor
from services.hall.cases import service
from services.hall.cases.models import Case
from services.hall.models import AuditEntry
from tests.cases.catalog import ALL_PROMISED, ID_NUMBER, state
from tests.cases.conftest import Desk

BO = Actor("backoffice:D1")


def move(app: Any, number: str, status: str, **kw: Any) -> Case:
    with app.state.hall.db.write() as session:
        return service.apply_status(
            session, number, status, by=BO, note=kw.pop("note", ""), data=kw
        )


async def accepted(desk: Desk) -> str:
    visit = await desk.decide(state(["T-001"], ALL_PROMISED), {"T-001": "accept"})
    return str(visit["case_numbers"][0])


async def test_the_whole_life(desk: Desk, hall_app: Any, api: Any) -> None:
    number = await accepted(desk)
    for status in (
        "delivered",
        "in_review",
        "needs_correction",
        "resubmitted",
        "delivered",
        "in_review",
        "approved",
        "certificate_made",
        "ready_for_pickup",
        "handed_over",
    ):
        assert move(hall_app, number, status, note=status).status == status
    case = (await api.get(f"/api/v1/cases/{number}", headers=desk.headers)).json()
    assert case["status"] == "handed_over"
    assert case["completed_at"] is not None
    timeline = [(e["from_status"], e["to_status"]) for e in case["events"]]
    assert timeline[:3] == [
        (None, "accepted"),
        ("accepted", "pending_delivery"),
        ("pending_delivery", "delivered"),
    ]
    assert timeline[-1] == ("ready_for_pickup", "handed_over")
    assert case["events"][-1]["actor"] == "backoffice:D1"


async def test_duplicates_are_ignored(desk: Desk, hall_app: Any) -> None:
    number = await accepted(desk)
    move(hall_app, number, "delivered")
    with hall_app.state.hall.db.read() as session:
        before = session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
    assert move(hall_app, number, "delivered").status == "delivered"
    with hall_app.state.hall.db.read() as session:
        after = session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
        events = session.scalars(select(Case).where(Case.case_no == number)).one().events
    assert before == after
    assert [e.to_status for e in events].count("delivered") == 1


async def test_missed_intermediate_statuses(desk: Desk, hall_app: Any) -> None:
    number = await accepted(desk)
    case = move(hall_app, number, "approved", seq=3)
    assert case.status == "approved"
    with hall_app.state.hall.db.read() as session:
        last = session.scalars(select(Case).where(Case.case_no == number)).one().events[-1]
    assert (last.from_status, last.to_status) == ("pending_delivery", "approved")
    assert last.data == {"seq": 3, "skipped": ["delivered", "in_review"]}


@pytest.mark.parametrize(
    ("path", "target", "code"),
    [
        (["delivered", "in_review"], "delivered", "cases.stale_status"),
        (["delivered", "in_review", "needs_correction"], "approved", "cases.bad_transition"),
        (["delivered", "in_review", "approved"], "handed_over", "cases.bad_transition"),
        ([], "nonsense", "validation.invalid"),
    ],
)
async def test_refused_moves(
    desk: Desk, hall_app: Any, path: list[str], target: str, code: str
) -> None:
    from services.hall.problems import ApiError

    number = await accepted(desk)
    for status in path:
        move(hall_app, number, status)
    with pytest.raises(ApiError) as err:
        move(hall_app, number, target)
    assert err.value.code == code
    if code == "cases.stale_status":
        assert isinstance(err.value, service.StatusRefused)
        assert err.value.move.kind.value == "stale"


async def test_unknown_case(hall_app: Any, desk: Desk) -> None:
    from services.hall.problems import ApiError

    with pytest.raises(ApiError) as err:
        move(hall_app, "31000020261123000017", "delivered")
    assert err.value.status == 404


async def test_case_payload(desk: Desk, hall_app: Any) -> None:
    number = await accepted(desk)
    with hall_app.state.hall.db.read() as session:
        payload = service.case_payload(service.get_case(session, number))
    assert payload["case_no"] == number
    assert payload["department"] == "D1"
    assert payload["item"] == {"code": "T-001", "name": "测试许可（承诺件）", "handling": "承诺件"}
    assert payload["applicant"]["id_number"] == ID_NUMBER
    assert {m["name"] for m in payload["materials"]} >= {"申请表", "身份证"}
    assert payload["promised"]["date"] == "2026-11-30"
    assert payload["catalog_version"] == "test-1+abc123"
