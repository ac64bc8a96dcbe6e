"""Sentence search (整句检索): a query read as words, documents ranked by how well they cover it.

Applicants say what happened to them (老公去世了要领抚恤金, 开一家书店要什么材料, how do I
register a birth), not item names. This stage reads such a query as terms and ranks documents
by the share of the query's weight they cover (IDF-weighted, BM25-like; every field of a
document counts once, at the weight of the best field that holds the term).

Terms, without a segmenter: character pairs (bigrams) of each run of Chinese text; pairs of
pinyin syllables for pinyin typed with or without spaces (`kai shudian`); stems of English words
(`registration` and `register` → `regis`). Before that, the catalog's lexicon (lexicon.json)
speaks: its fillers (我/想/要/一家/需要什么材料 …) are cut out of the query, splitting it into
chunks (a pair across a cut still counts, at a lower weight: 开一家书店 → 开书), and its
synonyms add the words they mean (去世 → 身后事 丧葬 抚恤金; birth → 出生).

Why not jieba: measured on this machine, `import jieba` plus its dictionary cost 3.1–4.3 s on
first use (rjieba: 0.5 s to import), against a 150 ms budget for loading the whole catalog;
character pairs cost nothing to load and match phrases a dictionary would split wrongly
(jieba reads 要领 in 老公去世了要领抚恤金).

Speed: terms are looked up rarest first; documents holding a rare term are scored in full, the
common terms only add to those candidates, so a query costs about the length of its rarest
postings, not of all of them.
"""

from __future__ import annotations

import heapq
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from clerk.catalog import pinyin as py
from clerk.catalog.lexicon import Lexicon
from clerk.catalog.weights import WEIGHTS

#: A document's texts for this stage: (text, field weight), and spelled texts (syllables).
Texts = Sequence[tuple[str, float]]
Spelled = Sequence[tuple[Sequence[str], float]]

_HAN_RUN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile("[a-z0-9]+")
_SUFFIXES = ("ations", "ation", "ings", "ing", "ers", "er", "ed", "es", "s", "e")
_STEM = 5


def stem(word: str) -> str:
    """A crude English stem: common endings dropped, then the first five letters
    (registration, register, registered → regis; licence, license → licen)."""
    for suffix in _SUFFIXES:
        if len(word) - len(suffix) >= 3 and word.endswith(suffix):
            word = word[: -len(suffix)]
            break
    return word[:_STEM]


def _han_pairs(chunks: Sequence[str], weight: float, out: dict[str, float]) -> None:
    """Pairs within each chunk at `weight`; the pair across two neighbouring chunks lower."""
    previous = ""
    for chunk in chunks:
        if previous and chunk:
            _put(out, previous[-1] + chunk[0], weight * WEIGHTS.sentence_skip_pair)
        for i in range(len(chunk) - 1):
            _put(out, chunk[i : i + 2], weight)
        if chunk:
            previous = chunk
    if len(chunks) == 1 and len(chunks[0]) == 1:
        _put(out, chunks[0], weight * WEIGHTS.sentence_single)


def _put(out: dict[str, float], term: str, weight: float) -> None:
    if weight > out.get(term, 0.0):
        out[term] = weight


def _alternation(words: Iterable[str]) -> re.Pattern[str] | None:
    ordered = sorted({w for w in words if w}, key=lambda w: (-len(w), w))
    if not ordered:
        return None
    return re.compile("|".join(re.escape(w) for w in ordered))


@dataclass(slots=True)
class Match:
    doc: int
    score: float  # 0..1: the share of the query covered, with the name's own share
    terms: tuple[str, ...]  # the query's Chinese pairs the document holds (for highlighting)


