"""`clerk serve`: the hall service under uvicorn on a TCP address, for a whole hall."""

from __future__ import annotations

import uvicorn

from clerk.config import Settings
from services.hall.app import create_app


def run_server(settings: Settings) -> None:
    uvicorn.run(
        create_app(settings),
        host=settings.service.host,
        port=settings.service.port,
        log_level="info",
        proxy_headers=False,
    )
