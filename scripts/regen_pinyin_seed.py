"""Rewrite clerk/catalog/pinyin_seed.json from the demonstration catalog.

Run after editing the demo catalog (tests/catalog/test_pinyin_seed.py says when):
    .venv/bin/python scripts/regen_pinyin_seed.py
"""

from __future__ import annotations

import json

from clerk.catalog import pinyin
from clerk.catalog.loader import load_catalog
from clerk.catalog.search import SearchIndex, docs_from_catalog


def main() -> None:
    table = pinyin.PinyinTable(None, seed=None)
    SearchIndex(docs_from_catalog(load_catalog()), pinyin_table=table)
    payload = {"fingerprint": pinyin.fingerprint(), "runs": dict(sorted(table.runs().items()))}
    pinyin.SEED_PATH.write_text(
        json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n", "utf-8"
    )
    print(f"{pinyin.SEED_PATH}: {len(payload['runs'])} conversions")


if __name__ == "__main__":
    main()
