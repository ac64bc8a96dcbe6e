"""`clerk queue status` and `clerk queue close-day` against real stores."""

from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import select

from clerk.cli.main import cli
from clerk.tickets import hall_day
from services.hall.audit import Actor
from services.hall.bootstrap import open_store
from services.hall.queue import service
from services.hall.queue.models import QueueEvent, Ticket
from tests.support.hall import hall_settings


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def test_status_and_close_day(store_url: str, seeded: dict[str, str]) -> None:
    hall = open_store(hall_settings(store_url))
    try:
        with hall.db.write() as s:
            now = hall.now()
            for category in ("A", "A", "C"):
                service.issue(s, Actor("test"), category=category, priority=None, now=now)
            service.pause(s, Actor("test"), 5, reason="培训", now=now)
        day = hall_day(hall.now()).isoformat()
    finally:
        hall.close()
    code, out = run("--db", store_url, "queue", "status")
    assert code == 0, out
    assert "A 企业服务" in out and "合计等候 3 人" in out and "暂停：培训" in out
    code, out = run("--db", store_url, "queue", "close-day", "--date", day)
    assert code == 0 and f"已结束 {day} 的排队：3 张号票作废" in out
    code, out = run("--lang", "en", "--db", store_url, "queue", "close-day", "--date", day)
    assert code == 0 and f"Nothing to expire on {day}" in out
    hall = open_store(hall_settings(store_url))
    try:
        with hall.db.read() as s:
            assert set(s.scalars(select(Ticket.status))) == {"expired"}
            types = list(s.scalars(select(QueueEvent.type).order_by(QueueEvent.id)))
    finally:
        hall.close()
    assert types[-4:] == ["ticket.expired"] * 3 + ["queue.changed"]
