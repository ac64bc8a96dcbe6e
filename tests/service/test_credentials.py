"""Secrets: keyring when there is one; env var or a 0600 file when there is not."""

from __future__ import annotations

import logging
import stat
from collections.abc import Iterator

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from services import credentials


class MemoryKeyring(KeyringBackend):
    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]
    yield
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLERK_HALL_TOKEN", raising=False)
    monkeypatch.delenv("CLERK_SECRET_BACKOFFICE_KEY", raising=False)


def test_keyring_path(memory_keyring: MemoryKeyring) -> None:
    assert credentials.backend_status().available
    assert credentials.store(credentials.HALL_TOKEN, "tok-123") is credentials.Where.KEYRING
    assert memory_keyring.store[("clerk", "hall_token")] == "tok-123"
    assert credentials.get(credentials.HALL_TOKEN) == "tok-123"
    assert credentials.where(credentials.HALL_TOKEN) is credentials.Where.KEYRING
    assert not credentials.secrets_file().exists()
    credentials.delete(credentials.HALL_TOKEN)
    assert credentials.get(credentials.HALL_TOKEN) is None


def test_no_keyring_falls_back_to_a_private_file(
    no_keyring: None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="services")
    status = credentials.backend_status()
    assert not status.available
    assert "没有可用的密钥环" in status.detail and "0600" in status.detail
    where = credentials.store("backoffice_key", "s3cr3t-value")
    assert where is credentials.Where.FILE
    path = credentials.secrets_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert credentials.get("backoffice_key") == "s3cr3t-value"
    assert credentials.where("backoffice_key") is credentials.Where.FILE
    assert "s3cr3t-value" not in caplog.text
    assert "NoKeyringError" in caplog.text
    assert "0600" in credentials.describe(credentials.Where.FILE, "backoffice_key") or str(
        path
    ) in credentials.describe(credentials.Where.FILE, "backoffice_key")
    credentials.delete("backoffice_key")
    assert credentials.get("backoffice_key") is None


def test_env_var_wins(no_keyring: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLERK_HALL_TOKEN", "from-env")
    monkeypatch.setenv("CLERK_SECRET_BACKOFFICE_KEY", "bo-env")
    assert credentials.get(credentials.HALL_TOKEN) == "from-env"
    assert credentials.get("backoffice_key") == "bo-env"
    assert credentials.where("backoffice_key") is credentials.Where.ENV
    assert "CLERK_SECRET_BACKOFFICE_KEY" in credentials.describe(
        credentials.Where.ENV, "backoffice_key"
    )


def test_missing_secret_says_where_to_put_it(no_keyring: None) -> None:
    assert credentials.get(credentials.HALL_TOKEN) is None
    text = credentials.describe(None, credentials.HALL_TOKEN)
    assert "CLERK_HALL_TOKEN" in text


def test_broken_backend_never_raises(
    monkeypatch: pytest.MonkeyPatch, memory_keyring: MemoryKeyring
) -> None:
    def boom(*_a: object) -> None:
        raise RuntimeError("dbus exploded")

    monkeypatch.setattr(memory_keyring, "set_password", boom)
    monkeypatch.setattr(memory_keyring, "get_password", boom)
    assert credentials.store(credentials.HALL_TOKEN, "t") is credentials.Where.FILE
    assert credentials.get(credentials.HALL_TOKEN) == "t"


def test_bad_names_are_refused() -> None:
    with pytest.raises(ValueError):
        credentials.get("../etc/passwd")
