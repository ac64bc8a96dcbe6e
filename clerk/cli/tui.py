"""Composition root of the TUI: logging, the hall (embedded or remote), the client, the app.

With no `--hall`, the hall service starts in-process on a Unix socket (services.embedded); the
app talks to it over HTTP like to any hall. The login screen comes first: the hall is brought
up behind it once it is drawn (its imports, migrations and catalog off the critical path), and
the client's first request waits for it — typing never does; signing in early says it waits.
A hall that cannot start is a clear message on the login screen, never a traceback. Every
launch logs "started in N ms", measured from process start, once the app is ready.
"""

from __future__ import annotations

import logging
import time

from clerk import logs
from clerk.cli.context import CliContext

log = logging.getLogger("clerk.tui")


def run_tui(state: CliContext) -> None:
    settings = state.settings
    logs.setup()
    from services.client import HallClient
    from services.embedded import HallStarting

    embedded: HallStarting | None = None
    if settings.hall_url is None:
        embedded = HallStarting(settings)
        client = HallClient.for_starting(settings, embedded)
    else:
        client = HallClient.for_settings(settings)
    try:
        from screens.app import ClerkApp

        def ready() -> None:
            if embedded is not None:
                embedded.begin()  # the login screen is drawn: now the hall
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
