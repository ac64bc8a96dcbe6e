"""`clerk users add|list|passwd|disable|enable`: accounts, straight on the configured store."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

import click

from clerk import i18n
from clerk.cli.context import CliContext, pass_cli
from clerk.cli.i18n_help import argument, group, option
from clerk.clock import datetime_text

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from services.hall.audit import Actor
    from services.hall.bootstrap import Hall

T = TypeVar("T")

ROLES = ("clerk", "supervisor", "trainer", "admin")


def open_store(state: CliContext) -> Hall:
    """The configured store, migrated; a clear ClickException when it cannot be used."""
    from services.hall.bootstrap import open_store as _open
    from services.hall.problems import ApiError

    try:
        return _open(state.settings, clock=state.clock)
    except ApiError as exc:
        raise click.ClickException(exc.text()) from None


def cli_actor() -> Actor:
    from services.hall.audit import Actor

    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "unknown"
    return Actor(f"cli:{who}")


def run_op(state: CliContext, op: Callable[[Session, Actor, datetime], T]) -> T:
    """Run `op(session, actor, now)` in one write transaction; ApiError -> ClickException."""
    from services.hall.problems import ApiError

    hall = open_store(state)
    try:
        with hall.db.write() as session:
            return op(session, cli_actor(), hall.now())
    except ApiError as exc:
        raise click.ClickException(exc.text()) from None
    finally:
        hall.close()


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise click.ClickException(i18n.t("admin.users.empty_password"))
        return password
    value: str = click.prompt(
        i18n.t("admin.users.password_prompt"),
        hide_input=True,
        confirmation_prompt=i18n.t("admin.users.password_confirm"),
    )
    return value


def role_name(role: str) -> str:
    key = f"admin.role.{role}"
    return i18n.t(key) if i18n.has(key) else role


@group("users")
def users_group() -> None:
    """Accounts of the hall (用户)."""


@users_group.command("add")
@argument("username")
@option("--name", "display_name", required=True)
@option("--role", type=click.Choice(ROLES), default="clerk", show_default=True)
@option("--password-stdin", is_flag=True)
@pass_cli
def add(
    state: CliContext, username: str, display_name: str, role: str, password_stdin: bool
) -> None:
    """Create a user."""
    from services.hall.ops import users as user_ops

    password = read_password(password_stdin)
    run_op(
        state,
        lambda s, actor, now: user_ops.create(
            s,
            actor,
            username=username,
            display_name=display_name,
            role=role,
            password=password,
            now=now,
        ),
    )
    click.echo(i18n.t("admin.users.added", username=username, role=role_name(role)))


@users_group.command("list")
@pass_cli
def list_(state: CliContext) -> None:
    """List the users."""
    from rich.console import Console
    from rich.table import Table

    from services.hall.ops import users as user_ops

    hall = open_store(state)
    try:
        with hall.db.read() as session:
            rows = user_ops.list_all(session)
    finally:
        hall.close()
    if not rows:
        click.echo(i18n.t("admin.users.none"))
        return
    table = Table(box=None, header_style="bold")
    for key in ("username", "name", "role", "status", "created"):
        table.add_column(i18n.t(f"admin.users.col_{key}"))
    for user in rows:
        table.add_row(
            user.username,
            user.display_name,
            role_name(user.role),
            i18n.t("admin.users.disabled" if user.disabled else "admin.users.enabled"),
            datetime_text(user.created_at),
        )
    Console(soft_wrap=True).print(table)


@users_group.command("passwd")
@argument("username")
@option("--password-stdin", is_flag=True)
@pass_cli
def passwd(state: CliContext, username: str, password_stdin: bool) -> None:
    """Set a user's password (their open sessions end)."""
    from services.hall.ops import users as user_ops

    password = read_password(password_stdin)
    run_op(
        state,
        lambda s, actor, now: user_ops.set_password(
            s, actor, username=username, password=password, now=now
        ),
    )
    click.echo(i18n.t("admin.users.password_set", username=username))


@users_group.command("disable")
@argument("username")
@pass_cli
def disable(state: CliContext, username: str) -> None:
    """Disable a user (their open sessions end)."""
    from services.hall.ops import users as user_ops

    run_op(
        state,
        lambda s, actor, now: user_ops.set_disabled(
            s, actor, username=username, disabled=True, now=now
        ),
    )
    click.echo(i18n.t("admin.users.disabled_done", username=username))


@users_group.command("enable")
@argument("username")
@pass_cli
def enable(state: CliContext, username: str) -> None:
    """Enable a disabled user again."""
    from services.hall.ops import users as user_ops

    run_op(
        state,
        lambda s, actor, now: user_ops.set_disabled(
            s, actor, username=username, disabled=False, now=now
        ),
    )
    click.echo(i18n.t("admin.users.enabled_done", username=username))


def register(group: click.Group) -> None:
    group.add_command(users_group)
