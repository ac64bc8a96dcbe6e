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
        # where a term is in a name, an alias, a theme or a result (not only in a material or a
        # condition): those documents are the candidates a common term brings in
        main = WEIGHTS.field_theme
        self.primary = {t: {d: f for d, f in p.items() if f >= main} for t, p in postings.items()}
        # a term every item's materials mention (申请人身份证明) still tells much when it is in
        # a name: a document that holds it only in a minor field counts for a fraction
        minor = WEIGHTS.sentence_minor_df
        n = max(1, self.size)
        self.idf = {}
        for t, p in postings.items():
            df = len(self.primary[t]) + minor * (len(p) - len(self.primary[t]))
            self.idf[t] = math.log(1 + (n - df + 0.5) / (df + 0.5))
        self.rare = max(48, self.size // 40)
        self._fillers = _alternation(lexicon.fillers)
        self._fillers_en = frozenset(lexicon.fillers_en)
        means: dict[str, tuple[str, ...]] = {}
        spelled_means: dict[tuple[str, ...], tuple[str, ...]] = {}
        for entry in lexicon.synonyms:
            for say in entry.say:
                key = " ".join(_WORD.findall(say.lower())) if say.isascii() else say
                means[key] = means.get(key, ()) + entry.means
                if not say.isascii():
                    syllables = tuple(s for _, _, s in py.tokens(say, table))
                    if len(syllables) >= 2:
                        spelled_means[syllables] = spelled_means.get(syllables, ()) + entry.means
        self._means = means
        self._says = _alternation(k for k in means if not k.isascii())
        self._says_en = _alternation(k for k in means if k.isascii())
        self._spelled_means = spelled_means
        self._spelled_fillers = sorted(
            {tuple(s for _, _, s in py.tokens(f, table)) for f in lexicon.fillers if len(f) >= 2},
            key=len,
            reverse=True,
        )
        self._syllables = frozenset(
            s for t in postings if " " in t for s in t.split(" ")
        ) | frozenset(s for k in spelled_means for s in k)

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
        means: list[str] = []
        for key, words in self._spelled_means.items():
            if _find(syllables, key) >= 0:
                means.extend(words)
        chunks: list[list[str]] = [syllables]
        for filler in self._spelled_fillers:
            pieces: list[list[str]] = []
            for chunk in chunks:
                pieces.extend(_split(chunk, filler))
            chunks = pieces
        previous: list[str] = []
        cut = len(chunks) > 1
        for chunk in chunks:
            if previous and chunk:
                _put(out, f"{previous[-1]} {chunk[0]}", WEIGHTS.sentence_skip_pair)
            for a, b in pairwise(chunk):
                _put(out, f"{a} {b}", 1.0)
            if chunk:
                previous = chunk
        return means, cut

    # ------------------------------------------------------------------ scoring

    def match(self, terms: dict[str, float], allowed: int, limit: int) -> list[Match]:
        """The best `limit` documents among `allowed` (a bitset), best first."""
        known = [(t, w) for t, w in terms.items() if t in self.postings]
        if not known:
            return []
        idf = self.idf
        total = sum(idf[t] * w for t, w in known)
        known.sort(key=lambda tw: -idf[tw[0]])
        # candidates: the documents of the rarest terms first (all of a short posting, else
        # those holding the term in a main field, in preference order), up to a cap
        rare, cap = self.rare, WEIGHTS.sentence_candidates
        candidates: dict[int, None] = {}
        for term, _ in known:
            posting = self.postings[term]
            if len(posting) > rare:
                posting = self.primary[term]
            for k, doc in enumerate(posting):
                if k >= rare:
                    break
                if doc not in candidates and (allowed >> doc) & 1:
                    candidates[doc] = None
            if len(candidates) >= cap:
                break
        acc: dict[int, float] = dict.fromkeys(candidates, 0.0)
        name_hits: dict[int, int] = dict.fromkeys(candidates, 0)
        hit_terms: dict[int, list[str]] = {d: [] for d in candidates}
        name_weight = WEIGHTS.field_name
        for term, weight in known:
            posting = self.postings[term]
            gain = idf[term] * weight
            pairs: Iterable[tuple[int, float]]
            if len(posting) < len(acc):
                pairs = [(d, f) for d, f in posting.items() if d in acc]
            else:
                pairs = [(d, posting[d]) for d in acc if d in posting]
            for doc, field in pairs:
                acc[doc] += gain * field
                if field >= name_weight:
                    name_hits[doc] += 1
                hit_terms[doc].append(term)
        share = WEIGHTS.sentence_name_share
        scored = [
            (
                (1 - share) * acc[d] / total + share * min(1.0, name_hits[d] / self.name_terms[d]),
                d,
            )
            for d in acc
        ]
        scored.sort(key=lambda sd: (-sd[0], sd[1]))
        return [Match(d, s, tuple(hit_terms[d])) for s, d in scored[:limit]]


def _find(seq: Sequence[str], key: Sequence[str]) -> int:
    n = len(key)
    for i in range(len(seq) - n + 1):
        if tuple(seq[i : i + n]) == tuple(key):
            return i
    return -1


def _split(chunk: list[str], filler: tuple[str, ...]) -> list[list[str]]:
    out: list[list[str]] = []
    rest = chunk
    while True:
        at = _find(rest, filler)
        if at < 0:
            out.append(rest)
            return out
        out.append(rest[:at])
        rest = rest[at + len(filler) :]
