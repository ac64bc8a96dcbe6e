"""The search index: built once from SearchDocs, then `search()` runs the query's stages."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from typing import Any

from clerk.catalog import lexicon as lex
from clerk.catalog import pinyin as py
from clerk.catalog import sentence as words
from clerk.catalog.search.ascii import AsciiStages
from clerk.catalog.search.bitsets import bitset, gc_paused
from clerk.catalog.search.fields import Group, PinyinEntry
from clerk.catalog.search.han import HanStages
from clerk.catalog.search.hits import Hit, IndexStats, Kind, SearchDoc
from clerk.catalog.search.results import ENOUGH_STRONG, EXACT, Results, Stage, shifted
from clerk.catalog.search.sentence_stage import SentenceStage
from clerk.catalog.search.suffixes import Suffixes
from clerk.catalog.search.text import code_key, fillers_pattern, normalize, strip_fillers
from clerk.catalog.weights import WEIGHTS


class SearchIndex(HanStages, AsciiStages, SentenceStage):
    """Build once with `SearchIndex(docs)`; `search()` is thread-safe (the index is read-only)."""

    def __init__(
        self,
        docs: Iterable[SearchDoc],
        *,
        pinyin_table: py.PinyinTable | None = None,
        lexicon: lex.Lexicon | None = None,
    ):
        """`lexicon`: the catalog's search lexicon (default: the packaged one)."""
        with gc_paused():
            self._build(docs, pinyin_table, lexicon or lex.packaged())

    def _build(
        self, docs: Iterable[SearchDoc], pinyin_table: py.PinyinTable | None, lexicon: lex.Lexicon
    ) -> None:
        w = WEIGHTS
        started = time.perf_counter()
        table = pinyin_table if pinyin_table is not None else py.PinyinTable(None)
        ordered = sorted(docs, key=lambda d: (len(d.name), d.kind != "item", d.code))
        self.docs: tuple[SearchDoc, ...] = tuple(ordered)
        size = len(self.docs)
        self._size = size
        self._all = (1 << size) - 1
        self._by_code: dict[str, int] = {}
        self._code_keys: list[tuple[str, int]] = []
        self._name = Group(size, starts=True)
        self._alias = Group(size)
        self._english = Group(size)
        self._theme = Group(size)
        self._dept = Group(size)
        self._py = Group(size)  # full pinyin of name (entry 0) and aliases
        self._ini = Group(size)  # initials of name and aliases
        self._py_entries: list[PinyinEntry] = []
        self._names: list[str] = []
        self._aliases: list[tuple[str, ...]] = []
        self._char_syllable: dict[str, str] = {}
        filters: dict[tuple[str, str], list[int]] = {}

        for doc_id, doc in enumerate(self.docs):
            code = code_key(doc.code)
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
            entries: list[PinyinEntry] = []
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
        self._dept_ids = {code_key(d.department_id) for d in self.docs if d.department_id}
        # a typo's match ranks higher at the start of a text, and in the name (not an alias)
        self._py_suffixes = Suffixes(
            [
                (
                    entry.full[start:],
                    e,
                    start,
                    w.typo_at_start * (start == 0) + w.typo_in_name * (entry.source < 0),
                )
                for e, entry in enumerate(self._py_entries)
                for start in entry.starts
            ]
        )
        self._english_suffixes = Suffixes(
            [
                (text[start:], e, start, w.typo_at_start * (start == 0))
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
        self._syl = {k: bitset(v, size) for k, v in syl_postings.items()}
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
        self._name_py_start = {k: bitset(v, size) for k, v in name_starts.items()}
        self._filters = {k: bitset(sorted(set(v)), size) for k, v in filters.items()}
        exact_aliases: dict[str, set[int]] = {}
        for doc_id, aliases in enumerate(self._aliases):
            for alias in aliases:
                exact_aliases.setdefault(alias, set()).add(doc_id)
        self._alias_exact = {k: bitset(v, size) for k, v in exact_aliases.items()}
        self._dept_spelling: dict[str, tuple[str, str]] = {}
        for short in {d.department_short for d in self.docs if d.department_short}:
            syllables = [s for _, _, s in py.tokens(normalize(short), table)]
            self._dept_spelling[short] = ("".join(syllables), "".join(s[0] for s in syllables))
        self._core_fillers = fillers_pattern(lexicon.fillers)
        self._lexicon = lexicon
        self._words: words.SentenceIndex | None = None  # built on first use: see words()
        self._words_lock = threading.Lock()
        self.stats = IndexStats(size, (time.perf_counter() - started) * 1000, table.converted)
        self.words_ms = 0.0  # the sentence index's build, once it is built

    # ------------------------------------------------------------------ the sentence index

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_words"] = None  # rebuilt on first use: cheaper than unpickling it
        del state["_words_lock"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._words_lock = threading.Lock()

    def _groups(self) -> tuple[Group, ...]:
        return (
            self._name,
            self._alias,
            self._english,
            self._theme,
            self._dept,
            self._py,
            self._ini,
        )

    def _pinyin_entry(self, text: str, source: int, table: py.PinyinTable) -> PinyinEntry | None:
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
        return PinyinEntry(
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
        doc_id = self._by_code.get(code_key(code))
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
        results = Results(limit)
        stages = self._han_stages(text) if py.has_han(text) else self._ascii_stages(text)
        for weak, stage in stages:
            if weak and (results.strong >= ENOUGH_STRONG or results.top >= EXACT):
                break  # real matches are not padded with guesses
            stage(mask & ~results.taken(), results)
            if results.full():
                break
        return results.ranked()

    # ------------------------------------------------------------------ stage plans

    def _han_stages(self, text: str) -> list[Stage]:
        q = "".join(text.split())
        stages: list[Stage] = [
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
            stages.append((True, shifted(lambda m, r: self._name_substring(core, m, r), shift)))
            stages.append((True, shifted(lambda m, r: self._alias_substring(core, m, r), shift)))
            if len(core) >= 2:
                stages.append((True, shifted(lambda m, r: self._subsequence(core, m, r), shift)))
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

    def _ascii_stages(self, text: str) -> list[Stage]:
        compact = "".join(c for c in text if c.isalnum())
        stages: list[Stage] = []
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
