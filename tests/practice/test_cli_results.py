"""`clerk practice export --format csv --results` reads the scored attempts from the store."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from clerk.cli.main import cli
from tests.support.hall import seeded_store, sqlite_url


def test_export_results_from_the_store(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "store")
    seeded_store(url)
    from services.hall.audit import Actor
    from services.hall.bootstrap import open_store
    from services.hall.practice import service
    from tests.support.hall import hall_settings

    hall = open_store(hall_settings(url))
    try:
        with hall.db.write() as session:
            service.create_session(
                session,
                Actor("trainer"),
                title="第一周",
                trainees=["clerk1"],
                scenario_ids=["P-MZJ-001-A", "P-GA-009-A"],
                now=hall.now(),
            )
    finally:
        hall.close()
    out = tmp_path / "results.csv"
    result = CliRunner().invoke(
        cli, ["--db", url, "practice", "export", "--format", "csv", "--results", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    lines = out.read_text("utf-8-sig").splitlines()
    assert lines[0].startswith("session_id,session_title,trainer,trainee,scenario_id")
    assert len(lines) == 3 and "P-GA-009-A" in lines[2] and ",assigned," in lines[1]
