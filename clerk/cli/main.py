"""Entry point of the `clerk` console script."""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
from collections.abc import MutableMapping

import click

import clerk
from clerk import clock, i18n
from clerk.cli.context import CliContext
from clerk.cli.i18n_help import ROOT_KEY, Group, option


def _language_from_argv(argv: list[str]) -> str:
    """The language must be known before click renders help or errors."""
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return os.environ.get("CLERK_LANG", "")


def _apply_language(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """Eager, so `clerk --lang en users add --help` shows English even without `main()`."""
    if value is not None:
        i18n.set_language(value)
    return value


def _show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(i18n.t("cli.format.version", prog="clerk", version=clerk.__version__))
        ctx.exit()


class _Root(Group):
    """The root group imports its commands the first time anyone looks at them: `clerk` alone
    (the TUI) never does, so the catalog, practice and store modules stay off its start."""

    _pending = False  # set once the group is built (building it reads `commands` already)

    def defer_commands(self) -> None:
        self._pending = True

    @property
    def commands(self) -> MutableMapping[str, click.Command]:
        if self._pending:
            self._pending = False
            _register_commands(self)
        return self._commands

    @commands.setter
    def commands(self, value: MutableMapping[str, click.Command]) -> None:
        self._commands = value


@click.group(
    cls=_Root,
    help_key=ROOT_KEY,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@option(
    "--lang",
    type=click.Choice(list(i18n.LANGUAGES)),
    is_eager=True,
    callback=_apply_language,
)
@option("--hall", "hall_url", metavar="URL")
@option("--db", metavar="URL")
@option("--window", type=int)
@option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_show_version)
@click.pass_context
def cli(
    ctx: click.Context, lang: str | None, hall_url: str | None, db: str | None, window: int | None
) -> None:
    """The workstation; with no command, the TUI. Help text: cli.help in locales/*/cli.toml."""
    given = ctx.obj  # CliRunner.invoke(cli, ..., obj=clock): the clock to run on
    state = CliContext(
        {"lang": lang, "hall_url": hall_url, "service.db": db, "window": window},
        clock=given if callable(given) else clock.now,
    )
    ctx.obj = state
    i18n.set_language(state.settings.lang)
    if ctx.invoked_subcommand is None:
        from clerk.cli.tui import run_tui

        run_tui(state)


def _register_commands(root: click.Group) -> None:
    import clerk.cli as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name in {"main", "context", "i18n_help"}:
            continue
        module = importlib.import_module(f"clerk.cli.{info.name}")
        register = getattr(module, "register", None)
        if callable(register):
            register(root)


cli.defer_commands()


def main() -> None:
    lang = _language_from_argv(sys.argv[1:])
    if lang in i18n.LANGUAGES:
        i18n.set_language(lang)
    cli(prog_name="clerk")


if __name__ == "__main__":
    main()
