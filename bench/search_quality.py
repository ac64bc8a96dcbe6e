"""Search quality on the demo catalog: recall@1, recall@5 and MRR, overall and per query kind.

    .venv/bin/python bench/search_quality.py [--queries FILE ...] [-v]

Two labelled sets by default: what clerks type (tests/catalog/search_queries.csv: names, partial
names, codes, code prefixes, full pinyin, initials, colloquial phrases, English, typos) and what
applicants say (tests/catalog/search_sentences.csv: sentences, dialect, wrong terms, English,
pinyin with and without typos). Each row lists the acceptable item or theme codes. Target:
recall@5 ≥ 95 % on each set. The misses are listed; `-v` also lists the queries found but not
ranked first.
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
SETS = [
    ROOT / "tests" / "catalog" / "search_queries.csv",
    ROOT / "tests" / "catalog" / "search_sentences.csv",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=Path, nargs="+", default=SETS)
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()

    catalog = load_catalog()
    index = build_index(catalog)
    print(
        f"demo catalog {catalog.version}: {len(catalog.items)} items, {len(catalog.themes)} themes"
    )
    failed = False
    for path in args.queries:
        queries = load_queries(path)
        started = time.perf_counter()
        report = evaluate(index, queries)
        elapsed = (time.perf_counter() - started) * 1000
        print(f"\n== {path.name}: {len(queries)} labelled queries ({elapsed:.0f} ms)\n")
        print(format_report(report, show=("misses", "second") if args.verbose else ("misses",)))
        ok = report.overall.r5 >= TARGET
        failed = failed or not ok
        verdict = "OK" if ok else "BELOW TARGET"
        print(f"\n{path.name}: recall@5 {report.overall.r5:.1%} (target ≥ {TARGET:.0%}: {verdict})")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
