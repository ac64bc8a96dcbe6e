"""The audit log: a row per mutating action, hash-chained; tampering is found."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable

import httpx
import pytest
from click.testing import CliRunner
from fastapi import FastAPI
from sqlalchemy import select, text

from clerk.cli.main import cli
from services.hall import audit
from services.hall.db import Database
from services.hall.models import AppendOnlyViolation, AuditEntry
from tests.support.hall import FakeClock

Headers = Callable[..., Awaitable[dict[str, str]]]


async def test_every_mutation_is_audited(
    api: httpx.AsyncClient, login_headers: Headers, hall_app: FastAPI
) -> None:
    admin = await login_headers("admin", 5)
    await api.post(
        "/api/v1/users",
        json={
            "username": "newbie",
            "display_name": "新人",
            "role": "trainer",
            "password": "pass-word-1",
        },
        headers=admin,
    )
    await api.put("/api/v1/windows/3/categories", json={"categories": ["D"]}, headers=admin)
    await api.post("/api/v1/auth/login", json={"username": "admin", "password": "wrong-one"})
    await api.post("/api/v1/auth/logout", headers=admin)
    with hall_app.state.hall.db.read() as session:
        rows = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    actions = [(r.actor, r.window_no, r.action, r.target) for r in rows[-5:]]
    assert actions == [
        ("admin", 5, "auth.login", "admin"),
        ("admin", 5, "user.create", "newbie"),
        ("admin", 5, "window.set_categories", "3"),
        ("admin", None, "auth.login_failed", "admin"),
        ("admin", 5, "auth.logout", "admin"),
    ]
    assert rows[-3].data == {"before": ["B", "D"], "after": ["D"]}
    assert "password" not in str([r.data for r in rows])
    # ids are consecutive and every row links to the previous hash
    assert [r.id for r in rows] == list(range(1, len(rows) + 1))
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(rows))
    verdict = (
        await api.get("/api/v1/audit/verify", headers=await login_headers("supervisor"))
    ).json()
    assert verdict["ok"] is True and verdict["count"] == len(rows) + 1  # + supervisor's login


async def test_tampering_is_found_by_api_and_cli(
    api: httpx.AsyncClient, login_headers: Headers, store_url: str, clock: FakeClock
) -> None:
    admin = await login_headers("admin")
    runner = CliRunner()
    # the CLI runs on the hall's fake clock: on the real one, opening the store would purge
    # the sessions issued at the fake time as long expired (a time bomb)
    ok = runner.invoke(cli, ["--db", store_url, "audit", "verify"], obj=clock)
    assert ok.exit_code == 0, ok.output
    assert "审计链完好" in ok.output
    db = Database.open(store_url)
    try:
        with db.engine.begin() as conn:
            victim = conn.execute(
                text("SELECT id FROM audit_log WHERE action = 'user.create' AND target = 'clerk2'")
            ).scalar_one()
            conn.execute(
                text("UPDATE audit_log SET target = 'someone_else' WHERE id = :id"), {"id": victim}
            )
    finally:
        db.dispose()
    verdict = (await api.get("/api/v1/audit/verify", headers=admin)).json()
    assert verdict == {"ok": False, "count": victim, "first_bad_id": victim, "reason": "hash"}
    broken = runner.invoke(cli, ["--db", store_url, "audit", "verify"], obj=clock)
    assert broken.exit_code == 1
    assert f"第 {victim} 条记录的内容与其哈希不符" in broken.output
    assert "someone_else" in broken.output and "user.create" in broken.output


def test_deleted_row_breaks_the_link(store_url: str, seeded: dict[str, str]) -> None:
    db = Database.open(store_url)
    try:
        with db.engine.begin() as conn:
            conn.execute(text("DELETE FROM audit_log WHERE id = 3"))
        with db.read() as session:
            verdict = audit.verify(session)
    finally:
        db.dispose()
    assert (verdict.ok, verdict.first_bad_id, verdict.reason) == (False, 4, "link")
    result = CliRunner().invoke(cli, ["--lang", "en", "--db", store_url, "audit", "verify"])
    assert result.exit_code == 1
    assert "Audit chain broken: entry 4" in result.output


def test_orm_refuses_to_edit_audit_rows(store_url: str, seeded: dict[str, str]) -> None:
    db = Database.open(store_url)
    try:
        with pytest.raises(AppendOnlyViolation), db.write() as session:
            row = session.get(AuditEntry, 1)
            assert row is not None
            row.target = "changed"
            session.flush()
    finally:
        db.dispose()


def test_audit_row_rolls_back_with_its_change(store_url: str, seeded: dict[str, str]) -> None:
    from services.hall.audit import Actor
    from services.hall.ops import users as user_ops
    from services.hall.problems import ApiError
    from tests.support.hall import FakeClock

    db = Database.open(store_url)
    try:
        with db.read() as session:
            before = len(audit.recent(session, 1000))
        with pytest.raises(ApiError), db.write() as session:
            user_ops.create(
                session,
                Actor("t"),
                username="okname",
                display_name="x",
                role="clerk",
                password="long-enough",
                now=FakeClock()(),
            )
            raise ApiError(409, "conflict", what="user", key="okname")
        with db.read() as session:
            assert len(audit.recent(session, 1000)) == before
    finally:
        db.dispose()
