"""The labelled case book (tests/catalog/cases/casebook.json): real-world applicants, written as
data, decided by the one planner on the demo catalog. Each case names the problem of issue 14 it
covers (0: a theme's ordinary complete / empty file)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from clerk.catalog.loader import load_catalog
from clerk.checklist import Decision, State
from clerk.decide import Plan, Request, make_plan

BOOK = json.loads((Path(__file__).parent / "cases" / "casebook.json").read_text("utf-8"))
CASES = BOOK["cases"]


def _plan(case: dict[str, Any]) -> Plan:
    received = case.get("received", "all")
    return make_plan(
        load_catalog(),
        Request(
            codes=tuple(case["codes"]),
            answers=case.get("answers", {}),
            applicant=case.get("applicant"),
            received=received if isinstance(received, str) else tuple(received),
            elicenses=tuple(case.get("elicenses", ())),
        ),
    )


def test_the_book_is_large_and_covers_every_theme_and_problem() -> None:
    assert len(CASES) >= 60
    assert len({c["id"] for c in CASES}) == len(CASES)
    themes = {t.code for t in load_catalog().themes}
    covered = {code for c in CASES for code in c["codes"]}
    # every theme but the ones this rules do not reach by a theme of their own
    assert themes - covered == set(), themes - covered
    assert {1, 2, 3, 4, 6, 9} <= {c["problem"] for c in CASES}


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(case: dict[str, Any]) -> None:
    plan = _plan(case)
    expect = case["expect"]
    v = plan.verdict
    if "decision" in expect:
        assert v.decision.value == expect["decision"], [r.text() for r in v.reasons]
    per_item = {e.code: e.decision for e in plan.per_item}
    for code, want in expect.get("items", {}).items():
        assert per_item[code].value == want, (code, [r.text() for r in v.reasons])
    for code in expect.get("items_include", ()):
        assert code in per_item
    every = expect.get("every_item")
    if every == "accept":
        bad = {c: d.value for c, d in per_item.items() if d is not Decision.ACCEPT}
        assert not bad, (bad, [r.text() for r in v.reasons])
    elif every == "notify_or_accept":
        assert all(d in (Decision.NOTIFY, Decision.ACCEPT) for d in per_item.values())
    missing = [m.name for m in v.missing]
    if "missing" in expect:
        assert missing == expect["missing"]
    for name in expect.get("missing_includes", ()):
        assert name in missing
    for name in expect.get("missing_excludes", ()):
        assert name not in missing
    if expect.get("missing_only_from_applicant"):
        assert all(m.produced_by is None and not m.source.obtained_by_hall for m in v.missing)
        assert missing, "an empty file must miss something"
    statuses = {s.material.name: s for s in v.statuses}
    for name, state in expect.get("states", {}).items():
        assert statuses[name].state is State(state), (name, statuses[name].state)
    for name, (originals, copies) in expect.get("roles", {}).items():
        m = statuses[name].material
        assert (m.originals, m.copies) == (originals, copies), [(c, p.form) for c, p in m.parts]
    from clerk.checklist import requirement

    for name, text in expect.get("requirement_includes", {}).items():
        assert text in requirement(statuses[name].material)
    for name in expect.get("materials_include", ()):
        assert name in statuses
    for name in expect.get("materials_exclude", ()):
        assert name not in statuses
    if "unanswered" in expect:
        assert list(v.unanswered) == expect["unanswered"]
