"""Click help text from clerk.i18n, looked up each time help is shown.

Every command of the `clerk` tree gets a key from its place in the tree (`clerk users add` is
`cli.users.add`) when it joins its group, and its texts live in locales/<lang>/cli.toml:

    cli.users.add.help              the help; its first sentence is its line in the group's list
    cli.users.add.short             optional: a shorter line for the group's list
    cli.users.add.epilog            optional: text after the options
    cli.users.add.opt.<option>      an option, by its long name: --password-stdin → password-stdin
    cli.users.add.arg.<argument>    an argument, by its name
    cli.metavar.<word>              placeholders that are words: argument names (username),
                                    value types (text, integer …), metavar="WORD" given in code
    cli.format.*                    click's headings and the help option

Texts are looked up when help is rendered, never at import, so the language in force then
(zh-CN by default, `--lang en` / CLERK_LANG=en) decides. Command modules use the decorators
below (`group`, `command`, `option`, `argument`) instead of click's; a docstring on a command
function is a note for developers, not what users see.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import click
from click.decorators import FC

from clerk import i18n

ROOT_KEY = "cli"
# Words under a command's key that are not subcommands.
RESERVED = frozenset({"help", "short", "epilog", "opt", "arg", "format", "metavar"})

# click's own words in usage lines and headings (click passes them through gettext, which
# leaves them in English), and the keys that say them in the current language.
_USAGE_WORDS = {
    "[OPTIONS]": "cli.format.options_metavar",
    "COMMAND [ARGS]...": "cli.format.command_metavar",
    "[COMMAND] [ARGS]...": "cli.format.optional_command_metavar",
}
_HEADINGS = {
    "Options": "cli.format.options",
    "Commands": "cli.format.commands",
    "Positional arguments": "cli.format.arguments",
}

# --------------------------------------------------------------------------- text layout
# click measures text in characters and breaks lines only at spaces; Chinese characters take
# two columns and a Chinese sentence has no spaces. These measure in columns and may break
# between Chinese characters, though not before closing nor after opening punctuation.

_NO_BREAK_BEFORE = frozenset("，。、；：！？）》」』】〉…—,.;:!?)]}%")
_NO_BREAK_AFTER = frozenset("（《「『【〈([{")


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def width(text: str) -> int:
    """Terminal columns `text` takes (Chinese characters and full-width punctuation: two)."""
    return sum(2 if _wide(c) else 1 for c in text)


def _can_break(before: str, after: str) -> bool:
    return (
        (_wide(before) or _wide(after))
        and after not in _NO_BREAK_BEFORE
        and before not in _NO_BREAK_AFTER
    )


def _tokens(text: str, cjk_breaks: bool) -> list[tuple[str, str]]:
    """Pieces that may not be split, each with the spaces that came before it."""
    out: list[tuple[str, str]] = []
    current, gap, pending = "", "", ""
    depth = 0  # inside [a note like this] Chinese is not broken
    for char in text:
        depth += (char == "[") - (char == "]")
        if char.isspace():
            if current:
                out.append((gap, current))
                current = ""
            if out:
                pending += " "
            continue
        if current and cjk_breaks and depth <= 0 and _can_break(current[-1], char):
            out.append((gap, current))
            current, gap = "", ""
        if not current:
            gap, pending = pending, ""
        current += char
    if current:
        out.append((gap, current))
    return out


def fill(
    text: str, columns: int, initial: str = "", subsequent: str = "", cjk_breaks: bool = True
) -> str:
    """One paragraph filled into lines of at most `columns` (a longer piece gets its own line)."""
    lines: list[str] = []
    line, used, empty = initial, width(initial), True
    for gap, token in _tokens(text, cjk_breaks):
        piece = token if empty else gap + token
        if not empty and used + width(piece) > columns:
            lines.append(line)
            line, used, piece = subsequent, width(subsequent), token
        line += piece
        used += width(piece)
        empty = False
    lines.append(line)
    return "\n".join(lines)


def _join_lines(paragraph: str) -> str:
    out = ""
    for line in (part.strip() for part in paragraph.splitlines()):
        if not line:
            continue
        if out and not (_wide(out[-1]) and _wide(line[0])):
            out += " "
        out += line
    return out


def wrap(text: str, columns: int, indent: str = "") -> str:
    """Paragraphs (blank-line separated) filled; one starting with a \\b line is kept as is."""
    out: list[str] = []
    for paragraph in text.split("\n\n"):
        if paragraph.startswith("\b"):
            out.append("\n".join(indent + line for line in paragraph.splitlines()[1:]))
        else:
            out.append(fill(_join_lines(paragraph), columns, indent, indent))
    return "\n\n".join(out)


def shorten(text: str, columns: int) -> str:
    """The first sentence of the first paragraph, cut to `columns` with an ellipsis."""
    text = _join_lines(text.split("\n\n")[0])
    for index, char in enumerate(text):
        end_en = char == "." and (index + 1 == len(text) or text[index + 1] == " ")
        if char in "。！？" or end_en:
            text = text[: index + 1]
            break
    if width(text) <= columns:
        return text
    cut = ""
    for char in text:
        if width(cut + char) > columns - 1:
            break
        cut += char
    return cut.rstrip() + "…"


class HelpFormatter(click.HelpFormatter):
    """click's formatter with the words in the current language and Chinese laid out right."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        if prefix is None:
            word = i18n.t("cli.format.usage")
            prefix = word if _wide(word[-1]) else f"{word} "
        head = f"{' ' * self.current_indent}{prefix}{prog}"
        if not args:
            self.write(f"{head}\n")
            return
        if self.width - width(head) >= 20:
            indent = " " * (width(head) + 1)
            self.write(fill(args, self.width, f"{head} ", indent, cjk_breaks=False))
        else:
            indent = " " * (max(self.current_indent, width(prefix)) + 4)
            self.write(f"{head}\n{fill(args, self.width, indent, indent, cjk_breaks=False)}")
        self.write("\n")

    def write_heading(self, heading: str) -> None:
        key = _HEADINGS.get(heading)
        text = i18n.t(key) if key else f"{heading}:"
        self.write(f"{' ' * self.current_indent}{text}\n")

    def write_text(self, text: str) -> None:
        self.write(wrap(text, self.width, " " * self.current_indent))
        self.write("\n")

    def write_dl(
        self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        rows = list(rows)
        first_col = min(max((width(term) for term, _ in rows), default=0), col_max) + col_spacing
        indent = " " * self.current_indent
        for term, text in rows:
            self.write(f"{indent}{term}")
            if not text:
                self.write("\n")
                continue
            if width(term) <= first_col - col_spacing:
                self.write(" " * (first_col - width(term)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = wrap(text, max(self.width - first_col - 2, 10)).splitlines() or [""]
            self.write(f"{lines[0]}\n")
            for line in lines[1:]:
                self.write(f"{' ' * (first_col + self.current_indent)}{line}\n" if line else "\n")


class Context(click.Context):
    formatter_class = HelpFormatter


# --------------------------------------------------------------------------- metavars


def metavar_word(word: str, fallback: str | None = None) -> str:
    """`cli.metavar.<word>` when there is one, else the word as click shows it."""
    key = f"cli.metavar.{word.lower().replace(' ', '_')}"
    return i18n.t(key) if i18n.has(key) else (fallback if fallback is not None else word)


# --------------------------------------------------------------------------- parameters


class Option(click.Option):
    """An option whose help (`<command key>.opt.<long name>`) is looked up when shown."""

    help_key: str | None = None
    _help: str | None = None

    @property
    def help(self) -> str | None:
        return i18n.t(self.help_key) if self.help_key else self._help

    @help.setter
    def help(self, value: str | None) -> None:
        self._help = value

    def make_metavar(self, ctx: click.Context) -> str:
        if self.metavar is not None:
            return metavar_word(self.metavar)
        metavar = self.type.get_metavar(param=self, ctx=ctx)
        if metavar is None:
            metavar = metavar_word(self.type.name, self.type.name.upper())
        return metavar if self.nargs == 1 else f"{metavar}..."

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        if self.hidden:
            return None
        text = self.help or ""
        extra = self.get_help_extra(ctx)
        items: list[str] = []
        if "envvars" in extra:
            items.append(i18n.t("cli.format.envvar", var=", ".join(extra["envvars"])))
        if "default" in extra:
            items.append(i18n.t("cli.format.default", default=extra["default"]))
        if "range" in extra:
            items.append(extra["range"])
        if "required" in extra:
            items.append(i18n.t("cli.format.required"))
        if items:
            bracket = f"[{i18n.t('cli.format.separator').join(items)}]"
            text = f"{text}  {bracket}" if text else bracket
        return self.get_help_spec(ctx), text


class Argument(click.Argument):
    """An argument whose help (`<command key>.arg.<name>`) and placeholder are looked up."""

    help_key: str | None = None
    _help: str | None = None

    @property
    def help(self) -> str | None:
        return i18n.t(self.help_key) if self.help_key else self._help

    @help.setter
    def help(self, value: str | None) -> None:
        self._help = value

    def make_metavar(self, ctx: click.Context) -> str:
        if self.metavar is not None:
            return metavar_word(self.metavar)
        var = self.type.get_metavar(param=self, ctx=ctx) or metavar_word(
            self.name or "", (self.name or "").upper()
        )
        bracketed = var.startswith("[") and var.endswith("]")
        if not self.required and not bracketed:
            var = f"[{var}]"
        return var if self.nargs == 1 else f"{var}..."


def param_word(param: click.Parameter) -> str:
    """An option's key word is its first long name without dashes; an argument's, its name."""
    for opt in param.opts:
        if opt.startswith("--"):
            return opt[2:]
    return param.name or param.opts[0].lstrip("-")


# --------------------------------------------------------------------------- commands


class _Localized(click.Command):
    """help, short_help and epilog from the command's key; click's words translated."""

    context_class = Context
    help_key: str | None = None
    _help: str | None = None
    _short_help: str | None = None
    _epilog: str | None = None

    def __init__(self, *args: Any, help_key: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if help_key is not None:
            bind(self, help_key)

    @property
    def help(self) -> str | None:
        return i18n.t(f"{self.help_key}.help") if self.help_key else self._help

    @help.setter
    def help(self, value: str | None) -> None:
        self._help = value

    @property
    def short_help(self) -> str | None:
        if self.help_key is None:
            return self._short_help
        key = f"{self.help_key}.short"
        return i18n.t(key) if i18n.has(key) else None

    @short_help.setter
    def short_help(self, value: str | None) -> None:
        self._short_help = value

    @property
    def epilog(self) -> str | None:
        if self.help_key is None:
            return self._epilog
        key = f"{self.help_key}.epilog"
        return i18n.t(key) if i18n.has(key) else None

    @epilog.setter
    def epilog(self, value: str | None) -> None:
        self._epilog = value

    def get_short_help_str(self, limit: int = 45) -> str:
        return shorten(self.short_help or self.help or "", limit)

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        pieces = super().collect_usage_pieces(ctx)
        return [i18n.t(_USAGE_WORDS[p]) if p in _USAGE_WORDS else p for p in pieces]

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            # click makes this option itself (and caches it); its text is set on every use.
            option.help = i18n.t("cli.format.help_option")
        return option


class Command(_Localized):
    pass


class Group(_Localized, click.Group):
    """A group whose commands (and their commands) get their keys when added."""

    command_class = Command
    group_class = type

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        super().add_command(cmd, name)
        if self.help_key is not None:
            bind(cmd, f"{self.help_key}.{name or cmd.name}")


def bind(command: click.Command, key: str) -> None:
    """Give `command`, its parameters and its subcommands their keys under `key`."""
    if key.rsplit(".", 1)[-1] in RESERVED:
        reserved = ", ".join(sorted(RESERVED))
        raise ValueError(f"command key {key!r} ends in a word kept for texts ({reserved})")
    if isinstance(command, _Localized):
        command.help_key = key
    for param in command.params:
        if isinstance(param, Option):
            param.help_key = f"{key}.opt.{param_word(param)}"
        elif isinstance(param, Argument):
            param.help_key = f"{key}.arg.{param_word(param)}"
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            bind(sub, f"{key}.{name}")


# --------------------------------------------------------------------------- decorators


def group(name: str | None = None, **attrs: Any) -> Callable[[Callable[..., Any]], Group]:
    return click.group(name, cls=Group, **attrs)


def command(name: str | None = None, **attrs: Any) -> Callable[[Callable[..., Any]], Command]:
    return click.command(name, cls=Command, **attrs)


def option(*param_decls: str, **attrs: Any) -> Callable[[FC], FC]:
    return click.option(*param_decls, cls=Option, **attrs)


def argument(*param_decls: str, **attrs: Any) -> Callable[[FC], FC]:
    return click.argument(*param_decls, cls=Argument, **attrs)


def walk(
    command: click.Command, path: Sequence[str] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    """Every command of the tree under `command` with its path of names (for tests and docs)."""
    yield tuple(path), command
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from walk(sub, (*path, name))
