"""Where clerk keeps its files (platformdirs), overridable for tests with CLERK_HOME."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "clerk"


def _home() -> Path | None:
    value = os.environ.get("CLERK_HOME")
    return Path(value) if value else None


def private_dir(path: Path) -> Path:
    """`path` created if missing and made private to this user (0700): stores, secrets, logs,
    prints and anchors live in such folders (docs/security.md)."""
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def private_file(path: Path) -> Path:
    """`path` created empty if missing, and readable and writable by this user only (0600)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)
    return path


def config_dir() -> Path:
    home = _home()
    return home / "config" if home else Path(platformdirs.user_config_dir(APP))


def data_dir() -> Path:
    home = _home()
    return home / "data" if home else Path(platformdirs.user_data_dir(APP))


def log_dir() -> Path:
    home = _home()
    return home / "log" if home else Path(platformdirs.user_log_dir(APP))


def runtime_dir() -> Path:
    """A private (0700) directory for the embedded service's Unix socket."""
    home = _home()
    base = home / "run" if home else Path(platformdirs.user_runtime_dir(APP))
    return private_dir(base)


def config_file() -> Path:
    return config_dir() / "config.toml"
