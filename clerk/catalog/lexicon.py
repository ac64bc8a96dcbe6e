"""The search lexicon (检索词表): what applicants say around and instead of item names.

Catalog data, not code: `lexicon.json` in a catalog directory (the packaged one in
`clerk/catalog/data/`; a hall's imported catalog may carry its own, else the packaged one
applies). Three lists:

- `fillers`: words of the question around the item that say nothing about it
  (需要什么材料, 怎么办, 我想, 一家 …); removed from a query before it is read as words;
- `fillers_en`: the same for English (how, do, i, a …);
- `synonyms`: life events and everyday or wrong terms, each `{"say": [...], "means": [...]}`:
  when a query holds one of `say`, the words of `means` are searched as well
  (去世 → 身后事 丧葬 抚恤金; 房产证 → 不动产权证书; 被裁 → 失业).

The format is in clerk/catalog/FORMAT.md ("Search lexicon").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from clerk.catalog.errors import Report, read_packaged

FILE = "lexicon.json"
PACKAGED = Path(__file__).resolve().parent / "data" / FILE

_KEYS = {"fillers", "fillers_en", "synonyms"}
_SYNONYM_KEYS = {"say", "means"}


@dataclass(frozen=True, slots=True)
class Synonym:
    say: tuple[str, ...]
    means: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Lexicon:
    fillers: tuple[str, ...] = ()
    fillers_en: tuple[str, ...] = ()
    synonyms: tuple[Synonym, ...] = ()


def parse(doc: Any, report: Report) -> Lexicon:
    """A lexicon from the parsed JSON document; every problem goes to `report` (path, i18n key
    under `catalog.error.`, params) and is skipped, so checking goes on."""
    if not isinstance(doc, Mapping):
        report("", "not_object", got=type(doc).__name__)
        return Lexicon()
    for key in doc:
        if key not in _KEYS:
            report(key, "unknown_key", key=key)
    synonyms: list[Synonym] = []
    raw = doc.get("synonyms", [])
    if not isinstance(raw, list):
        report("synonyms", "not_list", got=type(raw).__name__)
        raw = []
    for index, entry in enumerate(raw):
        where = f"synonyms[{index}]"
        if not isinstance(entry, Mapping):
            report(where, "not_object", got=type(entry).__name__)
            continue
        for key in entry:
            if key not in _SYNONYM_KEYS:
                report(f"{where}.{key}", "unknown_key", key=key)
        say = _texts(entry, "say", where, report)
        means = _texts(entry, "means", where, report)
        if not say:
            report(f"{where}.say", "missing")
        if not means:
            report(f"{where}.means", "missing")
        if say and means:
            synonyms.append(Synonym(say, means))
    return Lexicon(
        fillers=_texts(doc, "fillers", "", report),
        fillers_en=tuple(w.lower() for w in _texts(doc, "fillers_en", "", report)),
        synonyms=tuple(synonyms),
    )


def _texts(data: Mapping[str, Any], key: str, path: str, report: Report) -> tuple[str, ...]:
    where = f"{path}.{key}" if path else key
    value = data.get(key, [])
    if not isinstance(value, list):
        report(where, "not_list", got=type(value).__name__)
        return ()
    out: list[str] = []
    for index, entry in enumerate(value):
        if isinstance(entry, str) and entry.strip():
            out.append(entry.strip())
        else:
            report(f"{where}[{index}]", "not_text", got=type(entry).__name__)
    return tuple(out)


@cache
def packaged() -> Lexicon:
    """The lexicon shipped with clerk (used when a catalog carries none)."""
    return read_packaged(PACKAGED, parse)
