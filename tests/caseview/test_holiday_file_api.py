"""A hall holiday file that cannot be read is a clear 503 with the file and the problem, not an
`internal` 500 on every decision."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from clerk.config import Settings
from tests.cases.catalog import ALL_PROMISED, state
from tests.cases.conftest import Desk


@pytest.fixture
def holiday_file(tmp_path: Path) -> Path:
    path = tmp_path / "hall-holidays.toml"
    path.write_text('[2027]\nstatus = "maybe"\n', "utf-8")
    return path


@pytest.fixture
def store_settings(store_url: str, holiday_file: Path) -> Settings:
    return Settings(service={"db": store_url}, hall={"holiday_file": str(holiday_file)})


async def test_a_broken_holiday_file_is_explained(
    desk: Desk, api: httpx.AsyncClient, holiday_file: Path
) -> None:
    draft = await desk.draft(state(["T-001"], ALL_PROMISED))
    decisions = [{"item": "T-001", "decision": "accept"}]
    r = await desk.decide_raw(draft["id"], decisions)
    assert r.status_code == 503, r.text
    detail = r.json()["detail"]
    assert detail["code"] == "service.holiday_file"
    assert str(holiday_file) in detail["message"] and "status" in detail["message"]
    assert "节假日文件" in detail["message"]
    # nothing was decided: the draft stays open and can be decided once the file is fixed
    assert (await api.get(f"/api/v1/drafts/{draft['id']}", headers=desk.headers)).json()[
        "status"
    ] == "open"
    holiday_file.write_text('[2027]\nstatus = "estimated"\n', "utf-8")
    r = await desk.decide_raw(draft["id"], decisions)
    assert r.status_code == 201, r.text


async def test_a_missing_holiday_file_is_explained_in_english(
    desk: Desk, holiday_file: Path
) -> None:
    holiday_file.unlink()
    draft = await desk.draft(state(["T-001"], ALL_PROMISED))
    r = await desk.api.post(
        "/api/v1/visits",
        json={"draft_id": draft["id"], "decisions": [{"item": "T-001", "decision": "accept"}]},
        headers={**desk.headers, "Accept-Language": "en"},
    )
    assert r.status_code == 503, r.text
    message = r.json()["detail"]["message"]
    assert message.startswith("The hall holiday file cannot be used")
    assert str(holiday_file) in message
