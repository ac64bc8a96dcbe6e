"""`clerk audit verify`: walk the audit log's hash chain; exit 1 naming the first bad row."""

from __future__ import annotations

import click

from clerk import i18n
from clerk.cli.context import CliContext, pass_cli
from clerk.cli.i18n_help import group
from clerk.cli.users import open_store
from clerk.clock import datetime_text


@group("audit")
def audit_group() -> None:
    """The append-only audit log (审计日志)."""


@audit_group.command("verify")
@pass_cli
@click.pass_context
def verify(ctx: click.Context, state: CliContext) -> None:
    """Check that no audit row was edited, removed or reordered."""
    from services.hall import audit
    from services.hall.models import AuditEntry

    hall = open_store(state)
    try:
        with hall.db.read() as session:
            verdict = audit.verify(session)
            bad = session.get(AuditEntry, verdict.first_bad_id) if verdict.first_bad_id else None
            described = (
                (
                    datetime_text(bad.at, seconds=True),
                    bad.actor,
                    bad.action,
                    bad.target,
                )
                if bad
                else None
            )
    finally:
        hall.close()
    if verdict.ok:
        click.echo(i18n.t("admin.audit.ok", count=verdict.count))
        return
    click.echo(
        i18n.t(
            f"admin.audit.broken_{verdict.reason}",
            id=verdict.first_bad_id,
            count=verdict.count,
        ),
        err=True,
    )
    if described:
        at, actor, action, target = described
        click.echo(
            i18n.t("admin.audit.row", at=at, actor=actor, action=action, target=target or "-"),
            err=True,
        )
    ctx.exit(1)


def register(group: click.Group) -> None:
    group.add_command(audit_group)
