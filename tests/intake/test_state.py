"""The intake form model (screens/intake_state.py): scanner bursts, draft round trip, field
messages, decisions. No terminal needed."""

from __future__ import annotations

import datetime as dt

import pytest

from clerk import checklist
from clerk.catalog.loader import load_active_catalog
from clerk.catalog.model import Catalog
from clerk.identity import IdType
from screens.intake_state import (
    ACCEPT,
    MAIL,
    NOTICE,
    ORGANIZATION,
    PERSON,
    REFUSE,
    IntakeForm,
    Person,
    cycle_state,
    default_choice,
    derive,
    parse_scan,
    plan_decisions,
    refusal_choices,
)

TODAY = dt.date(2026, 11, 23)
ID = "310106199003074513"
USCC = "91310106MA1FL0001M"
FOOD = "SCJG-010"  # 食品经营许可（新办）, 法人 only, asks `agent`


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_active_catalog()


def org_form(**answers: object) -> IntakeForm:
    form = IntakeForm(kind=ORGANIZATION, uscc=USCC, items=[FOOD])
    form.applicant.name = "示范餐饮管理有限公司"
    form.answers.update(answers)  # type: ignore[arg-type]
    return form


def receive_all(catalog: Catalog, form: IntakeForm) -> None:
    for status in derive(catalog, form, TODAY).statuses:
        form.marks[status.material.name] = checklist.Mark(checklist.State.RECEIVED)


# --------------------------------------------------------------------------- scanner bursts


@pytest.mark.parametrize(
    ("text", "kind", "number", "name", "valid"),
    [
        (ID, PERSON, ID, "", ""),
        (f"张晓明|{ID}|2036.03.07", PERSON, ID, "张晓明", "2036.03.07"),
        (f"张晓明｜{ID}｜2016.03.07-2036.03.07", PERSON, ID, "张晓明", "2036.03.07"),
        (f"张晓明|{ID}|长期", PERSON, ID, "张晓明", "长期"),
        (f"张晓明|{ID}|2036-03-07", PERSON, ID, "张晓明", "2036-03-07"),
        (f"示范餐饮管理有限公司|{USCC}", ORGANIZATION, USCC, "示范餐饮管理有限公司", ""),
        (USCC.lower(), ORGANIZATION, USCC, "", ""),
        (" 3101 0619 9003 0745 13 ", PERSON, ID, "", ""),
    ],
)
def test_scan_formats(text: str, kind: str, number: str, name: str, valid: str) -> None:
    scan = parse_scan(text)
    assert scan is not None
    assert (scan.kind, scan.number, scan.name, scan.valid_until) == (kind, number, name, valid)


def test_empty_scan_is_nothing() -> None:
    assert parse_scan("   ") is None
    assert parse_scan("张三|") is None


# --------------------------------------------------------------------------- the draft


def test_draft_state_round_trip(catalog: Catalog) -> None:
    form = IntakeForm(
        kind=PERSON,
        applicant=Person("张晓明", IdType.RESIDENT.value, ID, "2036-03-07", "13812345678"),
        agent=Person("李四", IdType.PASSPORT.value, "E12345678", "", "13900001111"),
        items=["SCJG-005"],
        answers={"agent": True},
        marks={
            "a": checklist.Mark(checklist.State.RECEIVED),
            "b": checklist.Mark(checklist.State.DEFERRED, dt.date(2026, 11, 30)),
        },
        fields={"business_address": "示范路 2 号"},
        elicenses=["居民身份证"],
        delivery_method=MAIL,
        delivery_address="示范路 3 号",
    )
    state = form.to_state(catalog)
    again = IntakeForm.from_state(state)
    assert again == form
    assert state["agent"]["name"] == "李四"
    assert state["applicant"]["elicenses"] == ["居民身份证"]
    # 多表合一: the applicant part fills the shared fields in what the hall receives
    assert state["fields"]["business_address"] == "示范路 2 号"


def test_organization_sends_no_person_id(catalog: Catalog) -> None:
    form = org_form()
    form.applicant.id_number = f"x|{USCC}"  # a burst that landed in the hidden field
    state = form.to_state(catalog)
    assert state["applicant"]["id_number"] == ""
    assert state["applicant"]["uscc"] == USCC
    assert state["fields"]["uscc"] == USCC
    assert state["fields"]["applicant_name"] == "示范餐饮管理有限公司"


def test_theme_then_item_keeps_the_theme_members(catalog: Catalog) -> None:
    form = IntakeForm()
    assert form.add(catalog, "YJS-002")
    assert form.theme == "YJS-002"
    assert form.add(catalog, "GA-001") or catalog.item("GA-001") is None
    if catalog.item("GA-001") is not None:
        assert form.theme is None
        assert FOOD in form.items and form.items[-1] == "GA-001"
    assert not form.add(catalog, "NO-SUCH-CODE")


# --------------------------------------------------------------------------- field messages


def test_wrong_id_number_is_said_at_the_field(catalog: Catalog) -> None:
    form = IntakeForm(items=["SCJG-005"])
    form.applicant = Person("张晓明", IdType.RESIDENT.value, ID[:-1] + "0")
    view = derive(catalog, form, TODAY)
    assert "校验码" in view.messages["applicant.id_number"].text
    assert view.messages["applicant.id_number"].error
    assert not view.can_accept


