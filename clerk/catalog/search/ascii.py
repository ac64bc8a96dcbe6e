"""Stages for a query in Latin letters: codes, the English name, one-letter typos."""

from __future__ import annotations

import bisect
from collections.abc import Callable

from clerk.catalog.search.bitsets import bits
from clerk.catalog.search.hits import CODE, ENGLISH, FUZZY, Hit, Span
from clerk.catalog.search.pinyin_stages import PinyinStages
from clerk.catalog.search.results import STRONG, Results
from clerk.catalog.search.suffixes import Suffixes
from clerk.catalog.search.text import code_span, english_span
from clerk.catalog.weights import WEIGHTS


class AsciiStages(PinyinStages):
    def _code(self, compact: str, text: str, mask: int, results: Results) -> None:
        doc_id = self._by_code.get(compact)
        if doc_id is not None and (mask >> doc_id) & 1:
            doc = self.docs[doc_id]
            results.add(
                doc_id, Hit(doc, WEIGHTS.code_whole, CODE, (), doc.code, ((0, len(doc.code)),))
            )
        if any(c.isdigit() for c in compact) or "-" in text:
            self._code_prefix(compact, mask, results, WEIGHTS.code_prefix)
        elif compact in self._dept_ids:
            self._code_prefix(compact, mask, results, WEIGHTS.code_department)  # SCJG
        # other letters-only prefixes rank below pinyin (see _code_prefix_letters)

    def _code_prefix(self, compact: str, mask: int, results: Results, base: float) -> None:
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
            shown = code_span(doc.code, len(compact))
            extra = min(len(key) - len(compact), WEIGHTS.code_extra_cap)
            score = base - extra * WEIGHTS.code_extra_step
            results.add(doc_id, Hit(doc, score, CODE, (), doc.code, ((0, shown),)))

    def _code_prefix_letters(self, compact: str, mask: int, results: Results) -> None:
        if compact.isalpha() and len(compact) >= 2:
            self._code_prefix(compact, mask, results, WEIGHTS.code_letters)

    def _english_match(self, text: str, mask: int, results: Results) -> None:
        if len(text) < 2:
            return
        cands = self._english.candidates(text) & mask
        cap = results.limit + 5
        seen = 0
        for doc_id in bits(cands):
            english = self._english.texts[self._english.ranges[doc_id][0]]
            pos = english.find(text)
            while pos > 0 and english[pos - 1].isalnum():
                pos = english.find(text, pos + 1)
            if pos < 0:
                pos = english.find(text) if len(text) >= 4 else -1
                if pos < 0:
                    continue
                score = WEIGHTS.english_inner
            elif english == text:
                score = WEIGHTS.english_whole
            elif pos == 0:
                score = WEIGHTS.english_prefix
            else:
                score = WEIGHTS.english_word
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
                    english_span(original, english, pos, len(text)),
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
        for doc_id in bits(cands):
            english = self._english.texts[self._english.ranges[doc_id][0]]
            spans: list[Span] = []
            for word in words:
                pos = english.find(word)
                while pos > 0 and english[pos - 1].isalnum():
                    pos = english.find(word, pos + 1)
                if pos < 0:
                    break
                spans.extend(english_span(self.docs[doc_id].name_en, english, pos, len(word)))
            else:
                doc = self.docs[doc_id]
                results.add(
                    doc_id,
                    Hit(
                        doc,
                        WEIGHTS.english_words,
                        ENGLISH,
                        (),
                        doc.name_en,
                        tuple(sorted(set(spans))),
                    ),
                )
                seen += 1
                if seen >= cap:
                    return

    def _fuzzy_ascii(self, text: str, compact: str, mask: int, results: Results) -> None:
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
                    results.add(
                        doc_id, Hit(doc, WEIGHTS.code_typo - distance, FUZZY, (), doc.code, ())
                    )
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
        suffixes: Suffixes,
        mask: int,
        results: Results,
        hit: Callable[[int, int, int, float], Hit],
        owner: list[int],
    ) -> None:
        """Texts holding `q` with one typo, from a syllable or word start. The narrowest
        readings are looked at first (a rarer string is the likelier meaning) and at most
        `budget` suffixes in all, so a short, common query stays as fast as a long one; of
        what was found, the best `limit + 5` documents become hits."""
        budget = WEIGHTS.typo_budget
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
        score = WEIGHTS.typo_pinyin + rank
        end = min(len(entry.full), offset + max(1, length))
        return self._pinyin_hit(doc_id, entry, score, FUZZY, entry.full_span(offset, end))

    def _typo_english_hit(self, e: int, offset: int, length: int, rank: float) -> Hit:
        doc = self.docs[self._english.owner[e]]
        text = self._english.texts[e]
        spans = english_span(doc.name_en, text, offset, min(length, len(text) - offset))
        score = WEIGHTS.typo_english + rank
        return Hit(doc, score, FUZZY, (), doc.name_en, spans)
