"""`clerk catalog decide CODE...`: the verdict the hall would give, from the shell.

Adds `decide` to the `catalog` group made by clerk/cli/catalog.py (registration runs in module
name order). The decision is `clerk.decide.make_plan`, which calls the checklist engine's
`verdict` — the same one the hall service, the workstation and practice use.
"""

from __future__ import annotations

import json

import click

from clerk import i18n
from clerk.cli.i18n_help import argument, command, option
from clerk.decide import APPLICANT_KINDS, Request, RequestError, make_plan, to_json


def _received(text: str) -> str | tuple[str, ...]:
    if text in ("all", "none"):
        return text
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _answers(raw: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for entry in raw:
        if "=" not in entry:
            raise click.BadParameter(
                i18n.t("catalog.cli.bad_answer_format", got=entry), param_hint="--answer"
            )
        key, value = (part.strip() for part in entry.split("=", 1))
        out[key] = value
    return out


@command("decide")
@argument("codes", nargs=-1, required=True)
@option("--answer", "-a", "raw_answers", multiple=True, metavar="ANSWER")
@option("--applicant", type=click.Choice(list(APPLICANT_KINDS)), metavar="APPLICANT_KIND")
@option("--received", default="none", show_default=True, metavar="RECEIVED")
@option("--elicense", "elicenses", multiple=True, metavar="HOLDER_TYPE")
@option("--json", "as_json", is_flag=True)
def decide_cmd(
    codes: tuple[str, ...],
    raw_answers: tuple[str, ...],
    applicant: str | None,
    received: str,
    elicenses: tuple[str, ...],
    as_json: bool,
) -> None:
    """Per item: accept / notify / refuse with reasons and what is missing; the checklist."""
    from clerk.cli.catalog import _load

    catalog = _load()
    request = Request(
        codes=codes,
        answers=_answers(raw_answers),
        applicant=applicant,
        received=_received(received),
        elicenses=elicenses,
    )
    try:
        plan = make_plan(catalog, request)
    except RequestError as exc:
        raise click.UsageError(str(exc)) from exc
    payload = to_json(plan)
    if as_json:
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    t = i18n.t
    click.echo(
        click.style(t("catalog.decide.overall", decision=plan.verdict.decision.label()), bold=True)
    )
    for entry in plan.per_item:
        item = catalog.item(entry.code)
        name = item.name if item else entry.code
        click.echo(f"  {entry.code}  {name}  → {entry.decision.label()}")
        for refusal in entry.refusals:
            click.echo(
                "      "
                + t("catalog.decide.refused", text=refusal.text, basis=refusal.legal_basis or "—")
            )
        for material in entry.missing:
            click.echo("      " + t("catalog.decide.missing", material=material.name))
    click.echo(
        click.style(t("catalog.decide.materials", count=len(plan.verdict.statuses)), bold=True)
    )
    for index, row in enumerate(payload["materials"], 1):
        state = row["state"]
        tail = ""
        if row["produced_by"]:
            tail = " " + t("catalog.decide.produced_by", code=row["produced_by"])
        click.echo(f"  {index:>2}. [{state}] {row['name']}  {row['requirement']}{tail}")
    for reason in plan.verdict.reasons:
        if reason.key == "unanswered":
            click.echo("  " + reason.text())
    promised = plan.promised
    click.echo(
        t(
            "catalog.decide.promised",
            serial=promised.serial_workdays,
            parallel=promised.parallel_workdays,
        )
    )


def register(group: click.Group) -> None:
    catalog = group.commands.get("catalog")
    if isinstance(catalog, click.Group):
        catalog.add_command(decide_cmd)
