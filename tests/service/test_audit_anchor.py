"""The keyed audit chain and its anchor: truncation, rewriting and deletion are each found, with
the first bad row, by `clerk audit verify`; the daily report prints the head."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select, text

from clerk.cli.main import cli
from services.hall import anchor, audit, keys
from services.hall.audit import Actor
from services.hall.db import Database
from services.hall.models import AuditEntry
from tests.support.hall import FakeClock


def _grow(url: str, clock: FakeClock, total: int) -> None:
    """Append audit rows one transaction each until the chain holds `total` rows."""
    db = Database.open(url)
    try:
        with db.read() as session:
            have = (audit.head(session) or (0, ""))[0]
        for n in range(have, total):
            with db.write() as session:
                audit.record(
                    session, Actor("test"), "test.step", str(n + 1), at=clock.advance(seconds=1)
                )
    finally:
        db.dispose()


def _verify(url: str) -> audit.Verdict:
    db = Database.open(url)
    try:
        with db.read() as session:
            return audit.verify(session)
    finally:
        db.dispose()


def _sql(url: str, statement: str, **params: object) -> None:
    db = Database.open(url)
    try:
        with db.engine.begin() as conn:
            conn.execute(text(statement), params)
    finally:
        db.dispose()


def _rows(url: str) -> list[dict[str, object]]:
    db = Database.open(url)
    try:
        with db.engine.connect() as conn:
            found = conn.execute(text("SELECT * FROM audit_log ORDER BY id")).mappings().all()
            return [dict(r) for r in found]
    finally:
        db.dispose()


def _anchor_file(url: str) -> Path:
    db = Database.open(url)
    try:
        with db.read() as session:
            return anchor.path_of(session)
    finally:
        db.dispose()


def test_every_commit_is_anchored_outside_the_store(
    store_url: str, seeded: dict[str, str], clock: FakeClock
) -> None:
    _grow(store_url, clock, 25)
    path = _anchor_file(store_url)
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    heads = anchor.read(path)
    rows = _rows(store_url)
    assert max(heads) == 25 and len(rows) == 25
    assert all(heads[r["id"]] == {r["hash"]} for r in rows if r["id"] in heads)
    # the chain is keyed: the hash is not what anyone without the hall's key can compute
    last = rows[-1]
    assert last["keyed"]
    assert last["hash"] != hashlib.sha256(str(last["prev_hash"]).encode()).hexdigest()
    assert _verify(store_url).ok


def test_deleting_the_newest_rows_is_found(
    store_url: str, seeded: dict[str, str], clock: FakeClock
) -> None:
    _grow(store_url, clock, 25)
    _sql(store_url, "DELETE FROM audit_log WHERE id > 20")
    verdict = _verify(store_url)
    assert (verdict.ok, verdict.count, verdict.first_bad_id, verdict.reason) == (
        False,
        20,
        21,
        "truncated",
    )
    result = CliRunner().invoke(cli, ["--db", store_url, "audit", "verify"], obj=clock)
    assert result.exit_code == 1
    assert "审计链被截断" in result.output and "从第 21 条起" in result.output
    assert "审计链完好" not in result.output


def test_truncating_then_writing_again_is_found(
    store_url: str, seeded: dict[str, str], clock: FakeClock
) -> None:
    """Cut the last 5 rows, then let the hall go on: the new row 21 is not the anchored one."""
    _grow(store_url, clock, 25)
    _sql(store_url, "DELETE FROM audit_log WHERE id > 20")
    _grow(store_url, clock, 21)
    verdict = _verify(store_url)
    assert (verdict.ok, verdict.first_bad_id, verdict.reason) == (False, 21, "anchor")


def _rechain(url: str, *, edit_id: int, keyed: bool) -> None:
    """What someone with write access does: edit a row and recompute every hash after it
    (with the hall's key when `keyed`, as an insider holding it; plain sha256 otherwise)."""
    db = Database.open(url)
    try:
        with db.read() as session:
            rows = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        prev = audit.GENESIS
        with db.engine.begin() as conn:
            for row in rows:
                target = "forged" if row.id == edit_id else row.target
                body = audit.canonical(
                    id=row.id,
                    at=row.at,
                    actor=row.actor,
                    window_no=row.window_no,
                    action=row.action,
                    target=target,
                    data=row.data,
                )
                new = audit.compute_hash(prev, body, keyed=keyed)
                conn.execute(
                    text(
                        "UPDATE audit_log SET target = :t, prev_hash = :p, hash = :h, keyed = :k"
                        " WHERE id = :id"
                    ),
                    {"t": target, "p": prev, "h": new, "k": keyed, "id": row.id},
                )
                prev = new
    finally:
        db.dispose()


def test_rewriting_without_the_key_is_found_at_the_edited_row(
    store_url: str, seeded: dict[str, str], clock: FakeClock
) -> None:
    _grow(store_url, clock, 25)
    # an outsider recomputes with sha256 and marks the rows as pre-0008 (unkeyed) rows: every
    # hash changes, so the first anchored head (the demo seed's transaction) no longer matches
    first_anchored = min(anchor.read(_anchor_file(store_url)))
    _rechain(store_url, edit_id=22, keyed=False)
    verdict = _verify(store_url)
    assert (verdict.ok, verdict.first_bad_id, verdict.reason) == (False, first_anchored, "anchor")
    result = CliRunner().invoke(
        cli, ["--lang", "en", "--db", store_url, "audit", "verify"], obj=clock
    )
    assert result.exit_code == 1
    assert f"Audit chain rewritten: entry {first_anchored}" in result.output


def test_rewriting_with_the_key_is_found_by_the_anchor(
    store_url: str, seeded: dict[str, str], clock: FakeClock
) -> None:
    _grow(store_url, clock, 25)
    _rechain(store_url, edit_id=23, keyed=True)
    verdict = _verify(store_url)
    # HMAC is deterministic: rows before the edit keep their hashes; the edited one is named
    assert (verdict.ok, verdict.first_bad_id, verdict.reason) == (False, 23, "anchor")
    result = CliRunner().invoke(cli, ["--db", store_url, "audit", "verify"], obj=clock)
    assert "第 23 条记录与锚点文件所记的哈希不符" in result.output and "forged" in result.output


def test_an_edited_row_fails_its_mac_even_without_the_anchor(
    store_url: str, seeded: dict[str, str], clock: FakeClock
) -> None:
    _grow(store_url, clock, 25)
    _anchor_file(store_url).unlink()
    _sql(store_url, "UPDATE audit_log SET target = 'x' WHERE id = 24")
    verdict = _verify(store_url)
    assert (verdict.ok, verdict.first_bad_id, verdict.reason) == (False, 24, "hash")
    # and a whole chain forged with sha256 fails at its first row: the key is not in the store
    _rechain(store_url, edit_id=24, keyed=False)
    _sql(store_url, "UPDATE audit_log SET keyed = :k", k=True)
    assert (_verify(store_url).first_bad_id, _verify(store_url).reason) == (1, "hash")


def test_a_deleted_middle_row_breaks_the_link(
    store_url: str, seeded: dict[str, str], clock: FakeClock
) -> None:
    _grow(store_url, clock, 25)
    _sql(store_url, "DELETE FROM audit_log WHERE id = 12")
    verdict = _verify(store_url)
    assert (verdict.ok, verdict.first_bad_id, verdict.reason) == (False, 13, "link")


def test_the_key_is_not_in_the_store(store_url: str, seeded: dict[str, str]) -> None:
    key = keys.secret(keys.AUDIT_KEY)
    dump = json.dumps(_rows(store_url), default=str)
    assert key not in dump


def test_the_daily_report_prints_the_head(
    store_url: str, seeded: dict[str, str], clock: FakeClock
) -> None:
    _grow(store_url, clock, 25)
    rows = _rows(store_url)
    result = CliRunner().invoke(
        cli, ["--db", store_url, "report", "daily", "--output", "-"], obj=clock
    )
    assert result.exit_code == 0, result.output
    assert "审计链末条（共 25 条记录）" in result.output
    assert f"25,{rows[-1]['hash']}" in result.output
