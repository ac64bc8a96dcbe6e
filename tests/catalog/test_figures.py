"""The seed-style figures of a theme (clerk/figures.py): hand-built themes for the rules, and
我要开饭店 of the demo catalog checked by hand against its data files."""

from __future__ import annotations

from dataclasses import replace

from clerk.catalog.loader import load_catalog
from clerk.catalog.model import Field, Item, TimeLimit, TimeUnit
from clerk.checklist import merged_materials
from clerk.figures import branches, combinations, figures, schedule, spread, typical

from .factory import bool_q, choice_q, cond, item, mat, num_q, theme


def _item(code: str, days: int, *materials: object, dept: str = "D1", **kw: object) -> Item:
    base = item(code, list(materials), **kw)  # type: ignore[arg-type]
    return replace(base, promised_limit=TimeLimit(days, TimeUnit.WORKDAY), department=dept)


# ---------------------------------------------------------------- the schedule


def test_a_member_needing_another_members_result_waits_for_it() -> None:
    licence = replace(_item("A-001", 1, mat("申请书")), produces=("营业执照",))
    food = _item("B-001", 7, mat("营业执照"))
    sign = _item("C-001", 5, mat("营业执照"))
    subject = [licence, food, sign]
    plan = schedule(subject, merged_materials(subject, {}))
    # both wait for the licence (day 1): food is done on day 8, the sign on day 6
    assert dict(plan.finish) == {"A-001": 1, "B-001": 8, "C-001": 6}
    assert plan.days == 8 and plan.path == ("A-001", "B-001")


def test_a_deferrable_input_runs_alongside_and_is_done_no_earlier() -> None:
    licence = replace(_item("A-001", 1, mat("申请书")), produces=("营业执照",))
    food = replace(_item("B-001", 7, mat("营业执照")), produces=("食品经营许可证",))
    # 酒类零售: the food licence may be supplied later (容缺), so it starts at once (after the
    # business licence it cannot do without) and is done when the food licence is
    alcohol = _item("C-001", 2, mat("营业执照", mid="M01"), mat("食品经营许可证", rongque=True))
    subject = [licence, food, alcohol]
    plan = schedule(subject, merged_materials(subject, {}))
    assert dict(plan.finish)["C-001"] == 8  # not 1 + 7 + 2 = 10: it ran alongside
    assert plan.days == 8
    slow = replace(alcohol, promised_limit=TimeLimit(9, TimeUnit.WORKDAY))
    subject = [licence, food, slow]
    plan = schedule(subject, merged_materials(subject, {}))
    assert dict(plan.finish)["C-001"] == 10 and plan.path == ("A-001", "C-001")


def test_members_without_a_link_run_in_parallel() -> None:
    subject = [_item("A-001", 3, mat("甲")), _item("B-001", 5, mat("乙"))]
    plan = schedule(subject, merged_materials(subject, {}))
    assert plan.days == 5 and plan.path == ("B-001",)


# ---------------------------------------------------------------- one applicant


def test_figures_count_the_members_before_and_the_theme_after() -> None:
    licence = replace(
        _item(
            "A-001",
            1,
            mat("申请书"),
            mat("身份证明"),
            fields=[Field("name", "名称"), Field("phone", "电话")],
        ),
        produces=("营业执照",),
    )
    food = _item(
        "B-001",
        7,
        mat("营业执照"),
        mat("身份证明"),
        mat("平面布局图", when=cond(big=[True])),
        dept="D2",
        fields=[Field("name", "名称"), Field("area", "面积")],
        situations=[bool_q("big", default=False)],
    )
    t = theme("YJS-900", [(licence, None), (food, None)])
    f = figures(t, {})
    # before: 2 + 2 materials; merged: 申请书, 身份证明, 营业执照; to bring: less 营业执照
    assert (f.materials_before, f.materials_merged, f.materials_to_bring) == (4, 3, 2)
    assert (f.fields_before, f.fields_after) == (4, 3)
    assert (f.days_before, f.days_after) == (8, 8)  # food waits for the licence
    assert (f.trips_before, f.windows_before, f.trips_after) == (2, 2, 1)
    big = figures(t, {"big": True})
    assert (big.materials_before, big.materials_merged) == (5, 4)


# ---------------------------------------------------------------- every combination


def test_branches_weigh_options_conditions_treat_alike_and_split_numbers_at_bounds() -> None:
    kind = choice_q("kind", ["a", "b", "c", "d"], default="a")
    clauses = [cond(kind=["a", "b"]).clauses[0][1]]
    assert branches(kind, clauses) == [("a", 2), ("c", 2)]
    area = num_q("area", default=100)
    assert branches(area, [cond(area={"min": 150}).clauses[0][1]]) == [(149, 1), (150, 1)]
    assert branches(area, []) == [(100, 1)]  # nothing looks at it: its default stands


