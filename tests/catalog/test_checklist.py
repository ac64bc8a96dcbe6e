"""Each checklist rule on small hand-built catalogs."""

from __future__ import annotations

from datetime import date

import pytest

from clerk.catalog.model import ApplicantType, Field, Form, Medium, RefuseRule
from clerk.checklist import (
    AnswerError,
    Applicant,
    Decision,
    Mark,
    State,
    chosen_members,
    merge_counts,
    merged_fields,
    merged_materials,
    parse_answer,
    questions_for,
    requirement,
    resolve_answers,
    theme_counts,
    verdict,
)

from .factory import bool_q, choice_q, cond, item, mat, num_q, theme

ID = "申请人身份证明"
LICENSE = "营业执照"
PROXY = "授权委托书及受托人身份证明"


def test_questions_shared_id_once_in_stable_order() -> None:
    a = item(
        "A", [mat(ID)], situations=[bool_q("agent"), choice_q("mode", ["shop", "online"], "shop")]
    )
    b = item("B", [mat(ID)], situations=[bool_q("first_time", True), bool_q("agent")])
    qs = questions_for([a, b], {})
    assert [q.id for q in qs] == ["agent", "mode", "first_time"]
    assert qs[0].asked_by == ("A", "B")
    assert [q.value for q in qs] == [False, "shop", True]
    assert not any(q.given for q in qs)
    assert [q.id for q in questions_for([b, a], {})] == ["first_time", "agent", "mode"]


def test_dependent_question_shown_only_when_its_condition_holds() -> None:
    a = item(
        "A",
        [mat(ID)],
        situations=[
            choice_q("mode", ["shop", "online"], "shop"),
            num_q("area", 100, when=cond(mode=["shop"])),
        ],
    )
    assert [q.id for q in questions_for([a], {})] == ["mode", "area"]
    assert [q.id for q in questions_for([a], {"mode": "online"})] == ["mode"]
    assert "area" not in resolve_answers([a], {"mode": "online", "area": 500})


def test_choice_options_are_united_across_items() -> None:
    a = item("A", [mat(ID)], situations=[choice_q("change_kind", ["name", "address"])])
    b = item("B", [mat(ID)], situations=[choice_q("change_kind", ["address", "scope"])])
    (q,) = questions_for([a, b], {"change_kind": "scope"})
    assert [o.value for o in q.situation.options] == ["name", "address", "scope"]
    assert q.value == "scope" and q.given


def test_invalid_given_answer_falls_back_to_default() -> None:
    a = item("A", [mat(ID)], situations=[choice_q("mode", ["shop", "online"], "shop")])
    assert resolve_answers([a], {"mode": "market"}) == {"mode": "shop"}
    assert resolve_answers([a], {"mode": True}) == {"mode": "shop"}


def test_materials_switch_on_and_off_with_answers() -> None:
    a = item(
        "A",
        [
            mat(ID),
            mat(PROXY, when=cond(agent=[True])),
            mat("平面布局图", when=cond(area={"min": 150})),
        ],
        situations=[bool_q("agent"), num_q("area", 100)],
    )
    assert [m.name for m in merged_materials([a], {})] == [ID]
    names = [m.name for m in merged_materials([a], {"agent": True, "area": 150})]
    assert names == [ID, PROXY, "平面布局图"]


