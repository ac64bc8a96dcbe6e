"""Personal data at rest: encrypted under the hall's data key, looked up by a keyed hash, masked
by the retention rule (`clerk cases purge` and the daily close, audited), re-encrypted by key
rotation; the store's file is 0600."""

from __future__ import annotations

import hashlib
import json
import stat
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
from click.testing import CliRunner
from sqlalchemy import select, text

from clerk.cli.main import cli
from services import credentials
from services.hall import keys
from services.hall.db import Database
from services.hall.models import AuditEntry
from tests.cases.catalog import ALL_IMMEDIATE, ALL_PROMISED, ID_NUMBER, PHONE, state
from tests.cases.conftest import Desk
from tests.support.hall import FakeClock, seeded_store

Login = Callable[..., Awaitable[dict[str, str]]]
TABLES = ("cases", "drafts", "outbox", "visits", "case_events", "audit_log", "idempotency_keys")


def _dump(url: str) -> dict[str, str]:
    """Every row of the tables that could hold personal data, as the database returns it."""
    db = Database.open(url)
    try:
        with db.engine.connect() as conn:
            return {
                table: json.dumps(
                    [list(r) for r in conn.execute(text(f"SELECT * FROM {table}")).all()],
                    default=str,
                    ensure_ascii=False,
                )
                for table in TABLES
            }
    finally:
        db.dispose()


def _raw(url: str, query: str) -> list[tuple[object, ...]]:
    db = Database.open(url)
    try:
        with db.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(query)).all()]
    finally:
        db.dispose()


async def _two_cases(desk: Desk) -> tuple[str, str]:
    immediate = await desk.decide(state(["T-002"], ALL_IMMEDIATE), {"T-002": "accept"})
    promised = await desk.decide(state(["T-001"], ALL_PROMISED), {"T-001": "accept"})
    return immediate["case_numbers"][0], promised["case_numbers"][0]


async def _search(api: httpx.AsyncClient, desk: Desk, q: str) -> list[str]:
    answer = await api.post("/api/v1/cases/search", json={"q": q}, headers=desk.headers)
    assert answer.status_code == 200, answer.text
    return [c["case_no"] for c in answer.json()]


async def test_no_clear_number_in_the_store(
    desk: Desk, api: httpx.AsyncClient, store_url: str
) -> None:
    on_spot, promised = await _two_cases(desk)
    dump = _dump(store_url)
    for table, rows in dump.items():
        assert ID_NUMBER not in rows and PHONE not in rows, table
    [(number, phone, applicant, id_hash)] = _raw(
        store_url,
        f"SELECT id_number, phone, applicant, id_hash FROM cases WHERE case_no = '{on_spot}'",
    )
    assert all(str(v).startswith("enc:") for v in (number, phone, applicant))
    assert id_hash != hashlib.sha256(ID_NUMBER.encode()).hexdigest()  # keyed, not guessable
    assert keys.secret(keys.DATA_KEY) not in "".join(dump.values())
    # the hall still finds and reveals them
    assert set(await _search(api, desk, ID_NUMBER)) == {on_spot, promised}
    assert set(await _search(api, desk, "138 1234 5678")) == {on_spot, promised}
    shown = await api.post(
        f"/api/v1/cases/{on_spot}/reveal", json={"reason": "核对"}, headers=desk.headers
    )
    assert shown.json()["applicant"]["id_number"] == ID_NUMBER


def test_the_sqlite_store_is_private(sqlite_store: str) -> None:
    seeded_store(sqlite_store)
    path = Path(sqlite_store.removeprefix("sqlite:///"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    wal = path.with_name(path.name + "-wal")
    if wal.exists():
        assert stat.S_IMODE(wal.stat().st_mode) == 0o600


async def test_retention_masks_closed_cases_and_is_audited(
    desk: Desk, api: httpx.AsyncClient, store_url: str, clock: FakeClock, login_headers: Login
) -> None:
    on_spot, promised = await _two_cases(desk)  # 现场办结 is closed; the 承诺件 is still open
    runner = CliRunner()
    early = runner.invoke(cli, ["--db", store_url, "cases", "purge"], obj=clock)
    assert early.exit_code == 0, early.output
    assert "已将 0 件" in early.output
    clock.advance(days=181)  # [cases] retain_days defaults to 180
    desk.headers = await login_headers("clerk1", 1)  # half a year later: a new session
    done = runner.invoke(cli, ["--lang", "en", "--db", store_url, "cases", "purge"], obj=clock)
    assert done.exit_code == 0, done.output
    assert "Masked the personal data of 1 cases" in done.output
    assert await _search(api, desk, ID_NUMBER) == [promised]  # the closed one is no longer found
    case = await api.get(f"/api/v1/cases/{on_spot}", headers=desk.headers)
    assert case.status_code == 200 and "1101**********1239" in case.text
    revealed = await api.post(
        f"/api/v1/cases/{on_spot}/reveal", json={"reason": "核对"}, headers=desk.headers
    )
    assert revealed.json()["applicant"]["id_number"] == "1101**********1239"
    [(number, purged_at)] = _raw(
        store_url, f"SELECT id_number, purged_at FROM cases WHERE case_no = '{on_spot}'"
    )
    assert keys.decrypt(str(number)) == "1101**********1239" and purged_at is not None
    db = Database.open(store_url)
    try:
        with db.read() as session:
            row = session.scalars(
                select(AuditEntry).where(AuditEntry.action == "cases.purge")
            ).one()
    finally:
        db.dispose()
    assert row.data["cases"] == 1 and row.data["retain_days"] == 180
    # a second run finds nothing more; the daily close runs the same rule
    again = runner.invoke(cli, ["--db", store_url, "queue", "close-day"], obj=clock)
    assert again.exit_code == 0, again.output
    assert "脱敏" not in again.output


async def test_the_daily_close_applies_retention(
    desk: Desk, api: httpx.AsyncClient, store_url: str, clock: FakeClock, login_headers: Login
) -> None:
    on_spot, _ = await _two_cases(desk)
    clock.advance(days=181)
    desk.headers = await login_headers("clerk1", 1)
    closed = CliRunner().invoke(cli, ["--db", store_url, "queue", "close-day"], obj=clock)
    assert closed.exit_code == 0, closed.output
    assert "已将 1 件办结满 180 天的办件的个人信息脱敏" in closed.output
    assert on_spot not in await _search(api, desk, PHONE)


async def test_rotating_the_data_key_re_encrypts_every_row(
    desk: Desk, api: httpx.AsyncClient, store_url: str, clock: FakeClock
) -> None:
    on_spot, promised = await _two_cases(desk)
    query = f"SELECT id_number, applicant FROM cases WHERE case_no = '{on_spot}'"
    before = _raw(store_url, query)
    old_key = keys.secret(keys.DATA_KEY)
    result = CliRunner().invoke(cli, ["--db", store_url, "security", "rotate-key"], obj=clock)
    assert result.exit_code == 0, result.output
    assert "个人信息加密密钥已更换" in result.output
    new_key = credentials.get(keys.DATA_KEY)
    assert new_key and new_key != old_key and " " not in new_key  # the old key is gone
    after = _raw(store_url, query)
    assert after != before and all(str(v).startswith("enc:") for v in after[0])
    keys.forget_cache()  # the running hall would be restarted after a rotation
    assert set(await _search(api, desk, ID_NUMBER)) == {on_spot, promised}
    shown = await api.post(
        f"/api/v1/cases/{on_spot}/reveal", json={"reason": "核对"}, headers=desk.headers
    )
    assert shown.json()["applicant"]["id_number"] == ID_NUMBER
