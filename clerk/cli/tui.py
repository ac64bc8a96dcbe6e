"""Composition root of the TUI: logging, the hall (embedded or remote), the client, the app.

With no `--hall`, the hall service starts in-process on a Unix socket (services.embedded); the
app talks to it over HTTP like to any hall. A hall that cannot start is a clear message and a
non-zero exit, never a traceback. Every launch logs "started in N ms", measured from process
start, once the app is ready.
"""

from __future__ import annotations

import logging
import time

import click

from clerk import logs
from clerk.cli.context import CliContext

log = logging.getLogger("clerk.tui")


def run_tui(state: CliContext) -> None:
    settings = state.settings
    logs.setup()
    from services.client import HallClient
    from services.embedded import EmbeddedHall, HallStartError, start_embedded

    embedded: EmbeddedHall | None = None
    if settings.hall_url is None:
        try:
            embedded = start_embedded(settings)
        except HallStartError as exc:
            log.error("embedded hall failed to start: %s", exc)
            # The message already says, in the user's language, what failed and why.
            raise click.ClickException(str(exc)) from exc
    try:
        client = HallClient.for_settings(settings, embedded)
        from screens.app import ClerkApp

        def ready() -> None:
            ms = round(logs.process_age_ms())
            log.info(
                "started in %d ms",
                ms,
                extra={"data": {"ms": ms, "embedded": embedded is not None}},
            )

        app = ClerkApp(settings, client, on_ready=ready)
        started = time.monotonic()
        app.run()
        log.info("stopped after %.0f s", time.monotonic() - started)
    finally:
        if embedded is not None:
            embedded.stop()
