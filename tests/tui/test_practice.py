"""Practice mode in the real TUI against the REAL embedded hall: a trainer assigns two
scenarios, clerk1 plays them on the practice screens — one right, one wrong — and the scores and
feedback come back; nothing in the live tables changes."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from textual.color import Color
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList, SelectionList, Static

from clerk.practice.loader import load_scenarios
from screens.app import ClerkApp
from screens.components.decision_dialog import DecisionDialog
from screens.components.practice_banner import PracticeBanner
from screens.components.result_dialog import ResultDialog
from screens.practice import PracticeIntakeScreen, PracticeResultScreen, PracticeScreen
from screens.trainer import TrainerScreen
from tests.practice.play import right_decisions, state_for
from tests.support.hall import FakeClock, RunningHall
from tests.tui.conftest import AppFactory
from tests.tui.pilot import settle, sign_in

SIZE = (140, 44)
# the practice colour of screens/styles/practice.tcss: a frame and banner live work never uses
MAGENTA = Color.parse("#B0308C")
NOT_LIVE = (
    "practice_",
    "audit_log",
    "tokens",
    "idempotency_keys",
    "login_failures",
    "alembic_version",
)


def live_snapshot(url: str) -> dict[str, tuple[int, str]]:
    engine = create_engine(url)
    out: dict[str, tuple[int, str]] = {}
    try:
        with engine.connect() as conn:
            for table in sorted(inspect(engine).get_table_names()):
                if table.startswith(NOT_LIVE):
                    continue
                rows = conn.execute(text(f'SELECT * FROM "{table}"')).all()
                out[table] = (
                    len(rows),
                    hashlib.sha256(
                        json.dumps(sorted(map(str, rows)), ensure_ascii=False).encode()
                    ).hexdigest(),
                )
    finally:
        engine.dispose()
    return out


async def assign(hall: RunningHall, scenarios: list[str]) -> None:
    client = hall.client()
    try:
        await client.login("trainer", hall.credentials["trainer"])
        await client.create_practice_session("第一周", ["clerk1"], scenarios=scenarios)
    finally:
        await client.aclose()


async def wait_for(pilot: Pilot[None], kind: type) -> object:
    for _ in range(60):
        if isinstance(pilot.app.screen, kind):
            return pilot.app.screen
        await pilot.pause(0.1)
        await settle(pilot)
    told = [n.message for n in pilot.app._notifications]
    raise AssertionError(f"no {kind.__name__}; on {pilot.app.screen!r}; notifications: {told}")


async def play(pilot: Pilot[None], search: str) -> PracticeResultScreen:
    """Call the next practice applicant and work them as at a window: find the item, read the
    ID card, tick every material received (F9), decide (F10, Enter)."""
    queue = await wait_for(pilot, PracticeScreen)
    assert isinstance(queue, PracticeScreen)
    queue.query_one("#practice-queue", OptionList).focus()
    await pilot.press("enter")
    intake = await wait_for(pilot, PracticeIntakeScreen)
    assert isinstance(intake, PracticeIntakeScreen)
    await settle(pilot)
    # unmistakably practice: the banner, the practice class (colour), the applicant's papers
    assert "练习模式" in str(intake.query_one(PracticeBanner).render())
    assert intake.has_class("practice")
    # ...and the colour really comes from screens/styles/practice.tcss: computed styles
    assert intake.styles.border_top == ("heavy", MAGENTA)
    assert intake.query_one(PracticeBanner).styles.background == MAGENTA
    await pilot.press(*search, "enter")
    await settle(pilot)
    await pilot.press("f11")  # the card reader
    await settle(pilot)
    await pilot.press("f9")
    await settle(pilot)
    await pilot.press("f10")
    await wait_for(pilot, DecisionDialog)
    await pilot.press("enter")
    result = await wait_for(pilot, ResultDialog)
    assert isinstance(result, ResultDialog)
    assert all(doc.practice for doc in result.documents)  # watermarked, LX numbers
    await pilot.press("enter")
    screen = await wait_for(pilot, PracticeResultScreen)
    assert isinstance(screen, PracticeResultScreen)
    return screen


async def test_trainee_plays_one_right_and_one_wrong(
    hall: RunningHall, make_app: AppFactory, tmp_path: Path
) -> None:
    await assign(hall, ["P-MZJ-001-A", "P-SCJG-005-A"])
    before = live_snapshot(hall.settings.database_url())
    app = make_app(printer={"kind": "pdf", "pdf_folder": str(tmp_path / "prints")})
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk1", hall.credentials["clerk1"], window="1")
        await pilot.press("f6")  # the practice panel
        await settle(pilot)
        menu = app.screen.query_one("#practice-home-menu", OptionList)
        assert "待做 2 个" in str(menu.get_option_at_index(0).prompt)
        menu.focus()
        await pilot.press("enter")

        # 1. 结婚登记, everything in order: accepted on the spot — right
        right = await play(pilot, "jhdj")
        decision = right.decision
        assert decision.attempt.points == 100
        assert decision.score["decision_ok"] is True
        assert decision.visit.case_numbers[0].startswith("LX-")
        shown = str(right.query_one("#practice-result-text", Static).render())
        assert "得分：100 / 100" in shown and "完全正确" in shown
        assert decision.attempt.keystrokes is not None and decision.attempt.keystrokes >= 8
        print(f"\nright: {decision.attempt.points} points, {decision.attempt.keystrokes} keys")
        await pilot.press("enter")

        # 2. 个体工商户设立: the lease copy carries no signature or seal, F9 took it anyway
        wrong = await play(pilot, "gtgshsl")
        decision = wrong.decision
        score = decision.score
        print(
            f"wrong: {decision.attempt.points} points; "
            + " | ".join(f["text"] for f in score["feedback"])
        )
        assert score["decision_ok"] is False
        assert score["decision"] == "accept" and score["expected_decision"] == "notify"
        assert score["missed"] == ["经营场所使用证明"] and score["recall"] == 0.0
        assert decision.attempt.points == 30
        shown = str(wrong.query_one("#practice-result-text", Static).render())
        assert "得分：30 / 100" in shown
        assert "决定不对：应为「一次性告知」，你的决定是「受理」" in shown
        assert "复印件未按标准签字或加盖公章" in shown
        assert "复印件由申请人签字或盖章" in shown  # the catalog's acceptance standard
        await pilot.press("enter")
        queue = await wait_for(pilot, PracticeScreen)
        assert isinstance(queue, PracticeScreen)
        await settle(pilot)
        assert queue.attempts == []

    assert live_snapshot(hall.settings.database_url()) == before


async def play_by_api(hall: RunningHall, clock: FakeClock, session_title: str) -> None:
    """clerk1 plays the session's two attempts over the API: the first right, the second (the
    lease copy without seal taken as received, then accepted) wrong."""
    scenarios = load_scenarios()
    client = hall.client()
    try:
        await client.login("clerk1", hall.credentials["clerk1"], 1)
        attempts = [a for a in await client.practice_attempts() if a.session_title == session_title]
        assert [a.scenario_id for a in attempts] == ["P-MZJ-001-A", "P-SCJG-005-A"]
        for attempt, right in zip(attempts, (True, False), strict=True):
            scenario = scenarios.get(attempt.scenario_id)
            assert scenario is not None
            clock.advance(minutes=30)
            started = await client.start_practice(attempt.id)
            state = state_for(scenario)
            decisions = right_decisions(scenario)
            if not right:
                state["materials"]["经营场所使用证明"] = {"state": "已收"}
                decisions = [{"item": "SCJG-005", "decision": "accept"}]
            saved = await client.save_practice_state(attempt.id, started.attempt.version, state)
            done = await client.decide_practice(
                attempt.id, decisions, draft_version=saved.version, keystrokes=20
            )
            assert (done.attempt.points == 100) is right
    finally:
        await client.aclose()


async def test_trainer_assigns_and_exports(
    hall: RunningHall, make_app: AppFactory, hall_clock: FakeClock, tmp_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app, ClerkApp)
        await sign_in(pilot, "trainer", hall.credentials["trainer"])
        await pilot.press("f6")
        await settle(pilot)
        menu = app.screen.query_one("#practice-home-menu", OptionList)
        menu.focus()
        menu.highlighted = 1  # 培训管理
        await pilot.press("enter")
        trainer = await wait_for(pilot, TrainerScreen)
        assert isinstance(trainer, TrainerScreen)
        trainer.export_dir = tmp_path
        await settle(pilot)
        trainer.query_one("#trainer-trainees").focus()
        await pilot.press(*"clerk1,clerk2")
        await pilot.press("ctrl+r")  # 3 easy scenarios at random
        await settle(pilot)
        status = str(trainer.query_one("#trainer-status", Static).render())
        assert "每人 3 个场景" in status, status
        table = trainer.query_one("#trainer-results", DataTable)
        assert table.row_count == 6
        assert trainer.styles.border_top == ("heavy", MAGENTA)  # practice.tcss is loaded

        # hand-picked: Space ticks two scenarios, Ctrl+S assigns them to clerk1 alone
        trainees = trainer.query_one("#trainer-trainees", Input)
        trainees.value = ""
        trainees.focus()
        await pilot.press(*"clerk1")
        trainer.query_one("#trainer-title", Input).focus()
        await pilot.press(*"手选")
        chooser = trainer.query_one("#trainer-scenarios", SelectionList)
        chooser.focus()
        values = [chooser.get_option_at_index(i).value for i in range(chooser.option_count)]
        for scenario_id in ("P-MZJ-001-A", "P-SCJG-005-A"):
            chooser.highlighted = values.index(scenario_id)
            await pilot.press("space")
        assert sorted(chooser.selected) == ["P-MZJ-001-A", "P-SCJG-005-A"]
        await pilot.press("ctrl+s")
        await settle(pilot)
        status = str(trainer.query_one("#trainer-status", Static).render())
        assert "每人 2 个场景" in status and "clerk1" in status, status
        assert chooser.selected == []  # ticks cleared after assigning
        assert table.row_count == 8
        picked = [r for r in trainer.rows if r["session_title"] == "手选"]
        assert sorted(r["scenario_id"] for r in picked) == ["P-MZJ-001-A", "P-SCJG-005-A"]
        assert {r["trainee"] for r in picked} == {"clerk1"}

        # clerk1 plays them (one right, one wrong); F5 brings the scores in
        await play_by_api(hall, hall_clock, "手选")
        await pilot.press("f5")
        await settle(pilot)
        assert sorted(r["points"] for r in trainer.rows if r["points"] is not None) == [30, 100]

        await pilot.press("f4")
        assert trainer.view == "trainees"
        assert table.row_count == 1
        line = [str(c) for c in table.get_row_at(0)]
        # trainee, done, average, best, right, trend (oldest first), last played
        assert line[:6] == ["clerk1", "2", "65", "100", "1/2", "100→30"], line
        assert line[6].startswith("2026-")

        await pilot.press("f4")
        assert trainer.view == "scenarios"
        assert table.row_count == 2
        lines = {str(table.get_row_at(i)[0]): [str(c) for c in table.get_row_at(i)] for i in (0, 1)}
        assert lines["P-MZJ-001-A"][3:7] == ["1", "100", "1/1", "100"]
        assert lines["P-SCJG-005-A"][3:7] == ["1", "30", "0/1", "30"]
        assert lines["P-SCJG-005-A"][7] > lines["P-MZJ-001-A"][7]  # last played, later

        await pilot.press("f7")
        assert trainer.exported is not None
        text = trainer.exported.read_text("utf-8-sig")
        exported_lines = text.splitlines()
        assert exported_lines[0].startswith("session_id,session_title,trainer,trainee,scenario_id")
        assert len(exported_lines) == 9
        scored = {r["scenario_id"]: r for r in csv.DictReader(text.splitlines()) if r["points"]}
        assert set(scored) == {"P-MZJ-001-A", "P-SCJG-005-A"}
        good, bad = scored["P-MZJ-001-A"], scored["P-SCJG-005-A"]
        assert good["points"] == "100" and good["decision_ok"] == "True"
        assert float(good["precision"]) == 1.0 and float(good["recall"]) == 1.0
        assert bad["points"] == "30" and bad["decision_ok"] == "False"
        assert bad["decision"] == "accept" and bad["expected_decision"] == "notify"
        assert float(bad["recall"]) == 0.0 and bad["precision"] != ""
        assert bad["missed"] == "经营场所使用证明"
        assert good["keystrokes"] == "20" and good["status"] == bad["status"] != "assigned"
