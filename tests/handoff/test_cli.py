"""The hand-off commands that need no running service."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from clerk.cli.main import cli


def test_secret_is_described_and_generated(monkeypatch: pytest.MonkeyPatch) -> None:
    from services import credentials

    def no_keyring() -> object:
        raise RuntimeError("no keyring")

    monkeypatch.setattr(credentials, "_keyring", no_keyring)
    runner = CliRunner()
    shown = runner.invoke(cli, ["--lang", "en", "handoff", "secret"])
    assert shown.exit_code == 0, shown.output
    assert "backoffice_default" in shown.output
    assert "CLERK_SECRET_BACKOFFICE_DEFAULT" in shown.output  # from the test's environment
    made = runner.invoke(cli, ["--lang", "en", "handoff", "secret", "SCJG", "--generate"])
    assert made.exit_code == 0, made.output
    assert "backoffice_scjg" in made.output and "secrets.json" in made.output
    assert len(credentials.get("backoffice_scjg") or "") >= 32


def test_simulator_options_are_checked() -> None:
    runner = CliRunner()
    bad = runner.invoke(cli, ["--lang", "en", "backoffice-sim", "--odds", "approved=x"])
    assert bad.exit_code == 2
    bad = runner.invoke(cli, ["--lang", "en", "backoffice-sim", "--odds", "maybe=1"])
    assert bad.exit_code == 2 and "unknown outcome" in bad.output
    bad = runner.invoke(cli, ["backoffice-sim", "--delay-min", "5", "--delay-max", "1"])
    assert bad.exit_code == 2


def test_retry_needs_ids_or_all_dead(tmp_path: object) -> None:
    result = CliRunner().invoke(cli, ["--lang", "en", "handoff", "retry"])
    assert result.exit_code == 2
    assert "--all-dead" in result.output


def test_status_on_an_empty_store(sqlite_store: str) -> None:
    result = CliRunner().invoke(cli, ["--lang", "en", "--db", sqlite_store, "handoff", "status"])
    assert result.exit_code == 0, result.output
    assert "0 pending, 0 delivered, 0 dead" in result.output
