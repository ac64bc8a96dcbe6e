"""`clerk queue close-day [--date]` and `clerk queue status`, straight on the configured store.

close-day expires what a day left unfinished (waiting, called, serving, no-show, transferred) —
the hall service also does this by itself on the first request after closing time or on the
next day; running services pick the events up within seconds (PostgreSQL: at once)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import click

from clerk import i18n
from clerk.cli.context import CliContext, pass_cli
from clerk.cli.i18n_help import group, option
from clerk.cli.users import open_store, run_op

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from services.hall.audit import Actor


@group("queue")
def queue_group() -> None:
    """The hall queue (排队叫号)."""


@queue_group.command("close-day")
@option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
)
@pass_cli
def close_day(state: CliContext, day: datetime | None) -> None:
    """Expire every unfinished ticket of the day (and of earlier days)."""
    from clerk.tickets import hall_day
    from services.hall.cases import retention
    from services.hall.queue import service
    from services.hall.queue.settings import QueueSettings

    settings = QueueSettings.load()

    retain_days = state.settings.cases.retain_days

    def op(session: Session, actor: Actor, now: datetime) -> tuple[date, int, int]:
        through = day.date() if day is not None else hall_day(now)
        expired = service.expire_due(session, actor, now, settings, through=through)
        # the daily close also applies the retention rule (docs/security.md)
        purged = retention.purge(session, actor, now=now, retain_days=retain_days)
        return through, len(expired), purged

    through, count, purged = run_op(state, op)
    key = "queue.cli.closed" if count else "queue.cli.nothing"
    click.echo(i18n.t(key, day=through.isoformat(), count=count))
    if purged:
        click.echo(i18n.t("cases.cli.purged", count=purged, days=retain_days))


@queue_group.command("status")
@pass_cli
def status(state: CliContext) -> None:
    """Waiting per category and what each window holds."""
    from rich.console import Console
    from rich.table import Table

    from services.hall.queue import service
    from services.hall.queue.settings import QueueSettings

    hall = open_store(state)
    try:
        with hall.db.read() as session:
            snap = service.snapshot(session, hall.now(), QueueSettings.load())
            categories = [
                (c.prefix, c.name, c.waiting, c.priority_waiting, c.estimated_wait_minutes)
                for c in snap.categories
            ]
            windows = [
                (
                    w.number,
                    w.name,
                    w.current.number if w.current else "-",
                    w.current.status if w.current else "",
                    w.active,
                    w.paused,
                    w.pause_reason,
                )
                for w in snap.windows
            ]
    finally:
        hall.close()
    console = Console(soft_wrap=True)
    console.print(i18n.t("queue.cli.status_title", day=snap.day.isoformat()))
    table = Table(box=None, header_style="bold")
    for key in ("category", "waiting", "priority", "wait"):
        table.add_column(i18n.t(f"queue.cli.{key}"))
    for prefix, name, waiting, priority, wait in categories:
        table.add_row(f"{prefix} {name}", str(waiting), str(priority), str(wait))
    console.print(table)
    table = Table(box=None, header_style="bold")
    for key in ("window", "current", "state"):
        table.add_column(i18n.t(f"queue.cli.{key}"))
    for number, name, current, ticket_status, active, paused, reason in windows:
        if not active:
            state_text = i18n.t("queue.cli.inactive")
        elif paused:
            state_text = i18n.t("queue.cli.paused", reason=reason or "-")
        else:
            state_text = i18n.t("queue.cli.open")
        table.add_row(f"{number} {name}", f"{current} {ticket_status}".strip(), state_text)
    console.print(table)
    console.print(i18n.t("queue.cli.total", count=sum(c[2] for c in categories)))


def register(group: click.Group) -> None:
    group.add_command(queue_group)
