"""Stages for a query in Chinese characters: name, alias, in order, context, homophones."""

from __future__ import annotations

from clerk.catalog import pinyin as py
from clerk.catalog.search.bitsets import at_least_counted, bits, count, iter_pools
from clerk.catalog.search.hits import ALIAS, DEPARTMENT, FUZZY, NAME, THEME, Hit
from clerk.catalog.search.pinyin_stages import PinyinStages
from clerk.catalog.search.results import Results
from clerk.catalog.search.text import in_order, runs
from clerk.catalog.weights import WEIGHTS


class HanStages(PinyinStages):
    def _name_substring(self, q: str, mask: int, results: Results) -> None:
        w = WEIGHTS
        cands = self._name.candidates(q) & mask
        if not cands:
            return
        cap = results.limit + 5
        prefix = cands & self._name.start.get(q[0], 0)
        seen = 0
        for doc_id in iter_pools(prefix, cands & ~prefix):
            name = self._names[doc_id]
            pos = name.find(q)
            if pos < 0:
                continue
            if pos == 0:
                if len(name) == len(q):
                    score = w.name_whole
                else:
                    extra = min(len(name) - len(q), w.name_extra_cap)
                    score = w.name_prefix - extra * w.name_extra_step
            else:
                score = (
                    w.name_inner
                    - min(pos, w.name_inner_pos_cap) * w.name_inner_pos_step
                    - min(len(name), w.name_length_cap) * w.name_length_step
                )
            results.add(doc_id, Hit(self.docs[doc_id], score, NAME, ((pos, pos + len(q)),)))
            seen += 1
            if seen >= cap:
                return

    def _alias_substring(self, q: str, mask: int, results: Results) -> None:
        w = WEIGHTS
        cands = self._alias.candidates(q) & mask
        exact = self._alias_exact.get(q, 0) & cands  # whole aliases first, wherever they rank
        cap = results.limit + 5
        seen = 0
        for doc_id in iter_pools(exact, cands & ~exact):
            best: tuple[float, int, int] | None = None
            for i, alias in enumerate(self._aliases[doc_id]):
                pos = alias.find(q)
                if pos < 0:
                    continue
                if alias == q:
                    score = w.alias_whole
                elif pos == 0:
                    extra = min(len(alias) - len(q), w.alias_extra_cap)
                    score = w.alias_prefix - extra * w.alias_extra_step
                else:
                    score = w.alias_inner - min(pos, w.alias_inner_pos_cap) * w.alias_inner_pos_step
                if best is None or score > best[0]:
                    best = (score, i, pos)
            if best is None:
                continue
            score, i, pos = best
            doc = self.docs[doc_id]
            spans = runs(p for p, c in enumerate(self._names[doc_id]) if c in q)
            results.add(
                doc_id,
                Hit(doc, score, ALIAS, spans, doc.aliases[i], ((pos, pos + len(q)),)),
            )
            seen += 1
            if seen >= cap:
                return

    def _subsequence(self, q: str, mask: int, results: Results) -> None:
        """Abbreviations: every character of the query, in order (失业金 → 失业保险金申领)."""
        w = WEIGHTS
        name_cands = mask
        for posting in self._name.chars(q):
            name_cands &= posting
        alias_cands = mask
        for posting in self._alias.chars(q):
            alias_cands &= posting
        cap = results.limit + 5
        seen = 0
        for doc_id in bits(name_cands | alias_cands):
            doc = self.docs[doc_id]
            name = self._names[doc_id]
            positions = in_order(q, name)
            if positions is not None:
                gaps = positions[-1] - positions[0] + 1 - len(q)
                score = (
                    w.subsequence_name
                    - min(gaps, w.subsequence_gap_cap) * w.subsequence_gap_step
                    - min(positions[0], w.subsequence_start_cap) * w.subsequence_start_step
                )
                results.add(doc_id, Hit(doc, score, NAME, runs(positions)))
            else:
                for i, alias in enumerate(self._aliases[doc_id]):
                    positions = in_order(q, alias)
                    if positions is None:
                        continue
                    gaps = positions[-1] - positions[0] + 1 - len(q)
                    gap = min(gaps, w.subsequence_gap_cap) * w.subsequence_gap_step
                    score = w.subsequence_alias - gap
                    spans = runs(p for p, c in enumerate(name) if c in q)
                    results.add(
                        doc_id, Hit(doc, score, ALIAS, spans, doc.aliases[i], runs(positions))
                    )
                    break
                else:
                    continue
            seen += 1
            if seen >= cap:
                return

    def _context(self, q: str, mask: int, results: Results) -> None:
        """The query names a theme (一件事) the item belongs to, or its department."""
        cap = results.limit + 5
        seen = 0
        for group, field_name, score in (
            (self._theme, THEME, WEIGHTS.context_theme),
            (self._dept, DEPARTMENT, WEIGHTS.context_department),
        ):
            for doc_id in bits(group.candidates(q) & mask):
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

    def _homophone(self, q: str, mask: int, results: Results) -> None:
        """A wrong character with the right sound (身分证 for 身份证): match by pinyin."""
        syllables = [self._char_syllable.get(c) for c in q if py.is_han(c)]
        if not syllables or any(s is None for s in syllables):
            return
        self._pinyin(
            "".join(s for s in syllables if s), mask, results, -WEIGHTS.homophone_shift, FUZZY
        )

    def _overlap(self, q: str, mask: int, results: Results) -> None:
        """Most of the query's characters in the name or an alias, in any order."""
        w = WEIGHTS
        chars = list(dict.fromkeys(q))
        n = len(chars)
        if n < 3:
            return
        postings = [self._name.uni.get(c, 0) | self._alias.uni.get(c, 0) for c in chars]
        cap = results.limit
        seen = 0
        floor = n - 1 if n < 6 else n - 2
        taken = 0
        slices = count(postings)
        for need in range(n, floor - 1, -1):
            pool = at_least_counted(slices, need, self._all) & mask & ~taken
            taken |= pool
            for doc_id in bits(pool):
                doc = self.docs[doc_id]
                name = self._names[doc_id]
                texts = (name, *self._aliases[doc_id])
                counts = [sum(1 for c in chars if c in t) for t in texts]
                best = max(range(len(texts)), key=lambda i: counts[i])
                covered = sum(1 for c in chars if any(c in t for t in texts))
                # characters found anywhere in the item's names, then the best single text
                score = (
                    w.overlap_base
                    + w.overlap_covered * covered / n
                    + w.overlap_best_text * counts[best] / n
                )
                if best == 0:
                    hit = Hit(doc, score, FUZZY, runs(p for p, c in enumerate(name) if c in chars))
                else:
                    alias = self._aliases[doc_id][best - 1]
                    hit = Hit(
                        doc,
                        score,
                        FUZZY,
                        runs(p for p, c in enumerate(name) if c in chars),
                        doc.aliases[best - 1],
                        runs(p for p, c in enumerate(alias) if c in chars),
                    )
                results.add(doc_id, hit)
                seen += 1
                if seen >= cap:
                    return
