"""Quality gate: the labelled query set against the demo catalog (recall, not timing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from clerk.catalog.loader import load_catalog
from clerk.catalog.search import SearchIndex, build_index
from clerk.catalog.search_eval import evaluate, format_report, load_queries

QUERIES = Path(__file__).with_name("search_queries.csv")


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return build_index(load_catalog(), cache=None)


def test_the_query_set_is_big_and_covers_every_kind() -> None:
    queries = load_queries(QUERIES)
    assert len(queries) >= 150
    kinds = {q.kind for q in queries}
    assert kinds >= {
        "name", "partial", "code", "code_prefix", "pinyin", "initials", "colloquial", "english", "typo",
    }  # fmt: skip
    assert all(q.expected for q in queries)


def test_expected_codes_exist(index: SearchIndex) -> None:
    report = evaluate(index, load_queries(QUERIES))
    assert report.unknown_codes == []


def test_recall_at_5_is_at_least_95_percent(index: SearchIndex) -> None:
    report = evaluate(index, load_queries(QUERIES))
    assert report.overall.r5 >= 0.95, format_report(report)
    for kind, recall in report.by_kind.items():
        assert recall.r5 >= 0.8, f"{kind}: {recall.r5:.0%}\n{format_report(report)}"


SENTENCES = Path(__file__).with_name("search_sentences.csv")


def test_the_sentence_set_is_big_and_written_from_the_applicants_side() -> None:
    queries = load_queries(SENTENCES)
    assert len(queries) >= 200
    assert {q.kind for q in queries} >= {
        "sentence", "dialect", "wrong_term", "english", "pinyin", "pinyin_typo",
    }  # fmt: skip


def test_sentence_codes_exist(index: SearchIndex) -> None:
    assert evaluate(index, load_queries(SENTENCES)).unknown_codes == []


def test_sentences_recall_at_5_is_at_least_95_percent(index: SearchIndex) -> None:
    report = evaluate(index, load_queries(SENTENCES))
    assert report.by_kind["sentence"].r5 >= 0.95, format_report(report)
    assert report.overall.r5 >= 0.95, format_report(report)
    for kind, recall in report.by_kind.items():
        assert recall.r5 >= 0.8, f"{kind}: {recall.r5:.0%}\n{format_report(report)}"
