"""What the built index holds, declared once for the stage mixins that read it."""

from __future__ import annotations

import re
import threading

from clerk.catalog import lexicon as lex
from clerk.catalog import sentence as words
from clerk.catalog.search.fields import Group, PinyinEntry
from clerk.catalog.search.hits import IndexStats, SearchDoc
from clerk.catalog.search.suffixes import Suffixes


class IndexParts:
    """The index's read-only structures (built in clerk/catalog/search/index.py); each stage
    module adds its methods on top of them."""

    docs: tuple[SearchDoc, ...]
    _size: int
    _all: int  # every document's bit
    _by_code: dict[str, int]
    _code_keys: list[tuple[str, int]]  # sorted
    _code_list: list[str]
    _dept_ids: set[str]
    _name: Group
    _alias: Group
    _english: Group
    _theme: Group
    _dept: Group
    _py: Group  # full pinyin of name (entry 0) and aliases
    _ini: Group  # initials of name and aliases
    _py_entries: list[PinyinEntry]
    _names: list[str]
    _aliases: list[tuple[str, ...]]
    _char_syllable: dict[str, str]
    _py_suffixes: Suffixes
    _english_suffixes: Suffixes
    _py_spaced: list[str]
    _syl_prefix: set[str]
    _syl: dict[str, int]
    _name_py_start: dict[str, int]
    _filters: dict[tuple[str, str], int]
    _alias_exact: dict[str, int]
    _dept_spelling: dict[str, tuple[str, str]]
    _core_fillers: re.Pattern[str] | None
    _lexicon: lex.Lexicon
    _words: words.SentenceIndex | None
    _words_lock: threading.Lock
    stats: IndexStats
    words_ms: float
