"""Stages that read pinyin: full, initials, syllable starts in a row, a spelled department."""

from __future__ import annotations

import re

from clerk.catalog.search.bitsets import bits, bitset, iter_pools
from clerk.catalog.search.fields import PinyinEntry
from clerk.catalog.search.hits import DEPARTMENT, INITIALS, PINYIN, Hit, Span
from clerk.catalog.search.parts import IndexParts
from clerk.catalog.search.results import Results
from clerk.catalog.weights import WEIGHTS


def match_entry(q: str, entry: PinyinEntry) -> tuple[float, str, int, int] | None:
    """(score, PINYIN or INITIALS, offset, length) of q in one pinyin entry, or None."""
    w = WEIGHTS
    alias = entry.source >= 0
    full = entry.full
    pos = full.find(q)
    if pos > 0:
        starts = entry.starts  # a handful: a tuple scan beats hashing
        while pos >= 0 and pos not in starts:
            pos = full.find(q, pos + 1)
    if pos >= 0:
        if pos == 0:
            score = w.pinyin_alias_start if alias else w.pinyin_name_start
        else:
            if alias:
                score = w.pinyin_alias_inner
            else:
                before = min(entry.token_at(pos), w.pinyin_pos_cap)
                score = w.pinyin_name_inner - before * w.pinyin_pos_step
        return score, PINYIN, pos, len(q)
    if len(q) >= 2:
        pos = entry.initials.find(q)
        if pos >= 0:
            if pos == 0:
                score = w.initials_alias_start if alias else w.initials_name_start
            else:
                if alias:
                    score = w.initials_alias_inner
                else:
                    score = w.initials_name_inner - min(pos, w.pinyin_pos_cap) * w.pinyin_pos_step
            return score, INITIALS, pos, len(q)
    return None


def mixed_pattern(query: str) -> re.Pattern[str]:
    """Syllable prefixes in a row over syllables written with spaces ("shi pin jing ying"):
    after the first letter each letter either goes on in the same syllable or, skipping the
    rest of it, starts the next one (`shipjy`: shi·p·j·y). The match starts at a syllable."""
    letters = [re.escape(c) for c in query]
    return re.compile(
        "(?<![^ \n])" + letters[0] + "".join(f"(?:{c}|[^ \n]* {c})" for c in letters[1:])
    )


class PinyinStages(IndexParts):
    def _pinyin(
        self,
        q: str,
        mask: int,
        results: Results,
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
                full_cands = bitset({owner[where[k][1]] for k in range(lo, hi)}, self._size)
            else:
                full_cands = self._py.candidates(q)
            full_cands &= mask
        cands = full_cands | (self._ini.candidates(q) & mask)
        # names that start like the query first: that is where the best (prefix) matches are
        first = self._name_py_start.get(("1:" if len(q) == 1 else "2:") + q[:2], 0)
        entries = self._py_entries
        seen = 0
        for doc_id in iter_pools(cands & first, cands & ~first):
            best: tuple[float, str, int, int, PinyinEntry] | None = None
            for e in self._py.entries(doc_id):
                entry = entries[e]
                found = match_entry(q, entry)
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
        self, doc_id: int, entry: PinyinEntry, score: float, field_name: str, span: Span
    ) -> Hit:
        doc = self.docs[doc_id]
        if entry.source < 0:
            return Hit(doc, score, field_name, (span,))
        return Hit(doc, score, field_name, (), doc.aliases[entry.source], (span,))

    def _pinyin_mixed(self, q: str, mask: int, results: Results) -> None:
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
        budget = WEIGHTS.mixed_budget
        seen = 0
        pattern = mixed_pattern(q)
        spaced = self._py_spaced
        for doc_id in bits(cands):
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
            score = (WEIGHTS.mixed_start if first == 0 else WEIGHTS.mixed_inner) - (
                WEIGHTS.mixed_alias_drop if entry.source >= 0 else 0.0
            )
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

    def _dept_pinyin(self, q: str, mask: int, results: Results) -> None:
        """`gongan`, `ga`: items of the department whose short name is spelled."""
        if not q.isalpha() or len(q) < 2:
            return
        matched = {dept for dept, spelled in self._dept_spelling.items() if q in spelled}
        cap = results.limit + 5
        seen = 0
        for dept in sorted(matched):
            for doc_id in bits(self._filters.get(("dept", dept), 0) & mask):
                doc = self.docs[doc_id]
                results.add(
                    doc_id,
                    Hit(doc, WEIGHTS.department_pinyin, DEPARTMENT, (), doc.department_short),
                )
                seen += 1
                if seen >= cap:
                    return
