"""`clerk catalog …`: stats, show, validate, import, export, checklist.

The group is the module-level `catalog_group`; other modules (catalog_search) add commands to it
in their own `register`, which runs after this one (modules register alphabetically).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from clerk import i18n
from clerk.catalog.errors import CatalogError, Issue
from clerk.catalog.model import (
    Answer,
    Catalog,
    Condition,
    Item,
    QuestionType,
    Range,
    Situation,
    Theme,
)
from clerk.cli.i18n_help import argument, group, option
from clerk.decide import situations_of


def _t(key: str, **values: Any) -> str:
    return i18n.t(key, **values)


def _load() -> Catalog:
    from clerk.catalog.loader import load_active_catalog

    try:
        return load_active_catalog()
    except CatalogError as exc:
        raise click.ClickException(f"{_t('catalog.cli.load_failed')}\n{exc.summary()}") from exc


def _echo_json(payload: Any) -> None:
    click.echo(json.dumps(payload, ensure_ascii=False, indent=2))


def _notice(catalog: Catalog) -> None:
    if catalog.is_demo:
        click.echo(_t("catalog.cli.demo_notice", notice=catalog.info.notice), err=True)


@group("catalog")
def catalog_group() -> None:
    pass


# --------------------------------------------------------------------------- stats


@catalog_group.command("stats")
@option("--theme", "theme_code", metavar="CODE")
@option("--json", "as_json", is_flag=True)
def stats_cmd(theme_code: str | None, as_json: bool) -> None:
    """Items, departments, themes, and each theme's figures before → after (clerk/figures.py)."""
    from clerk.catalog.stats import catalog_stats

    catalog = _load()
    if theme_code is not None:
        from clerk.cli.catalog_stats import theme_stats

        theme = catalog.theme(theme_code) or catalog.theme(theme_code.upper())
        if theme is None:
            raise _not_found(catalog, theme_code)
        theme_stats(catalog, theme, as_json)
        return
    stats = catalog_stats(catalog)
    if as_json:
        _echo_json(stats.to_json())
        return
    _notice(catalog)
    click.echo(f"{catalog.info.name}")
    click.echo(f"{_t('catalog.cli.version')}: {stats.version}")
    click.echo(
        f"{_t('catalog.cli.items')}: {stats.items}    "
        f"{_t('catalog.cli.departments')}: {stats.departments}    "
        f"{_t('catalog.cli.themes')}: {stats.themes}"
    )
    click.echo("")
    click.echo(_t("catalog.cli.per_department"))
    for dept_id, name, count in stats.per_department:
        click.echo(f"  {dept_id:<8} {count:>4}  {name}")
    if stats.theme_merge:
        click.echo("")
        click.echo(_t("catalog.cli.theme_merge"))
        head = (
            f"  {_t('catalog.cli.col_code'):<9} {_t('catalog.cli.col_materials'):<14} "
            f"{_t('catalog.cli.col_fields'):<10} {_t('catalog.cli.col_days'):<10} "
            f"{_t('catalog.cli.col_trips'):<8} {_t('catalog.cli.col_name')}"
        )
        click.echo(head)
        for row in stats.theme_merge:
            f = row.typical
            mats = f"{f.materials_before}→{f.materials_merged}→{f.materials_to_bring}"
            flds = f"{f.fields_before}→{f.fields_after}"
            days = f"{f.days_before}→{f.days_after}"
            trips = f"{f.trips_before}→{f.trips_after}"
            click.echo(f"  {row.code:<9} {mats:<14} {flds:<10} {days:<10} {trips:<8} {row.name}")
        click.echo(_t("catalog.cli.theme_merge_hint"))


# --------------------------------------------------------------------------- show


