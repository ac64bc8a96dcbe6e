"""`clerk windows add|list|categories|add-category`: the hall's windows and ticket categories."""

from __future__ import annotations

import click

from clerk import i18n
from clerk.cli.context import CliContext, pass_cli
from clerk.cli.i18n_help import argument, group, option
from clerk.cli.users import open_store, run_op


@group("windows")
def windows_group() -> None:
    """Windows (窗口) and the ticket categories they serve."""


def _split(value: str) -> list[str]:
    return [part.strip().upper() for part in value.replace("，", ",").split(",") if part.strip()]


@windows_group.command("add")
@argument("number", type=int)
@argument("name")
@option("--categories", default="", metavar="A,B")
@pass_cli
def add(state: CliContext, number: int, name: str, categories: str) -> None:
    """Create a window."""
    from services.hall.ops import windows as window_ops

    prefixes = _split(categories)
    run_op(
        state,
        lambda s, actor, now: window_ops.create(
            s, actor, number=number, name=name, categories=prefixes, now=now
        ),
    )
    click.echo(
        i18n.t(
            "admin.windows.added", number=number, name=name, categories=",".join(prefixes) or "-"
        )
    )


@windows_group.command("list")
@pass_cli
def list_(state: CliContext) -> None:
    """List the windows with their categories (primary first)."""
    from rich.console import Console
    from rich.table import Table

    from services.hall.ops import windows as window_ops

    hall = open_store(state)
    try:
        with hall.db.read() as session:
            rows = [
                (w.number, w.name, w.active, w.category_prefixes)
                for w in window_ops.list_windows(session)
            ]
    finally:
        hall.close()
    if not rows:
        click.echo(i18n.t("admin.windows.none"))
        return
    table = Table(box=None, header_style="bold")
    for key in ("number", "name", "categories", "status"):
        table.add_column(i18n.t(f"admin.windows.col_{key}"))
    for number, name, active, prefixes in rows:
        table.add_row(
            str(number),
            name,
            ",".join(prefixes) or "-",
            i18n.t("admin.windows.open" if active else "admin.windows.closed"),
        )
    Console(soft_wrap=True).print(table)


@windows_group.command("categories")
@pass_cli
def categories(state: CliContext) -> None:
    """List the ticket categories."""
    from services.hall.ops import windows as window_ops

    hall = open_store(state)
    try:
        with hall.db.read() as session:
            rows = [(c.prefix, c.name) for c in window_ops.list_categories(session)]
    finally:
        hall.close()
    if not rows:
        click.echo(i18n.t("admin.windows.no_categories"))
    for prefix, name in rows:
        click.echo(f"{prefix}  {name}")


@windows_group.command("add-category")
@argument("prefix")
@argument("name")
@pass_cli
def add_category(state: CliContext, prefix: str, name: str) -> None:
    """Create a ticket category: one capital letter and a name."""
    from services.hall.ops import windows as window_ops

    run_op(
        state,
        lambda s, actor, now: window_ops.create_category(
            s, actor, prefix=prefix, name=name, now=now
        ),
    )
    click.echo(i18n.t("admin.windows.category_added", prefix=prefix.upper(), name=name))


def register(group: click.Group) -> None:
    group.add_command(windows_group)
