"""`clerk security rotate-key`: a new personal data key, every encrypted row re-encrypted."""

from __future__ import annotations

import click

from clerk import i18n
from clerk.cli.context import CliContext, pass_cli
from clerk.cli.i18n_help import group
from clerk.cli.users import open_store


@group("security")
def security_group() -> None:
    """The hall's keys (docs/security.md)."""


@security_group.command("rotate-key")
@pass_cli
def rotate_key(state: CliContext) -> None:
    """Rotate the personal data key; safe to run again if it stopped halfway."""
    import services.hall.cases.models
    import services.hall.handoff.models  # noqa: F401  (their tables are on Base.metadata)
    from services.hall import keys, personal
    from services.hall.models import Base

    hall = open_store(state)
    try:
        keys.begin_rotation()
        with hall.db.write() as session:
            count = personal.reencrypt_all(session, Base.metadata)
        keys.finish_rotation()
    finally:
        hall.close()
    click.echo(i18n.t("cases.cli.rotated", count=count))


def register(group: click.Group) -> None:
    group.add_command(security_group)
