"""The workstation's hall token: `clerk token set|show|clear` stores it with services.credentials,
and the client for a shared hall picks it up when no `hall_token` setting is given."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import keyring
import pytest
from click.testing import CliRunner
from keyring.backends import fail

from clerk.cli.main import cli
from clerk.config import Settings
from services import credentials
from services.client import HallClient
from services.embedded import EmbeddedHall
from tests.service.test_credentials import MemoryKeyring

TOKEN = "hall-token-0123456789-abcdef"


@pytest.fixture(autouse=True)
def no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLERK_HALL_TOKEN", raising=False)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def run(*args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--lang", "en", *args], input=input)
    assert "Traceback" not in result.output
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


async def test_a_shared_hall_client_uses_the_stored_token(no_keyring: None) -> None:
    assert credentials.store(credentials.HALL_TOKEN, TOKEN) is credentials.Where.FILE
    async with HallClient.for_settings(Settings(hall_url="http://hall.example:8470")) as client:
        assert client.token == TOKEN
        assert client.headers()["Authorization"] == f"Bearer {TOKEN}"


async def test_the_setting_wins_over_the_stored_token(memory_keyring: MemoryKeyring) -> None:
    credentials.store(credentials.HALL_TOKEN, TOKEN)
    settings = Settings(hall_url="http://hall.example:8470", hall_token="from-settings")
    async with HallClient.for_settings(settings) as client:
        assert client.token == "from-settings"
    async with HallClient.for_settings(Settings(hall_url="http://hall.example:8470")) as client:
        assert client.token == TOKEN  # from the keyring


async def test_no_token_anywhere_means_no_authorization_header(no_keyring: None) -> None:
    async with HallClient.for_settings(Settings(hall_url="http://hall.example:8470")) as client:
        assert client.token is None
        assert "Authorization" not in client.headers()


async def test_the_embedded_hall_does_not_get_the_shared_halls_token(
    no_keyring: None, tmp_path: Path
) -> None:
    credentials.store(credentials.HALL_TOKEN, TOKEN)

    class Embedded:
        socket_path = tmp_path / "hall.sock"

    embedded = cast(EmbeddedHall, Embedded())
    async with HallClient.for_settings(Settings(), embedded) as client:
        assert client.token is None


def test_token_set_show_clear_without_a_keyring(no_keyring: None) -> None:
    code, out = run("token", "show")
    assert code == 0 and "CLERK_HALL_TOKEN" in out and "not found" in out

    code, out = run("token", "set", "--stdin", input=f"  {TOKEN}\n")
    assert code == 0, out
    path = credentials.secrets_file()
    assert str(path) in out and "******cdef" in out
    assert TOKEN not in out
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert credentials.get(credentials.HALL_TOKEN) == TOKEN  # stripped

    code, out = run("token", "show")
    assert code == 0 and "******cdef" in out and str(path) in out and TOKEN not in out

    code, out = run("token", "clear")
    assert code == 0 and "removed" in out
    assert credentials.get(credentials.HALL_TOKEN) is None


def test_token_set_prefers_the_keyring(memory_keyring: MemoryKeyring) -> None:
    code, out = run("token", "set", input=f"{TOKEN}\n")  # the hidden prompt
    assert code == 0, out
    assert memory_keyring.store[("clerk", "hall_token")] == TOKEN
    assert "keyring" in out and TOKEN not in out
    assert not credentials.secrets_file().exists()


def test_an_empty_token_is_refused(no_keyring: None) -> None:
    code, out = run("token", "set", "--stdin", input="\n")
    assert code == 1 and "No token given" in out
    assert not credentials.secrets_file().exists()


def test_the_setting_is_named_when_it_overrides(
    no_keyring: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLERK_HALL_TOKEN", "env-secret-value")
    code, out = run("token", "set", "--stdin", input=f"{TOKEN}\n")
    assert code == 0 and "env CLERK_HALL_TOKEN" in out and "used instead" in out
    code, out = run("token", "show")
    assert "env CLERK_HALL_TOKEN" in out and "env-secret-value" not in out
    code, out = run("token", "clear")
    assert "still gives a token" in out
