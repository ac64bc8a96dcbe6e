"""`clerk demo seed [--if-empty]`: a demo hall with its passwords printed once."""

from __future__ import annotations

import sys

import click

from clerk import i18n
from clerk.cli.context import CliContext, pass_cli
from clerk.cli.i18n_help import group, option
from clerk.cli.users import cli_actor, open_store, role_name


@group("demo")
def demo_group() -> None:
    """A demo hall to try clerk with."""


@demo_group.command("seed")
@option("--if-empty", is_flag=True)
@option(
    "--pause",
    is_flag=True,
)
@pass_cli
def seed(state: CliContext, if_empty: bool, pause: bool) -> None:
    """Create demo categories, windows and users; print the passwords once."""
    from rich.console import Console
    from rich.table import Table

    from services.hall.db import safe_url
    from services.hall.ops import demo

    hall = open_store(state)
    try:
        with hall.db.write() as session:
            if not demo.is_empty(session):
                if if_empty:
                    click.echo(i18n.t("admin.demo.exists", db=safe_url(hall.db.url)))
                    return
                raise click.ClickException(i18n.t("admin.demo.not_empty", db=safe_url(hall.db.url)))
            accounts = demo.seed(session, cli_actor(), hall.now())
        url = safe_url(hall.db.url)
    finally:
        hall.close()
    click.echo(i18n.t("admin.demo.seeded", db=url))
    table = Table(box=None, header_style="bold")
    for key in ("username", "name", "role", "window", "password"):
        table.add_column(i18n.t(f"admin.demo.col_{key}"))
    for account in accounts:
        table.add_row(
            account.username,
            account.display_name,
            role_name(account.role),
            str(account.window_no) if account.window_no else "-",
            account.password,
        )
    Console(soft_wrap=True).print(table)
    click.echo(i18n.t("admin.demo.once"))
    first = accounts[0]
    click.echo(i18n.t("admin.demo.how_to_login", window=first.window_no, username=first.username))
    if pause and sys.stdin.isatty():
        click.pause(i18n.t("admin.demo.press_enter"))


def register(group: click.Group) -> None:
    group.add_command(demo_group)
