"""The hits a query collects, stage by stage: best per document, and how many are real."""

from __future__ import annotations

from collections.abc import Callable

from clerk.catalog.search.hits import Hit
from clerk.catalog.weights import WEIGHTS

#: Hits scoring at least this are real matches; the typo-tolerant stages run only without one.
STRONG = WEIGHTS.strong
#: With this many real matches the guessing stages (sentence words, homophones, character
#: overlap, typos, department and theme context) are skipped.
ENOUGH_STRONG = WEIGHTS.enough_strong
#: A hit this good (a code, a whole name or the start of one) means the clerk typed what they
#: meant; no guessing stages then either.
EXACT = WEIGHTS.exact

Stage = tuple[bool, "Callable[[int, Results], None]"]


class Results:
    """The best hit per document so far, and how many of them are real matches."""

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


def shifted(
    stage: Callable[[int, Results], None], penalty: float
) -> Callable[[int, Results], None]:
    """Run `stage` and add its hits `penalty` points lower."""

    def run(mask: int, results: Results) -> None:
        inner = Results(results.limit)
        stage(mask, inner)
        for doc_id, hit in inner.best.items():
            hit.score -= penalty
            results.add(doc_id, hit)

    return run
