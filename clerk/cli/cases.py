"""Case follow-up commands.

clerk cases overdue [--all-near/--only-overdue] [--limit N]
    the hall's open cases over (and close to) their promised date, most urgent first
clerk cases purge
    the retention rule: closed cases past [cases] retain_days keep only masked personal data
"""

from __future__ import annotations

import click

from clerk import i18n
from clerk.cli.context import CliContext, pass_cli
from clerk.cli.i18n_help import group, option
from clerk.cli.users import open_store


@group("cases")
def cases_group() -> None:
    """Cases after acceptance (办件): deadlines."""


@cases_group.command("overdue")
@option("--near/--only-overdue", default=True, show_default=True)
@option("--limit", type=int, default=200, show_default=True)
@pass_cli
def overdue(state: CliContext, near: bool, limit: int) -> None:
    """Open cases over (and close to) their promised date."""
    from clerk.cases import CaseStatus
    from services.hall.cases import pickup

    hall = open_store(state)
    try:
        pickup.configure(hall.db.engine.url, pickup.CaseworkConfig.of(hall.settings))
        with hall.db.read() as session:
            rows = [
                (
                    case.case_no,
                    flag.text(),
                    case.promised_date.isoformat() if case.promised_date else "-",
                    CaseStatus(case.status).label(),
                    case.item_name,
                    case.applicant_name,
                )
                for case, flag in pickup.deadline_cases(session, hall.now(), near=near, limit=limit)
            ]
    finally:
        hall.close()
    if not rows:
        click.echo(i18n.t("caseview.cli.none"))
        return
    for case_no, flag, promised, status, item, applicant in rows:
        click.echo(
            i18n.t(
                "caseview.cli.row",
                case_no=case_no,
                flag=flag,
                promised=promised,
                status=status,
                item=item,
                applicant=applicant,
            )
        )
    click.echo(
        i18n.t(
            "caseview.cli.count", count=len(rows), near=state.settings.cases.near_deadline_workdays
        )
    )


@cases_group.command("purge")
@pass_cli
def purge(state: CliContext) -> None:
    """Mask the personal data of cases closed longer ago than [cases] retain_days."""
    from clerk.cli.users import run_op
    from services.hall.cases import retention

    days = state.settings.cases.retain_days
    if days <= 0:
        click.echo(i18n.t("cases.cli.purge_off"))
        return
    count = run_op(
        state,
        lambda session, actor, now: retention.purge(session, actor, now=now, retain_days=days),
    )
    click.echo(i18n.t("cases.cli.purged", count=count, days=days))


def register(group: click.Group) -> None:
    group.add_command(cases_group)
