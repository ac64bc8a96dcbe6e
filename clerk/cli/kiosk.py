"""`clerk kiosk [--hall URL]`: the full-screen ticket machine (screens/kiosk.py).

Without --hall (here or on `clerk`) the hall service starts in-process on a Unix socket, as for
the workstation; with it the kiosk talks to that hall. No clerk signs in: tickets are issued in
the hall's kiosk mode (`queue.public_issue`), or with `hall_token` when one is configured.
"""

from __future__ import annotations

import logging
import time

import click

from clerk import i18n, logs
from clerk.cli.context import CliContext, pass_cli
from clerk.cli.i18n_help import command, option

log = logging.getLogger("clerk.kiosk")


@command("kiosk")
@option("--hall", "hall_url", metavar="URL")
@pass_cli
def kiosk(state: CliContext, hall_url: str | None) -> None:
    """Full-screen ticket machine (取号机); no login. Embedded hall unless --hall is given."""
    state.override(hall_url=hall_url)
    settings = state.settings
    logs.setup("kiosk")
    from services.client import HallClient
    from services.embedded import EmbeddedHall, HallStartError, start_embedded

    embedded: EmbeddedHall | None = None
    if settings.hall_url is None:
        try:
            embedded = start_embedded(settings)
        except HallStartError as exc:
            log.error("embedded hall failed to start: %s", exc)
            raise click.ClickException(i18n.t("queue_tui.kiosk.cli.failed", detail=exc)) from exc
    try:
        client = HallClient.for_settings(settings, embedded)
        from screens.kiosk import KioskApp

        def ready() -> None:
            ms = round(logs.process_age_ms())
            log.info("kiosk started in %d ms", ms, extra={"data": {"ms": ms}})

        app = KioskApp(settings, client, on_ready=ready)
        started = time.monotonic()
        app.run()
        log.info("kiosk stopped after %.0f s", time.monotonic() - started)
    finally:
        if embedded is not None:
            embedded.stop()


def register(group: click.Group) -> None:
    group.add_command(kiosk)
