"""Python integers as bitsets of document numbers: building, walking, counting."""

from __future__ import annotations

import gc
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager


def bitset(ids: Collection[int], size: int) -> int:
    if len(ids) < 32:  # most postings are short: a few shifts beat filling a buffer
        x = 0
        for i in ids:
            x |= 1 << i
        return x
    buf = bytearray((size + 8) // 8)
    for i in ids:
        buf[i >> 3] |= 1 << (i & 7)
    return int.from_bytes(buf, "little")


def bits(x: int) -> Iterator[int]:
    """Set bits, lowest first."""
    while x:
        low = x & -x
        yield low.bit_length() - 1
        x ^= low


def iter_pools(*pools: int) -> Iterator[int]:
    for pool in pools:
        yield from bits(pool)


def at_least(postings: Sequence[int], m: int, everything: int) -> int:
    """Documents present in at least `m` of `postings` (bit-sliced counting)."""
    return at_least_counted(count(postings), m, everything)


def count(postings: Sequence[int]) -> list[int]:
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


def at_least_counted(slices: list[int], m: int, everything: int) -> int:
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
def gc_paused() -> Iterator[None]:
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