def test_merge_rules() -> None:
    a = item(
        "A",
        [
            mat(
                ID,
                form=Form.COPY,
                count=2,
                medium=Medium.EITHER,
                required=False,
                rongque=True,
                gaozhi=True,
                standard="复印件加盖公章",
            ),
            mat(LICENSE, elicense="营业执照", rongque=True, medium=Medium.PAPER),
        ],
    )
    b = item(
        "B",
        [
            mat(
                ID,
                form=Form.ORIGINAL,
                count=1,
                medium=Medium.ELECTRONIC,
                required=True,
                rongque=False,
                gaozhi=True,
                standard="原件核验后退还",
                elicense="居民身份证",
            ),
            mat(LICENSE, form=Form.ORIGINAL_AND_COPY, medium=Medium.ELECTRONIC, rongque=True),
        ],
    )
    merged = {m.name: m for m in merged_materials([a, b], {})}
    m = merged[ID]
    assert m.items == ("A", "B")
    # A keeps 2 copies, B is shown the original: both roles survive the merge (issue 14.4)
    assert m.form is Form.ORIGINAL_AND_COPY and (m.originals, m.copies) == (1, 2)
    assert m.medium is Medium.ELECTRONIC
    assert m.required and not m.rongque and m.gaozhi
    assert m.elicense == "居民身份证"
    assert m.standards == ("复印件加盖公章", "原件核验后退还")
    lic = merged[LICENSE]
    assert lic.form is Form.ORIGINAL_AND_COPY and lic.rongque and lic.elicense == "营业执照"
    assert lic.medium is Medium.PAPER  # paper only vs electronic only: paper
    # A keeps a copy, B sees the original and keeps a copy: 1 original shown, 2 copies kept
    assert requirement(lic) == "原件 1 份（核验后退还）+ 复印件 2 份（留存），纸质"
    assert requirement(m, lang="en") == (
        "original × 1 (verified and returned) + copy × 2 (kept), electronic; "
        "复印件加盖公章；原件核验后退还"
    )


def test_fields_merge_by_id() -> None:
    a = item("A", [mat(ID)], fields=[Field("applicant_name", "申请人名称"), Field("phone", "电话")])
    b = item(
        "B",
        [mat(ID)],
        situations=[bool_q("agent")],
        fields=[Field("phone", "联系电话"), Field("agent_name", "代理人", cond(agent=[True]))],
    )
    fields = merged_fields([a, b], {})
    assert [(f.id, f.label, f.items) for f in fields] == [
        ("applicant_name", "申请人名称", ("A",)),
        ("phone", "电话", ("A", "B")),
    ]
    assert [f.id for f in merged_fields([a, b], {"agent": True})][-1] == "agent_name"
    assert merge_counts([a, b], {"agent": True}).fields_before == 4
    assert merge_counts([a, b], {"agent": True}).fields_after == 3


def test_theme_members_chosen_by_answers_and_questions_shared() -> None:
    shop = item("SHOP", [mat(ID), mat(LICENSE)], situations=[bool_q("agent")])
    food = item("FOOD", [mat(ID), mat("食品安全管理制度文本")], situations=[bool_q("agent")])
    sign = item("SIGN", [mat(ID), mat("招牌设计图")], situations=[num_q("sign_area", 2)])
    wine = item("WINE", [mat(LICENSE)])
    t = theme(
        "YJS-1",
        [
            (shop, None),
            (food, cond(kind=["food"])),
            (sign, cond(outdoor_sign=[True])),
            (wine, cond(sells_alcohol=[True])),
        ],
        questions=[
            choice_q("kind", ["food", "goods"], "goods"),
            bool_q("outdoor_sign"),
            bool_q("sells_alcohol"),
        ],
    )
    assert [m.code for m in chosen_members(t, {})] == ["SHOP"]
    answers = {"kind": "food", "outdoor_sign": True}
    assert [m.code for m in chosen_members(t, answers)] == ["SHOP", "FOOD", "SIGN"]
    assert [q.id for q in questions_for(t, answers)] == [
        "kind",
        "outdoor_sign",
        "sells_alcohol",
        "agent",
        "sign_area",
    ]
    names = [m.name for m in merged_materials(t, answers)]
    assert names == [ID, LICENSE, "食品安全管理制度文本", "招牌设计图"]
    counts = merge_counts(t, answers)
    assert (counts.materials_before, counts.materials_after) == (6, 4)
    tc = theme_counts(t)
    assert (tc.all_members.materials_before, tc.all_members.materials_after) == (7, 4)
    assert (tc.default.materials_before, tc.default.materials_after) == (2, 2)


def test_member_chosen_by_a_member_question() -> None:
    base = item("BASE", [mat(ID)], situations=[bool_q("sells_tobacco")])
    tob = item("TOB", [mat("烟草专卖零售许可申请表")])
    t = theme("YJS-2", [(base, None), (tob, cond(sells_tobacco=[True]))])
    assert [m.code for m in chosen_members(t, {"sells_tobacco": True})] == ["BASE", "TOB"]