def describe_condition(condition: Condition | None, scope: dict[str, Situation]) -> str:
    if condition is None:
        return ""
    parts: list[str] = []
    for key, clause in condition.clauses:
        situation = scope.get(key)
        if isinstance(clause, Range):
            if clause.min is not None:
                parts.append(f"{key}≥{_num(clause.min)}")
            if clause.max is not None:
                parts.append(f"{key}≤{_num(clause.max)}")
        else:
            labels = [situation.label_of(v) if situation else str(v) for v in clause.values]
            parts.append(f"{key}={'|'.join(labels)}")
    return ", ".join(parts)


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _scope_of(catalog: Catalog, item: Item) -> dict[str, Situation]:
    scope: dict[str, Situation] = {}
    for theme in catalog.themes_with(item.code):
        scope.update((q.id, q) for q in theme.questions)
    scope.update((s.id, s) for s in item.situations)
    return scope


def _situation_line(situation: Situation, scope: dict[str, Situation]) -> str:
    text = f"  · {situation.id}: {situation.question} [{situation.type.value}]"
    if situation.options:
        opts = " / ".join(f"{o.value}={o.label}" for o in situation.options)
        text += f"  {_t('catalog.show.options')}: {opts}"
    if situation.default is not None:
        text += "  " + _t("catalog.show.default", value=situation.label_of(situation.default))
    if situation.when is not None:
        text += (
            "  ("
            + _t("catalog.show.when", condition=describe_condition(situation.when, scope))
            + ")"
        )
    return text


def _section(title: str) -> None:
    click.echo("")
    click.echo(click.style(title, bold=True))


def _show_item(catalog: Catalog, item: Item) -> None:
    from clerk.checklist import enum_label

    dept = catalog.department(item.department)
    scope = _scope_of(catalog, item)
    click.echo(
        click.style(f"{item.code}  {item.name}", bold=True)
        + (f"  ({item.name_en})" if item.name_en else "")
    )
    rows = [
        ("department", dept.name if dept else item.department),
        ("type", enum_label(item.type)),
        ("applicant_types", "、".join(enum_label(t) for t in item.applicant_types)),
        ("legal_limit", f"{item.legal_limit.value} {enum_label(item.legal_limit.unit)}"),
        ("promised_limit", f"{item.promised_limit.value} {enum_label(item.promised_limit.unit)}"),
        ("handling", enum_label(item.handling)),
        ("fee", item.fee.text),
        ("channels", "、".join(c.value for c in item.channels) or _t("catalog.show.none")),
        ("result", item.result or _t("catalog.show.none")),
        ("aliases", "、".join(item.aliases) or _t("catalog.show.none")),
    ]
    themes = catalog.themes_with(item.code)
    if themes:
        rows.append(("themes_with", "、".join(f"{t.code} {t.name}" for t in themes)))
    width = max(len(_t(f"catalog.show.{k}")) for k, _ in rows)
    for key, value in rows:
        click.echo(f"{_t(f'catalog.show.{key}'):<{width}}  {value}")
    if item.conditions:
        _section(_t("catalog.show.conditions"))
        for index, text in enumerate(item.conditions, 1):
            click.echo(f"  {index}. {text}")
    if item.legal_basis:
        _section(_t("catalog.show.legal_basis"))
        for text in item.legal_basis:
            click.echo(f"  · {text}")
    if item.situations:
        _section(_t("catalog.show.situations"))
        for situation in item.situations:
            click.echo(_situation_line(situation, scope))
    _section(_t("catalog.show.materials"))
    for material in item.materials:
        tags = [_t("catalog.show.required" if material.required else "catalog.show.optional")]
        if material.rongque:
            tags.append(_t("catalog.show.rongque"))
        if material.gaozhi:
            tags.append(_t("catalog.show.gaozhi"))
        if material.elicense:
            tags.append(_t("catalog.show.elicense", type=material.elicense))
        when = (
            _t("catalog.show.when", condition=describe_condition(material.when, scope))
            if material.when
            else _t("catalog.show.always")
        )
        click.echo(
            f"  {material.id} {material.name}  {enum_label(material.form)} ×{material.count}"
            f" {enum_label(material.medium)}  [{'，'.join(tags)}]  ({when})"
        )
        detail = "；".join(x for x in (material.standard, material.note) if x)
        if detail:
            click.echo(f"      {detail}")
    if item.fields:
        _section(_t("catalog.show.fields"))
        for f in item.fields:
            when = (
                f"  ({_t('catalog.show.when', condition=describe_condition(f.when, scope))})"
                if f.when
                else ""
            )
            click.echo(f"  · {f.id}: {f.label}{when}")
    _section(_t("catalog.show.refusal_reasons"))
    for reason in item.refusal_reasons:
        basis = f"（{reason.legal_basis}）" if reason.legal_basis else ""
        click.echo(f"  {reason.id}. {reason.text}{basis}")
    if item.refuse_when:
        _section(_t("catalog.show.refuse_when"))
        for rule in item.refuse_when:
            click.echo(f"  {describe_condition(rule.when, scope)} → {rule.reason}")


