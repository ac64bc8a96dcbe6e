"""Search quality on the demo catalog: recall@1 and recall@5, overall and per query kind.

    .venv/bin/python bench/search_quality.py [--queries tests/catalog/search_queries.csv] [-v]

The labelled set lists, for each query a clerk might type (names, partial names, codes, code
prefixes, full pinyin, initials, colloquial phrases, English, typos), the acceptable item or theme
codes. Target: recall@5 ≥ 95 %. `-v` also lists the queries found but not ranked first.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from clerk.catalog.loader import load_catalog  # noqa: E402
from clerk.catalog.search import build_index  # noqa: E402
from clerk.catalog.search_eval import evaluate, format_report, load_queries  # noqa: E402

TARGET = 0.95


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--queries", type=Path, default=ROOT / "tests" / "catalog" / "search_queries.csv"
    )
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()

    catalog = load_catalog()
    index = build_index(catalog)
    queries = load_queries(args.queries)
    started = time.perf_counter()
    report = evaluate(index, queries)
    elapsed = (time.perf_counter() - started) * 1000
    print(
        f"demo catalog {catalog.version}: {len(catalog.items)} items, {len(catalog.themes)} "
        f"themes; {len(queries)} labelled queries ({elapsed:.0f} ms)\n"
    )
    print(format_report(report, show=("misses", "second") if args.verbose else ("misses",)))
    verdict = "OK" if report.overall.r5 >= TARGET else "BELOW TARGET"
    print(f"\nrecall@5 {report.overall.r5:.1%} (target ≥ {TARGET:.0%}: {verdict})")
    return 0 if report.overall.r5 >= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
