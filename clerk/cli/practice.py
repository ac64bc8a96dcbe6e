"""`clerk practice validate|list|export`: the practice scenarios (clerk/practice/).

clerk practice validate [FILE|DIR ...]   recompute every expected decision with the real
                                         checklist engine; exit 1 naming scenario + mismatch
clerk practice list [--difficulty D]     the scenarios: id, difficulty, items, traps, decision
clerk practice export --format csv [--results] [--out FILE]
                                         the scenarios (or, with --results, every scored
                                         attempt in the hall's store) as CSV
"""

from __future__ import annotations

import csv
import io
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from clerk import i18n
from clerk.catalog.model import Catalog
from clerk.cli.context import CliContext, pass_cli
from clerk.cli.i18n_help import argument, group, option
from clerk.clock import hall_today
from clerk.practice.loader import ScenarioError, load_scenarios, read_files
from clerk.practice.model import Scenario, ScenarioSet
from clerk.practice.validate import validate_all


def _t(key: str, **values: Any) -> str:
    return i18n.t(f"practice.cli.{key}", **values)


def _catalog() -> Catalog:
    from clerk.catalog.errors import CatalogError
    from clerk.catalog.loader import load_active_catalog

    try:
        return load_active_catalog()
    except CatalogError as exc:
        raise click.ClickException(_t("no_catalog", detail=exc)) from None


def _scenarios(paths: tuple[Path, ...]) -> ScenarioSet:
    try:
        return read_files(paths) if paths else load_scenarios()
    except ScenarioError as exc:
        raise click.ClickException(_t("unreadable", detail=exc)) from None


def _expected_text(scenario: Scenario) -> str:
    expected = scenario.expected
    label = i18n.t(f"practice.decision.{expected.decision.value}")
    if expected.refusal_item:
        return f"{label}：{expected.refusal_item} {expected.refusal_reason}"
    if expected.missing:
        return f"{label}：{'、'.join(expected.missing)}"
    return label


def _subject_names(scenario: Scenario, catalog: Catalog) -> str:
    names = []
    for code in scenario.subject.codes:
        found = catalog.get(code)
        names.append(found.name if found is not None else code)
    return "、".join(names)


@group("practice")
def practice_group() -> None:
    """练习模式：场景校验、列表与导出 — practice scenarios."""


@practice_group.command("validate")
@argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@option("--today", metavar="YYYY-MM-DD")
def validate_cmd(paths: tuple[Path, ...], today: str | None) -> None:
    """Recompute each expected decision with the checklist engine (default: packaged scenarios)."""
    catalog = _catalog()
    scenarios = _scenarios(paths)
    day = date.fromisoformat(today) if today else hall_today()
    problems = validate_all(scenarios, catalog, day)
    if problems:
        for problem in problems:
            click.echo(
                _t(
                    "problem", source=problem.source, scenario=problem.scenario, text=problem.text()
                ),
                err=True,
            )
        click.echo(
            _t("failed", count=len(problems), scenarios=len({p.scenario for p in problems})),
            err=True,
        )
        sys.exit(1)
    items = {code for s in scenarios for code in s.subject.items}
    themes = {s.subject.theme for s in scenarios if s.subject.theme}
    click.echo(_t("ok", count=len(scenarios), items=len(items), themes=len(themes)))


@practice_group.command("list")
@option("--difficulty", type=click.Choice(["easy", "medium", "hard"]))
def list_cmd(difficulty: str | None) -> None:
    """The packaged scenarios."""
    catalog = _catalog()
    for scenario in _scenarios(()):
        if difficulty and scenario.difficulty.value != difficulty:
            continue
        traps = "、".join(i18n.t(f"practice.trap.{t.value}") for t in scenario.all_traps)
        click.echo(
            f"{scenario.id:<16} {i18n.t('practice.difficulty.' + scenario.difficulty.value)}  "
            f"{scenario.title}\n"
            f"{'':<16} {_subject_names(scenario, catalog)}  →  {_expected_text(scenario)}"
            + (f"\n{'':<16} {_t('traps')}: {traps}" if traps else "")
        )


SCENARIO_COLUMNS = (
    "id",
    "difficulty",
    "title",
    "subject",
    "subject_name",
    "applicant",
    "traps",
    "expected_decision",
    "expected_materials",
    "refusal",
    "source",
)


def scenario_rows(scenarios: ScenarioSet, catalog: Catalog) -> list[dict[str, str]]:
    rows = []
    for s in scenarios:
        rows.append(
            {
                "id": s.id,
                "difficulty": s.difficulty.value,
                "title": s.title,
                "subject": " ".join(s.subject.codes),
                "subject_name": _subject_names(s, catalog),
                "applicant": s.persona.kind,
                "traps": " ".join(t.value for t in s.all_traps),
                "expected_decision": s.expected.decision.value,
                "expected_materials": "；".join(s.expected.missing),
                "refusal": f"{s.expected.refusal_item} {s.expected.refusal_reason}"
                if s.expected.refusal_item
                else "",
                "source": s.source,
            }
        )
    return rows


def _results_rows(state: CliContext) -> tuple[tuple[str, ...], list[dict[str, Any]]]:
    from clerk.cli.users import open_store
    from services.hall.practice import service

    hall = open_store(state)
    try:
        with hall.db.read() as session:
            rows = service.result_rows(session)
    finally:
        hall.close()
    return service.RESULT_COLUMNS, rows


@practice_group.command("export")
@option("--format", "fmt", type=click.Choice(["csv"]), default="csv", show_default=True)
@option("--results", is_flag=True)
@option("--out", type=click.Path(dir_okay=False, path_type=Path))
@pass_cli
def export_cmd(state: CliContext, fmt: str, results: bool, out: Path | None) -> None:
    """The scenarios (or the trainees' results) as CSV (UTF-8 with BOM, for spreadsheets)."""
    if results:
        columns, rows = _results_rows(state)
    else:
        columns, rows = SCENARIO_COLUMNS, scenario_rows(_scenarios(()), _catalog())
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    text = buffer.getvalue()
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text("\ufeff" + text, "utf-8")
        click.echo(_t("exported", count=len(rows), path=out), err=True)


def register(group: click.Group) -> None:
    group.add_command(practice_group)
