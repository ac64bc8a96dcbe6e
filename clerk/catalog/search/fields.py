"""A searchable field's texts with their postings, and one text's pinyin."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass

from clerk.catalog.search.bitsets import bitset
from clerk.catalog.search.hits import Span
from clerk.catalog.search.text import grams


class Group:
    """One searchable field: entries (texts) owned by documents, with postings."""

    def __init__(self, size: int, *, starts: bool = False) -> None:
        self.size = size
        self.starts = starts  # keep postings of each text's first character (names only)
        self.texts: list[str] = []
        self.owner: list[int] = []
        self.ranges: list[tuple[int, int]] = [(0, 0)] * size
        self._uni: dict[str, list[int]] = {}
        self._bi: dict[str, list[int]] = {}
        self._start: dict[str, list[int]] = {}
        self.uni: dict[str, int] = {}
        self.bi: dict[str, int] = {}
        self.start: dict[str, int] = {}

    def add(self, doc: int, texts: Iterable[str]) -> None:
        lo = len(self.texts)
        kept = [text for text in texts if text]
        self.texts.extend(kept)
        self.owner.extend([doc] * len(kept))
        self.ranges[doc] = (lo, len(self.texts))
        if not kept:
            return
        uni, bi = self._uni, self._bi
        for key in set("".join(kept)):
            if key in uni:
                uni[key].append(doc)
            else:
                uni[key] = [doc]
        for key in {text[i : i + 2] for text in kept for i in range(len(text) - 1)}:
            if key in bi:
                bi[key].append(doc)
            else:
                bi[key] = [doc]
        if self.starts:
            for key in {text[0] for text in kept}:
                self._start.setdefault(key, []).append(doc)

    def freeze(self) -> None:
        self.uni = {k: bitset(v, self.size) for k, v in self._uni.items()}
        self.bi = {k: bitset(v, self.size) for k, v in self._bi.items()}
        self.start = {k: bitset(v, self.size) for k, v in self._start.items()}
        self._uni, self._bi, self._start = {}, {}, {}

    def candidates(self, query: str) -> int:
        """Documents that contain every character pair (every character for one) of `query`."""
        if len(query) == 1:
            return self.uni.get(query, 0)
        result = -1
        for gram in grams(query):
            posting = self.bi.get(gram, 0)
            result &= posting
            if not result:
                return 0
        return result

    def chars(self, query: str) -> list[int]:
        return [self.uni.get(c, 0) for c in dict.fromkeys(query)]

    def entries(self, doc: int) -> range:
        lo, hi = self.ranges[doc]
        return range(lo, hi)


@dataclass(slots=True)
class PinyinEntry:
    full: str
    initials: str
    starts: tuple[int, ...]  # offset in `full` where each token starts
    spans: tuple[Span, ...]  # character span of each token in the source text
    syllables: tuple[str, ...]
    source: int  # -1: the name; i ≥ 0: alias i

    def token_at(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset) - 1

    def full_span(self, start: int, end: int) -> Span:
        a = self.token_at(start)
        b = self.token_at(max(start, end - 1))
        return (self.spans[a][0], self.spans[b][1])

    def token_span(self, first: int, count: int) -> Span:
        return (self.spans[first][0], self.spans[first + count - 1][1])
