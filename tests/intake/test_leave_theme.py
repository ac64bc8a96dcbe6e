"""Leaving a theme by adding an item keeps what the clerk saw (issue 14, point 6): the theme's
defaults become the answers, so 我要开超市 + an item is not silently 热食制售, 100 ㎡, and the list
is a function of the set of items and the answers."""

from __future__ import annotations

import random

import pytest

from clerk import checklist
from clerk.catalog.loader import load_active_catalog
from clerk.catalog.model import Catalog
from screens.intake_state import IntakeForm

SUPERMARKET = "YJS-001"  # 我要开超市: the theme says 散装食品, 300 ㎡, a mall
EXTRA = "SCJG-017"  # 第二类医疗器械经营备案, not a member


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_active_catalog()


def lines(catalog: Catalog, form: IntakeForm) -> dict[str, tuple[str, ...]]:
    """The merged checklist: each material with the items it serves."""
    subject = form.subject(catalog)
    return {m.name: m.items for m in checklist.merged_materials(subject, form.answers)}


def test_adding_an_item_to_a_theme_keeps_the_theme_defaults(catalog: Catalog) -> None:
    form = IntakeForm()
    assert form.add(catalog, SUPERMARKET)
    theme = catalog.theme(SUPERMARKET)
    assert theme is not None
    before = checklist.resolve_answers(theme, {})
    assert (before["food_category"], before["area"]) == ("bulk", 300)
    members = [i.code for i in checklist.chosen_items(theme, {})]
    shown = lines(catalog, form)

    assert form.add(catalog, EXTRA)
    assert form.theme is None and form.items == [*members, EXTRA]
    after = checklist.resolve_answers(form.subject(catalog), form.answers)
    assert (after["food_category"], after["area"], after["fire_place_kind"]) == (
        "bulk",
        300,
        "mall",
    )
    # every question the members ask keeps the value it had on screen
    asked = {q.id for q in checklist.questions_for(theme, {})}
    assert {k: after[k] for k in asked if k in after} == {k: before[k] for k in asked if k in after}
    # and the members' part of the checklist is what it was
    now = lines(catalog, form)
    assert {n: tuple(c for c in now[n] if c != EXTRA) for n in shown} == shown


def test_the_list_after_leaving_depends_on_the_items_and_answers_only(catalog: Catalog) -> None:
    form = IntakeForm()
    form.add(catalog, SUPERMARKET)
    form.answers["area"] = 80  # one answer given while in the theme
    form.add(catalog, EXTRA)
    assert form.answers["area"] == 80 and form.answers["food_category"] == "bulk"
    expected = {n: set(c) for n, c in lines(catalog, form).items()}
    for seed in range(3):  # the same items typed in another order, with the same answers
        codes = list(form.items)
        random.Random(seed).shuffle(codes)
        again = IntakeForm(items=codes, answers=dict(reversed(list(form.answers.items()))))
        assert {n: set(c) for n, c in lines(catalog, again).items()} == expected
