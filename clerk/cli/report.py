"""`clerk report daily --date D [--to D2] --format csv|pdf --output FILE`: the hall's daily
report (日报) per category, per window and per clerk. Reads the configured store (embedded or
`--db`); with `--hall URL` it asks that hall service instead (token: hall_token)."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

from clerk import i18n
from clerk.cli.context import CliContext, pass_cli
from clerk.cli.i18n_help import group, option
from clerk.clock import hall_today

if TYPE_CHECKING:
    from clerk.reports import DailyReport

MAX_DAYS = 92


@group("report")
def report_group() -> None:
    """Reports: the daily report (日报)."""


def _from_store(state: CliContext, first: date, last: date) -> DailyReport:
    from clerk.cli.users import open_store
    from clerk.reports import AuditHead, build
    from services.hall import audit
    from services.hall.supervisor.facts import report_facts

    hall = open_store(state)
    try:
        with hall.db.read() as session:
            tickets, cases, categories, windows, clerks = report_facts(session, first, last)
            head = audit.head(session)
    finally:
        hall.close()
    return build(
        tickets,
        cases,
        first=first,
        last=last,
        category_names=categories,
        window_names=windows,
        clerk_names=clerks,
        audit_head=AuditHead(*head) if head else None,
    )


def _from_hall(state: CliContext, first: date, last: date) -> DailyReport:
    from services.client import HallClient, HallClientError

    async def ask() -> DailyReport:
        async with HallClient.for_settings(state.settings) as client:
            return await client.daily_report(first, last)

    try:
        return asyncio.run(ask())
    except HallClientError as exc:
        raise click.ClickException(exc.message) from None


@report_group.command("daily")
@option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), default=None)
@option("--to", "to", type=click.DateTime(["%Y-%m-%d"]), default=None)
@option("--format", "fmt", type=click.Choice(["csv", "pdf"]), default="csv", show_default=True)
@option(
    "--output",
    "output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
)
@pass_cli
def daily(
    state: CliContext, day: datetime | None, to: datetime | None, fmt: str, output: Path
) -> None:
    """The daily report of one day or of a range of days."""
    from clerk.reports import period_text, to_csv

    settings = state.settings  # puts the hall's time zone in force
    first = day.date() if day else hall_today(state.clock)
    last = to.date() if to else first
    if last < first:
        first, last = last, first
    if last - first > timedelta(days=MAX_DAYS):
        raise click.UsageError(i18n.t("supervisor.report.bad_range", days=MAX_DAYS))
    if str(output) == "-" and fmt != "csv":
        raise click.UsageError(i18n.t("shell.cli.stdout_only", option="--output", format="csv"))
    report = (_from_hall if state.settings.hall_url else _from_store)(state, first, last)
    if fmt == "csv":
        text = to_csv(report)
        if str(output) == "-":
            click.echo(text, nl=False)
            return
        data = ("\ufeff" + text).encode("utf-8")  # a BOM: spreadsheet programs read it as UTF-8
    else:
        from printing.report_pdf import ReportFontMissing, render_report_pdf

        try:
            data = render_report_pdf(
                report,
                hall_name=settings.hall.name,
                generated_at=state.clock(),
                font=state.settings.printer.font,
            )
        except ReportFontMissing as exc:
            raise click.ClickException(str(exc)) from None
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(data)
    except OSError as exc:
        raise click.ClickException(f"{output}: {exc.strerror or exc}") from None
    click.echo(
        i18n.t(
            "supervisor.report.written", path=str(output), format=fmt, period=period_text(report)
        )
    )


def register(group: click.Group) -> None:
    group.add_command(report_group)
