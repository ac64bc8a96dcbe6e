"""The reference back office (`clerk backoffice-sim`): app.py (FastAPI) on store.py (its own
SQLite file). `run(config, host, port)` serves it under uvicorn."""

from __future__ import annotations

from services.backoffice.simulator.app import SimConfig, create_sim_app, parse_odds

__all__ = ["SimConfig", "create_sim_app", "parse_odds", "run"]


def run(config: SimConfig, *, host: str = "127.0.0.1", port: int = 8471) -> None:
    import uvicorn

    uvicorn.run(
        create_sim_app(config),
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
    )
