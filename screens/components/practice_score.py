"""PracticeScore: the result of one practice scenario — points, the decision against the right
one, materials found (precision / recall), time and keystrokes, and the feedback lines that cite
the catalog rules."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.text import Text

from clerk import i18n


def _t(key: str, **values: Any) -> str:
    return i18n.t(f"practice.result.{key}", **values)


def _decision(value: str) -> str:
    key = f"practice.decision.{value}"
    return i18n.t(key) if value and i18n.has(key) else (value or "—")


def score_text(score: Mapping[str, Any], case_numbers: tuple[str, ...] = ()) -> Text:
    text = Text()
    points = int(score.get("points") or 0)
    style = "bold green" if points >= 90 else "bold yellow" if points >= 60 else "bold red"
    text.append(_t("points", points=points), style=style)
    ok = bool(score.get("decision_ok"))
    text.append(
        "\n"
        + _t(
            "decision",
            got=_decision(str(score.get("decision", ""))),
            expected=_decision(str(score.get("expected_decision", ""))),
        ),
        style="green" if ok else "red",
    )
    text.append(
        "\n"
        + _t(
            "materials",
            precision=round(100 * float(score.get("precision", 0))),
            recall=round(100 * float(score.get("recall", 0))),
        )
    )
    text.append(
        "\n"
        + _t(
            "effort",
            seconds=round(float(score.get("seconds") or 0)),
            par=score.get("par_seconds", 0),
            keystrokes=score.get("keystrokes", 0),
        )
    )
    if case_numbers:
        text.append("\n" + _t("cases", numbers="、".join(case_numbers)))
    text.append("\n\n" + _t("feedback"), style="bold")
    for line in score.get("feedback") or []:
        mark = "✓ " if line.get("ok") else "✗ "
        text.append("\n" + mark, style="green" if line.get("ok") else "red")
        text.append(str(line.get("text", "")))
    return text
