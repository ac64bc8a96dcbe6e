"""The shipped pinyin seed must cover the demo catalog, or the first start pays for pypinyin."""

from clerk.catalog import pinyin
from clerk.catalog.loader import load_catalog
from clerk.catalog.search import SearchIndex, docs_from_catalog


def test_seed_covers_every_text_of_the_demo_catalog() -> None:
    table = pinyin.PinyinTable(None)
    SearchIndex(docs_from_catalog(load_catalog()), pinyin_table=table)
    assert table.converted == 0, (
        f"{table.converted} texts are missing from {pinyin.SEED_PATH.name}; "
        "run: .venv/bin/python scripts/regen_pinyin_seed.py"
    )


def test_seed_agrees_with_pypinyin() -> None:
    seeded = pinyin.PinyinTable(None)
    fresh = pinyin.PinyinTable(None, seed=None)
    for run in list(seeded.runs())[:200]:
        assert seeded.syllables(run) == fresh.syllables(run), run
