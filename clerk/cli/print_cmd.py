"""`clerk print sample KIND --format pdf|escpos|text --out FILE [--paper …] [--practice]`."""

from __future__ import annotations

from pathlib import Path

import click

from clerk import i18n
from clerk.cli.context import CliContext, pass_cli
from clerk.cli.i18n_help import argument, group, option

KINDS = ("ticket", "receipt", "notice", "refusal", "handover")
FORMATS = ("pdf", "escpos", "text")
PAPERS = ("A4", "A5", "58mm", "80mm")


@group("print")
def print_group() -> None:
    """Printing: samples and tests."""


@print_group.command("sample")
@argument("kind", type=click.Choice(KINDS))
@option("--format", "fmt", type=click.Choice(FORMATS), default="pdf", show_default=True)
@option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
)
@option(
    "--paper",
    type=click.Choice(PAPERS),
    default=None,
)
@option("--practice", is_flag=True)
@pass_cli
def sample_cmd(
    state: CliContext, kind: str, fmt: str, out: Path, paper: str | None, practice: bool
) -> None:
    """Produce a realistic sample of a document kind."""
    from clerk.workdays import default_calendar
    from printing.documents import Hall
    from printing.samples import sample

    settings = state.settings
    lang = settings.lang
    if paper is None:
        configured = settings.printer.paper
        if fmt == "pdf":
            paper = configured if configured in ("A4", "A5") else "A4"
        else:
            paper = configured if configured in ("58mm", "80mm") else "80mm"
    if (fmt == "pdf") != (paper in ("A4", "A5")) and fmt != "text":
        raise click.UsageError(i18n.t("printing.cli.bad_paper", format=fmt, paper=paper))
    try:
        calendar = default_calendar(settings.hall.holiday_file)
    except ValueError as exc:
        raise click.ClickException(i18n.t("workdays.holiday_file.error", detail=exc)) from exc
    doc = sample(
        kind, Hall.from_settings(settings.hall), practice=practice, calendar=calendar, lang=lang
    )
    if fmt == "pdf":
        from printing.renderers.pdf import FontMissing, render_pdf

        try:
            data: bytes = render_pdf(doc, paper, lang=lang, font=settings.printer.font)
        except FontMissing as exc:
            raise click.ClickException(str(exc)) from exc
    elif fmt == "escpos":
        from printing.renderers.escpos import render_escpos

        data = render_escpos(doc, paper, lang=lang)
    else:
        from printing.renderers.text import render_text

        text = render_text(doc, paper, lang=lang)
        if str(out) == "-":
            click.echo(text, nl=False)
            return
        data = text.encode("utf-8")
    if str(out) == "-":
        raise click.UsageError(i18n.t("shell.cli.stdout_only", option="--out", format="text"))
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
    except OSError as exc:
        raise click.ClickException(f"{out}: {exc.strerror or exc}") from exc
    click.echo(i18n.t("printing.cli.written", path=str(out), kind=kind, format=fmt, paper=paper))


def register(group: click.Group) -> None:
    group.add_command(print_group)
