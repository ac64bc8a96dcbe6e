"""The packaged demonstration catalog: it validates, is labelled, loads fast, and its themes
merge. (Logic is tested on hand-built catalogs elsewhere; this checks the data.)"""

from __future__ import annotations

from clerk.catalog.loader import PACKAGED_DIR, build_catalog, load_catalog, read_directory
from clerk.catalog.stats import catalog_stats
from clerk.checklist import chosen_members, merged_materials, questions_for, theme_counts, verdict

XUHUI_THEMES = ("我要开超市", "我要开饭店", "我要开饮品店", "我要开杂货店", "我要开咖啡店")


def test_the_demo_item_files_are_there() -> None:
    # the package ships its demo items; none found is a broken package, not a skip
    assert list((PACKAGED_DIR / "items").glob("*.json")), PACKAGED_DIR / "items"


def test_demo_catalog_validates_with_every_error_listed() -> None:
    result = build_catalog(read_directory(PACKAGED_DIR), "package")
    assert result.errors == [], "\n".join(str(e) for e in result.errors)


def test_demo_catalog_is_labelled() -> None:
    # how fast it loads is measured by bench/search.py (load + index), not asserted here
    catalog = load_catalog()
    assert catalog.is_demo and "演示" in catalog.info.notice
    assert catalog.version.startswith(catalog.info.version_label + "+")


def test_every_theme_merges_and_every_item_gets_a_checklist() -> None:
    catalog = load_catalog()
    for theme in catalog.themes:
        counts = theme_counts(theme).all_members
        assert counts.materials_after <= counts.materials_before, theme.code
        questions_for(theme, {})
        merged_materials(theme, {})
    for item in catalog.items:
        v = verdict([item], {}, {})
        assert v.decision.value in {"notify", "undecided", "refuse", "accept", "accept_deferred"}


def test_every_theme_chooses_its_members_by_the_answers() -> None:
    """A theme is not a fixed bundle: some answer leaves out a member (e.g. 企业开办 without
    staff needs no 社保/公积金 registration)."""
    catalog = load_catalog()
    for theme in catalog.themes:
        conditional = [m for m in theme.members if m.when]
        assert conditional, f"{theme.code} {theme.name}: every member is always chosen"
    company = next(t for t in catalog.themes if t.code == "YJS-006")
    everything = {m.item.code for m in chosen_members(company, {})}
    assert {"SCJG-021", "GA-001", "SWJ-001", "RSJ-001", "GJJ-001"} <= everything
    lean = {
        m.item.code
        for m in chosen_members(
            company,
            {
                "name_declared": True,
                "need_seal": False,
                "need_invoice": False,
                "hires_staff": False,
            },
        )
    }
    assert lean == {"SCJG-001"}


def test_stats_acceptance_numbers() -> None:
    stats = catalog_stats(load_catalog())
    assert stats.items >= 220 and stats.departments >= 20 and stats.themes >= 10
    by_name = {t.name: t for t in stats.theme_merge}
    # the five themes of the Xuhui article (seeds/), each merged into one shorter list
    for name in XUHUI_THEMES:
        assert name in by_name, f"{name} missing from the demo catalog"
        typical = by_name[name].typical
        assert typical.materials_merged < typical.materials_before, name
        assert typical.fields_after < typical.fields_before, name
        assert typical.days_after < typical.days_before, name
        assert typical.trips_after < typical.trips_before, name
