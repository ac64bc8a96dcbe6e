"""The time rule, enforced on the source (AST): outside clerk/clock.py nothing reads the
machine's clock or zone by itself, and nothing formats a time of day by hand.

Forbidden in clerk/, screens/, services/, printing/ (clerk/clock.py excepted):
- `datetime.now(...)`, `datetime.utcnow()`, `datetime.today()`, `date.today()`,
  `datetime.utcfromtimestamp(...)`, `datetime.fromtimestamp(x)` without a zone: take a Clock,
  or `clerk.clock.now()` / `hall_today()`;
- `time.localtime`, `time.ctime`, `time.asctime`, `time.strftime`, `time.mktime`: the machine's zone;
- `.astimezone()` with no zone: the machine's zone again (the bug of issue 21);
- `ZoneInfo(...)`: the hall's zone is a setting (`clerk.clock.hall_zone()`);
- a time of day formatted by hand (`.strftime("%H:%M")`, f"{t:%H:%M}"): use the clock's
  `time_text` / `datetime_text` / `file_stamp`, which show the hall's wall clock. A machine
  format of an explicit UTC moment (`m.astimezone(UTC).strftime(...)`, e.g. the audit chain's
  canonical text) is not shown to anyone and passes.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("clerk", "screens", "services", "printing")
CLOCK_MODULE = Path("clerk/clock.py")
CLOCK_READS = {"now", "utcnow", "today", "utcfromtimestamp"}
TIME_ZONE_CALLS = {"localtime", "ctime", "asctime", "strftime", "mktime"}
TIME_OF_DAY = ("%H", "%I", "%M", "%S", "%p", "%X", "%c", "%T", "%R")


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _has_time_of_day(text: str) -> bool:
    return any(code in text for code in TIME_OF_DAY)


def _spec_text(spec: ast.expr | None) -> str:
    if not isinstance(spec, ast.JoinedStr):
        return ""
    return "".join(v.value for v in spec.values if isinstance(v, ast.Constant))


def _explicit_utc(node: ast.expr) -> bool:
    """`<moment>.astimezone(UTC)`: a machine format, not a time shown in some zone."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "astimezone"
        and len(node.args) == 1
        and _name(node.args[0]) == "UTC"
    )


def problems_in(tree: ast.AST) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FormattedValue) and _has_time_of_day(_spec_text(node.format_spec)):
            yield node.lineno, "a time of day formatted by hand (f-string)"
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id == "ZoneInfo":
            yield node.lineno, "ZoneInfo(...) outside the clock module"
        if not isinstance(func, ast.Attribute):
            continue
        owner = _name(func.value)
        if owner in ("datetime", "date") and func.attr in CLOCK_READS:
            yield node.lineno, f"{owner}.{func.attr}() reads the machine's clock"
        zoned = len(node.args) >= 2 or any(k.arg == "tz" for k in node.keywords)
        if owner == "datetime" and func.attr == "fromtimestamp" and not zoned:
            yield node.lineno, "datetime.fromtimestamp() without a zone"
        if owner == "time" and func.attr in TIME_ZONE_CALLS:
            yield node.lineno, f"time.{func.attr}() uses the machine's zone"
        if func.attr == "astimezone" and not node.args and not node.keywords:
            yield node.lineno, ".astimezone() without a zone converts to the machine's zone"
        if owner == "zoneinfo" and func.attr == "ZoneInfo":
            yield node.lineno, "ZoneInfo(...) outside the clock module"
        if func.attr == "strftime" and node.args and not _explicit_utc(func.value):
            pattern = node.args[0]
            text = pattern.value if isinstance(pattern, ast.Constant) else None
            if isinstance(text, str) and _has_time_of_day(text):
                yield node.lineno, "a time of day formatted by hand (strftime)"


def violations(root: Path = ROOT) -> list[str]:
    found: list[str] = []
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            relative = path.relative_to(root)
            if relative == CLOCK_MODULE:
                continue
            tree = ast.parse(path.read_text("utf-8"), filename=str(relative))
            found += [f"{relative}:{line}: {what}" for line, what in problems_in(tree)]
    return found


def test_nothing_outside_the_clock_reads_the_machines_clock_or_zone() -> None:
    found = violations()
    assert not found, "use clerk.clock (see its docstring):\n" + "\n".join(found)


def test_the_rule_catches_each_forbidden_form() -> None:
    source = """
import datetime as dt, time
from datetime import date, datetime
from zoneinfo import ZoneInfo
a = datetime.now()
b = datetime.now(UTC)
c = dt.datetime.utcnow()
d = date.today()
e = time.strftime("%Y", time.localtime(0))
f = moment.astimezone()
g = ZoneInfo("Asia/Shanghai")
h = moment.strftime("%m-%d %H:%M")
i = f"{moment:%H:%M}"
j = datetime.fromtimestamp(0)
"""
    lines = sorted({line for line, _ in problems_in(ast.parse(source))})
    assert lines == list(range(5, 15))


def test_the_rule_lets_the_right_forms_pass() -> None:
    source = """
a = moment.astimezone(UTC)
b = day.strftime("%Y%m%d")
c = f"{day:%Y%m%d}"
d = datetime.fromtimestamp(0, UTC)
e = time.monotonic() + time.time()
f = clock.now()
g = at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
"""
    assert list(problems_in(ast.parse(source))) == []
