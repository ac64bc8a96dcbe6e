"""`clerk token set|show|clear`: the token this workstation shows a shared hall (`--hall URL`).

Stored with services.credentials (keyring, or the 0600 file where there is none). The
`hall_token` setting (CLERK_HALL_TOKEN, config.toml) wins over the stored token, so each command
says when one is set. Values are never printed, only masked.
"""

from __future__ import annotations

import sys

import click

from clerk import i18n
from clerk.cli.context import CliContext, pass_cli
from clerk.cli.i18n_help import group, option


@group("token")
def token_group() -> None:
    """The workstation's hall token."""


def _configured(state: CliContext) -> tuple[str, str] | None:
    """The `hall_token` setting and where it comes from, when there is one."""
    effective = state.effective()
    secret = effective.settings.hall_token
    if secret is None or not secret.get_secret_value():
        return None
    return secret.get_secret_value(), effective.origins.get("hall_token", "default")


def _read_token(from_stdin: bool) -> str:
    value: str
    if from_stdin:
        value = sys.stdin.readline()
    else:
        value = click.prompt(i18n.t("admin.token.prompt"), hide_input=True)
    value = value.strip()
    if not value:
        raise click.ClickException(i18n.t("admin.token.empty"))
    return value


@token_group.command("set")
@option("--stdin", "from_stdin", is_flag=True)
@pass_cli
def set_token(state: CliContext, from_stdin: bool) -> None:
    """Store the token in the keyring (or the 0600 file) and say where it went."""
    from services import credentials

    value = _read_token(from_stdin)
    where = credentials.store(credentials.HALL_TOKEN, value)
    click.echo(
        i18n.t(
            "admin.token.stored",
            masked=credentials.mask(value),
            where=credentials.describe(where, credentials.HALL_TOKEN),
        )
    )
    configured = _configured(state)
    if configured is not None:
        click.echo(i18n.t("admin.token.overridden", origin=configured[1]))


@token_group.command("show")
@pass_cli
def show_token(state: CliContext) -> None:
    """Which token a shared hall gets, masked, and where it comes from."""
    from services import credentials

    configured = _configured(state)
    if configured is not None:
        value, origin = configured
        click.echo(
            i18n.t("admin.token.from_setting", masked=credentials.mask(value), origin=origin)
        )
        if origin.startswith("file "):
            click.echo(i18n.t("admin.token.plain_file_hint"))
        return
    name = credentials.HALL_TOKEN
    stored = credentials.get(name)
    described = credentials.describe(credentials.where(name) if stored else None, name)
    if stored is None:
        click.echo(described)
        return
    click.echo(i18n.t("admin.token.stored_at", masked=credentials.mask(stored), where=described))


@token_group.command("clear")
@pass_cli
def clear_token(state: CliContext) -> None:
    """Forget the stored token (keyring and 0600 file)."""
    from services import credentials

    credentials.delete(credentials.HALL_TOKEN)
    click.echo(i18n.t("admin.token.cleared"))
    configured = _configured(state)
    if configured is not None:
        click.echo(i18n.t("admin.token.still_set", origin=configured[1]))


def register(group: click.Group) -> None:
    group.add_command(token_group)
