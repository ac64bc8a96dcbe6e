"""`clerk catalog search QUERY`: the same search the window uses, from the shell.

Adds `search` to the `catalog` group made by clerk/cli/catalog.py (registration runs in module
name order, so that group already exists when `register` here is called).
"""

from __future__ import annotations

import json

import click

from clerk import i18n
from clerk.catalog.model import ApplicantType
from clerk.catalog.search import CODE, NAME, Hit
from clerk.cli.i18n_help import argument, command, option

# --applicant takes the catalog's applicant types, or these English words for them.
APPLICANT_WORDS = {"person": ApplicantType.PERSON, "organization": ApplicantType.ORGANIZATION}


def _field_label(field: str) -> str:
    key = f"search.field.{field}"
    return i18n.t(key) if i18n.has(key) else field


def _marked(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    """The text with matched ranges bracketed: 食品【经营许可】（新办）."""
    out, last = [], 0
    for start, end in spans:
        out.append(text[last:start])
        out.append(f"【{text[start:end]}】")
        last = end
    out.append(text[last:])
    return "".join(out)


def _promised(hit: Hit) -> str:
    doc = hit.doc
    if doc.kind == "theme":
        return i18n.t("search.theme")
    if doc.promised_value is None:
        return doc.handling
    if doc.promised_value == 0:
        return doc.handling or i18n.t("search.immediate")
    return f"{doc.handling} {doc.promised_value}{doc.promised_unit}"


@command("search")
@argument("query", nargs=-1, required=True)
@option("--limit", "-n", type=click.IntRange(1, 200), default=10, show_default=True)
@option("--json", "as_json", is_flag=True)
@option("--dept", metavar="DEPT")
@option(
    "--applicant",
    type=click.Choice([*(a.value for a in ApplicantType), *APPLICANT_WORDS]),
    metavar="APPLICANT",
)
@option("--kind", type=click.Choice(["item", "theme"]))
def search_cmd(
    query: tuple[str, ...],
    limit: int,
    as_json: bool,
    dept: str | None,
    applicant: str | None,
    kind: str | None,
) -> None:
    """Find items and themes by code, name, alias, pinyin, initials or English."""
    from clerk.catalog.search import build_index
    from clerk.cli.catalog import _load

    catalog = _load()
    index = build_index(catalog)
    text = " ".join(query)
    hits = index.search(
        text,
        limit,
        department=dept,
        applicant=APPLICANT_WORDS[applicant].value if applicant in APPLICANT_WORDS else applicant,
        kind="item" if kind == "item" else "theme" if kind == "theme" else None,
    )
    if as_json:
        click.echo(json.dumps([h.to_json() for h in hits], ensure_ascii=False, indent=2))
        return
    if catalog.is_demo:
        click.echo(i18n.t("catalog.cli.demo_notice", notice=catalog.info.notice), err=True)
    if not hits:
        click.echo(i18n.t("search.none", query=text))
        return
    for hit in hits:
        via = ""
        if hit.field not in (NAME, CODE) and hit.matched_text:
            via = f"  ← {_field_label(hit.field)}: {_marked(hit.matched_text, hit.text_spans)}"
        elif hit.field != NAME:
            via = f"  ← {_field_label(hit.field)}"
        if hit.guided:
            via += "  " + i18n.t("search.guide", question=hit.guide)
        name = _marked(hit.name, hit.spans)
        dept_name = hit.doc.department_short or hit.doc.department
        click.echo(
            f"{hit.score:6.1f}  {hit.code:<10} {name}  [{dept_name or '—'}] {_promised(hit)}{via}"
        )


def register(group: click.Group) -> None:
    catalog = group.commands.get("catalog")
    if isinstance(catalog, click.Group):
        catalog.add_command(search_cmd)
