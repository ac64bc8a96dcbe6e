"""Fixtures for the practice tests: the real hall (demo catalog) on SQLite and PostgreSQL."""

from __future__ import annotations

from tests.support.fixtures import *  # noqa: F403
