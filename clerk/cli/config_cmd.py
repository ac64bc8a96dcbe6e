"""`clerk config show`: the effective settings and where each value came from."""

from __future__ import annotations

import json

import click

from clerk import i18n, paths
from clerk.cli.context import CliContext, pass_cli
from clerk.cli.i18n_help import group, option
from clerk.config import describe


@group("config")
def config_group() -> None:
    """Show the effective configuration."""


@config_group.command("show")
@option("--json", "as_json", is_flag=True)
@pass_cli
def show(state: CliContext, as_json: bool) -> None:
    """Print every setting, its value and its origin (secrets masked)."""
    rows = describe(state.effective())
    if as_json:
        payload = [{"setting": k, "value": v, "origin": o} for k, v, o in rows]
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    click.echo(f"# {paths.config_file()}")
    width = max(len(k) for k, _, _ in rows)
    click.echo(
        f"{i18n.t('config.setting'):<{width}}  {i18n.t('config.value')}  ({i18n.t('config.origin')})"
    )
    for key, value, origin in rows:
        click.echo(f"{key:<{width}}  {value}  ({origin})")


def register(group: click.Group) -> None:
    group.add_command(config_group)
