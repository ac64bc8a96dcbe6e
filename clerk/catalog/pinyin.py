"""Pinyin for the search index: one syllable per Han character, with a disk cache.

pypinyin's phrase dictionary reads most heteronyms right (银行 yin hang, 行政 xing zheng,
重新 chong xin); `OVERRIDES` fixes the phrases it misreads that a hall meets (还款, 长宁…).

Importing pypinyin alone costs ~160 ms, more than the whole start-up budget for loading and
indexing the catalog, so conversions are kept in a JSON cache in the user cache directory, keyed
by the text converted. The cache heals itself: text it has not seen is converted (pypinyin is
imported only then) and the file is rewritten. A change of `OVERRIDES` or of the pypinyin
version discards it.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import logging
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger("clerk.catalog.pinyin")

#: Phrases pypinyin 0.55 reads wrongly in service-hall language → the right syllables.
OVERRIDES: dict[str, tuple[str, ...]] = {
    "还款": ("huan", "kuan"),
    "还贷": ("huan", "dai"),
    "还清": ("huan", "qing"),
    "偿还": ("chang", "huan"),
    "长宁": ("chang", "ning"),
    "重办": ("chong", "ban"),
    "重领": ("chong", "ling"),
    "重发": ("chong", "fa"),
    "献血": ("xian", "xue"),
    "颈椎": ("jing", "zhui"),
    "单列": ("dan", "lie"),
    "行医": ("xing", "yi"),
    "行车": ("xing", "che"),
    "发行": ("fa", "xing"),
    "发卡": ("fa", "ka"),
    "车行": ("che", "hang"),
    "售卡": ("shou", "ka"),
}

_VERSION = 1

#: Conversions for the demonstration catalog, shipped so the very first start on a machine does
#: not pay for importing pypinyin (~160 ms). `scripts/regen_pinyin_seed.py` rewrites it; a test
#: fails when the demo catalog has text the seed lacks.
SEED_PATH = Path(__file__).with_name("pinyin_seed.json")


def is_han(char: str) -> bool:
    code = ord(char)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF


@functools.cache
def fingerprint() -> str:
    """Changes when OVERRIDES or the installed pypinyin change (without importing pypinyin)."""
    installed = "?"
    spec = importlib.util.find_spec("pypinyin")
    if spec is not None and spec.origin:
        site = Path(spec.origin).parent.parent
        found = sorted(p.name for p in site.glob("pypinyin-*.dist-info"))
        installed = found[-1] if found else str(Path(spec.origin).stat().st_mtime_ns)
    table = json.dumps(sorted(OVERRIDES.items()), ensure_ascii=False)
    digest = hashlib.sha256(table.encode("utf-8")).hexdigest()[:12]
    return f"{_VERSION}:{installed}:{digest}"


def default_cache_path() -> Path:
    home = os.environ.get("CLERK_HOME")
    if home:
        base = Path(home) / "cache"
    else:
        import platformdirs

        base = Path(platformdirs.user_cache_dir("clerk"))
    return base / "pinyin.json"


def _convert(run: str) -> list[str]:
    """Syllables for a run of Han characters (one per character), overrides applied."""
    from pypinyin import Style, lazy_pinyin

    syllables = [s.lower() for s in lazy_pinyin(run, style=Style.NORMAL, errors="default")]
    if len(syllables) != len(run):  # defensive: keep one entry per character
        syllables = [lazy_pinyin(c, style=Style.NORMAL)[0].lower() for c in run]
    for phrase, fixed in OVERRIDES.items():
        start = run.find(phrase)
        while start >= 0:
            syllables[start : start + len(phrase)] = fixed
            start = run.find(phrase, start + 1)
    return [s if s.isascii() and s.isalpha() else "" for s in syllables]


class PinyinTable:
    """Han-run → syllables, backed by a JSON file. `save()` writes only when something changed."""

    def __init__(self, path: Path | None = None, *, seed: Path | None = SEED_PATH) -> None:
        self.path = path
        self._runs: dict[str, str] = {}
        self.dirty = False
        self.converted = 0
        if seed is not None:
            self._load(seed)
        if path is not None:
            self._load(path)

    def _load(self, path: Path) -> None:
        try:
            data = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError) as exc:
            log.warning("pinyin cache %s unreadable (%s); rebuilding", path, exc)
            return
        if not isinstance(data, dict) or data.get("fingerprint") != fingerprint():
            return
        runs = data.get("runs")
        if isinstance(runs, dict):
            self._runs.update({str(k): str(v) for k, v in runs.items()})

    def runs(self) -> dict[str, str]:
        return dict(self._runs)

    def syllables(self, run: str) -> list[str]:
        cached = self._runs.get(run)
        if cached is None:
            converted = _convert(run)
            cached = " ".join(converted)
            self._runs[run] = cached
            self.dirty = True
            self.converted += 1
        return cached.split(" ")

    def save(self) -> None:
        if not self.dirty or self.path is None:
            return
        payload = {"fingerprint": fingerprint(), "runs": self._runs}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".pinyin-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(payload, handle, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, self.path)
            self.dirty = False
        except OSError as exc:  # a read-only cache dir only costs speed
            log.warning("cannot write pinyin cache %s: %s", self.path, exc)


_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(f"([{_HAN}]+)|([0-9A-Za-z]+)")
_HAN_CHAR = re.compile(f"[{_HAN}]")


def has_han(text: str) -> bool:
    return _HAN_CHAR.search(text) is not None


def tokens(text: str, table: PinyinTable) -> list[tuple[int, int, str]]:
    """(start, end, syllable) for `text`: one token per Han character, one per ASCII letter/digit
    run (lower-cased); everything else is skipped. `text` should already be normalized."""
    out: list[tuple[int, int, str]] = []
    for match in _RUNS.finditer(text):
        start = match.start()
        if match.group(1):
            for k, syllable in enumerate(table.syllables(match.group(1))):
                if syllable:
                    out.append((start + k, start + k + 1, syllable))
        else:
            out.append((start, match.end(), match.group(2).lower()))
    return out


def full(text: str, table: PinyinTable) -> str:
    """Full pinyin without separators, e.g. 银行 → yinhang."""
    return "".join(s for _, _, s in tokens(text, table))


def initials(text: str, table: PinyinTable) -> str:
    """First letters, e.g. 身份证 → sfz."""
    return "".join(s[0] for _, _, s in tokens(text, table))


def warm(texts: Iterable[str], table: PinyinTable) -> None:
    for text in texts:
        tokens(text, table)
