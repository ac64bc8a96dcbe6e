"""The audit chain's anchor: an append-only file outside the store holding the heads it reached.

After each commit that wrote audit rows, one line `<id> <hash> <at>` is appended (O_APPEND, so
lines from several workers never mix) to the store's anchor file: `[service] audit_anchor`, or
`<data dir>/audit/<digest of the store URL>.anchor`. Whoever can write the database cannot undo a
line there, so rows cut off the end of the chain, or a chain rebuilt from scratch, no longer match
it. The file is created 0600 in a 0700 folder; keep it on another disk or host (or `chattr +a`) so
the database's owner cannot rewrite it too (docs/security.md).
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from clerk import paths
from clerk.clock import log_stamp, now

log = logging.getLogger("services.hall.anchor")

INFO_PATH = "audit_anchor"
_HEAD = "audit_head"


def default_path(url: str) -> Path:
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
    return paths.data_dir() / "audit" / f"{digest}.anchor"


def path_of(session: Session) -> Path:
    configured = session.info.get(INFO_PATH)
    if configured:
        return Path(configured)
    return default_path(session.get_bind().engine.url.render_as_string(hide_password=True))


def note_head(session: Session, row_id: int, row_hash: str) -> None:
    """Remember the newest row of this transaction; it is anchored when the commit succeeds."""
    session.info[_HEAD] = (row_id, row_hash)


def append(path: Path, row_id: int, row_hash: str) -> None:
    paths.private_dir(path.parent)
    line = f"{row_id} {row_hash} {log_stamp(now().timestamp())}\n".encode("ascii")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


def read(path: Path) -> dict[int, set[str]]:
    """Every anchored head: row id -> the hashes recorded for it (one, unless the file lies)."""
    heads: dict[int, set[str]] = {}
    try:
        text = path.read_text("ascii", errors="replace")
    except FileNotFoundError:
        return heads
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0].isdigit():
            heads.setdefault(int(parts[0]), set()).add(parts[1])
    return heads


def latest(path: Path) -> tuple[int, str] | None:
    heads = read(path)
    if not heads:
        return None
    top = max(heads)
    return top, sorted(heads[top])[0]


def _after_commit(session: Session) -> None:
    head = session.info.pop(_HEAD, None)
    if head is None:
        return
    try:
        append(path_of(session), head[0], head[1])
    except OSError as exc:  # the change is committed; say loudly that its anchor is missing
        log.error("audit anchor not written (%s): verify will not see row %s", exc, head[0])


def _after_rollback(session: Session, *_args: Any) -> None:
    session.info.pop(_HEAD, None)


event.listen(Session, "after_commit", _after_commit)
event.listen(Session, "after_soft_rollback", _after_rollback)
