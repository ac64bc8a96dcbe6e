"""Queue settings. Read from the `[queue]` table of the clerk config file and from
`CLERK_QUEUE__<NAME>` environment variables (env wins), e.g.

    [queue]
    closing = "17:30"          # hall-local time; waiting/called tickets expire then
    appointment_early_minutes = 30
    appointment_late_minutes = 15
    late_check_in = "normal"   # "normal": a late arrival gets an ordinary ticket; "refuse"
    public_issue = true        # kiosks may issue tickets without a token (rate-limited)
    public_issue_per_minute = 30

They live here, not in clerk.config.Settings, so the queue room does not edit the core's file;
`QueueSettings.load()` is called once per app (and by `clerk queue`)."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, fields
from datetime import time, timedelta
from typing import Any

from clerk import paths
from clerk.tickets import AppointmentRule

ENV_PREFIX = "CLERK_QUEUE__"
TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def _parse_time(value: str) -> time:
    match = TIME.match(value.strip())
    if not match:
        raise ValueError(f"queue.closing: expected HH:MM, got {value!r}")
    return time(int(match.group(1)), int(match.group(2)))


@dataclass(frozen=True)
class QueueSettings:
    closing: time = time(17, 30)
    appointment_early_minutes: int = 30
    appointment_late_minutes: int = 15
    late_check_in: str = "normal"
    public_issue: bool = True
    public_issue_per_minute: int = 30
    default_service_minutes: float = 8.0
    recent_services: int = 20
    ping_seconds: float = 15.0
    safety_poll_seconds: float = 5.0
    # The closing task sleeps until the next closing time or midnight, at most this long.
    closing_check_seconds: float = 60.0

    @property
    def rule(self) -> AppointmentRule:
        return AppointmentRule(
            early=timedelta(minutes=self.appointment_early_minutes),
            late=timedelta(minutes=self.appointment_late_minutes),
        )

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> QueueSettings:
        values: dict[str, Any] = {}
        known = {f.name for f in fields(cls)}
        for key, raw in data.items():
            name = key.lower()
            if name not in known:
                continue
            default = getattr(cls, name)
            if name == "closing":
                values[name] = raw if isinstance(raw, time) else _parse_time(str(raw))
            elif isinstance(default, bool):
                values[name] = (
                    raw
                    if isinstance(raw, bool)
                    else str(raw).strip().lower() in ("1", "true", "yes", "on")
                )
            elif isinstance(default, int):
                values[name] = int(raw)
            elif isinstance(default, float):
                values[name] = float(raw)
            else:
                values[name] = str(raw)
        if values.get("late_check_in", "normal") not in ("normal", "refuse"):
            raise ValueError("queue.late_check_in: 'normal' or 'refuse'")
        return cls(**values)

    @classmethod
    def load(cls) -> QueueSettings:
        data: dict[str, Any] = {}
        path = paths.config_file()
        if path.exists():
            try:
                with path.open("rb") as handle:
                    table = tomllib.load(handle).get("queue", {})
                if isinstance(table, dict):
                    data.update(table)
            except (OSError, tomllib.TOMLDecodeError):
                pass  # clerk.config reports a broken file; the queue keeps its defaults
        for name, value in os.environ.items():
            if name.startswith(ENV_PREFIX):
                data[name[len(ENV_PREFIX) :].lower()] = value
        return cls.from_mapping(data)
