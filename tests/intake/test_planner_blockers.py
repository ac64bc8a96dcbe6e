"""The workstation predicts the hall: its blockers are the planner's problems (clerk.planner),
the very ones the hall answers 422 with — a mailed result without an address and a 容缺 date
already past included, which the window used to let through to the hall."""

from __future__ import annotations

import datetime as dt

import pytest

from clerk import checklist, planner
from clerk.catalog.loader import load_active_catalog
from clerk.catalog.model import Catalog
from clerk.identity import IdType
from screens.intake_state import MAIL, IntakeForm, Person, derive

TODAY = dt.date(2026, 11, 23)
ID = "310106199003074513"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_active_catalog()


def complete_form(catalog: Catalog, code: str) -> IntakeForm:
    form = IntakeForm(items=[code])
    form.applicant = Person("张晓明", IdType.RESIDENT.value, ID)
    for status in derive(catalog, form, TODAY).statuses:
        form.marks[status.material.name] = checklist.Mark(checklist.State.RECEIVED)
    assert derive(catalog, form, TODAY).can_accept
    return form


def codes(catalog: Catalog, form: IntakeForm) -> list[str]:
    visit = planner.visit_of(form.subject(catalog), form.to_state())
    return [p.code for p in planner.plan_visit(visit, TODAY).problems]


def test_mail_without_an_address_blocks_at_the_window(catalog: Catalog) -> None:
    form = complete_form(catalog, "RSJ-008")
    form.delivery_method = MAIL
    view = derive(catalog, form, TODAY)
    assert view.verdict.can_accept and not view.can_accept
    assert codes(catalog, form) == ["cases.mail_address_required"]
    assert view.blockers == (planner.Problem("cases.mail_address_required", "").text(),)
    form.delivery_address = "上海市徐汇区漕溪北路 1 号"
    assert derive(catalog, form, TODAY).can_accept


def test_a_rongque_date_already_past_blocks_at_the_window(catalog: Catalog) -> None:
    form = complete_form(catalog, "RSJ-008")
    name = next(iter(form.marks))
    form.marks[name] = checklist.Mark(checklist.State.DEFERRED, TODAY - dt.timedelta(days=1))
    view = derive(catalog, form, TODAY)
    assert "cases.rongque_due_past" in codes(catalog, form)
    assert any(name in b and "已过" in b for b in view.blockers)
    assert not view.can_accept
    form.marks[name] = checklist.Mark(checklist.State.DEFERRED, TODAY + dt.timedelta(days=5))
    assert "cases.rongque_due_past" not in codes(catalog, form)


def test_the_problems_are_those_of_the_draft_the_hall_gets(catalog: Catalog) -> None:
    """The same state, read by the planner as the hall reads it, gives the same problems."""
    form = complete_form(catalog, "RSJ-008")
    form.applicant.id_number = ""
    form.set_agent(True)
    view = derive(catalog, form, TODAY)
    assert codes(catalog, form) == ["cases.id_required", "cases.agent_name_required"]
    assert len(view.blockers) == 2 and not view.can_accept
