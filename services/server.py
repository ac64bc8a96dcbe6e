"""`clerk serve`: the hall service under uvicorn on a TCP address, for a whole hall."""

from __future__ import annotations

import copy
from typing import Any

import uvicorn
from uvicorn.config import LOGGING_CONFIG

from clerk.config import Settings
from services.hall import keys
from services.hall.app import create_app


def log_config() -> dict[str, Any]:
    """uvicorn's logging, with ID numbers and phones masked in every line (the access log
    writes each URL whole, query string included)."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["mask"] = {"()": "clerk.logs.MaskFilter"}
    for handler in config["handlers"].values():
        handler.setdefault("filters", []).append("mask")
    return config


def run_server(settings: Settings) -> None:
    keys.ensure()  # before any worker starts: several must not race to create different keys
    uvicorn.run(
        create_app(settings),
        host=settings.service.host,
        port=settings.service.port,
        log_level="info",
        log_config=log_config(),
        proxy_headers=False,
    )