def _show_theme(theme: Theme) -> None:
    from clerk.figures import figures

    click.echo(
        click.style(f"{theme.code}  {theme.name}", bold=True)
        + (f"  ({theme.name_en})" if theme.name_en else "")
    )
    if theme.description:
        click.echo(f"{_t('catalog.show.description')}  {theme.description}")
    if theme.aliases:
        click.echo(f"{_t('catalog.show.aliases')}  {'、'.join(theme.aliases)}")
    scope = {q.id: q for q in theme.questions}
    if theme.questions:
        _section(_t("catalog.show.questions"))
        for question in theme.questions:
            click.echo(_situation_line(question, scope))
    _section(_t("catalog.show.members"))
    for member in theme.members:
        when = (
            _t("catalog.show.when", condition=describe_condition(member.when, scope))
            if member.when
            else _t("catalog.show.always")
        )
        click.echo(f"  {member.code}  {member.item.name}  ({when})")
    typical = figures(theme, {})
    _section(_t("catalog.cli.theme_merge"))
    click.echo(
        f"  {_t('catalog.cli.col_materials')}: {typical.materials_before}→"
        f"{typical.materials_merged}→{typical.materials_to_bring}    "
        f"{_t('catalog.cli.col_fields')}: {typical.fields_before}→{typical.fields_after}    "
        f"{_t('catalog.cli.col_days')}: {typical.days_before}→{typical.days_after}"
    )


def _not_found(catalog: Catalog, code: str) -> click.ClickException:
    needle = code.upper()
    near = [
        c
        for c in [*(i.code for i in catalog.items), *(t.code for t in catalog.themes)]
        if needle in c.upper()
    ][:8]
    message = _t("catalog.cli.not_found", code=code)
    if near:
        message += "\n" + _t("catalog.cli.did_you_mean", codes="、".join(near))
    return click.ClickException(message)


@catalog_group.command("show")
@argument("code")
def show_cmd(code: str) -> None:
    """An item or a theme: conditions, materials, situations, limits, fee, legal basis, refusals."""
    catalog = _load()
    found = catalog.get(code) or catalog.get(code.upper())
    if found is None:
        raise _not_found(catalog, code)
    _notice(catalog)
    if isinstance(found, Theme):
        _show_theme(found)
    else:
        _show_item(catalog, found)


# --------------------------------------------------------------------------- validate


def _issue_lines(issues: list[Issue]) -> list[str]:
    return [f"  {issue}" for issue in issues]


