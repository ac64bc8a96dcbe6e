"""Instant item search (事项检索): an in-process index over the catalog.

What a clerk types, and what it finds:

- a code, whole or its start (`SCJG-010`, `scjg010`, `SCJG-0`), case-insensitive;
- the name or any part of it (`食品经营许可`, `经营许可`), or its characters in order with gaps
  (`失业金` → 失业保险金申领);
- an alias or colloquial name (`开饭店`, `房产证过户`);
- full pinyin, initials or a mix (`shipinjingying`, `spjy`, `shipjy`), with one wrong, missing,
  extra or swapped letter tolerated;
- the English name (`food business`), the department (`公安`) or a theme (一件事) name.

Ranking: code > name prefix > name substring > alias > pinyin > fuzzy. Each hit carries its score,
the field that matched, the matched span(s) in the displayed name (for highlighting) and, when
the match was in another text (an alias, the English name), that text and its spans.

How it is fast: documents are numbered in a fixed order of preference (shorter names first), and
every field keeps postings — character or letter-pair → the set of documents containing it — as
Python integers used as bitsets. A query ANDs a handful of postings (C speed), then verifies
candidates lowest-number-first, so it stops after the first few dozen of each tier.

The typo stage does not compare the query with every text: the pinyin and English texts'
suffixes from each syllable or word start are kept sorted, and the strings one edit from the
query are walked as ranges of that list (bisections, and dictionary lookups for the first three
letters, where most misspellings already fail). Pinyin spelled from several syllables' starts
(`shipjy`) is checked with one compiled pattern over each candidate's syllables.

The package, one module per job: `hits` (documents, hits, fields), `text` (normalising,
fillers, spans), `bitsets`, `fields` (postings per field, pinyin entries), `suffixes` (the
typo walk), `results`, `parts` (what the built index holds), the stages (`han`,
`pinyin_stages`, `ascii`, `sentence_stage`), `index` (building, the stage plans, `search`),
`catalog_docs` and `cache`. Every score is in clerk/catalog/weights.py. This module is the
public face: import from `clerk.catalog.search`.
"""

from __future__ import annotations

from clerk.catalog.search.bitsets import at_least
from clerk.catalog.search.cache import build_index
from clerk.catalog.search.catalog_docs import docs_from_catalog
from clerk.catalog.search.hits import (
    ALIAS,
    CODE,
    DEPARTMENT,
    ENGLISH,
    FUZZY,
    INITIALS,
    NAME,
    PINYIN,
    THEME,
    WORDS,
    Hit,
    IndexStats,
    Kind,
    SearchDoc,
    Span,
)
from clerk.catalog.search.index import SearchIndex
from clerk.catalog.search.text import normalize

__all__ = [
    "ALIAS",
    "CODE",
    "DEPARTMENT",
    "ENGLISH",
    "FUZZY",
    "INITIALS",
    "NAME",
    "PINYIN",
    "THEME",
    "WORDS",
    "Hit",
    "IndexStats",
    "Kind",
    "SearchDoc",
    "SearchIndex",
    "Span",
    "at_least",
    "build_index",
    "docs_from_catalog",
    "normalize",
]