def test_verdict_complete_accepts() -> None:
    a = item("A", [mat(ID), mat(LICENSE), mat("备注材料", required=False)])
    v = verdict([a], {}, {ID: State.RECEIVED, LICENSE: Mark(State.RECEIVED)})
    assert v.decision is Decision.ACCEPT and v.can_accept and not v.missing
    assert v.reasons[0].key == "complete"


def test_verdict_lists_every_missing_required_material() -> None:
    a = item(
        "A",
        [
            mat(ID, form=Form.ORIGINAL_AND_COPY, count=2, standard="核验原件"),
            mat(LICENSE),
            mat("平面布局图"),
        ],
    )
    v = verdict([a], {}, {LICENSE: State.RECEIVED})
    assert v.decision is Decision.NOTIFY and not v.can_accept
    assert [m.name for m in v.missing] == [ID, "平面布局图"]
    texts = [r.text() for r in v.reasons]
    assert "缺：申请人身份证明（原件和复印件 2 份，纸质；核验原件）" in texts


def test_verdict_accepts_with_rongque_when_only_deferred_missing() -> None:
    a = item("A", [mat(ID), mat("平面布局图", rongque=True)])
    due = date(2026, 12, 1)
    v = verdict([a], {}, {ID: State.RECEIVED, "平面布局图": Mark(State.DEFERRED, due)})
    assert v.decision is Decision.ACCEPT_DEFERRED and v.can_accept
    assert [(d.material.name, d.due) for d in v.deferred] == [("平面布局图", due)]
    assert any("2026-12-01" in r.text() for r in v.reasons)


def test_invalid_marks_count_as_missing_and_say_why() -> None:
    a = item("A", [mat(ID), mat("平面布局图", rongque=True), mat("承诺书", gaozhi=False)])
    v = verdict(
        [a],
        {},
        {
            ID: Mark(State.DEFERRED, date(2026, 12, 1)),
            "平面布局图": Mark(State.DEFERRED),
            "承诺书": State.COMMITTED,
        },
    )
    assert v.decision is Decision.NOTIFY
    assert [m.name for m in v.missing] == [ID, "平面布局图", "承诺书"]
    keys = [r.key for r in v.reasons]
    assert {"rongque_not_allowed", "rongque_needs_due", "gaozhi_not_allowed"} <= set(keys)


def test_gaozhi_commitment_counts_as_present() -> None:
    a = item("A", [mat(ID), mat("场所证明", gaozhi=True)])
    v = verdict([a], {}, {ID: State.RECEIVED, "场所证明": State.COMMITTED})
    assert v.decision is Decision.ACCEPT and [m.name for m in v.committed] == ["场所证明"]


def test_elicense_held_by_applicant_needs_no_paper() -> None:
    a = item("A", [mat(ID, elicense="居民身份证"), mat(LICENSE, elicense="营业执照")])
    applicant = Applicant(ApplicantType.ORGANIZATION, frozenset({"营业执照"}))
    v = verdict([a], {}, {ID: State.RECEIVED}, applicant)
    assert v.decision is Decision.ACCEPT
    assert [s.state for s in v.statuses] == [State.RECEIVED, State.ELICENSE]
    v = verdict([a], {}, {ID: State.RECEIVED, LICENSE: State.MISSING}, applicant)
    assert v.decision is Decision.NOTIFY  # the clerk's explicit 缺 wins


def test_refuse_when_and_applicant_type_refuse_with_legal_basis() -> None:
    a = item(
        "A",
        [mat(ID)],
        situations=[choice_q("mode", ["shop", "online"], "shop")],
        refuse_when=[RefuseRule(cond(mode=["online"]), "R1")],
    )
    v = verdict([a], {"mode": "online"}, {ID: State.RECEIVED})
    assert v.decision is Decision.REFUSE and not v.can_accept
    assert [(r.item, r.reason_id, r.legal_basis) for r in v.refusals] == [
        ("A", "R1", "《行政许可法》第三十二条")
    ]
    b = item("B", [mat(ID)], applicant_types=(ApplicantType.ORGANIZATION,))
    v = verdict([b], {}, {ID: State.RECEIVED}, Applicant(ApplicantType.PERSON))
    assert v.decision is Decision.REFUSE
    assert "不受理 自然人 申请" in v.refusals[0].text
    assert v.refusals[0].legal_basis == "《某某条例》第一条"


