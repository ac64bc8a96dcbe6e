"""Sorted suffixes of pinyin and English texts, walked for the strings one typo from a query."""

from __future__ import annotations

import bisect
from collections.abc import Iterator

TOP = "\U0010ffff"  # sorts after every character: `key < prefix + TOP` ⇔ within the prefix


class Suffixes:
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
            head: (lo, bisect.bisect_left(self.keys, head + TOP, lo)) for head, lo in starts.items()
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
        return a, bisect.bisect_left(keys, prefix + TOP, a, hi)

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
