"""Back-office hand-off commands.

clerk backoffice-sim --port 8471 [--db PATH] [--delay-min S --delay-max S]
                     [--odds approved=.7,needs_correction=.2,denied=.1]
                     [--callback URL] [--manual] [--faults]
clerk backoffice-approver [--url URL]      the approver screen for --manual
clerk handoff status [--dead] [--department D]
clerk handoff retry ID... | --all-dead [--department D]
clerk handoff secret [DEPT] [--generate]   where a department's secret is kept
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from clerk import i18n, paths
from clerk.cli.context import CliContext, pass_cli
from clerk.cli.i18n_help import argument, command, group, option
from clerk.cli.users import cli_actor, open_store

DEFAULT_SIM_PORT = 8471


def _odds(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Any:
    if value is None:
        return None
    from services.backoffice.simulator import parse_odds

    try:
        return parse_odds(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@command("backoffice-sim")
@option("--port", type=int, default=DEFAULT_SIM_PORT, show_default=True)
@option("--host", default="127.0.0.1", show_default=True)
@option("--db", "db_path", type=click.Path(dir_okay=False))
@option("--delay-min", type=float, default=2.0, show_default=True)
@option("--delay-max", type=float, default=8.0, show_default=True)
@option("--odds", callback=_odds)
@option("--callback", metavar="URL")
@option("--manual", is_flag=True)
@option("--faults", is_flag=True)
@option("--seed", type=int)
def backoffice_sim(
    port: int,
    host: str,
    db_path: str | None,
    delay_min: float,
    delay_max: float,
    odds: dict[str, float] | None,
    callback: str | None,
    manual: bool,
    faults: bool,
    seed: int | None,
) -> None:
    """Run the reference back office (a separate process with its own store)."""
    from clerk import logs
    from services.backoffice import protocol
    from services.backoffice.simulator import SimConfig, run

    if delay_min < 0 or delay_max < delay_min:
        raise click.BadParameter(i18n.t("handoff.cli.bad_delays"))
    protocol.ensure_default_secret()
    db = Path(db_path) if db_path else paths.data_dir() / "backoffice-sim.sqlite3"
    config = SimConfig(
        db=db,
        delay_min=delay_min,
        delay_max=delay_max,
        callback=callback,
        manual=manual,
        faults=faults,
        seed=seed,
    )
    if odds:
        config.odds = odds
    log_path = logs.setup("backoffice-sim")
    click.echo(
        i18n.t(
            "handoff.cli.sim_listening",
            url=f"http://{host}:{port}",
            db=db,
            mode=i18n.t("handoff.cli.mode_manual" if manual else "handoff.cli.mode_auto"),
            callback=config.callback_url() or i18n.t("handoff.cli.no_callback"),
            log=log_path,
        )
    )
    run(config, host=host, port=port)


@command("backoffice-approver")
@option("--url", default=f"http://127.0.0.1:{DEFAULT_SIM_PORT}", show_default=True)
def backoffice_approver(url: str) -> None:
    """The approver screen: move the simulator's cases by hand (run it with --manual)."""
    from screens.backoffice_approver import ApproverApp

    ApproverApp(url).run()


@group("handoff")
def handoff_group() -> None:
    """Hand-offs to the back offices (推送后台): pending, dead, retry."""


@handoff_group.command("status")
@option("--dead", "only_dead", is_flag=True)
@option("--department")
@option("--limit", type=int, default=50, show_default=True)
@pass_cli
def status(state: CliContext, only_dead: bool, department: str | None, limit: int) -> None:
    """Counts per department; with --dead, the hand-offs waiting for a retry."""
    from services.hall.handoff import service

    hall = open_store(state)
    try:
        with hall.db.read() as session:
            summary = service.summary(session, hall.now())
            dead = (
                service.list_items(
                    session, status="dead", department=department, case_no=None, limit=limit
                )
                if only_dead
                else []
            )
    finally:
        hall.close()
    totals = summary["totals"]
    click.echo(i18n.t("handoff.cli.totals", **totals))
    if summary["oldest_pending_s"] is not None:
        click.echo(i18n.t("handoff.cli.oldest", seconds=summary["oldest_pending_s"]))
    for dept, counts in sorted(summary["departments"].items()):
        if department and dept != department:
            continue
        click.echo(i18n.t("handoff.cli.department", department=dept, **counts))
    for row in dead:
        click.echo(
            i18n.t(
                "handoff.cli.dead_row",
                id=row["id"],
                case_no=row["case_no"],
                department=row["department"],
                attempts=row["attempts"],
                error=row["last_error"] or "-",
            )
        )
    if only_dead and not dead:
        click.echo(i18n.t("handoff.cli.no_dead"))


@handoff_group.command("retry")
@argument("ids", type=int, nargs=-1)
@option("--all-dead", is_flag=True)
@option("--department")
@pass_cli
def retry(state: CliContext, ids: tuple[int, ...], all_dead: bool, department: str | None) -> None:
    """Send dead hand-offs again (fresh attempts; audited)."""
    from services.hall.handoff import service
    from services.hall.problems import ApiError

    if not ids and not all_dead:
        raise click.UsageError(i18n.t("handoff.cli.retry_what"))
    hall = open_store(state)
    try:
        with hall.db.write() as session:
            done = list(ids)
            for item_id in ids:
                service.retry(session, cli_actor(), item_id, now=hall.now())
            if all_dead:
                done += service.retry_all_dead(
                    session, cli_actor(), now=hall.now(), department=department
                )
    except ApiError as exc:
        raise click.ClickException(exc.text()) from None
    finally:
        hall.close()
    click.echo(i18n.t("handoff.cli.retried", count=len(done)))


@handoff_group.command("secret")
@argument("department", required=False)
@option("--generate", is_flag=True)
def secret(department: str | None, generate: bool) -> None:
    """Where the back-office secret is kept (DEPT: that department's own; none: the shared)."""
    import secrets as random_secrets

    from services import credentials
    from services.backoffice import protocol

    name = protocol.secret_name(department) if department else protocol.DEFAULT_SECRET
    if generate:
        credentials.store(name, random_secrets.token_urlsafe(32))
    click.echo(f"{name}: {credentials.describe(credentials.where(name), name)}")


def register(group: click.Group) -> None:
    group.add_command(backoffice_sim)
    group.add_command(backoffice_approver)
    group.add_command(handoff_group)
