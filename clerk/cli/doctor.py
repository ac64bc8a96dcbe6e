"""`clerk doctor`: check the database, migrations, keyring, printers and CJK font; say how to fix
each failure; exit non-zero when a required check fails."""

from __future__ import annotations

import click

from clerk import clock, i18n
from clerk.cli.context import CliContext, pass_cli
from clerk.cli.i18n_help import command
from clerk.doctor import CheckResult, exit_code, verdict_key


def _printing_checks(state: CliContext) -> list[CheckResult]:
    try:
        from printing import checks as printing_checks
    except ImportError:
        return [
            CheckResult(
                i18n.t("admin.doctor.printing"),
                False,
                i18n.t("admin.doctor.not_available"),
                required=False,
            )
        ]
    results: list[CheckResult] = printing_checks.run(state.settings)
    return results


@command("doctor")
@pass_cli
@click.pass_context
def doctor(ctx: click.Context, state: CliContext) -> None:
    """Check this workstation and its hall store."""
    from services import checks

    today = clock.hall_today(state.clock)
    results = [*checks.run(state.settings, today), *_printing_checks(state)]
    for result in results:
        mark = "✓" if result.ok else ("✗" if result.required else "!")
        click.echo(f"{mark} {result.name}: {result.detail}")
        if not result.ok and result.fix:
            click.echo(f"    {i18n.t('admin.doctor.fix')}: {result.fix}")
    click.echo(i18n.t(verdict_key(results)))
    ctx.exit(exit_code(results))


def register(group: click.Group) -> None:
    group.add_command(doctor)
