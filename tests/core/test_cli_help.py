"""`clerk … --help` comes from clerk.i18n: Chinese by default, English with --lang en/CLERK_LANG=en.

Every command of the tree is walked, so a new command (or option, or argument) without its texts
in locales/{zh_CN,en}/cli.toml fails here.
"""

from __future__ import annotations

import re
import sys

import click
import pytest
from click.testing import CliRunner, Result

from clerk import i18n
from clerk.cli import main as main_module
from clerk.cli.i18n_help import Argument, Option, fill, shorten, walk, width
from clerk.cli.main import cli

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Chinese terms English help may name on purpose. Kept empty: English help has no Chinese.
ALLOWED_HAN_IN_ENGLISH: frozenset[str] = frozenset()
COLUMNS = 80

PATHS = [path for path, _ in walk(cli)]


def _ids(path: tuple[str, ...]) -> str:
    return " ".join(("clerk", *path))


def _help(args: list[str], env: dict[str, str] | None = None) -> Result:
    result = CliRunner().invoke(cli, [*args, "--help"], env=env, terminal_width=COLUMNS)
    assert result.exit_code == 0, result.output
    assert result.exception is None, result.exception
    return result


def _command(path: tuple[str, ...]) -> click.Command:
    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    return command


def _squash(text: str) -> str:
    """Text without any whitespace: wrapped help still contains its unwrapped source."""
    return re.sub(r"\s+", "", text)


def _texts(command: click.Command) -> list[str]:
    """The help of the command and of each of its options and arguments, in the language now."""
    ctx = click.Context(command)
    texts = [command.help]
    texts += [
        p.help for p in command.get_params(ctx) if isinstance(p, (click.Option, click.Argument))
    ]
    return [text or "" for text in texts]


@pytest.mark.parametrize("path", PATHS, ids=_ids)
def test_help_is_chinese_by_default(path: tuple[str, ...]) -> None:
    output = _help(list(path)).output
    command = _command(path)
    assert output.startswith("用法：")
    assert "选项：" in output
    for text in _texts(command):
        assert HAN.search(text), f"no Chinese in {text!r} ({_ids(path)})"
        assert _squash(text) in _squash(output)
    ctx = click.Context(command)
    for param in command.params:
        assert isinstance(param, (Option, Argument)), f"{param!r}: use clerk.cli.i18n_help"
        if isinstance(param, Argument) and not isinstance(param.type, click.Choice):
            assert HAN.search(param.make_metavar(ctx)), f"{param.name}: no cli.metavar entry"
    if isinstance(command, click.Group):
        assert "命令：" in output


@pytest.mark.parametrize("path", PATHS, ids=_ids)
def test_help_is_english_with_lang_en(path: tuple[str, ...]) -> None:
    output = _help(["--lang", "en", *path]).output
    stray = set(HAN.findall(output))
    for term in ALLOWED_HAN_IN_ENGLISH:
        if term in output:
            stray -= set(term)
    assert not stray, f"Chinese in the English help of {_ids(path)}:\n{output}"
    assert output.startswith("Usage:")
    assert "Options:" in output
    for text in _texts(_command(path)):
        assert text.strip(), f"empty help in {_ids(path)}"
        assert _squash(text) in _squash(output)


@pytest.mark.parametrize("path", PATHS, ids=_ids)
def test_help_lines_fit_the_terminal(path: tuple[str, ...]) -> None:
    for lang in i18n.LANGUAGES:
        for line in _help(["--lang", lang, *path]).output.splitlines():
            assert width(line) <= COLUMNS, f"{_ids(path)} ({lang}): {line!r}"


def test_clerk_help_lists_every_command_with_its_chinese_short_help() -> None:
    output = _help([]).output
    assert len(cli.commands) >= 15
    for name in cli.commands:
        found = re.search(rf"^  {re.escape(name)}\s+(\S.*)$", output, re.MULTILINE)
        assert found, f"{name} is not listed:\n{output}"
        assert HAN.search(found.group(1)), f"{name}: {found.group(1)!r}"
        assert not found.group(1).endswith("…"), f"{name}: short help cut; add a `short` key"


@pytest.mark.parametrize(
    "path", [p for p in PATHS if isinstance(_command(p), click.Group)], ids=_ids
)
def test_group_lists_are_not_cut(path: tuple[str, ...]) -> None:
    for lang in i18n.LANGUAGES:
        output = _help(["--lang", lang, *path]).output
        listing = output.split(i18n.t("cli.format.commands", lang=lang), 1)[1]
        assert "…\n" not in listing, f"{_ids(path)} ({lang}): add a `short` key\n{listing}"


def test_clerk_lang_environment_gives_english_subcommand_help() -> None:
    output = _help(["users", "add"], env={"CLERK_LANG": "en"}).output
    assert "Create a user." in output
    assert "USERNAME" in output
    assert not HAN.search(output)


def test_main_reads_the_language_before_the_first_help(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CLERK_LANG", "en")
    monkeypatch.setattr(sys, "argv", ["clerk", "--help"])
    with pytest.raises(SystemExit) as exited:
        main_module.main()
    assert exited.value.code == 0
    output = capsys.readouterr().out
    assert output.startswith("Usage: clerk [OPTIONS]")
    assert not HAN.search(output)


def test_version_is_translated() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert "版本" in result.output
    result = CliRunner().invoke(cli, ["--lang", "en", "--version"])
    assert ", version " in result.output


def test_option_notes_are_translated() -> None:
    output = _help(["users", "add"]).output
    assert "[必填]" in output and "[默认：clerk]" in output
    output = _help(["--lang", "en", "users", "add"]).output
    assert "[required]" in output and "[default: clerk]" in output


def test_cli_keys_all_belong_to_the_tree() -> None:
    """No text left behind in cli.toml for a command, option or argument that is gone."""
    owners: dict[str, click.Command] = {}
    for _, command in walk(cli):
        key = getattr(command, "help_key", None)
        assert key, f"{command.name}: not a clerk.cli.i18n_help command"
        owners[key] = command
    for key in i18n.catalog("zh-CN"):
        if not key.startswith("cli.") or key.startswith(("cli.format.", "cli.metavar.")):
            continue
        for kind in (".opt.", ".arg."):
            if kind in key:
                owner = key.rsplit(kind, 1)[0]
                assert owner in owners, key
                params = [getattr(p, "help_key", None) for p in owners[owner].params]
                assert key in params, f"{key}: no such {kind.strip('.')}"
                break
        else:
            owner, last = key.rsplit(".", 1)
            assert last in ("help", "short", "epilog") and owner in owners, key


def test_fill_measures_chinese_in_columns_and_keeps_punctuation_attached() -> None:
    text = "读取配置的存储（内嵌或 --db）；给了 --hall 时改为向该大厅服务查询（令牌：hall_token）。"
    lines = fill(text, 20).splitlines()
    assert all(width(line) <= 20 for line in lines)
    assert not any(line[0] in "，。；：）" for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_shorten_takes_the_first_sentence_and_cuts_by_columns() -> None:
    assert shorten("创建用户。其余说明。", 40) == "创建用户。"
    assert shorten("Create a user. More here.", 40) == "Create a user."
    cut = shorten("一二三四五六七八九十", 9)
    assert cut.endswith("…") and width(cut) <= 9
