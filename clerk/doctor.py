"""What `clerk doctor` reports: one result per check, with the fix spelled out when it fails."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str
    fix: str | None = None
    # A failed optional check is a warning: clerk works, with a fallback the detail names.
    required: bool = True


def exit_code(results: Iterable[CheckResult]) -> int:
    return 1 if any(r.required and not r.ok for r in results) else 0


def verdict_key(results: Iterable[CheckResult]) -> str:
    """The closing line's message: a required check failed, only warnings, or all passed."""
    shown = list(results)
    if exit_code(shown):
        return "admin.doctor.failed"
    if any(not r.ok for r in shown):
        return "admin.doctor.warned"
    return "admin.doctor.passed"
