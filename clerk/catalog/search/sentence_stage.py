"""The sentence stage: what the applicant said, read as words (clerk/catalog/sentence.py)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from clerk.catalog import pinyin as py
from clerk.catalog import sentence as words
from clerk.catalog.search.bitsets import gc_paused
from clerk.catalog.search.hits import WORDS, Hit, SearchDoc
from clerk.catalog.search.parts import IndexParts
from clerk.catalog.search.results import Results
from clerk.catalog.search.text import normalize, runs
from clerk.catalog.weights import WEIGHTS

log = logging.getLogger("clerk.catalog.search")


class SentenceStage(IndexParts):
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
                with gc_paused():
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
            [sentence_texts(d, self._names[i], self._aliases[i]) for i, d in enumerate(self.docs)],
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
        results: Results,
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
            spans = runs(p for p, c in enumerate(name) if c in chars)
            score = base + w.sentence_span * match.score
            results.add(match.doc, Hit(self.docs[match.doc], score, WORDS, spans))


def sentence_texts(doc: SearchDoc, name: str, aliases: tuple[str, ...]) -> words.Texts:
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
