"""The trainer's tables (screens/trainer.py) on hand-made scored rows, without a terminal: per
trainee and per scenario over time, and the CSV export of scored attempts."""

from __future__ import annotations

import csv
import io
from typing import Any

from screens.trainer import CSV_COLUMNS, per_scenario, per_trainee, results_csv


def row(
    trainee: str,
    scenario_id: str,
    points: int | None,
    decided_at: str = "",
    *,
    decision_ok: bool | None = None,
    difficulty: str = "easy",
    **extra: Any,
) -> dict[str, Any]:
    return {
        "session_id": 1,
        "session_title": "第一周",
        "trainer": "trainer",
        "trainee": trainee,
        "scenario_id": scenario_id,
        "scenario_title": f"场景 {scenario_id}",
        "difficulty": difficulty,
        "status": "assigned" if points is None else "decided",
        "decided_at": decided_at,
        "points": points,
        "decision_ok": decision_ok,
        **extra,
    }


# deliberately not in time order: the tables must sort by decided_at themselves
ROWS = [
    row("clerk1", "P-A", 60, "2026-11-20T10:05:00+08:00", decision_ok=False),
    row("clerk2", "P-A", 100, "2026-11-23T09:00:00+08:00", decision_ok=True),
    row("clerk1", "P-B", 30, "2026-11-18T15:30:00+08:00", decision_ok=False, difficulty="hard"),
    row("clerk1", "P-A", 90, "2026-11-22T11:45:00+08:00", decision_ok=True),
    row("clerk2", "P-B", None),  # assigned, not played: counted nowhere
    row("clerk3", "P-C", None),
]


def test_per_trainee_over_time() -> None:
    lines = per_trainee(ROWS)
    assert [line[0] for line in lines] == ["clerk1", "clerk2"]  # clerk3 has played nothing
    clerk1, clerk2 = lines
    # trainee, done, average, best, right, trend (oldest first), last played
    assert clerk1 == ("clerk1", "3", "60", "90", "1/3", "30→60→90", "2026-11-22 11:45")
    assert clerk2 == ("clerk2", "1", "100", "100", "1/1", "100", "2026-11-23 09:00")


def test_per_trainee_trend_keeps_the_latest_six() -> None:
    rows = [
        row("clerk1", "P-A", 10 * i, f"2026-11-{10 + i:02d}T09:00:00+08:00") for i in range(1, 9)
    ]
    [line] = per_trainee(rows)
    assert line[1] == "8" and line[5] == "30→40→50→60→70→80"
    assert line[6] == "2026-11-18 09:00"


def test_per_scenario_over_time() -> None:
    lines = per_scenario(ROWS)
    assert [line[0] for line in lines] == ["P-A", "P-B"]  # P-C was never played
    p_a, p_b = lines
    # scenario, title, difficulty, done, average, right, trend (oldest first), last played
    assert p_a == ("P-A", "场景 P-A", "入门", "3", "83", "2/3", "60→90→100", "2026-11-23 09:00")
    assert p_b == ("P-B", "场景 P-B", "困难", "1", "30", "0/1", "30", "2026-11-18 15:30")


def test_nothing_played_gives_empty_tables() -> None:
    unplayed = [r for r in ROWS if r["points"] is None]
    assert per_trainee(unplayed) == [] and per_scenario(unplayed) == []


def test_csv_carries_the_scores() -> None:
    scored = row(
        "clerk1",
        "P-SCJG-005-A",
        30,
        "2026-11-23T10:00:00+08:00",
        decision_ok=False,
        decision="accept",
        expected_decision="notify",
        precision=1.0,
        recall=0.0,
        missed="经营场所使用证明",
        seconds=95.0,
        keystrokes=57,
        attempt_id=7,  # not a CSV column: ignored
    )
    text = results_csv([scored, row("clerk2", "P-A", None)])
    records = list(csv.DictReader(io.StringIO(text)))
    assert list(records[0]) == list(CSV_COLUMNS)
    first, second = records
    assert first["points"] == "30" and first["decision_ok"] == "False"
    assert first["precision"] == "1.0" and first["recall"] == "0.0"
    assert first["missed"] == "经营场所使用证明" and first["expected_decision"] == "notify"
    assert second["status"] == "assigned" and second["points"] == ""
