"""Properties of the checklist engine (hypothesis): merging is order-independent, never drops a
required material, never lists one twice; the verdict accepts iff nothing required is missing."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from clerk.catalog.model import Form, Item, Medium
from clerk.checklist import (
    Decision,
    Mark,
    MergedMaterial,
    State,
    merge_counts,
    merged_fields,
    merged_materials,
    roles,
    verdict,
)

from .factory import bool_q, choice_q, cond, item, mat

NAMES = ["申请人身份证明", "营业执照", "经营场所使用证明", "平面布局图", "公司章程", "户口簿"]
SITUATIONS = [bool_q("agent"), bool_q("foreign"), choice_q("kind", ["a", "b", "c"], "a")]


@st.composite
def conditions(draw: st.DrawFn):  # type: ignore[no-untyped-def]
    which = draw(st.sampled_from(["none", "agent", "foreign", "kind"]))
    if which == "none":
        return None
    if which == "kind":
        return cond(kind=draw(st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, unique=True)))
    return cond(**{which: [draw(st.booleans())]})


@st.composite
def materials(draw: st.DrawFn):  # type: ignore[no-untyped-def]
    return mat(
        draw(st.sampled_from(NAMES)),
        form=draw(st.sampled_from(list(Form))),
        count=draw(st.integers(1, 3)),
        medium=draw(st.sampled_from(list(Medium))),
        required=draw(st.booleans()),
        when=draw(conditions()),
        elicense=draw(st.sampled_from([None, "居民身份证", "营业执照"])),
        rongque=draw(st.booleans()),
        gaozhi=draw(st.booleans()),
        standard=draw(st.sampled_from(["", "复印件加盖公章", "原件核验后退还"])),
    )


@st.composite
def items(draw: st.DrawFn) -> list[Item]:
    n = draw(st.integers(1, 4))
    out = []
    for i in range(n):
        mats = draw(st.lists(materials(), min_size=1, max_size=5, unique_by=lambda m: m.name))
        out.append(item(f"I{i}", mats, situations=SITUATIONS))
    return out


answers_st = st.fixed_dictionaries(
    {}, optional={"agent": st.booleans(), "foreign": st.booleans(), "kind": st.sampled_from("abc")}
)


def canon(m: MergedMaterial) -> tuple:
    return (
        m.name,
        frozenset(m.items),
        m.form,
        m.count,
        m.medium,
        m.required,
        m.rongque,
        m.gaozhi,
        m.elicenses,
        frozenset(m.standards),
        m.source,
        m.originals,
        m.copies,
        m.holders,
    )


@settings(max_examples=200, deadline=None)
@given(items(), answers_st, st.randoms())
def test_merging_is_order_independent(its: list[Item], answers: dict, rnd) -> None:  # type: ignore[no-untyped-def]
    shuffled = list(its)
    rnd.shuffle(shuffled)
    a = {m.name: canon(m) for m in merged_materials(its, answers)}
    b = {m.name: canon(m) for m in merged_materials(shuffled, answers)}
    assert a == b
    fa = {f.id: frozenset(f.items) for f in merged_fields(its, answers)}
    fb = {f.id: frozenset(f.items) for f in merged_fields(shuffled, answers)}
    assert fa == fb
    assert merge_counts(its, answers) == merge_counts(shuffled, answers)


@settings(max_examples=200, deadline=None)
@given(items(), answers_st)
def test_never_drops_a_required_material_and_never_lists_one_twice(
    its: list[Item], answers: dict
) -> None:  # type: ignore[no-untyped-def]
    merged = merged_materials(its, answers)
    names = [m.name for m in merged]
    assert len(names) == len(set(names))
    by_name = {m.name: m for m in merged}
    values = {"agent": False, "foreign": False, "kind": "a", **answers}
    for it in its:
        for m in it.materials:
            if m.when is None or m.when.holds(values):
                got = by_name[m.name]
                assert it.code in got.items
                assert got.form.rank >= m.form.rank
                # merging never drops a role (original shown, copies kept) a member needs
                originals, copies = roles(m)
                assert got.originals >= originals and got.copies >= copies
                if m.required:
                    assert got.required
                if not m.rongque:
                    assert not got.rongque
    counts = merge_counts(its, answers)
    assert counts.materials_after == len(merged) <= counts.materials_before


STATES = st.one_of(
    st.none(),
    st.sampled_from([State.RECEIVED, State.MISSING, State.COMMITTED, State.ELICENSE]),
    st.builds(Mark, st.just(State.DEFERRED), st.sampled_from([None, date(2026, 12, 31)])),
)


@settings(max_examples=300, deadline=None)
@given(items(), answers_st, st.data())
def test_verdict_accepts_iff_nothing_required_is_missing(
    its: list[Item], answers: dict, data
) -> None:  # type: ignore[no-untyped-def]
    merged = merged_materials(its, answers)
    states = {}
    for m in merged:
        s = data.draw(STATES)
        if s is not None:
            states[m.name] = s
    v = verdict(its, answers, states)
    outstanding = [s for s in v.statuses if s.material.required and s.state is State.MISSING]
    assert v.can_accept == (not outstanding)
    assert [m.name for m in v.missing] == [s.material.name for s in outstanding]
    if v.decision is Decision.ACCEPT:
        assert not v.deferred
    if v.decision is Decision.ACCEPT_DEFERRED:
        assert v.deferred and all(d.material.rongque and d.due for d in v.deferred)
    for s in v.statuses:  # a mark is only honoured where the material allows it
        if s.state is State.DEFERRED:
            assert s.material.rongque
        if s.state is State.COMMITTED:
            assert s.material.gaozhi
        if s.state is State.ELICENSE:
            assert s.material.elicenses