@catalog_group.command("validate")
@argument("path", type=click.Path(exists=True, path_type=Path))
@option("--json", "as_json", is_flag=True)
def validate_cmd(path: Path, as_json: bool) -> None:
    """Validate a catalog directory, or one department/theme file against the packaged catalog.
    Exits 1 listing every error."""
    from clerk.catalog.loader import validate_path

    result = validate_path(path)
    if as_json:
        payload: dict[str, Any] = {
            "ok": result.ok,
            "errors": [e.to_json() for e in result.errors],
            "warnings": [w.to_json() for w in result.warnings],
        }
        if result.catalog is not None:
            payload.update(items=len(result.catalog.items), version=result.catalog.version)
        _echo_json(payload)
        sys.exit(0 if result.ok else 1)
    if result.warnings:
        click.echo(_t("catalog.cli.warnings", count=len(result.warnings)))
        for line in _issue_lines(result.warnings):
            click.echo(line)
    if not result.ok or result.catalog is None:
        click.echo(_t("catalog.cli.invalid", count=len(result.errors)), err=True)
        for line in _issue_lines(result.errors):
            click.echo(line, err=True)
        sys.exit(1)
    catalog = result.catalog
    click.echo(
        _t(
            "catalog.cli.valid",
            items=len(catalog.items),
            departments=len(catalog.departments),
            themes=len(catalog.themes),
            version=catalog.version,
        )
    )


# --------------------------------------------------------------------------- import / export


@catalog_group.command("import")
@argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@option("--json", "as_json", is_flag=True)
def import_cmd(file: Path, as_json: bool) -> None:
    """Import the hall's own catalog (CSV or JSON, national field names; docs/catalog-import.md)."""
    from clerk.catalog.importer import CatalogImportError, import_file

    try:
        report = import_file(file)
    except CatalogImportError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        _echo_json(report.to_json())
        return
    if report.changed:
        click.echo(
            _t(
                "catalog.import.written",
                items=report.items,
                departments=report.departments,
                path=report.path,
                version=report.version,
            )
        )
    else:
        click.echo(_t("catalog.import.unchanged", version=report.version))
    if report.rejected:
        click.echo(_t("catalog.import.rejected", count=len(report.rejected)))
        for rejection in report.rejected:
            click.echo(f"  {rejection}")


@catalog_group.command("export")
@option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True)
@option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
)
def export_cmd(fmt: str, output: Path | None) -> None:
    """Export the active catalog with the national field names."""
    from clerk.catalog.exporter import export_csv, export_json

    catalog = _load()
    text = export_json(catalog) if fmt == "json" else export_csv(catalog)
    if output is None:
        click.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    click.echo(_t("catalog.import.exported", items=len(catalog.items), path=output), err=True)


# --------------------------------------------------------------------------- checklist


def _parse_answers(subject: Theme | list[Item], raw: tuple[str, ...]) -> dict[str, Answer]:
    from clerk.checklist import AnswerError, parse_answer

    known = situations_of(subject)
    answers: dict[str, Answer] = {}
    for entry in raw:
        if "=" not in entry:
            raise click.BadParameter(
                _t("catalog.cli.bad_answer_format", got=entry), param_hint="--answer"
            )
        key, value = (part.strip() for part in entry.split("=", 1))
        situation = known.get(key)
        if situation is None:
            raise click.BadParameter(
                _t("catalog.cli.unknown_question", id=key, allowed=", ".join(known) or "—"),
                param_hint="--answer",
            )
        try:
            answers[key] = parse_answer(situation, value)
        except AnswerError as exc:
            raise click.BadParameter(str(exc), param_hint="--answer") from exc
    return answers


