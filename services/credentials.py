"""Secrets of this workstation: its hall token and back-office keys.

Where they live, in the order they are read:
1. an environment variable: CLERK_HALL_TOKEN for the hall token, CLERK_SECRET_<NAME> for others;
2. the system keyring (service name "clerk");
3. a file readable only by this user (0600): <config dir>/secrets.json.

The hall token may also be set as the `hall_token` setting (config.toml); `hall_token()` says
which one a workstation shows its hall.

`store()` writes to the keyring when one exists; on a machine without a keyring backend (a
headless server raises keyring.errors.NoKeyringError) it says so and writes the 0600 file instead.
Nothing here ever logs a secret value, and no keyring failure ever escapes as an exception.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from clerk import i18n, paths

SERVICE = "clerk"
HALL_TOKEN = "hall_token"
FILE_NAME = "secrets.json"

log = logging.getLogger("services.credentials")
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class Where(Enum):
    ENV = "env"
    KEYRING = "keyring"
    FILE = "file"


@dataclass(frozen=True)
class BackendStatus:
    available: bool
    name: str
    detail: str  # user-facing, current language


def env_var(name: str) -> str:
    return "CLERK_HALL_TOKEN" if name == HALL_TOKEN else f"CLERK_SECRET_{name.upper()}"


def secrets_file() -> Path:
    return paths.config_dir() / FILE_NAME


def _check(name: str) -> None:
    if not _NAME.match(name):
        raise ValueError(f"bad secret name {name!r}: lowercase letters, digits and _")


def _keyring() -> Any:
    import keyring

    return keyring


def backend_status() -> BackendStatus:
    """Is there a usable keyring? A failed probe is reported, never raised."""
    try:
        kr = _keyring()
        backend = kr.get_keyring()
        name = f"{type(backend).__module__}.{type(backend).__name__}"
        priority = getattr(backend, "priority", 1)
        if name.startswith("keyring.backends.fail") or priority <= 0:
            return BackendStatus(
                False, name, i18n.t("admin.credentials.no_keyring", file=secrets_file())
            )
        return BackendStatus(True, name, i18n.t("admin.credentials.keyring_ok", name=name))
    except Exception as exc:
        return BackendStatus(
            False,
            type(exc).__name__,
            i18n.t("admin.credentials.no_keyring", file=secrets_file()),
        )


def _read_file() -> dict[str, str]:
    path = secrets_file()
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("cannot read %s: %s", path, type(exc).__name__)
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _write_file(data: dict[str, str]) -> None:
    path = secrets_file()
    paths.private_dir(path.parent)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, indent=2)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    os.replace(tmp, path)


def get(name: str) -> str | None:
    """The secret `name`, from the environment, the keyring or the 0600 file (in that order)."""
    _check(name)
    value = os.environ.get(env_var(name))
    if value:
        return value
    try:
        value = _keyring().get_password(SERVICE, name)
    except Exception as exc:
        log.info("keyring unavailable for %s (%s); trying %s", name, type(exc).__name__, FILE_NAME)
        value = None
    if value:
        return str(value)
    return _read_file().get(name)


def hall_token(configured: str | None) -> str | None:
    """The token for a shared hall: the `hall_token` setting (CLERK_HALL_TOKEN or config.toml)
    when there is one, else the stored one (keyring, then the 0600 file)."""
    return configured or get(HALL_TOKEN)


def mask(value: str) -> str:
    """Enough of a secret to tell two apart, never enough to use: its last 4 characters, and
    only when at least 12 stay hidden."""
    return "******" + value[-4:] if len(value) >= 16 else "******"


def where(name: str) -> Where | None:
    _check(name)
    if os.environ.get(env_var(name)):
        return Where.ENV
    with contextlib.suppress(Exception):
        if _keyring().get_password(SERVICE, name):
            return Where.KEYRING
    return Where.FILE if name in _read_file() else None


def store(name: str, value: str) -> Where:
    """Keep `value` in the keyring, or in the 0600 file when there is no keyring."""
    _check(name)
    try:
        _keyring().set_password(SERVICE, name, value)
    except Exception as exc:
        log.warning(
            "no keyring for %s (%s); keeping it in %s (0600)",
            name,
            type(exc).__name__,
            secrets_file(),
        )
    else:
        _drop_from_file(name)
        return Where.KEYRING
    data = _read_file()
    data[name] = value
    _write_file(data)
    return Where.FILE


def _drop_from_file(name: str) -> None:
    data = _read_file()
    if name in data:
        del data[name]
        _write_file(data)


def delete(name: str) -> None:
    """Forget `name` in the keyring and the file (an env var is the user's to unset)."""
    _check(name)
    with contextlib.suppress(Exception):
        _keyring().delete_password(SERVICE, name)
    _drop_from_file(name)


def describe(where_: Where | None, name: str) -> str:
    """A sentence saying where `name` is kept (for the CLI and doctor)."""
    if where_ is Where.ENV:
        return i18n.t("admin.credentials.in_env", var=env_var(name))
    if where_ is Where.KEYRING:
        return i18n.t("admin.credentials.in_keyring", service=SERVICE)
    if where_ is Where.FILE:
        return i18n.t("admin.credentials.in_file", file=secrets_file())
    return i18n.t(
        "admin.credentials.missing", var=env_var(name), file=secrets_file(), service=SERVICE
    )
