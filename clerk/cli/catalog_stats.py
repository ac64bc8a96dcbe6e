"""`clerk catalog stats --theme CODE`: one theme's seed-style figures (clerk/figures.py), its
typical applicant and min / median / max over every answer combination, as text or JSON."""

from __future__ import annotations

import unicodedata
from typing import Any

import click

from clerk import i18n
from clerk.catalog.model import Catalog, Theme


def _t(key: str, **values: Any) -> str:
    return i18n.t(key, **values)


def theme_stats(catalog: Catalog, theme: Theme, as_json: bool) -> None:
    """One theme's figures: its typical applicant, and every answer combination."""
    from clerk import figures as figs  # imported when used: the CLI starts without it

    typical = figs.figures(theme, {})
    applicant = figs.typical(theme)
    spread = figs.spread(theme)
    if as_json:
        _echo_json(
            {
                "code": theme.code,
                "name": theme.name,
                "typical": {
                    "applicant": [{"question": q, "answer": a} for q, a in applicant],
                    **typical.to_json(),
                },
                "all_combinations": spread.to_json(),
            }
        )
        return
    if catalog.is_demo:
        click.echo(_t("catalog.cli.demo_notice", notice=catalog.info.notice), err=True)
    names = {item.code: item.name for item in theme.items}
    click.echo(click.style(f"{theme.code}  {theme.name}", bold=True))
    click.echo(_t("catalog.stats.typical"))
    click.echo("  " + "；".join(f"{q}={a}" for q, a in applicant))
    click.echo(
        _t("catalog.stats.members", items="、".join(f"{c} {names[c]}" for c in typical.items))
    )
    f = typical
    for line in (
        _t(
            "catalog.stats.materials",
            before=f.materials_before,
            merged=f.materials_merged,
            bring=f.materials_to_bring,
        ),
        _t("catalog.stats.fields", before=f.fields_before, after=f.fields_after),
        _t(
            "catalog.stats.days",
            before=f.days_before,
            after=f.days_after,
            path=" → ".join(f.path) or "—",
        ),
        _t(
            "catalog.stats.trips",
            before=f.trips_before,
            windows=f.windows_before,
            after=f.trips_after,
        ),
    ):
        click.echo("  " + line)
    click.echo("")
    click.echo(_t("catalog.stats.spread", combinations=spread.combinations, refused=spread.refused))
    for metric, value in spread.ranges:
        label = _pad(_t(f"catalog.stats.metric.{metric}"), 26)
        click.echo(f"  {label} {value.low:>4} / {value.median:>4} / {value.high:>4}")


def _pad(text: str, width: int) -> str:
    """Pad to a terminal width: a Chinese character takes two columns."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - used)


def _echo_json(payload: Any) -> None:
    import json

    click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