@catalog_group.command("checklist")
@argument("codes", nargs=-1, required=True)
@option(
    "--answer",
    "-a",
    "raw_answers",
    multiple=True,
    metavar="ANSWER",
)
@option("--json", "as_json", is_flag=True)
def checklist_cmd(codes: tuple[str, ...], raw_answers: tuple[str, ...], as_json: bool) -> None:
    """The questions and the merged checklist for items or a theme, for given answers."""
    from clerk.checklist import (
        chosen_items,
        merge_counts,
        merged_fields,
        merged_materials,
        questions_for,
        requirement,
    )

    catalog = _load()
    found: list[Item | Theme] = []
    for code in codes:
        entry = catalog.get(code) or catalog.get(code.upper())
        if entry is None:
            raise _not_found(catalog, code)
        found.append(entry)
    themes = [f for f in found if isinstance(f, Theme)]
    subject: Theme | list[Item]
    if themes:
        if len(found) > 1:
            raise click.BadParameter(_t("catalog.cli.theme_alone"), param_hint="CODES")
        subject = themes[0]
    else:
        subject = [f for f in found if isinstance(f, Item)]
    answers = _parse_answers(subject, raw_answers)
    questions = questions_for(subject, answers)
    items = chosen_items(subject, answers)
    materials = merged_materials(subject, answers)
    fields = merged_fields(subject, answers)
    counts = merge_counts(subject, answers)
    if as_json:
        _echo_json(
            {
                "catalog_version": catalog.version,
                "subject": list(codes),
                "items": [{"code": i.code, "name": i.name} for i in items],
                "questions": [
                    {
                        "id": q.id,
                        "question": q.situation.question,
                        "type": q.situation.type.value,
                        "options": [o.value for o in q.situation.options],
                        "value": q.value,
                        "given": q.given,
                        "asked_by": list(q.asked_by),
                    }
                    for q in questions
                ],
                "materials": [
                    {
                        "name": m.name,
                        "items": list(m.items),
                        "form": m.form.value,
                        "count": m.count,
                        "medium": m.medium.value,
                        "required": m.required,
                        "rongque": m.rongque,
                        "gaozhi": m.gaozhi,
                        "elicense": m.elicense,
                        "standard": m.standard,
                        "requirement": requirement(m),
                        "originals": m.originals,
                        "copies": m.copies,
                        "source": m.source.value,
                        "holders": [h.key for h in m.holders],
                        "produced_by": m.produced_by,
                    }
                    for m in materials
                ],
                "fields": [{"id": f.id, "label": f.label, "items": list(f.items)} for f in fields],
                "counts": counts.to_json(),
            }
        )
        return
    _notice(catalog)
    click.echo(click.style(_t("catalog.checklist.items"), bold=True))
    for item in items:
        click.echo(f"  {item.code}  {item.name}")
    _section(_t("catalog.checklist.questions"))
    if not questions:
        click.echo("  " + _t("catalog.checklist.no_questions"))
    for q in questions:
        if q.value is None:
            shown = _t("catalog.checklist.unanswered")
        else:
            shown = q.situation.label_of(q.value)
            if q.situation.type is QuestionType.CHOICE:
                shown += f" ({q.value})"
            if not q.given:
                shown += " " + _t("catalog.checklist.default_mark")
        click.echo(f"  {q.id}: {q.situation.question}  → {shown}")
    _section(
        _t(
            "catalog.checklist.materials",
            after=len(materials),
            before=counts.materials_before,
            in_flow=sum(1 for m in materials if m.produced_by),
            obtained=sum(1 for m in materials if m.source.obtained_by_hall),
        )
    )
    for index, m in enumerate(materials, 1):
        flag = _t("catalog.show.required" if m.required else "catalog.show.optional")
        if m.produced_by:
            flag = _t("catalog.checklist.in_flow", code=m.produced_by)
        elif m.source.obtained_by_hall:
            flag = _t("catalog.checklist.obtained", source=m.source.value)
        tags = [flag]
        if m.rongque:
            tags.append(_t("catalog.show.rongque"))
        if m.gaozhi:
            tags.append(_t("catalog.show.gaozhi"))
        if m.elicense:
            tags.append(_t("catalog.show.elicense", type=m.elicense))
        click.echo(f"  {index:>2}. {m.name}  {requirement(m)}  [{'，'.join(tags)}]")
        if len(items) > 1:
            click.echo("      " + _t("catalog.checklist.serves", items="、".join(m.items)))
    _section(_t("catalog.checklist.fields", after=counts.fields_after, before=counts.fields_before))
    click.echo("  " + "、".join(f.label for f in fields))


def register(group: click.Group) -> None:
    group.add_command(catalog_group)