def test_unanswered_question_without_default_keeps_the_verdict_undecided() -> None:
    a = item("A", [mat(ID)], situations=[choice_q("married", ["single", "married"])])
    v = verdict([a], {}, {ID: State.RECEIVED})
    assert v.decision is Decision.UNDECIDED and v.unanswered == ("married",)
    assert verdict([a], {"married": "single"}, {ID: State.RECEIVED}).decision is Decision.ACCEPT
    assert verdict([], {}, {}).decision is Decision.UNDECIDED


def test_parse_answer() -> None:
    assert parse_answer(bool_q("agent"), "是") is True
    assert parse_answer(bool_q("agent"), "false") is False
    assert parse_answer(num_q("area"), "150") == 150
    assert parse_answer(num_q("area"), "12.5") == 12.5
    assert parse_answer(choice_q("mode", ["shop"]), "SHOP") == "shop"  # by label
    with pytest.raises(AnswerError, match="mode"):
        parse_answer(choice_q("mode", ["shop"]), "market")
    with pytest.raises(AnswerError):
        parse_answer(bool_q("agent"), "maybe")


# ---------------------------------------------------------------- results passed on internally


def _producer(code: str, *inputs: str) -> object:
    from dataclasses import replace

    return replace(item(code, [mat(n) for n in inputs]), produces=(LICENSE,))


def test_material_produced_by_another_chosen_item_is_not_asked_of_the_applicant() -> None:
    register = _producer("REG", ID)
    food = item("FOOD", [mat(LICENSE), mat("平面布局图")])
    materials = {m.name: m for m in merged_materials([register, food], {})}  # type: ignore[list-item]
    assert materials[LICENSE].produced_by == "REG"
    v = verdict([register, food], {}, {ID: State.RECEIVED, "平面布局图": State.RECEIVED})  # type: ignore[list-item]
    assert v.decision is Decision.ACCEPT
    assert {s.material.name: s.state for s in v.statuses}[LICENSE] is State.IN_FLOW
    counts = merge_counts([register, food], {})  # type: ignore[list-item]
    assert (counts.materials_before, counts.materials_after) == (3, 2)


def test_item_never_supplies_its_own_input() -> None:
    # a transfer needs the seller's certificate and issues the buyer's: the applicant brings it
    transfer = _producer("XFER", LICENSE)
    utility = item("UTIL", [mat(LICENSE)])
    materials = {m.name: m for m in merged_materials([transfer, utility], {})}  # type: ignore[list-item]
    assert materials[LICENSE].produced_by is None
    v = verdict([transfer, utility], {}, {})  # type: ignore[list-item]
    assert [m.name for m in v.missing] == [LICENSE]


def test_without_the_producer_the_material_is_asked_for() -> None:
    food = item("FOOD", [mat(LICENSE)])
    v = verdict([food], {}, {})
    assert [m.name for m in v.missing] == [LICENSE]
    # and the clerk cannot wave it through as passed on internally
    v = verdict([food], {}, {LICENSE: State.IN_FLOW})
    assert v.decision is Decision.NOTIFY
    assert any(r.key == "not_in_flow" for r in v.reasons)


def test_demo_restaurant_theme_does_not_ask_for_the_licence_it_issues() -> None:
    from clerk.catalog.loader import load_catalog

    restaurant = load_catalog().theme("YJS-002")
    assert restaurant is not None
    materials = {m.name: m for m in merged_materials(restaurant, {"has_license": False})}
    assert materials[LICENSE].produced_by is not None
    with_license = {m.name: m for m in merged_materials(restaurant, {"has_license": True})}
    assert with_license[LICENSE].produced_by is None