class SentenceIndex:
    """Built once from every document's texts; `match()` is read-only (thread-safe)."""

    def __init__(
        self,
        texts: Sequence[Texts],
        spelled: Sequence[Spelled],
        lexicon: Lexicon,
        table: py.PinyinTable,
    ) -> None:
        self.size = len(texts)
        postings: dict[str, dict[int, float]] = {}
        self.name_terms: list[int] = []
        for doc, fields in enumerate(texts):
            terms: dict[str, float] = {}
            name: set[str] = set()
            for text, weight in fields:
                for term in self._text_terms(text):
                    _put(terms, term, weight)
                    if weight >= WEIGHTS.field_name:
                        name.add(term)
            for syllables, weight in spelled[doc]:
                for i in range(len(syllables) - 1):
                    _put(terms, f"{syllables[i]} {syllables[i + 1]}", weight)
            self.name_terms.append(max(1, len(name)))
            for term, weight in terms.items():
                postings.setdefault(term, {})[doc] = weight
        self.postings = postings
        self.rare = max(48, self.size // 40)
        # where a term is in a name, an alias, a theme or a result (not only in a material or a
        # condition): those documents are the candidates a common term brings in
        main = WEIGHTS.field_theme
        primary = {t: {d: f for d, f in p.items() if f >= main} for t, p in postings.items()}
        # a term every item's materials mention (申请人身份证明) still tells much when it is in
        # a name: a document that holds it only in a minor field counts for a fraction
        minor = WEIGHTS.sentence_minor_df
        n = max(1, self.size)
        self.idf = {}
        for t, p in postings.items():
            df = len(primary[t]) + minor * (len(p) - len(primary[t]))
            self.idf[t] = math.log(1 + (n - df + 0.5) / (df + 0.5))
        # each term's first documents in preference order, where candidates come from: all of a
        # short posting, else those holding the term in a main field
        self.heads = {
            t: tuple(p if len(p) <= self.rare else primary[t])[: self.rare]
            for t, p in postings.items()
        }
        self._fillers = _alternation(lexicon.fillers)
        self._fillers_en = frozenset(lexicon.fillers_en)
        means: dict[str, tuple[str, ...]] = {}
        spelled_means: dict[str, tuple[str, ...]] = {}
        for entry in lexicon.synonyms:
            for say in entry.say:
                key = " ".join(_WORD.findall(say.lower())) if say.isascii() else say
                means[key] = means.get(key, ()) + entry.means
                if not say.isascii():
                    syllables = [s for _, _, s in py.tokens(say, table)]
                    if len(syllables) >= 2:
                        key = " ".join(syllables)
                        spelled_means[key] = spelled_means.get(key, ()) + entry.means
        self._means = means
        self._says = _alternation(k for k in means if not k.isascii())
        self._says_en = _alternation(k for k in means if k.isascii())
        self._spelled_means = spelled_means
        self._spelled_says = _spoken(spelled_means)
        self._spelled_fillers = _spoken(
            " ".join(s for _, _, s in py.tokens(f, table)) for f in lexicon.fillers if len(f) >= 2
        )
        self._syllables = frozenset(s for t in postings if " " in t for s in t.split(" ")) | {
            s for k in spelled_means for s in k.split(" ")
        }

    @staticmethod
    def _text_terms(text: str) -> set[str]:
        out: set[str] = set()
        for run in _HAN_RUN.findall(text):
            out.update(run[i : i + 2] for i in range(len(run) - 1))
            if len(run) == 1:
                out.add(run)
        out.update("e:" + stem(w) for w in _WORD.findall(text) if not w.isdigit())
        return out

    # ------------------------------------------------------------------ the query

    def terms(self, query: str) -> tuple[dict[str, float], bool]:
        """The query's terms with their weights (1 for what was said, less for what the lexicon
        inferred or for a pair across a cut filler), and whether it reads as a sentence: the
        lexicon cut a filler out of it, or it is longer than a name is typed (a synonym alone
        does not count: `shiye` is a word, not a sentence)."""
        out: dict[str, float] = {}
        expanded: list[str] = []
        cut = False
        for run in _HAN_RUN.findall(query):
            if self._says is not None:
                expanded.extend(w for m in self._says.finditer(run) for w in self._means[m[0]])
            chunks = self._fillers.split(run) if self._fillers is not None else [run]
            cut = cut or len(chunks) > 1 or len(run) >= WEIGHTS.sentence_length
            _han_pairs([c for c in chunks if c], 1.0, out)
        ascii_part = " ".join(_WORD.findall(query))
        if ascii_part:
            if self._says_en is not None:
                for m in self._says_en.finditer(ascii_part):
                    whole = (m.start() == 0 or ascii_part[m.start() - 1] == " ") and (
                        m.end() == len(ascii_part) or ascii_part[m.end()] == " "
                    )
                    if whole:
                        expanded.extend(self._means[m[0]])
            said = ascii_part.split()
            words = [w for w in said if w not in self._fillers_en]
            cut = cut or len(words) < len(said) or len(said) >= WEIGHTS.sentence_words
            for word in words:
                if not word.isdigit():
                    _put(out, "e:" + stem(word), 1.0)
            means, spelled_cut = self._spelled_terms(ascii_part.replace(" ", ""), out)
            expanded.extend(means)
            cut = cut or spelled_cut
        for word in expanded:
            _han_pairs([word], WEIGHTS.sentence_synonym, out)
        return out, cut

    def _spelled_terms(self, letters: str, out: dict[str, float]) -> tuple[list[str], bool]:
        """Pinyin: syllables (longest known first; an unreadable letter is skipped, so a typo
        costs only its own syllable), fillers cut, pairs of neighbours; returns the words the
        lexicon's synonyms add and whether a filler was cut."""
        syllables: list[str] = []
        i = 0
        known = self._syllables
        while i < len(letters):
            for k in range(min(6, len(letters) - i), 0, -1):
                if letters[i : i + k] in known:
                    syllables.append(letters[i : i + k])
                    i += k
                    break
            else:
                i += 1
        if len(syllables) < 2:
            return [], False
        spoken = " ".join(syllables)
        means: list[str] = []
        if self._spelled_says is not None:
            for m in self._spelled_says.finditer(spoken):
                means.extend(self._spelled_means[m[0]])
        pieces = self._spelled_fillers.split(spoken) if self._spelled_fillers else [spoken]
        chunks = [piece.split() for piece in pieces]
        chunks = [chunk for chunk in chunks if chunk]
        previous: list[str] = []
        cut = len(pieces) > 1
        for chunk in chunks:
            if previous:
                _put(out, f"{previous[-1]} {chunk[0]}", WEIGHTS.sentence_skip_pair)
            for a, b in pairwise(chunk):
                _put(out, f"{a} {b}", 1.0)
            previous = chunk
        return means, cut

    # ------------------------------------------------------------------ scoring

    def match(
        self, terms: dict[str, float], allowed: int, everything: int, limit: int
    ) -> list[Match]:
        """The best `limit` documents among `allowed` (a bitset; `everything` is all of them),
        best first."""
        postings = self.postings
        known = [(t, w) for t, w in terms.items() if t in postings]
        if not known:
            return []
        idf = self.idf
        total = sum(idf[t] * w for t, w in known)
        known.sort(key=lambda tw: -idf[tw[0]])
        left_out = everything & ~allowed
        blocked: set[int] | None = None
        if left_out.bit_count() <= 64:  # a few already-found documents: a set beats bit tests
            blocked = set()
            while left_out:
                low = left_out & -left_out
                blocked.add(low.bit_length() - 1)
                left_out ^= low
        # candidates: the first documents of the rarest terms (in preference order), up to a cap
        cap = WEIGHTS.sentence_candidates
        acc: dict[int, float] = {}
        for term, _ in known:
            for doc in self.heads[term]:
                if doc in acc:
                    continue
                if (doc in blocked) if blocked is not None else not (allowed >> doc) & 1:
                    continue
                acc[doc] = 0.0
            if len(acc) >= cap:
                break
        if not acc:
            return []
        names: dict[int, int] = dict.fromkeys(acc, 0)
        name_weight = WEIGHTS.field_name
        for term, weight in known:
            posting = postings[term]
            gain = idf[term] * weight
            if len(posting) < len(acc):
                for doc, field in posting.items():
                    if doc in acc:
                        acc[doc] += gain * field
                        if field >= name_weight:
                            names[doc] += 1
            else:
                for doc in acc:
                    field = posting.get(doc, 0.0)
                    if field:
                        acc[doc] += gain * field
                        if field >= name_weight:
                            names[doc] += 1
        share = WEIGHTS.sentence_name_share
        cover, whole = (1 - share) / total, self.name_terms
        best = heapq.nsmallest(
            limit,
            ((-(cover * a + share * min(1.0, names[d] / whole[d])), d) for d, a in acc.items()),
        )
        return [Match(d, -s, tuple(t for t, _ in known if d in postings[t])) for s, d in best]


def _spoken(phrases: Iterable[str]) -> re.Pattern[str] | None:
    """Spelled phrases ("wo yao") as whole syllables in a spaced syllable string."""
    ordered = sorted({p for p in phrases if " " in p}, key=lambda p: (-len(p), p))
    if not ordered:
        return None
    return re.compile("(?<![^ ])(?:" + "|".join(re.escape(p) for p in ordered) + ")(?![^ ])")
