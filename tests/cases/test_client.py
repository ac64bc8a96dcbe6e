"""The client's cases methods over the embedded hall (real HTTP on a Unix socket)."""

from __future__ import annotations

import pytest

from services.client import HallClientError
from services.client_cases import CANNOT_ACCEPT, VERSION_CONFLICT, ItemDecision
from tests.cases.catalog import ALL_IMMEDIATE, ALL_PROMISED, CATALOG, ID_NUMBER, PHONE, state
from tests.support.hall import RunningHall


@pytest.fixture(autouse=True)
def small_catalog(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("services.hall.bootstrap.load_active_catalog", lambda: CATALOG)


async def test_draft_survives_a_crash(embedded_hall: RunningHall) -> None:
    first = embedded_hall.client()
    await first.login("clerk1", embedded_hall.credentials["clerk1"], window_no=1)
    draft = await first.create_draft(ticket_id=3)
    saved = await first.save_draft(draft.id, draft.version, state(["T-002"], ALL_IMMEDIATE))
    saved = await first.save_draft(
        draft.id, saved.version, state(["T-002"], ALL_IMMEDIATE, notes="almost")
    )
    await first.http.aclose()  # the workstation dies; no logout

    second = embedded_hall.client()  # restarted (maybe at another window)
    await second.login("clerk1", embedded_hall.credentials["clerk1"], window_no=2)
    offered = await second.drafts()
    assert [(d.id, d.version, d.ticket_id) for d in offered] == [(draft.id, 3, 3)]
    restored = await second.get_draft(draft.id)
    assert restored.state["notes"] == "almost"
    assert restored.state["applicant"]["id_number"] == ID_NUMBER
    assert restored.state["materials"] == {k: {"state": "已收", "note": ""} for k in ALL_IMMEDIATE}

    with pytest.raises(HallClientError) as err:
        await second.save_draft(draft.id, 1, {})
    assert err.value.code == VERSION_CONFLICT and err.value.extra["current"] == 3

    visit = await second.decide(
        draft.id, [ItemDecision("T-002", "accept")], draft_version=restored.version
    )
    assert visit.case_numbers and visit.cases[0].status == "completed_on_spot"
    assert visit.window_no == 2 and visit.ticket_id == 3
    assert await second.drafts() == []
    await second.aclose()


async def test_decide_lookup_reveal(embedded_hall: RunningHall) -> None:
    client = embedded_hall.client()
    await client.login("clerk1", embedded_hall.credentials["clerk1"], window_no=1)
    draft = await client.create_draft(state(["T-001"], {"申请表": {"state": "已收"}}))
    with pytest.raises(HallClientError) as err:
        await client.decide(draft.id, [{"item": "T-001", "decision": "accept"}])
    assert err.value.code == CANNOT_ACCEPT
    assert "身份证" in err.value.extra["missing"]
    assert err.value.message  # a sentence for the clerk

    await client.save_draft(draft.id, draft.version, state(["T-001"], ALL_PROMISED))
    key = "same-decision"
    visit = await client.decide(draft.id, [ItemDecision("T-001", "accept")], idempotency_key=key)
    retried = await client.decide(draft.id, [ItemDecision("T-001", "accept")], idempotency_key=key)
    assert retried.case_numbers == visit.case_numbers
    case = visit.cases[0]
    assert case.status == "pending_delivery" and case.promised.date is not None
    assert case.applicant["id_number"] != ID_NUMBER

    found = await client.find_cases(PHONE)
    assert [c.case_no for c in found] == [case.case_no]
    again = await client.case(case.case_no)
    assert [e.to_status for e in again.events] == ["accepted", "pending_delivery"]
    assert (await client.visit(visit.id)).case_numbers == visit.case_numbers
    full = await client.reveal_applicant(case.case_no, "核对身份")
    assert full["applicant"]["id_number"] == ID_NUMBER
    await client.aclose()
