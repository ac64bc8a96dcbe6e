"""Properties the checklist must keep for any applicant (issue 14, hypothesis): the result is a
function of the set of items and the answers — not of the order items were added or answers
given, even when items disagree on a question's default; adding a received material never turns
accept into notify; the applicant is never asked for what the hall obtains or another item makes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from clerk.catalog.model import Form, Holder, Item, Source
from clerk.checklist import Applicant, Decision, State, merged_materials, verdict

from .factory import bool_q, choice_q, cond, item, mat

NAMES = [
    "申请人身份证明",
    "配偶身份证明",
    "营业执照",
    "经营场所使用证明",
    "不动产权证书",
    "清税证明",
]


@st.composite
def materials(draw: st.DrawFn):  # type: ignore[no-untyped-def]
    which = draw(st.sampled_from(["none", "agent", "kind"]))
    when = None
    if which == "agent":
        when = cond(agent=[draw(st.booleans())])
    elif which == "kind":
        when = cond(kind=draw(st.lists(st.sampled_from("abc"), min_size=1, unique=True)))
    return mat(
        draw(st.sampled_from(NAMES)),
        form=draw(st.sampled_from(list(Form))),
        count=draw(st.integers(1, 3)),
        required=draw(st.booleans()),
        when=when,
        elicense=draw(st.sampled_from([None, "居民身份证"])),
        rongque=draw(st.booleans()),
        source=draw(st.sampled_from([Source.APPLICANT, Source.GOVERNMENT, Source.SHARED])),
        holder=draw(st.sampled_from([Holder.APPLICANT, Holder.SPOUSE])),
    )


@st.composite
def items(draw: st.DrawFn) -> list[Item]:
    """Items that each carry their own defaults for the shared questions (they may disagree)."""
    out = []
    for i in range(draw(st.integers(1, 4))):
        mats = draw(st.lists(materials(), min_size=1, max_size=5, unique_by=lambda m: m.name))
        situations = [
            bool_q("agent", draw(st.sampled_from([None, False, True]))),
            choice_q("kind", ["a", "b", "c"], draw(st.sampled_from([None, "a", "b"]))),
        ]
        out.append(item(f"I{i}", mats, situations=situations))
    return out


answers_st = st.fixed_dictionaries(
    {}, optional={"agent": st.booleans(), "kind": st.sampled_from("abc")}
)
applicants = st.builds(
    Applicant,
    st.just(None),
    st.sampled_from([frozenset(), frozenset({"居民身份证"})]),
    st.sampled_from([frozenset(), frozenset({(Holder.SPOUSE, "居民身份证")})]),
)


def canon(its: list[Item], answers: dict, states: dict, who: Applicant) -> tuple:  # type: ignore[type-arg]
    v = verdict(its, answers, states, who)
    return (
        v.decision,
        frozenset(m.name for m in v.missing),
        frozenset(v.unanswered),
        frozenset(
            (s.material.name, s.state, s.material.originals, s.material.copies, s.material.form)
            for s in v.statuses
        ),
        frozenset((e.code, e.decision) for e in v.per_item()),
    )


@settings(max_examples=150, deadline=None)
@given(items(), answers_st, applicants, st.randoms(), st.data())
def test_result_is_a_function_of_the_set_of_items_and_the_answers(
    its: list[Item],
    answers: dict,
    who: Applicant,
    rnd,
    data,  # type: ignore[no-untyped-def]
) -> None:
    names = sorted({m.name for i in its for m in i.materials})
    states = {n: State.RECEIVED for n in data.draw(st.lists(st.sampled_from(names), unique=True))}
    shuffled = list(its)
    rnd.shuffle(shuffled)
    reordered = dict(reversed(list(answers.items())))  # answers given in the other order
    assert canon(its, answers, states, who) == canon(shuffled, reordered, states, who)


@settings(max_examples=150, deadline=None)
@given(items(), answers_st, applicants, st.data())
def test_adding_a_received_material_never_turns_accept_into_notify(
    its: list[Item],
    answers: dict,
    who: Applicant,
    data,  # type: ignore[no-untyped-def]
) -> None:
    names = sorted({m.name for i in its for m in i.materials})  # applicable or not
    before = {n: State.RECEIVED for n in data.draw(st.lists(st.sampled_from(names), unique=True))}
    extra = data.draw(st.sampled_from(names))
    after = {**before, extra: State.RECEIVED}
    a, b = verdict(its, answers, before, who), verdict(its, answers, after, who)
    if a.can_accept:
        assert b.can_accept
    assert set(m.name for m in b.missing) <= set(m.name for m in a.missing)
    assert b.decision is not Decision.REFUSE or a.decision is Decision.REFUSE


@settings(max_examples=150, deadline=None)
@given(items(), answers_st, applicants)
def test_never_asks_the_applicant_for_what_the_hall_obtains(
    its: list[Item],
    answers: dict,
    who: Applicant,  # type: ignore[no-untyped-def]
) -> None:
    v = verdict(its, answers, {}, who)
    for material in v.missing:
        assert material.produced_by is None
        assert not material.source.obtained_by_hall
    for status in v.statuses:
        if status.state is State.ELICENSE:
            # only the document's own holders' e-licenses replace it
            assert all(
                any(who.holds(h, e) for e in status.material.elicenses)
                for h in status.material.holders
            )


def test_items_disagreeing_on_a_default_ask_the_question_in_either_order() -> None:
    a = item(
        "A",
        [mat("法定代表人身份证明", when=cond(kind=["a"]))],
        situations=[choice_q("kind", ["a", "b"], "a")],
    )
    b = item(
        "B",
        [mat("申请人身份证明", when=cond(kind=["b"]))],
        situations=[choice_q("kind", ["a", "b"], "b")],
    )
    for order in ([a, b], [b, a]):
        v = verdict(order, {}, {})
        assert v.decision is Decision.UNDECIDED and v.unanswered == ("kind",)
        assert {m.name for m in merged_materials(order, {})} == set()
        assert {m.name for m in merged_materials(order, {"kind": "a"})} == {"法定代表人身份证明"}
