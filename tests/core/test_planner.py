"""The one decision planner (clerk/planner.py) as plain data: a draft state in, the problems in the
hall's order, the choices it allows. No hall, no terminal."""

from __future__ import annotations

import datetime as dt

import pytest

from clerk import checklist, planner
from clerk.cases import CaseStatus
from clerk.catalog.loader import load_active_catalog
from clerk.catalog.model import Catalog

TODAY = dt.date(2026, 11, 23)
ID = "310106199003074513"
ITEM = "RSJ-008"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_active_catalog()


def complete(catalog: Catalog, **applicant: object) -> dict[str, object]:
    item = catalog.item(ITEM)
    assert item is not None
    names = [m.name for m in checklist.merged_materials([item], {})]
    person = {"kind": "person", "name": "张晓明", "id_type": "resident_id", "id_number": ID}
    return {
        "applicant": person | applicant,
        "items": [ITEM],
        "materials": {n: {"state": "received"} for n in names},  # English names work too
    }


def plan(catalog: Catalog, state: dict[str, object]) -> planner.Plan:
    item = catalog.item(ITEM)
    assert item is not None
    return planner.plan_visit(planner.visit_of([item], state), TODAY)


def test_a_complete_file_has_no_problem_and_can_be_accepted(catalog: Catalog) -> None:
    p = plan(catalog, complete(catalog))
    assert p.problems == () and p.can_accept
    [planned] = planner.plan_choices(p, {ITEM: planner.Choice(ITEM, "accept")})
    assert planned.status in (CaseStatus.ACCEPTED, CaseStatus.COMPLETED_ON_SPOT)


def test_problems_come_in_the_halls_order_and_only_some_stop_a_notice(catalog: Catalog) -> None:
    state = complete(catalog, id_number="", phone="123")
    state["delivery"] = {"method": "mail", "address": ""}
    state["answers"] = {"agent": True}
    p = plan(catalog, state)
    assert [x.code for x in p.problems] == [
        "cases.id_required",
        "cases.bad_phone",
        "cases.agent_name_required",
        "cases.mail_address_required",
    ]
    assert [x.code for x in p.stopping(accepting=False)] == ["cases.bad_phone"]
    assert not p.can_accept


def test_nobody_named_is_the_only_problem(catalog: Catalog) -> None:
    state = complete(catalog, name=" ")
    assert [x.code for x in plan(catalog, state).problems] == ["cases.applicant_required"]


def test_a_past_rongque_date_is_read_from_the_draft_text(catalog: Catalog) -> None:
    state = complete(catalog)
    materials = state["materials"]
    assert isinstance(materials, dict)
    first = next(iter(materials))
    materials[first] = {"state": "rongque", "due": "2026-11-20"}
    p = plan(catalog, state)
    assert p.visit.marks[first] == checklist.Mark(checklist.State.DEFERRED, dt.date(2026, 11, 20))
    [problem] = p.problems
    assert problem.code == "cases.rongque_due_past" and dict(problem.params)["material"] == first


def test_choices_the_verdict_does_not_allow(catalog: Catalog) -> None:
    p = plan(catalog, complete(catalog))
    with pytest.raises(planner.DecisionError) as notice:
        planner.plan_choices(p, {ITEM: planner.Choice(ITEM, "notice")})
    assert (notice.value.status, notice.value.code) == (409, "cases.nothing_missing")
    with pytest.raises(planner.DecisionError) as refuse:
        planner.plan_choices(p, {ITEM: planner.Choice(ITEM, "refuse", reason="不符合")})
    assert refuse.value.code == "cases.refusal_reason_required"  # words need a legal basis
    [ok] = planner.plan_choices(
        p, {ITEM: planner.Choice(ITEM, "refuse", reason="不符合", legal_basis="《某条例》")}
    )
    assert ok.refusal == {"reason_id": None, "text": "不符合", "legal_basis": "《某条例》"}
    empty = plan(catalog, {**complete(catalog), "materials": {}})
    with pytest.raises(planner.DecisionError) as accept:
        planner.plan_choices(empty, {ITEM: planner.Choice(ITEM, "accept")})
    assert accept.value.code == "cases.cannot_accept" and accept.value.extra["missing"]