def test_valid_id_shows_age(catalog: Catalog) -> None:
    form = IntakeForm(items=["SCJG-005"])
    form.applicant = Person("张晓明", IdType.RESIDENT.value, ID)
    message = derive(catalog, form, TODAY).messages["applicant.id_number"]
    assert not message.error and "36" in message.text


def test_expired_id_is_said_at_the_field_and_blocks(catalog: Catalog) -> None:
    form = IntakeForm(items=["SCJG-005"])
    form.applicant = Person("张晓明", IdType.RESIDENT.value, ID, "2020-01-01")
    receive_all(catalog, form)
    view = derive(catalog, form, TODAY)
    assert "2020-01-01" in view.messages["applicant.id_valid_until"].text
    assert view.verdict.can_accept and not view.can_accept
    assert any("过期" in b for b in view.blockers)


def test_person_for_an_organization_item(catalog: Catalog) -> None:
    form = IntakeForm(items=[FOOD])
    form.applicant = Person("张晓明", IdType.RESIDENT.value, ID)
    view = derive(catalog, form, TODAY)
    text = view.messages["applicant.kind"].text
    assert "食品经营许可（新办）" in text and "法人" in text and "自然人" in text
    assert view.decision is checklist.Decision.REFUSE
    assert default_choice(view) == REFUSE


def test_agent_without_authorization(catalog: Catalog) -> None:
    form = org_form(agent=True)
    form.agent = Person("李四", IdType.RESIDENT.value, ID)
    view = derive(catalog, form, TODAY)
    assert "授权委托书" in view.messages["agent"].text
    assert any(m.name.startswith("授权委托书") for m in view.verdict.missing)
    receive_all(catalog, form)
    view = derive(catalog, form, TODAY)
    assert "agent" not in view.messages
    assert view.can_accept


def test_an_agent_for_an_in_person_item_is_stopped_at_the_field(catalog: Catalog) -> None:
    """居民身份证换领 has no power of attorney (photo and fingerprints): the applicant comes."""
    form = IntakeForm(items=["GA-006"])
    form.applicant = Person("张晓明", IdType.RESIDENT.value, ID)
    receive_all(catalog, form)
    assert derive(catalog, form, TODAY).can_accept
    form.set_agent(True)
    form.agent = Person("李四", IdType.RESIDENT.value, ID)
    view = derive(catalog, form, TODAY)
    assert "本人" in view.messages["agent"].text and "居民身份证换领" in view.messages["agent"].text
    assert not view.can_accept
    assert any("本人" in b for b in view.blockers)
    assert checklist.in_person_items(form.subject(catalog), form.answers)[0].code == "GA-006"
    assert checklist.in_person_items([catalog.item(FOOD)], {}) == []  # 食品经营许可 allows one


def test_complete_organization_file_can_be_accepted(catalog: Catalog) -> None:
    form = org_form()
    form.elicenses = ["营业执照"]
    view = derive(catalog, form, TODAY)
    license_row = next(s for s in view.statuses if s.material.name == "营业执照")
    assert license_row.state is checklist.State.ELICENSE  # 免提交 without a tick
    receive_all(catalog, form)
    view = derive(catalog, form, TODAY)
    assert view.can_accept and default_choice(view) == ACCEPT
    assert plan_decisions(view, ACCEPT) == [{"item": FOOD, "decision": ACCEPT, "note": ""}]


# --------------------------------------------------------------------------- decisions


def test_notice_for_items_with_missing_materials_only(catalog: Catalog) -> None:
    form = org_form()
    form.items = [FOOD, "SWW-001"]
    receive_all(catalog, form)
    missing = next(
        s
        for s in derive(catalog, form, TODAY).statuses
        if s.material.items == ("SWW-001",) and s.material.required
    )
    del form.marks[missing.material.name]
    view = derive(catalog, form, TODAY)
    assert view.decision is checklist.Decision.NOTIFY
    plans = {p["item"]: p["decision"] for p in plan_decisions(view, NOTICE)}
    assert plans == {FOOD: ACCEPT, "SWW-001": NOTICE}


def test_refusal_uses_the_triggered_reason(catalog: Catalog) -> None:
    form = org_form(food_category="prepackaged")
    view = derive(catalog, form, TODAY)
    choices = refusal_choices(view)
    assert choices[0].reason_id == "R1"
    plans = plan_decisions(view, REFUSE, choices[0])
    assert plans[0]["refusal_reason"] == "R1"


def test_cycle_skips_states_the_material_does_not_allow(catalog: Catalog) -> None:
    view = derive(catalog, org_form(), TODAY)
    plan = next(s for s in view.statuses if s.material.name == "平面布局图")  # 容缺 allowed
    assert cycle_state(plan) is checklist.State.RECEIVED
    received = checklist.MaterialStatus(plan.material, checklist.State.RECEIVED)
    assert cycle_state(received) is checklist.State.DEFERRED
    form_row = next(s for s in view.statuses if s.material.name == "食品经营许可申请表")
    after = checklist.MaterialStatus(form_row.material, checklist.State.RECEIVED)
    assert cycle_state(after) is checklist.State.MISSING
