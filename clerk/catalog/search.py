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

The index is built from plain `SearchDoc` records (benchmarks use synthetic ones); `build_index`
adapts a loaded `Catalog`.
"""

from __future__ import annotations

import bisect
import gc
import hashlib
import logging
import os
import pickle
import re
import tempfile
import threading
import time
import unicodedata
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from clerk.catalog import lexicon as lex
from clerk.catalog import pinyin as py
from clerk.catalog import sentence as words
from clerk.catalog.weights import WEIGHTS

if TYPE_CHECKING:
    from clerk.catalog.model import Catalog

log = logging.getLogger("clerk.catalog.search")

Kind = Literal["item", "theme"]

# Which field a hit matched.
CODE = "code"
NAME = "name"
ALIAS = "alias"
PINYIN = "pinyin"
INITIALS = "initials"
ENGLISH = "english"
THEME = "theme"
DEPARTMENT = "department"
FUZZY = "fuzzy"
WORDS = "words"  # the words of a sentence (clerk/catalog/sentence.py)

Span = tuple[int, int]

#: Hits scoring at least this are real matches; the typo-tolerant stages run only without one.
STRONG = WEIGHTS.strong
#: With this many real matches the guessing stages (sentence words, homophones, character
#: overlap, typos, department and theme context) are skipped.
ENOUGH_STRONG = WEIGHTS.enough_strong
#: A hit this good (a code, a whole name or the start of one) means the clerk typed what they
#: meant; no guessing stages then either.
EXACT = WEIGHTS.exact

_Stage = tuple[bool, "Callable[[int, _Results], None]"]


@dataclass(frozen=True, slots=True)
class SearchDoc:
    """What the index knows of one item or theme."""

    code: str
    name: str
    name_en: str = ""
    aliases: tuple[str, ...] = ()
    department: str = ""
    department_short: str = ""
    themes: tuple[str, ...] = ()
    applicant_types: tuple[str, ...] = ()
    kind: Kind = "item"
    department_id: str = ""
    handling: str = ""  # 即办件 / 承诺件
    promised_value: int | None = None
    promised_unit: str = ""
    # what the sentence stage also reads (an item's result, conditions and materials; a
    # theme's description)
    result: str = ""
    conditions: tuple[str, ...] = ()
    materials: tuple[str, ...] = ()
    description: str = ""
    questions: tuple[str, ...] = ()
    """The situation questions in asking order (a theme's shared ones): the intake's guide."""


@dataclass(slots=True, eq=False)
class Hit:
    doc: SearchDoc
    score: float
    field: str
    spans: tuple[Span, ...] = ()
    """Matched character ranges [start, end) in `doc.name`."""
    matched_text: str = ""
    """The text that matched when it is not the name (an alias, the English name…)."""
    text_spans: tuple[Span, ...] = ()
    """Matched ranges in `matched_text`."""

    @property
    def code(self) -> str:
        return self.doc.code

    @property
    def name(self) -> str:
        return self.doc.name

    @property
    def kind(self) -> Kind:
        return self.doc.kind

    @property
    def department(self) -> str:
        return self.doc.department

    @property
    def guide(self) -> str:
        """The first question the intake asks for this hit (智能导引), or "" when it asks none."""
        return self.doc.questions[0] if self.doc.questions else ""

    @property
    def guided(self) -> bool:
        """Found from what the applicant said (a sentence) and has questions to ask: the intake
        opens on the first question (业态 → 场景 → 情形) rather than on the ID field."""
        return self.field == WORDS and bool(self.doc.questions)

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.doc.code,
            "name": self.doc.name,
            "kind": self.doc.kind,
            "department": self.doc.department,
            "score": round(self.score, 2),
            "field": self.field,
            "spans": [list(s) for s in self.spans],
            "matched_text": self.matched_text,
            "text_spans": [list(s) for s in self.text_spans],
            "handling": self.doc.handling,
            "guide": self.guide or None,
            "promised": (
                None
                if self.doc.promised_value is None
                else {"value": self.doc.promised_value, "unit": self.doc.promised_unit}
            ),
        }


# --------------------------------------------------------------------------- helpers


def normalize(text: str) -> str:
    """NFKC + lower case (+ Latin accents dropped), keeping offsets those of the original text."""
    if text.isascii():
        return text.lower()
    whole = unicodedata.normalize("NFKC", text).lower()
    if len(whole) == len(text) and not _ACCENTED.search(whole):
        return whole
    out = []
    for char in text:
        if char.isascii():
            out.append(char.lower())
            continue
        norm = unicodedata.normalize("NFKC", char).lower()
        if len(norm) != 1:
            norm = char
        elif _ACCENTED.match(norm):
            bare = unicodedata.normalize("NFKD", norm)[0]  # café → cafe
            norm = bare if bare.isascii() else norm
        out.append(norm)
    return "".join(out)


_ACCENTED = re.compile("[\u00c0-\u024f]")


def strip_fillers(text: str, fillers: re.Pattern[str] | None) -> str:
    """The query without the question around it: 领失业金要带什么 → 领失业金 (the fillers are
    the catalog lexicon's, longest first)."""
    return text if fillers is None else fillers.sub("", text)


def _has_han(text: str) -> bool:
    return py.has_han(text)


def _bitset(ids: Collection[int], size: int) -> int:
    if len(ids) < 32:  # most postings are short: a few shifts beat filling a buffer
        x = 0
        for i in ids:
            x |= 1 << i
        return x
    buf = bytearray((size + 8) // 8)
    for i in ids:
        buf[i >> 3] |= 1 << (i & 7)
    return int.from_bytes(buf, "little")


def _bits(x: int) -> Iterator[int]:
    """Set bits, lowest first."""
    while x:
        low = x & -x
        yield low.bit_length() - 1
        x ^= low


def _iter_pools(*pools: int) -> Iterator[int]:
    for pool in pools:
        yield from _bits(pool)


def at_least(postings: Sequence[int], m: int, everything: int) -> int:
    """Documents present in at least `m` of `postings` (bit-sliced counting)."""
    return _at_least(_count(postings), m, everything)


def _count(postings: Sequence[int]) -> list[int]:
    """Bit-sliced per-document counts: bit i of document d's count is bit d of slices[i]."""
    slices: list[int] = []
    for posting in postings:
        carry = posting
        for i in range(len(slices)):
            if not carry:
                break
            s = slices[i]
            slices[i] = s ^ carry
            carry = s & carry
        if carry:
            slices.append(carry)
    return slices


def _at_least(slices: list[int], m: int, everything: int) -> int:
    if m <= 0:
        return everything
    if m >= 1 << len(slices):
        return 0
    greater, equal = 0, everything
    for i in reversed(range(max(len(slices), m.bit_length()))):
        s = slices[i] if i < len(slices) else 0
        if (m >> i) & 1:
            equal &= s
        else:
            greater |= equal & s
            equal &= ~s
    return greater | equal


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Building, pickling and unpickling the index make some 100,000 small objects and no
    reference cycles: the garbage collector would only walk them again and again (a third of
    the time)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _runs(positions: Iterable[int]) -> tuple[Span, ...]:
    spans: list[list[int]] = []
    for p in sorted(set(positions)):
        if spans and spans[-1][1] == p:
            spans[-1][1] = p + 1
        else:
            spans.append([p, p + 1])
    return tuple((a, b) for a, b in spans)


def _subsequence(query: str, text: str) -> list[int] | None:
    """Positions of query's characters in text, in order (earliest), or None."""
    out = []
    start = 0
    for char in query:
        pos = text.find(char, start)
        if pos < 0:
            return None
        out.append(pos)
        start = pos + 1
    return out


def _grams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


class _Group:
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
        self.uni = {k: _bitset(v, self.size) for k, v in self._uni.items()}
        self.bi = {k: _bitset(v, self.size) for k, v in self._bi.items()}
        self.start = {k: _bitset(v, self.size) for k, v in self._start.items()}
        self._uni, self._bi, self._start = {}, {}, {}

    def candidates(self, query: str) -> int:
        """Documents that contain every character pair (every character for one) of `query`."""
        if len(query) == 1:
            return self.uni.get(query, 0)
        result = -1
        for gram in _grams(query):
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
class _PinyinEntry:
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


def _match_entry(q: str, entry: _PinyinEntry) -> tuple[float, str, int, int] | None:
    """(score, PINYIN or INITIALS, offset, length) of q in one pinyin entry, or None."""
    alias = entry.source >= 0
    full = entry.full
    pos = full.find(q)
    if pos > 0:
        starts = entry.starts  # a handful: a tuple scan beats hashing
        while pos >= 0 and pos not in starts:
            pos = full.find(q, pos + 1)
    if pos >= 0:
        if pos == 0:
            score = 56.0 if alias else 65.0
        else:
            score = 53.0 if alias else 58.0 - min(entry.token_at(pos), 10) * 0.1
        return score, PINYIN, pos, len(q)
    if len(q) >= 2:
        pos = entry.initials.find(q)
        if pos >= 0:
            if pos == 0:
                score = 55.0 if alias else 64.0
            else:
                score = 52.0 if alias else 57.0 - min(pos, 10) * 0.1
            return score, INITIALS, pos, len(q)
    return None


def _mixed_pattern(query: str) -> re.Pattern[str]:
    """Syllable prefixes in a row over syllables written with spaces ("shi pin jing ying"):
    after the first letter each letter either goes on in the same syllable or, skipping the
    rest of it, starts the next one (`shipjy`: shi·p·j·y). The match starts at a syllable."""
    letters = [re.escape(c) for c in query]
    return re.compile(
        "(?<![^ \n])" + letters[0] + "".join(f"(?:{c}|[^ \n]* {c})" for c in letters[1:])
    )


_TOP = "\U0010ffff"  # sorts after every character: `key < prefix + _TOP` ⇔ within the prefix


class _Suffixes:
    """The suffixes of a group's texts from each syllable or word start, sorted, so that the
    texts holding a string one typo away from the query are found by a few dozen bisections
    (a Levenshtein walk over a sorted list) instead of comparing the query with every text."""

    __slots__ = ("blocks", "children", "keys", "where")

    def __init__(self, items: list[tuple[str, int, int, float]]) -> None:
        """`items`: (suffix, entry, offset in the entry's text, preference of the place)."""
        items.sort()
        self.keys = [item[0] for item in items]
        self.where = items  # [k][1:]: entry, offset, preference
        # the ranges of every start of up to three letters, and which letters follow each head
        # of up to two: the top of the walk, where ranges are widest, is dictionary lookups,
        # and most misspelt variants fail there already
        starts: dict[str, int] = {}  # each start's first key
        last = None
        for k, key in enumerate(self.keys):
            head = key[:3]
            if head == last:
                continue  # sorted: a start seen just before goes on
            last = head
            for n in range(1, len(head) + 1):
                starts.setdefault(head[:n], k)
        self.blocks = {
            head: (lo, bisect.bisect_left(self.keys, head + _TOP, lo))
            for head, lo in starts.items()
        }
        self.children: dict[str, list[tuple[str, int, int]]] = {}
        for head in sorted(self.blocks):
            lo, hi = self.blocks[head]
            self.children.setdefault(head[:-1], []).append((head[-1], lo, hi))

    def _range(self, prefix: str, lo: int, hi: int) -> tuple[int, int]:
        """The keys in [lo, hi) that start with `prefix` ([lo, hi) holds a start of it)."""
        block = self.blocks.get(prefix[:3])
        if block is None:
            return lo, lo
        if len(prefix) <= 3:
            return block
        lo, hi = max(lo, block[0]), min(hi, block[1])
        keys = self.keys
        a = bisect.bisect_left(keys, prefix, lo, hi)
        if a >= hi or not keys[a].startswith(prefix):
            return a, a  # most variants spell nothing: one bisection tells
        return a, bisect.bisect_left(keys, prefix + _TOP, a, hi)

    def starting(self, prefix: str) -> tuple[int, int]:
        """The range of the keys that start with `prefix`."""
        return self._range(prefix, 0, len(self.keys))

    def _following(self, head: str, lo: int, hi: int) -> Iterator[tuple[str, int, int]]:
        """Each letter that follows `head` in the keys [lo, hi), with its range."""
        if len(head) <= 2:
            yield from self.children.get(head, ())
            return
        keys = self.keys
        k = lo
        n = len(head)
        while k < hi:
            key = keys[k]
            if len(key) <= n:
                k += 1
                continue
            char = key[n]
            end = bisect.bisect_left(keys, head + chr(ord(char) + 1), k, hi)
            yield char, k, end
            k = end

    def near(self, q: str) -> dict[tuple[int, int], int]:
        """Ranges [lo, hi) of suffixes that start with a string one edit from `q` — one wrong,
        missing or extra letter, or two neighbours swapped — each with the length of that
        string (how much of the text the match covers)."""
        keys = self.keys
        found: dict[tuple[int, int], int] = {}
        n = len(q)

        def add(variant: str, a: int, b: int) -> None:
            r = self._range(variant, a, b)
            if r[0] < r[1]:
                found.setdefault(r, len(variant))

        lo, hi = 0, len(keys)
        for i in range(n):
            head = q[:i]
            add(head + q[i + 1 :], lo, hi)  # q[i] typed by mistake (also: a wrong last letter)
            if i + 1 < n and q[i] != q[i + 1]:
                add(head + q[i + 1] + q[i] + q[i + 2 :], lo, hi)  # neighbours swapped
            wrong_tail, missing_tail = q[i + 1 :], q[i:]
            if hi - lo <= 24:  # few left: look at each
                for k in range(lo, hi):
                    key = keys[k]
                    if len(key) <= i:
                        continue
                    if i < n - 1 and key[i] != q[i] and key.startswith(wrong_tail, i + 1):
                        found.setdefault((k, k + 1), n)
                    if key.startswith(missing_tail, i + 1):
                        found.setdefault((k, k + 1), n + 1)
            else:  # one branch per letter that follows `head` in some text
                for char, a, b in self._following(head, lo, hi):
                    if i < n - 1 and char != q[i]:
                        add(head + char + wrong_tail, a, b)  # a wrong letter
                    add(head + char + missing_tail, a, b)  # a letter left out
            lo, hi = self._range(q[: i + 1], lo, hi)
            if lo >= hi:
                break
        return found


# --------------------------------------------------------------------------- results


class _Results:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.best: dict[int, Hit] = {}
        self.mask = 0
        self.strong = 0
        self.top = 0.0

    def add(self, doc_id: int, hit: Hit) -> None:
        if hit.score > self.top:
            self.top = hit.score
        known = self.best.get(doc_id)
        if known is None:
            self.mask |= 1 << doc_id
            self.best[doc_id] = hit
            self.strong += hit.score >= STRONG
        elif hit.score > known.score:
            self.strong += hit.score >= STRONG and known.score < STRONG
            self.best[doc_id] = hit

    def taken(self) -> int:
        return self.mask

    def full(self) -> bool:
        return len(self.best) >= self.limit

    def ranked(self) -> list[Hit]:
        order = sorted(self.best.items(), key=lambda kv: (-kv[1].score, kv[0]))
        return [hit for _, hit in order[: self.limit]]


def _shifted(
    stage: Callable[[int, _Results], None], penalty: float
) -> Callable[[int, _Results], None]:
    """Run `stage` and add its hits `penalty` points lower."""

    def run(mask: int, results: _Results) -> None:
        inner = _Results(results.limit)
        stage(mask, inner)
        for doc_id, hit in inner.best.items():
            hit.score -= penalty
            results.add(doc_id, hit)

    return run


# --------------------------------------------------------------------------- the index


@dataclass(frozen=True, slots=True)
class IndexStats:
    documents: int
    build_ms: float
    pinyin_converted: int
    from_cache: bool = False


class SearchIndex:
    """Build once with `SearchIndex(docs)`; `search()` is thread-safe (the index is read-only)."""

    def __init__(
        self,
        docs: Iterable[SearchDoc],
        *,
        pinyin_table: py.PinyinTable | None = None,
        lexicon: lex.Lexicon | None = None,
    ):
        """`lexicon`: the catalog's search lexicon (default: the packaged one)."""
        with _gc_paused():
            self._build(docs, pinyin_table, lexicon or lex.packaged())

    def _build(
        self, docs: Iterable[SearchDoc], pinyin_table: py.PinyinTable | None, lexicon: lex.Lexicon
    ) -> None:
        started = time.perf_counter()
        table = pinyin_table if pinyin_table is not None else py.PinyinTable(None)
        ordered = sorted(docs, key=lambda d: (len(d.name), d.kind != "item", d.code))
        self.docs: tuple[SearchDoc, ...] = tuple(ordered)
        size = len(self.docs)
        self._size = size
        self._all = (1 << size) - 1
        self._by_code: dict[str, int] = {}
        self._code_keys: list[tuple[str, int]] = []
        self._name = _Group(size, starts=True)
        self._alias = _Group(size)
        self._english = _Group(size)
        self._theme = _Group(size)
        self._dept = _Group(size)
        self._py = _Group(size)  # full pinyin of name (entry 0) and aliases
        self._ini = _Group(size)  # initials of name and aliases
        self._py_entries: list[_PinyinEntry] = []
        self._names: list[str] = []
        self._aliases: list[tuple[str, ...]] = []
        self._char_syllable: dict[str, str] = {}
        filters: dict[tuple[str, str], list[int]] = {}

        for doc_id, doc in enumerate(self.docs):
            code = _code_key(doc.code)
            self._by_code.setdefault(code, doc_id)
            self._code_keys.append((code, doc_id))
            name = normalize(doc.name)
            aliases = tuple(normalize(a) for a in doc.aliases)
            self._names.append(name)
            self._aliases.append(aliases)
            self._name.add(doc_id, [name])
            self._alias.add(doc_id, aliases)
            self._english.add(doc_id, [" ".join(normalize(doc.name_en).split())])
            self._theme.add(doc_id, [normalize(t) for t in doc.themes])
            self._dept.add(doc_id, [normalize(doc.department), normalize(doc.department_short)])
            entries: list[_PinyinEntry] = []
            for source, text in enumerate((name, *aliases), start=-1):
                entry = self._pinyin_entry(text, source, table)
                if entry is not None:
                    entries.append(entry)
            self._py.add(doc_id, [e.full for e in entries])
            self._ini.add(doc_id, [e.initials for e in entries])
            self._py_entries.extend(entries)
            for key in (
                ("kind", doc.kind),
                ("dept", doc.department_id),
                ("dept", doc.department),
                ("dept", doc.department_short),
                *(("applicant", a) for a in doc.applicant_types),
            ):
                if key[1]:
                    filters.setdefault(key, []).append(doc_id)
        for group in self._groups():
            group.freeze()
        self._code_keys.sort()
        self._code_list = [k for k, _ in self._code_keys]
        self._dept_ids = {_code_key(d.department_id) for d in self.docs if d.department_id}
        # a typo's match ranks higher at the start of a text, and in the name (not an alias)
        self._py_suffixes = _Suffixes(
            [
                (entry.full[start:], e, start, (start == 0) + 0.5 * (entry.source < 0))
                for e, entry in enumerate(self._py_entries)
                for start in entry.starts
            ]
        )
        self._english_suffixes = _Suffixes(
            [
                (text[start:], e, start, float(start == 0))
                for e, text in enumerate(self._english.texts)
                for start in range(len(text))
                if text[start].isalnum() and (start == 0 or not text[start - 1].isalnum())
            ]
        )
        # each document's pinyin texts, syllables spaced, one text per line (name first)
        self._py_spaced = [
            "\n".join(" ".join(self._py_entries[e].syllables) for e in self._py.entries(d))
            for d in range(size)
        ]
        self._syl_prefix: set[str] = set()
        syl_postings: dict[str, list[int]] = {}
        for doc_id in range(size):
            heads: set[str] = set()
            for e in self._py.entries(doc_id):
                heads.update(self._py_entries[e].syllables)
            for syllable in heads:
                for k in range(1, len(syllable) + 1):
                    self._syl_prefix.add(syllable[:k])
            for head in {h[:k] for h in heads for k in range(1, min(len(h), 3) + 1)}:
                syl_postings.setdefault(head, []).append(doc_id)
        self._syl = {k: _bitset(v, size) for k, v in syl_postings.items()}
        name_starts: dict[str, list[int]] = {}
        for doc_id in range(size):
            for e in self._py.entries(doc_id):
                entry = self._py_entries[e]
                if entry.source < 0:
                    for start_key in {
                        "1:" + entry.full[0],
                        "2:" + entry.full[:2],
                        "2:" + entry.initials[:2],
                    }:
                        name_starts.setdefault(start_key, []).append(doc_id)
        self._name_py_start = {k: _bitset(v, size) for k, v in name_starts.items()}
        self._filters = {k: _bitset(sorted(set(v)), size) for k, v in filters.items()}
        exact_aliases: dict[str, set[int]] = {}
        for doc_id, aliases in enumerate(self._aliases):
            for alias in aliases:
                exact_aliases.setdefault(alias, set()).add(doc_id)
        self._alias_exact = {k: _bitset(v, size) for k, v in exact_aliases.items()}
        self._dept_spelling: dict[str, tuple[str, str]] = {}
        for short in {d.department_short for d in self.docs if d.department_short}:
            syllables = [s for _, _, s in py.tokens(normalize(short), table)]
            self._dept_spelling[short] = ("".join(syllables), "".join(s[0] for s in syllables))
        self._core_fillers = _fillers_pattern(lexicon.fillers)
        self._lexicon = lexicon
        self._words: words.SentenceIndex | None = None  # built on first use: see words()
        self._words_lock = threading.Lock()
        self.stats = IndexStats(size, (time.perf_counter() - started) * 1000, table.converted)
        self.words_ms = 0.0  # the sentence index's build, once it is built

    # ------------------------------------------------------------------ the sentence index

    def word_index(self) -> words.SentenceIndex:
        """The sentence stage's index, built on first use (and never cached on disk): loading
        the catalog and opening the intake do not pay for it. `prepare()` builds it ahead, on
        a worker thread."""
        built = self._words
        if built is not None:
            return built
        with self._words_lock:
            if self._words is None:
                started = time.perf_counter()
                with _gc_paused():
                    self._words = self._build_words()
                self.words_ms = (time.perf_counter() - started) * 1000
                log.debug("sentence index: %.1f ms", self.words_ms)
            return self._words

    def prepare(self) -> None:
        """Build what the first query would otherwise build (the sentence index)."""
        self.word_index()

    def _build_words(self) -> words.SentenceIndex:
        name_w, alias_w = WEIGHTS.field_name, WEIGHTS.field_alias
        return words.SentenceIndex(
            [_sentence_texts(d, self._names[i], self._aliases[i]) for i, d in enumerate(self.docs)],
            [
                [
                    (
                        self._py_entries[e].syllables,
                        name_w if self._py_entries[e].source < 0 else alias_w,
                    )
                    for e in self._py.entries(d)
                ]
                for d in range(self._size)
            ],
            self._lexicon,
            py.PinyinTable(None),
        )

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_words"] = None  # rebuilt on first use: cheaper than unpickling it
        del state["_words_lock"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._words_lock = threading.Lock()

    def _groups(self) -> tuple[_Group, ...]:
        return (
            self._name,
            self._alias,
            self._english,
            self._theme,
            self._dept,
            self._py,
            self._ini,
        )

    def _pinyin_entry(self, text: str, source: int, table: py.PinyinTable) -> _PinyinEntry | None:
        toks = py.tokens(text, table)
        if not toks:
            return None
        starts: list[int] = []
        offset = 0
        for start, end, syllable in toks:
            starts.append(offset)
            offset += len(syllable)
            if end - start == 1 and py.is_han(text[start]):
                self._char_syllable.setdefault(text[start], syllable)
        syllables = tuple(s for _, _, s in toks)
        return _PinyinEntry(
            full="".join(syllables),
            initials="".join(s[0] for s in syllables),
            starts=tuple(starts),
            spans=tuple((a, b) for a, b, _ in toks),
            syllables=syllables,
            source=source,
        )

    def __len__(self) -> int:
        return self._size

    # ------------------------------------------------------------------ public API

    def get(self, code: str) -> SearchDoc | None:
        doc_id = self._by_code.get(_code_key(code))
        return None if doc_id is None else self.docs[doc_id]

    def departments(self) -> list[str]:
        return sorted({d.department for d in self.docs if d.department})

    def search(
        self,
        query: str,
        limit: int = 10,
        *,
        department: str | None = None,
        applicant: str | None = None,
        kind: Kind | None = None,
    ) -> list[Hit]:
        """The best `limit` hits for `query`, best first. Filters: department (id, name or short
        name), applicant type (自然人/法人) and kind (item/theme)."""
        text = " ".join(normalize(query).split())
        if not text or limit <= 0:
            return []
        mask = self._all
        for key in (("dept", department), ("applicant", applicant), ("kind", kind)):
            if key[1]:
                mask &= self._filters.get((key[0], key[1]), 0)
        if not mask:
            return []
        results = _Results(limit)
        stages = self._han_stages(text) if _has_han(text) else self._ascii_stages(text)
        for weak, stage in stages:
            if weak and (results.strong >= ENOUGH_STRONG or results.top >= EXACT):
                break  # real matches are not padded with guesses
            stage(mask & ~results.taken(), results)
            if results.full():
                break
        return results.ranked()

    # ------------------------------------------------------------------ stage plans

    def _han_stages(self, text: str) -> list[_Stage]:
        q = "".join(text.split())
        stages: list[_Stage] = [
            (False, lambda m, r: self._name_substring(q, m, r)),
            (False, lambda m, r: self._alias_substring(q, m, r)),
        ]
        if len(q) >= 2:
            stages.append((False, lambda m, r: self._subsequence(q, m, r)))
        core = strip_fillers(q, self._core_fillers)
        rest = q  # what the guessing stages work on
        if core != q and core:
            # 领失业金要带什么 → 领失业金: the question around the item is not part of its name
            # (ranked below what matched the whole query, and not run after an exact match)
            shift = WEIGHTS.core_shift
            stages.append((True, _shifted(lambda m, r: self._name_substring(core, m, r), shift)))
            stages.append((True, _shifted(lambda m, r: self._alias_substring(core, m, r), shift)))
            if len(core) >= 2:
                stages.append((True, _shifted(lambda m, r: self._subsequence(core, m, r), shift)))
            rest = core
        said = self._reader(text)  # read only when a guessing stage runs
        stages.append((True, lambda m, r: self._context(rest, m, r)))
        # what the applicant said, read as words: before guessing at typos when it reads as a
        # sentence, after them when it does not
        stages.append((True, lambda m, r: self._sentence(said, True, m, r)))
        if len(rest) >= 2:
            stages.append((True, lambda m, r: self._homophone(rest, m, r)))
            stages.append((True, lambda m, r: self._overlap(rest, m, r)))
        stages.append((True, lambda m, r: self._sentence(said, False, m, r)))
        return stages

    def _ascii_stages(self, text: str) -> list[_Stage]:
        compact = "".join(c for c in text if c.isalnum())
        stages: list[_Stage] = []
        if compact:
            stages.append((False, lambda m, r: self._code(compact, text, m, r)))
            stages.append((False, lambda m, r: self._pinyin(compact, m, r, 0.0)))
        stages.append((False, lambda m, r: self._english_match(text, m, r)))
        if compact:
            stages.append((False, lambda m, r: self._pinyin_mixed(compact, m, r)))
            stages.append((True, lambda m, r: self._code_prefix_letters(compact, m, r)))
            stages.append((True, lambda m, r: self._dept_pinyin(compact, m, r)))
        said = self._reader(text)
        stages.append((True, lambda m, r: self._sentence(said, True, m, r)))
        stages.append((True, lambda m, r: self._fuzzy_ascii(text, compact, m, r)))
        stages.append((True, lambda m, r: self._sentence(said, False, m, r)))
        return stages

    # ------------------------------------------------------------------ sentences

    def _reader(self, text: str) -> Callable[[], tuple[dict[str, float], bool]]:
        """The query read as words, once, on first call (most queries never need it)."""
        memo: list[tuple[dict[str, float], bool]] = []

        def read() -> tuple[dict[str, float], bool]:
            if not memo:
                memo.append(self.word_index().terms(text))
            return memo[0]

        return read

    def _sentence(
        self,
        said: Callable[[], tuple[dict[str, float], bool]],
        early: bool,
        mask: int,
        results: _Results,
    ) -> None:
        """The query read as words (clerk/catalog/sentence.py): documents that cover most of
        it, below every stage that matched a text as typed — and, when the query does not read
        as a sentence (no filler, no synonym: most likely a mistyped name), below the typo
        stages too."""
        terms, sentence = said()
        if not terms or sentence != early:
            return
        w = WEIGHTS
        base = w.sentence_base if sentence else w.sentence_base_word
        allowed = mask & ~results.taken()
        for match in self.word_index().match(terms, allowed, self._all, results.limit + 5):
            if match.score < w.sentence_min_cover:
                break
            name = self._names[match.doc]
            chars = {c for term in match.terms for c in term if not term.startswith("e:")}
            spans = _runs(p for p, c in enumerate(name) if c in chars)
            score = base + w.sentence_span * match.score
            results.add(match.doc, Hit(self.docs[match.doc], score, WORDS, spans))

    # ------------------------------------------------------------------ Han stages

    def _name_substring(self, q: str, mask: int, results: _Results) -> None:
        cands = self._name.candidates(q) & mask
        if not cands:
            return
        cap = results.limit + 5
        prefix = cands & self._name.start.get(q[0], 0)
        seen = 0
        for doc_id in _iter_pools(prefix, cands & ~prefix):
            name = self._names[doc_id]
            pos = name.find(q)
            if pos < 0:
                continue
            if pos == 0:
                score = 92.0 if len(name) == len(q) else 90.0 - min(len(name) - len(q), 40) * 0.02
            else:
                score = 80.0 - min(pos, 20) * 0.1 - min(len(name), 40) * 0.02
            results.add(doc_id, Hit(self.docs[doc_id], score, NAME, ((pos, pos + len(q)),)))
            seen += 1
            if seen >= cap:
                return

    def _alias_substring(self, q: str, mask: int, results: _Results) -> None:
        cands = self._alias.candidates(q) & mask
        exact = self._alias_exact.get(q, 0) & cands  # whole aliases first, wherever they rank
        cap = results.limit + 5
        seen = 0
        for doc_id in _iter_pools(exact, cands & ~exact):
            best: tuple[float, int, int] | None = None
            for i, alias in enumerate(self._aliases[doc_id]):
                pos = alias.find(q)
                if pos < 0:
                    continue
                if alias == q:
                    score = 78.0
                elif pos == 0:
                    score = 76.0 - min(len(alias) - len(q), 20) * 0.05
                else:
                    score = 72.0 - min(pos, 20) * 0.1
                if best is None or score > best[0]:
                    best = (score, i, pos)
            if best is None:
                continue
            score, i, pos = best
            doc = self.docs[doc_id]
            spans = _runs(p for p, c in enumerate(self._names[doc_id]) if c in q)
            results.add(
                doc_id,
                Hit(doc, score, ALIAS, spans, doc.aliases[i], ((pos, pos + len(q)),)),
            )
            seen += 1
            if seen >= cap:
                return

    def _subsequence(self, q: str, mask: int, results: _Results) -> None:
        """Abbreviations: every character of the query, in order (失业金 → 失业保险金申领)."""
        name_cands = mask
        for posting in self._name.chars(q):
            name_cands &= posting
        alias_cands = mask
        for posting in self._alias.chars(q):
            alias_cands &= posting
        cap = results.limit + 5
        seen = 0
        for doc_id in _bits(name_cands | alias_cands):
            doc = self.docs[doc_id]
            name = self._names[doc_id]
            positions = _subsequence(q, name)
            if positions is not None:
                gaps = positions[-1] - positions[0] + 1 - len(q)
                score = 66.0 - min(gaps, 20) * 0.2 - min(positions[0], 10) * 0.1
                results.add(doc_id, Hit(doc, score, NAME, _runs(positions)))
            else:
                for i, alias in enumerate(self._aliases[doc_id]):
                    positions = _subsequence(q, alias)
                    if positions is None:
                        continue
                    gaps = positions[-1] - positions[0] + 1 - len(q)
                    score = 62.0 - min(gaps, 20) * 0.2
                    spans = _runs(p for p, c in enumerate(name) if c in q)
                    results.add(
                        doc_id, Hit(doc, score, ALIAS, spans, doc.aliases[i], _runs(positions))
                    )
                    break
                else:
                    continue
            seen += 1
            if seen >= cap:
                return

    def _context(self, q: str, mask: int, results: _Results) -> None:
        """The query names a theme (一件事) the item belongs to, or its department."""
        cap = results.limit + 5
        seen = 0
        for group, field_name, score in (
            (self._theme, THEME, 48.0),
            (self._dept, DEPARTMENT, 45.0),
        ):
            for doc_id in _bits(group.candidates(q) & mask):
                for entry in group.entries(doc_id):
                    text = group.texts[entry]
                    pos = text.find(q)
                    if pos >= 0:
                        results.add(
                            doc_id,
                            Hit(
                                self.docs[doc_id],
                                score,
                                field_name,
                                (),
                                text,
                                ((pos, pos + len(q)),),
                            ),
                        )
                        seen += 1
                        break
                if seen >= cap:
                    return

    def _homophone(self, q: str, mask: int, results: _Results) -> None:
        """A wrong character with the right sound (身分证 for 身份证): match by pinyin."""
        syllables = [self._char_syllable.get(c) for c in q if py.is_han(c)]
        if not syllables or any(s is None for s in syllables):
            return
        self._pinyin("".join(s for s in syllables if s), mask, results, -24.0, FUZZY)

    def _overlap(self, q: str, mask: int, results: _Results) -> None:
        """Most of the query's characters in the name or an alias, in any order."""
        chars = list(dict.fromkeys(q))
        n = len(chars)
        if n < 3:
            return
        postings = [self._name.uni.get(c, 0) | self._alias.uni.get(c, 0) for c in chars]
        cap = results.limit
        seen = 0
        floor = n - 1 if n < 6 else n - 2
        taken = 0
        slices = _count(postings)
        for need in range(n, floor - 1, -1):
            pool = _at_least(slices, need, self._all) & mask & ~taken
            taken |= pool
            for doc_id in _bits(pool):
                doc = self.docs[doc_id]
                name = self._names[doc_id]
                texts = (name, *self._aliases[doc_id])
                counts = [sum(1 for c in chars if c in t) for t in texts]
                best = max(range(len(texts)), key=lambda i: counts[i])
                covered = sum(1 for c in chars if any(c in t for t in texts))
                # characters found anywhere in the item's names, then the best single text
                score = 30.0 + 6.0 * covered / n + 2.0 * counts[best] / n
                if best == 0:
                    hit = Hit(doc, score, FUZZY, _runs(p for p, c in enumerate(name) if c in chars))
                else:
                    alias = self._aliases[doc_id][best - 1]
                    hit = Hit(
                        doc,
                        score,
                        FUZZY,
                        _runs(p for p, c in enumerate(name) if c in chars),
                        doc.aliases[best - 1],
                        _runs(p for p, c in enumerate(alias) if c in chars),
                    )
                results.add(doc_id, hit)
                seen += 1
                if seen >= cap:
                    return

    # ------------------------------------------------------------------ ASCII stages

    def _code(self, compact: str, text: str, mask: int, results: _Results) -> None:
        doc_id = self._by_code.get(compact)
        if doc_id is not None and (mask >> doc_id) & 1:
            doc = self.docs[doc_id]
            results.add(doc_id, Hit(doc, 100.0, CODE, (), doc.code, ((0, len(doc.code)),)))
        if any(c.isdigit() for c in compact) or "-" in text:
            self._code_prefix(compact, mask, results, 95.0)
        elif compact in self._dept_ids:
            self._code_prefix(compact, mask, results, 60.0)  # a department code: SCJG
        # other letters-only prefixes rank below pinyin (see _code_prefix_letters)

    def _code_prefix(self, compact: str, mask: int, results: _Results, base: float) -> None:
        lo = bisect.bisect_left(self._code_keys, (compact, -1))
        cap = results.limit + 5
        picked: list[tuple[str, int]] = []
        code_keys = self._code_keys
        for k in range(lo, len(code_keys)):  # (a slice would copy the rest of the list)
            key, doc_id = code_keys[k]
            if not key.startswith(compact):
                break
            if (mask >> doc_id) & 1:
                picked.append((key, doc_id))
                if len(picked) >= cap:
                    break
        for key, doc_id in picked:
            doc = self.docs[doc_id]
            shown = _code_span(doc.code, len(compact))
            score = base - min(len(key) - len(compact), 20) * 0.1
            results.add(doc_id, Hit(doc, score, CODE, (), doc.code, ((0, shown),)))

    def _code_prefix_letters(self, compact: str, mask: int, results: _Results) -> None:
        if compact.isalpha() and len(compact) >= 2:
            self._code_prefix(compact, mask, results, 50.0)

    def _pinyin(
        self,
        q: str,
        mask: int,
        results: _Results,
        shift: float,
        field_name: str | None = None,
    ) -> None:
        """Full pinyin from a syllable start, or initials, of the name (then the aliases)."""
        if not q.isalpha():
            return
        cap = results.limit + 5
        full_cands = 0
        if len(q) >= 2:
            lo, hi = self._py_suffixes.starting(q)
            if hi - lo <= 64:  # few texts spell it from a syllable start: exactly those
                owner = self._py.owner
                where = self._py_suffixes.where
                full_cands = _bitset({owner[where[k][1]] for k in range(lo, hi)}, self._size)
            else:
                full_cands = self._py.candidates(q)
            full_cands &= mask
        cands = full_cands | (self._ini.candidates(q) & mask)
        # names that start like the query first: that is where the best (prefix) matches are
        first = self._name_py_start.get(("1:" if len(q) == 1 else "2:") + q[:2], 0)
        entries = self._py_entries
        seen = 0
        for doc_id in _iter_pools(cands & first, cands & ~first):
            best: tuple[float, str, int, int, _PinyinEntry] | None = None
            for e in self._py.entries(doc_id):
                entry = entries[e]
                found = _match_entry(q, entry)
                if found is not None and (best is None or found[0] > best[0]):
                    best = (*found, entry)
                    if found[2] == 0 and entry.source < 0:
                        break  # a name prefix: nothing scores higher
            if best is None:
                continue
            score, matched, pos, length, entry = best
            if matched == PINYIN:
                span = entry.full_span(pos, pos + length)
            else:
                span = entry.token_span(pos, length)
            results.add(
                doc_id, self._pinyin_hit(doc_id, entry, score + shift, field_name or matched, span)
            )
            seen += 1
            if seen >= cap:
                return

    def _pinyin_hit(
        self, doc_id: int, entry: _PinyinEntry, score: float, field_name: str, span: Span
    ) -> Hit:
        doc = self.docs[doc_id]
        if entry.source < 0:
            return Hit(doc, score, field_name, (span,))
        return Hit(doc, score, field_name, (), doc.aliases[entry.source], (span,))

    def _pinyin_mixed(self, q: str, mask: int, results: _Results) -> None:
        """Syllable prefixes in a row: `shipjy`, `shenfz`."""
        if not q.isalpha() or len(q) < 3:
            return
        segments = self._segment(q)
        if segments is None or all(len(seg) == 1 for seg in segments) or len(segments) < 2:
            return  # not spelled as syllables, or plain initials (already matched above)
        cands = mask
        for seg in segments:
            cands &= self._syl.get(seg[:3], 0)
            if not cands:
                return
        cap = results.limit + 5
        budget = 200
        seen = 0
        pattern = _mixed_pattern(q)
        spaced = self._py_spaced
        for doc_id in _bits(cands):
            budget -= 1
            if budget < 0:
                return
            text = spaced[doc_id]
            match = pattern.search(text)
            if match is None:
                continue
            # the leftmost match is among the best: the name comes first, and a match at the
            # start of a text is leftmost within it
            start = match.start()
            line = text.rfind("\n", 0, start) + 1
            entry = self._py_entries[self._py.ranges[doc_id][0] + text.count("\n", 0, start)]
            first = text.count(" ", line, start)
            count = text.count(" ", start, match.end()) + 1
            score = (54.0 if first == 0 else 51.0) - (3.0 if entry.source >= 0 else 0.0)
            span = entry.token_span(first, count)
            results.add(doc_id, self._pinyin_hit(doc_id, entry, score, PINYIN, span))
            seen += 1
            if seen >= cap:
                return

    def _segment(self, q: str) -> list[str] | None:
        """Greedy split into the longest known syllable prefixes: shipjy → shi p j y."""
        out: list[str] = []
        i = 0
        known = self._syl_prefix
        while i < len(q):
            k = min(len(q) - i, 6)
            while k > 0 and q[i : i + k] not in known:
                k -= 1
            if k == 0:
                return None
            out.append(q[i : i + k])
            i += k
        return out

    def _english_match(self, text: str, mask: int, results: _Results) -> None:
        if len(text) < 2:
            return
        cands = self._english.candidates(text) & mask
        cap = results.limit + 5
        seen = 0
        for doc_id in _bits(cands):
            english = self._english.texts[self._english.ranges[doc_id][0]]
            pos = english.find(text)
            while pos > 0 and english[pos - 1].isalnum():
                pos = english.find(text, pos + 1)
            if pos < 0:
                pos = english.find(text) if len(text) >= 4 else -1
                if pos < 0:
                    continue
                score = 47.0
            elif english == text:
                score = 70.0
            elif pos == 0:
                score = 62.0
            else:
                score = 59.0
            doc = self.docs[doc_id]
            original = doc.name_en
            results.add(
                doc_id,
                Hit(
                    doc,
                    score,
                    ENGLISH,
                    (),
                    original,
                    _english_span(original, english, pos, len(text)),
                ),
            )
            seen += 1
            if seen >= cap:
                return
        words = text.split()
        if len(words) < 2 or seen >= cap:
            return
        cands = mask & ~results.taken()
        for word in words:
            cands &= self._english.candidates(word)
        for doc_id in _bits(cands):
            english = self._english.texts[self._english.ranges[doc_id][0]]
            spans: list[Span] = []
            for word in words:
                pos = english.find(word)
                while pos > 0 and english[pos - 1].isalnum():
                    pos = english.find(word, pos + 1)
                if pos < 0:
                    break
                spans.extend(_english_span(self.docs[doc_id].name_en, english, pos, len(word)))
            else:
                doc = self.docs[doc_id]
                results.add(
                    doc_id, Hit(doc, 52.0, ENGLISH, (), doc.name_en, tuple(sorted(set(spans))))
                )
                seen += 1
                if seen >= cap:
                    return

    def _dept_pinyin(self, q: str, mask: int, results: _Results) -> None:
        """`gongan`, `ga`: items of the department whose short name is spelled."""
        if not q.isalpha() or len(q) < 2:
            return
        matched = {dept for dept, spelled in self._dept_spelling.items() if q in spelled}
        cap = results.limit + 5
        seen = 0
        for dept in sorted(matched):
            for doc_id in _bits(self._filters.get(("dept", dept), 0) & mask):
                doc = self.docs[doc_id]
                results.add(doc_id, Hit(doc, 44.0, DEPARTMENT, (), doc.department_short))
                seen += 1
                if seen >= cap:
                    return

    def _fuzzy_ascii(self, text: str, compact: str, mask: int, results: _Results) -> None:
        """One wrong, missing, extra or swapped letter in pinyin, English or a code."""
        if results.best and max(h.score for h in results.best.values()) >= STRONG:
            return  # something matched for real; typo guesses would only be noise
        cap = results.limit + 5
        if compact and any(c.isdigit() for c in compact) and len(compact) >= 4:
            from rapidfuzz import process
            from rapidfuzz.distance import OSA

            for _, distance, index in process.extract(
                compact, self._code_list, scorer=OSA.distance, score_cutoff=1, limit=cap
            ):
                doc_id = self._code_keys[index][1]
                if (mask >> doc_id) & 1:
                    doc = self.docs[doc_id]
                    results.add(doc_id, Hit(doc, 40.0 - distance, FUZZY, (), doc.code, ()))
        if len(compact) >= 4 and compact.isalpha():
            self._typo_walk(
                compact,
                self._py_suffixes,
                mask,
                results,
                self._typo_pinyin_hit,
                self._py.owner,
            )
        if len(text) >= 4:
            self._typo_walk(
                text,
                self._english_suffixes,
                mask,
                results,
                self._typo_english_hit,
                self._english.owner,
            )

    def _typo_walk(
        self,
        q: str,
        suffixes: _Suffixes,
        mask: int,
        results: _Results,
        hit: Callable[[int, int, int, float], Hit],
        owner: list[int],
    ) -> None:
        """Texts holding `q` with one typo, from a syllable or word start. The narrowest
        readings are looked at first (a rarer string is the likelier meaning) and at most
        `budget` suffixes in all, so a short, common query stays as fast as a long one; of
        what was found, the best `limit + 5` documents become hits."""
        budget = 240
        allowed = mask & ~results.taken()
        best: dict[int, tuple[float, int, int, int]] = {}
        for (lo, hi), length in sorted(suffixes.near(q).items(), key=lambda r: r[0][1] - r[0][0]):
            for _, entry, offset, rank in suffixes.where[lo : min(hi, lo + budget)]:
                doc_id = owner[entry]
                known = best.get(doc_id)
                if known is None:
                    if not (allowed >> doc_id) & 1:
                        continue
                elif known[0] >= rank:
                    continue
                best[doc_id] = (rank, entry, offset, length)
            budget -= hi - lo
            if budget <= 0:
                break
        order = sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0]))
        for doc_id, (rank, entry, offset, length) in order[: results.limit + 5]:
            results.add(doc_id, hit(entry, offset, length, rank))

    def _typo_pinyin_hit(self, e: int, offset: int, length: int, rank: float) -> Hit:
        entry = self._py_entries[e]
        doc_id = self._py.owner[e]
        score = 35.0 + rank
        end = min(len(entry.full), offset + max(1, length))
        return self._pinyin_hit(doc_id, entry, score, FUZZY, entry.full_span(offset, end))

    def _typo_english_hit(self, e: int, offset: int, length: int, rank: float) -> Hit:
        doc = self.docs[self._english.owner[e]]
        text = self._english.texts[e]
        spans = _english_span(doc.name_en, text, offset, min(length, len(text) - offset))
        score = 34.0 + rank
        return Hit(doc, score, FUZZY, (), doc.name_en, spans)


def _fillers_pattern(fillers: Iterable[str]) -> re.Pattern[str] | None:
    """Fillers of two characters or more anywhere, single ones (吗, 呢, 了) at the end only: the
    question around a name, never a character of the name (要 in 我要开饭店)."""
    words = {normalize(f) for f in fillers if f}
    long = sorted((f for f in words if len(f) > 1), key=lambda f: (-len(f), f))
    short = sorted(f for f in words if len(f) == 1)
    parts = [re.escape(f) for f in long]
    if short:
        parts.append("(?:" + "|".join(re.escape(f) for f in short) + ")+$")
    return re.compile("|".join(parts)) if parts else None


def _sentence_texts(doc: SearchDoc, name: str, aliases: tuple[str, ...]) -> words.Texts:
    """A document's texts for the sentence stage, each with its field weight."""
    w = WEIGHTS
    out: list[tuple[str, float]] = [(name, w.field_name)]
    out.extend((alias, w.field_alias) for alias in aliases)
    out.append((normalize(doc.name_en), w.field_english))
    out.extend((normalize(t), w.field_theme) for t in doc.themes)
    out.append((normalize(doc.result), w.field_result))
    out.append((normalize(doc.description), w.field_description))
    out.extend((normalize(c), w.field_conditions) for c in doc.conditions)
    out.extend((normalize(m), w.field_materials) for m in doc.materials)
    out.append((normalize(doc.department_short), w.field_department))
    return [(t, weight) for t, weight in out if t]


def _code_key(code: str) -> str:
    return "".join(c for c in normalize(code) if c.isalnum())


def _code_span(code: str, alnum_count: int) -> int:
    """Length of the prefix of `code` holding its first `alnum_count` letters/digits."""
    seen = 0
    for i, char in enumerate(code):
        if seen >= alnum_count:
            return i
        if char.isalnum():
            seen += 1
    return len(code)


def _english_span(original: str, squeezed: str, pos: int, length: int) -> tuple[Span, ...]:
    """Map a match in the whitespace-squeezed English name back to the original text."""
    if pos < 0 or length <= 0:
        return ()
    if normalize(original) == squeezed:
        return ((pos, pos + length),)
    mapping = []
    prev_space = False
    for i, char in enumerate(original.strip()):
        if char.isspace():
            if prev_space:
                continue
            prev_space = True
        else:
            prev_space = False
        mapping.append(i + (len(original) - len(original.lstrip())))
    if pos + length > len(mapping):
        return ()
    return ((mapping[pos], mapping[pos + length - 1] + 1),)


# --------------------------------------------------------------------------- the catalog


def docs_from_catalog(catalog: Catalog) -> list[SearchDoc]:
    """One SearchDoc per item and per theme of a loaded catalog."""
    docs: list[SearchDoc] = []
    for item in catalog.items:
        dept = catalog.department(item.department)
        themes: list[str] = []
        for theme in catalog.themes_with(item.code):
            themes.append(theme.name)
        docs.append(
            SearchDoc(
                code=item.code,
                name=item.name,
                name_en=item.name_en,
                aliases=tuple(item.aliases),
                department=dept.name if dept else item.department,
                department_short=dept.short if dept else "",
                themes=tuple(themes),
                applicant_types=tuple(a.value for a in item.applicant_types),
                kind="item",
                department_id=item.department,
                handling=item.handling.value,
                promised_value=item.promised_limit.value,
                promised_unit=item.promised_limit.unit.value,
                result=item.result,
                conditions=tuple(item.conditions),
                materials=tuple(m.name for m in item.materials),
                questions=tuple(s.question for s in item.situations),
            )
        )
    for theme in catalog.themes:
        applicants = sorted({a.value for m in theme.members for a in m.item.applicant_types})
        docs.append(
            SearchDoc(
                code=theme.code,
                name=theme.name,
                name_en=theme.name_en,
                aliases=tuple(theme.aliases),
                applicant_types=tuple(applicants),
                kind="theme",
                description=theme.description,
                questions=tuple(q.question for q in theme.questions),
            )
        )
    return docs


def build_index(
    catalog: Catalog, *, cache: Path | Literal["default"] | None = "default"
) -> SearchIndex:
    """The search index of a loaded catalog.

    `cache` is a directory (default: the user cache dir, `CLERK_HOME/cache` in tests) holding
    the pinyin table (`pinyin.json`) and the built index of the last catalog
    (`search-index-<key>.pickle`, keyed by the catalog's content hash and this code's own
    hash, so an edited catalog or a new clerk version rebuilds it). `cache=None` builds from
    scratch and writes nothing.
    """
    started = time.perf_counter()
    folder = py.default_cache_path().parent if cache == "default" else cache
    if not isinstance(folder, Path):
        return SearchIndex(docs_from_catalog(catalog), lexicon=catalog.lexicon)
    key = _index_key(catalog)
    target = folder / f"{_INDEX_PREFIX}{key}.pickle"
    index = _read_index(target)
    if index is not None:
        index.stats = IndexStats(len(index), (time.perf_counter() - started) * 1000, 0, True)
        return index
    table = py.PinyinTable(folder / "pinyin.json")
    index = SearchIndex(docs_from_catalog(catalog), pinyin_table=table, lexicon=catalog.lexicon)
    table.save()
    _write_index(index, target)
    log.debug(
        "search index: %d documents in %.1f ms (%d pinyin conversions)",
        index.stats.documents,
        index.stats.build_ms,
        index.stats.pinyin_converted,
    )
    return index


_INDEX_PREFIX = "search-index-"


def _index_key(catalog: Catalog) -> str:
    """The catalog's content hash and source, plus a hash of the code that builds the index."""
    digest = hashlib.sha256()
    digest.update(f"{catalog.content_hash}\0{catalog.source}\0{py.fingerprint()}".encode())
    for module in (__file__, py.__file__, words.__file__, lex.__file__, lex.PACKAGED):
        digest.update(Path(module).read_bytes())
    digest.update(repr(WEIGHTS).encode())
    return digest.hexdigest()[:20]


def _read_index(path: Path) -> SearchIndex | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        with _gc_paused():
            index = pickle.loads(data)
    except Exception as exc:  # a damaged cache file only costs a rebuild
        log.warning("search index cache %s unreadable (%s); rebuilding", path, exc)
        return None
    return index if isinstance(index, SearchIndex) else None


def _write_index(index: SearchIndex, path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob(f"{_INDEX_PREFIX}*.pickle"):
            old.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".search-index-", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle, _gc_paused():
            pickle.dump(index, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError as exc:  # a read-only cache dir only costs speed
        log.warning("cannot write search index cache %s: %s", path, exc)
