"""The built index of a loaded catalog, kept on disk between starts (keyed by content and code)."""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from clerk.catalog import lexicon as lex
from clerk.catalog import pinyin as py
from clerk.catalog import sentence as words
from clerk.catalog.search.bitsets import gc_paused
from clerk.catalog.search.catalog_docs import docs_from_catalog
from clerk.catalog.search.hits import IndexStats
from clerk.catalog.search.index import SearchIndex
from clerk.catalog.weights import WEIGHTS

if TYPE_CHECKING:
    from clerk.catalog.model import Catalog

log = logging.getLogger("clerk.catalog.search")


def build_index(
    catalog: Catalog, *, cache: Path | Literal["default"] | None = "default"
) -> SearchIndex:
    """The search index of a loaded catalog.

    `cache` is a directory (default: the user cache dir, `CLERK_HOME/cache` in tests) holding
    the pinyin table (`pinyin.json`) and the built index of the last catalog
    (`search-index-<key>.pickle`, keyed by the catalog's content hash and this code's own
    hash, so an edited catalog or a new clerk version rebuilds it). `cache=None` builds from
    scratch and writes nothing.
    """
    started = time.perf_counter()
    folder = py.default_cache_path().parent if cache == "default" else cache
    if not isinstance(folder, Path):
        return SearchIndex(docs_from_catalog(catalog), lexicon=catalog.lexicon)
    key = _index_key(catalog)
    target = folder / f"{_INDEX_PREFIX}{key}.pickle"
    index = _read_index(target)
    if index is not None:
        index.stats = IndexStats(len(index), (time.perf_counter() - started) * 1000, 0, True)
        return index
    table = py.PinyinTable(folder / "pinyin.json")
    index = SearchIndex(docs_from_catalog(catalog), pinyin_table=table, lexicon=catalog.lexicon)
    table.save()
    _write_index(index, target)
    log.debug(
        "search index: %d documents in %.1f ms (%d pinyin conversions)",
        index.stats.documents,
        index.stats.build_ms,
        index.stats.pinyin_converted,
    )
    return index


_INDEX_PREFIX = "search-index-"


def _index_key(catalog: Catalog) -> str:
    """The catalog's content hash and source, plus a hash of the code that builds the index."""
    digest = hashlib.sha256()
    digest.update(f"{catalog.content_hash}\0{catalog.source}\0{py.fingerprint()}".encode())
    code = sorted(Path(__file__).parent.glob("*.py"))  # every module of the index's package
    code += [Path(m) for m in (py.__file__, words.__file__, lex.__file__, lex.PACKAGED)]
    for module in code:
        digest.update(module.read_bytes())
    digest.update(repr(WEIGHTS).encode())
    return digest.hexdigest()[:20]


def _read_index(path: Path) -> SearchIndex | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        with gc_paused():
            index = pickle.loads(data)
    except Exception as exc:  # a damaged cache file only costs a rebuild
        log.warning("search index cache %s unreadable (%s); rebuilding", path, exc)
        return None
    return index if isinstance(index, SearchIndex) else None


def _write_index(index: SearchIndex, path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob(f"{_INDEX_PREFIX}*.pickle"):
            old.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".search-index-", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle, gc_paused():
            pickle.dump(index, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError as exc:  # a read-only cache dir only costs speed
        log.warning("cannot write search index cache %s: %s", path, exc)
