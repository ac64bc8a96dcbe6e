"""The approver screen (Pilot) against a real simulator process in manual mode: it lists what
the back office received and moves the selected case with one key."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from services.backoffice import protocol
from tests.handoff.conftest import SECRET
from tests.handoff.procs import Simulator, wait_for


def deliver(sim: Simulator, case_no: str) -> None:
    body = protocol.dumps(
        protocol.envelope(
            department="SCJG",
            idempotency_key=case_no,
            payload={"case_no": case_no, "item": {"name": "食品经营许可（新办）"}},
            callback_url=None,
        )
    )
    headers = protocol.sign(
        SECRET, method="POST", path="/cases", body=body, department="SCJG", now=time.time()
    )
    answer = httpx.post(
        sim.url + "/cases", content=body, headers=headers | {"Idempotency-Key": case_no}
    )
    assert answer.status_code == 201, answer.text


async def test_approver_moves_cases_by_hand(tmp_path: Path) -> None:
    from screens.backoffice_approver import ApproverApp, ApproverScreen

    sim = Simulator(tmp_path, SECRET, callback=None, manual=True)
    sim.start()
    try:
        deliver(sim, "C-1")
        deliver(sim, "C-2")
        app = ApproverApp(sim.url, refresh_s=0.2)
        async with app.run_test(size=(100, 24)) as pilot:
            screen = app.screen
            assert isinstance(screen, ApproverScreen)
            for _ in range(50):
                await pilot.pause(0.05)
                if len(screen.cases) == 2:
                    break
            assert {c["case_no"] for c in screen.cases} == {"C-1", "C-2"}
            target = screen.selected()
            assert target is not None
            await pilot.press("r")
            wait_for(lambda: sim.cases()[target]["status"] == "in_review", timeout=5, what="审批中")
            await pilot.press("c")
            wait_for(
                lambda: sim.cases()[target]["status"] == "needs_correction",
                timeout=5,
                what="需补正",
            )
            report = sim.cases()[target]["report"]
            assert report["seq"] == 2 and report["materials_needed"]
            for _ in range(50):
                await pilot.pause(0.05)
                if "需补正" in str(screen.query_one("#approver-message").render()):
                    break
            assert "需补正" in str(screen.query_one("#approver-message").render())
        other = ({"C-1", "C-2"} - {target}).pop()
        assert sim.cases()[other]["status"] == "received"
    finally:
        sim.stop()
