import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from clerk import config, paths
from clerk.cli.main import cli


def test_defaults_come_from_defaults() -> None:
    eff = config.load_settings()
    assert eff.settings.lang == "zh-CN"
    assert eff.origins["lang"] == "default"


def test_precedence_cli_over_env_over_file(monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = paths.config_file()
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text('lang = "en"\nwindow = 3\n[hall]\nname = "文件大厅"\nphone = "1"\n', "utf-8")
    monkeypatch.setenv("CLERK_WINDOW", "5")
    monkeypatch.setenv("CLERK_HALL__PHONE", "2")
    eff = config.load_settings({"hall.phone": "3"})
    s = eff.settings
    assert (s.lang, eff.origins["lang"]) == ("en", f"file {cfg}")
    assert (s.window, eff.origins["window"]) == (5, "env CLERK_WINDOW")
    assert (s.hall.phone, eff.origins["hall.phone"]) == ("3", "cli")
    assert s.hall.name == "文件大厅"


def test_secrets_are_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLERK_HALL_TOKEN", "very-secret")
    rows = {k: v for k, v, _ in config.describe(config.load_settings())}
    assert rows["hall_token"] == "******"
    assert "very-secret" not in str(rows)


def test_broken_config_file_is_a_clear_error() -> None:
    cfg = paths.config_file()
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text("lang = = en\n", "utf-8")
    with pytest.raises(config.ConfigError, match=str(cfg)):
        config.load_settings()


def test_default_database_is_sqlite_in_data_dir(clerk_home: Path) -> None:
    url = config.load_settings().settings.database_url()
    assert url.startswith("sqlite:///") and str(clerk_home) in url


def _shown(output: str) -> dict[str, tuple[str, str]]:
    """`clerk config show` rows as setting -> (value, origin)."""
    rows: dict[str, tuple[str, str]] = {}
    for line in output.splitlines()[2:]:
        match = re.fullmatch(r"(\S+)\s+(.*?)\s*\((.*)\)", line)
        assert match, line
        rows[match[1]] = (match[2], match[3])
    return rows


def test_config_show_prints_values_with_their_origin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = paths.config_file()
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text('theme = "light"\n[hall]\nname = "文件大厅"\n', "utf-8")
    monkeypatch.setenv("CLERK_WINDOW", "5")
    monkeypatch.setenv("CLERK_HALL_TOKEN", "tok-very-secret-123")
    monkeypatch.setenv("CLERK_SERVICE__DB", "sqlite:///from-env.sqlite3")
    db = f"sqlite:///{tmp_path / 'flag.sqlite3'}"
    result = CliRunner().invoke(cli, ["--lang", "en", "--db", db, "config", "show"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"# {cfg}\n")
    rows = _shown(result.output)
    assert rows["service.db"] == (db, "cli")  # the flag beats CLERK_SERVICE__DB
    assert rows["lang"] == ("en", "cli")
    assert rows["window"] == ("5", "env CLERK_WINDOW")
    assert rows["theme"] == ("light", f"file {cfg}")
    assert rows["hall.name"] == ("文件大厅", f"file {cfg}")
    assert rows["wait_target_minutes"] == ("15", "default")
    assert rows["hall_token"] == ("******", "env CLERK_HALL_TOKEN")
    assert "tok-very-secret-123" not in result.output

    as_json = CliRunner().invoke(cli, ["--db", db, "config", "show", "--json"])
    payload = {row["setting"]: row for row in json.loads(as_json.output)}
    assert payload["hall_token"]["value"] == "******"
    assert payload["service.db"]["origin"] == "cli"
    assert "tok-very-secret-123" not in as_json.output
