"""`clerk serve [--db URL] [--host] [--port]`: run the hall service for a whole hall."""

from __future__ import annotations

import click

from clerk import i18n
from clerk.cli.context import CliContext, pass_cli
from clerk.cli.i18n_help import command, option


@command("serve")
@option("--db", metavar="URL")
@option("--host")
@option("--port", type=int)
@pass_cli
def serve(state: CliContext, db: str | None, host: str | None, port: int | None) -> None:
    """Run the hall service under uvicorn; migrations are applied on start."""
    from clerk import logs
    from clerk.cli.users import open_store
    from services.hall.db import safe_url
    from services.server import run_server

    state.override(**{"service.db": db, "service.host": host, "service.port": port})
    settings = state.settings
    hall = open_store(state)  # fails early, and clearly, when the store cannot be used
    revision = hall.revision
    hall.close()
    log_path = logs.setup("hall")
    click.echo(
        i18n.t(
            "admin.serve.listening",
            url=f"http://{settings.service.host}:{settings.service.port}",
            db=safe_url(settings.database_url()),
            rev=revision,
            log=log_path,
        )
    )
    run_server(settings)


def register(group: click.Group) -> None:
    group.add_command(serve)