def test_spread_weighs_every_answer_the_applicant_can_give_once() -> None:
    base = _item("A-001", 1, mat("申请书"))
    extra = _item("B-001", 4, mat("乙"), mat("丙"), dept="D2")
    t = theme(
        "YJS-901",
        [(base, None), (extra, cond(kind=["x", "y"]))],
        questions=[choice_q("kind", ["x", "y", "z"], default="z"), bool_q("unused")],
    )
    # kind: x and y choose B-001 (weight 2), z does not (1); `unused` doubles everything
    assert sorted(w for _, w in combinations(t)) == [1, 1, 2, 2]
    s = spread(t)
    assert (s.combinations, s.refused) == (6, 0)
    # 4 of 6 combinations have 3 materials (A + B), 2 have 1: median 3
    assert s.get("materials_before").to_json() == {"min": 1, "median": 3, "max": 3}
    assert s.get("days_after").to_json() == {"min": 1, "median": 4, "max": 4}


def test_spread_leaves_refused_combinations_out() -> None:
    from clerk.catalog.model import RefuseRule

    shop = _item(
        "A-001",
        2,
        mat("申请书"),
        situations=[bool_q("online")],
        refuse_when=[RefuseRule(cond(online=[True]), "R1")],
    )
    t = theme("YJS-902", [(shop, None)], questions=[bool_q("online")])
    s = spread(t)
    assert (s.combinations, s.refused) == (2, 1)
    assert s.get("materials_before").to_json() == {"min": 1, "median": 1, "max": 1}


def test_a_question_the_answers_hide_is_not_a_combination() -> None:
    base = _item("A-001", 1, mat("甲", when=cond(shop=[True], big=[True])))
    t = theme(
        "YJS-903",
        [(base, None)],
        questions=[bool_q("shop"), bool_q("big", when=cond(shop=[True]))],
    )
    # shop false hides `big`: 1 + 2 combinations, not 4
    assert sorted(tuple(sorted(a.items())) for a, _ in combinations(t)) == [
        (("big", False), ("shop", True)),
        (("big", True), ("shop", True)),
        (("shop", False),),
    ]


# ---------------------------------------------------------------- the demo catalog, by hand


def test_restaurant_figures_checked_by_hand_against_the_data_files() -> None:
    """我要开饭店 (YJS-002), the theme's defaults: a company without a licence, 热食类, 150 ㎡,
    a lease, no agent, sells alcohol, no tobacco, an outdoor sign. Counted from
    data/items/*.json by hand:

    members   SCJG-001 公司设立 (1 wd), SCJG-010 食品经营许可 (7), XF-001 消防检查 (1),
              SWU-001 排水许可 (5), LHSR-001 招牌 (5), SWW-001 酒类零售 (5)  → sum 24 wd
    materials SCJG-001 M01–M05, M08 = 6 (股东会决议: llc_multi; 场所证明: lease)
              SCJG-010 M01–M03, M05–M08 = 7 (M08 培训证明: catering_hot and area ≥ 150)
              XF-001 M01–M06 = 6 (M03 承诺书: fire_gaozhi default true)
              SWU-001 M01, M02, M04–M07 = 6; LHSR-001 M01–M03, M05, M06, M08 = 6
              SWW-001 M01–M03, M05, M06 = 5                                → 36
    merged    6 + 6 (SCJG-010 less 法定代表人身份证明) + 4 (XF less 营业执照, 平面布局图)
              + 5 (SWU less 营业执照) + 4 (LHSR less 营业执照, 场所证明) + 2 (SWW: 申请表,
              食品经营许可证)                                               → 27
    to bring  less 营业执照 (SCJG-001 produces it), 食品经营许可证 (SCJG-010)   → 25
    fields    18 + 14 + 10 + 10 (SWU: 2 agent fields off) + 11 + 10 = 73; ids once: 18 + 7
              (uscc, food_* ×6) + 4 fire_* + 4 drain_* + 5 sign_* + 3 alc_*  → 41
    days      SCJG-010 needs 营业执照 (no 容缺): 1 + 7 = 8; SWW-001 needs 营业执照 (day 1 + 5)
              and 食品经营许可证 with 容缺, so it is done with SCJG-010 on day 8     → 8
    trips     6 applications at 5 departments (SCJG twice) → 1 visit
    """
    t = load_catalog().theme("YJS-002")
    assert t is not None
    f = figures(t, {})
    assert f.items == ("SCJG-001", "SCJG-010", "XF-001", "SWU-001", "LHSR-001", "SWW-001")
    assert (f.materials_before, f.materials_merged, f.materials_to_bring) == (36, 27, 25)
    assert (f.fields_before, f.fields_after) == (73, 41)
    assert (f.days_before, f.days_after, f.path) == (24, 8, ("SCJG-001", "SCJG-010"))
    assert (f.trips_before, f.windows_before, f.trips_after) == (6, 5, 1)
    who = dict(typical(t))
    assert who["申请人类型（企业 / 个体工商户 / 个人）"] == "企业"
    assert who["是否销售卷烟？"] == "否"
    # a sole trader: SCJG-005 (即办件, 0 wd) instead of SCJG-001; the rest the same
    sole = figures(t, {"applicant_kind": "individual_business"})
    assert sole.items[0] == "SCJG-005" and sole.days_after == 7 and not sole.refused


def test_every_demo_theme_has_a_typical_applicant_nobody_refuses() -> None:
    for t in load_catalog().themes:
        f = figures(t, {})
        assert not f.refused, t.code
        assert f.materials_to_bring <= f.materials_merged <= f.materials_before, t.code
        assert f.fields_after <= f.fields_before and f.days_after <= f.days_before, t.code
