"""Text helpers of the search: normalising, fillers, spans and in-order characters."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from clerk.catalog.search.hits import Span


def normalize(text: str) -> str:
    """NFKC + lower case (+ Latin accents dropped), keeping offsets those of the original text."""
    if text.isascii():
        return text.lower()
    whole = unicodedata.normalize("NFKC", text).lower()
    if len(whole) == len(text) and not ACCENTED.search(whole):
        return whole
    out = []
    for char in text:
        if char.isascii():
            out.append(char.lower())
            continue
        norm = unicodedata.normalize("NFKC", char).lower()
        if len(norm) != 1:
            norm = char
        elif ACCENTED.match(norm):
            bare = unicodedata.normalize("NFKD", norm)[0]  # café → cafe
            norm = bare if bare.isascii() else norm
        out.append(norm)
    return "".join(out)


ACCENTED = re.compile("[\u00c0-\u024f]")


def strip_fillers(text: str, fillers: re.Pattern[str] | None) -> str:
    """The query without the question around it: 领失业金要带什么 → 领失业金 (the fillers are
    the catalog lexicon's, longest first)."""
    return text if fillers is None else fillers.sub("", text)


def fillers_pattern(fillers: Iterable[str]) -> re.Pattern[str] | None:
    """Fillers of two characters or more anywhere, single ones (吗, 呢, 了) at the end only: the
    question around a name, never a character of the name (要 in 我要开饭店)."""
    words = {normalize(f) for f in fillers if f}
    long = sorted((f for f in words if len(f) > 1), key=lambda f: (-len(f), f))
    short = sorted(f for f in words if len(f) == 1)
    parts = [re.escape(f) for f in long]
    if short:
        parts.append("(?:" + "|".join(re.escape(f) for f in short) + ")+$")
    return re.compile("|".join(parts)) if parts else None


def runs(positions: Iterable[int]) -> tuple[Span, ...]:
    spans: list[list[int]] = []
    for p in sorted(set(positions)):
        if spans and spans[-1][1] == p:
            spans[-1][1] = p + 1
        else:
            spans.append([p, p + 1])
    return tuple((a, b) for a, b in spans)


def in_order(query: str, text: str) -> list[int] | None:
    """Positions of query's characters in text, in order (earliest), or None."""
    out = []
    start = 0
    for char in query:
        pos = text.find(char, start)
        if pos < 0:
            return None
        out.append(pos)
        start = pos + 1
    return out


def grams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def code_key(code: str) -> str:
    return "".join(c for c in normalize(code) if c.isalnum())


def code_span(code: str, alnum_count: int) -> int:
    """Length of the prefix of `code` holding its first `alnum_count` letters/digits."""
    seen = 0
    for i, char in enumerate(code):
        if seen >= alnum_count:
            return i
        if char.isalnum():
            seen += 1
    return len(code)


def english_span(original: str, squeezed: str, pos: int, length: int) -> tuple[Span, ...]:
    """Map a match in the whitespace-squeezed English name back to the original text."""
    if pos < 0 or length <= 0:
        return ()
    if normalize(original) == squeezed:
        return ((pos, pos + length),)
    mapping = []
    prev_space = False
    for i, char in enumerate(original.strip()):
        if char.isspace():
            if prev_space:
                continue
            prev_space = True
        else:
            prev_space = False
        mapping.append(i + (len(original) - len(original.lstrip())))
    if pos + length > len(mapping):
        return ()
    return ((mapping[pos], mapping[pos + length - 1] + 1),)
