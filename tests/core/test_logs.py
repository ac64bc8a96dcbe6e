"""clerk.logs: JSON lines, personal data masked wherever it appears in a record (message,
exception, data), the process-age timer, and the "started in N ms" line every TUI launch logs."""

from __future__ import annotations

import json
import logging
import stat
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from clerk import logs
from clerk.cli.context import CliContext

LOGGERS = ("clerk", "services", "screens", "printing")

ID_NUMBER = "11010519491231002X"
ID_MASKED = "110105********002X"
PHONE = "13812345678"
PHONE_MASKED = "138****5678"
# a 个体工商户 (机构类别 92): the code names the person who runs it; check digit D is right
SOLE_TRADER_USCC = "92310115MA1K3YJ12D"
USCC_MASKED = "923101********J12D"


def record(msg: str, *args: object, exc_info: Any = None) -> logging.LogRecord:
    return logging.LogRecord("clerk.test", logging.WARNING, __file__, 1, msg, args, exc_info)


def formatted(rec: logging.LogRecord) -> dict[str, Any]:
    line = logs.JsonFormatter().format(rec)
    assert "\n" not in line  # one record, one line
    data: dict[str, Any] = json.loads(line)
    return data


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (f"申请人 {ID_NUMBER} 到窗口", f"申请人 {ID_MASKED} 到窗口"),
        ("id=110105194912310021;", "id=110105********0021;"),
        (f"电话{PHONE}。", f"电话{PHONE_MASKED}。"),
        (f"{ID_NUMBER},{PHONE}", f"{ID_MASKED},{PHONE_MASKED}"),
        # Not personal data: longer digit runs, numbers glued to letters, a case number.
        ("case 1101051949123100212", "case 1101051949123100212"),
        (f"X{ID_NUMBER}", f"X{ID_NUMBER}"),
        ("138123456789", "138123456789"),
        ("12812345678", "12812345678"),
        ("A012 到 3 号窗口", "A012 到 3 号窗口"),
        # USCCs, with letters: every one is masked (a log cannot tell a sole trader's from a
        # company's), in either case; not when glued to more letters or digits.
        (f"个体户 {SOLE_TRADER_USCC} 来办", f"个体户 {USCC_MASKED} 来办"),
        (f"uscc={SOLE_TRADER_USCC.lower()}&", f"uscc={USCC_MASKED.lower()}&"),
        ("91110000600037341L", "911100********341L"),
        (f"X{SOLE_TRADER_USCC}", f"X{SOLE_TRADER_USCC}"),
        (f"{SOLE_TRADER_USCC}D", f"{SOLE_TRADER_USCC}D"),
    ],
)
def test_mask_text(text: str, masked: str) -> None:
    assert logs.mask_text(text) == masked


def test_a_uscc_is_masked_in_a_logged_url_and_in_a_records_data() -> None:
    line = logs.mask_url(f"/api/v1/cases?q={SOLE_TRADER_USCC}&limit=20")
    assert line == f"/api/v1/cases?q={USCC_MASKED}&limit=20"
    rec = record("organisation %s", SOLE_TRADER_USCC)
    rec.data = {"applicant": {"uscc": SOLE_TRADER_USCC, "name": "某某小吃店"}}
    entry = formatted(rec)
    assert SOLE_TRADER_USCC not in json.dumps(entry, ensure_ascii=False)
    assert entry["msg"] == f"organisation {USCC_MASKED}"
    assert entry["data"]["applicant"]["uscc"] == USCC_MASKED


def test_a_record_is_one_json_line_with_its_fields() -> None:
    rec = record("called %s at window %d", "A012", 3)
    entry = formatted(rec)
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "clerk.test"
    assert entry["msg"] == "called A012 at window 3"
    # UTC with its Z, to the millisecond: a log read in another zone means the same moment
    stamped = datetime.fromisoformat(entry["ts"].replace("Z", "+00:00"))
    assert stamped.utcoffset() == timedelta(0)
    assert abs(stamped - datetime.fromtimestamp(rec.created, UTC)) < timedelta(milliseconds=1)
    assert "data" not in entry and "exc" not in entry


def test_personal_data_is_masked_in_the_message_and_its_arguments() -> None:
    entry = formatted(record("lookup %s / %s", ID_NUMBER, PHONE))
    assert entry["msg"] == f"lookup {ID_MASKED} / {PHONE_MASKED}"


def test_personal_data_is_masked_in_data_keeping_its_shape() -> None:
    rec = record("case accepted")
    rec.data = {
        "applicant": {"id_number": ID_NUMBER, "phones": [PHONE, "021-12345678"]},
        "window": 3,
        "when": Path("/x"),  # not JSON: written as text
    }
    entry = formatted(rec)
    assert entry["data"] == {
        "applicant": {"id_number": ID_MASKED, "phones": [PHONE_MASKED, "021-12345678"]},
        "window": 3,
        "when": "/x",
    }
    assert ID_NUMBER not in json.dumps(entry) and PHONE not in json.dumps(entry)


def test_personal_data_is_masked_in_the_exception() -> None:
    try:
        raise ValueError(f"bad applicant {ID_NUMBER} phone {PHONE}")
    except ValueError:
        rec = record("failed", exc_info=sys.exc_info())
    entry = formatted(rec)
    assert "ValueError" in entry["exc"] and "Traceback" in entry["exc"]
    assert ID_MASKED in entry["exc"] and PHONE_MASKED in entry["exc"]
    assert ID_NUMBER not in entry["exc"] and PHONE not in entry["exc"]


def test_setup_writes_json_lines_once_per_logger(restore_loggers: None, clerk_home: Path) -> None:
    target = logs.setup("unit")
    assert target == logs.log_file("unit") and target.is_relative_to(clerk_home)
    logs.setup("unit")  # twice: still one handler, so one line per record
    logging.getLogger("services.hall.test").info("phone %s", PHONE)
    logging.getLogger("screens.test").debug("below the level")
    for name in LOGGERS:
        logging.getLogger(name).handlers[0].flush()
    lines = target.read_text("utf-8").splitlines()
    assert [json.loads(line)["msg"] for line in lines] == [f"phone {PHONE_MASKED}"]


def test_process_age_grows_with_the_process() -> None:
    first = logs.process_age_ms()
    assert 0 < first < time.monotonic() * 1000  # not older than the machine's uptime
    time.sleep(0.05)
    second = logs.process_age_ms()
    # /proc counts in clock ticks (10 ms): allow one tick either way.
    assert second - first >= 40


def test_process_age_without_proc_counts_from_import(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_proc(*_args: object, **_kwargs: object) -> object:
        raise OSError("no /proc here")

    monkeypatch.setattr("builtins.open", no_proc)
    age = logs.process_age_ms()
    expected = (time.perf_counter() - logs._IMPORTED_AT) * 1000
    assert 0 < age <= expected


def test_a_launch_logs_started_in_n_ms(
    restore_loggers: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """run_tui logs the line when the app is ready, measured from process start."""
    import screens.app
    from clerk.cli import tui

    ran: list[str] = []

    class ReadyAtOnce:
        """Stands in for ClerkApp: becomes ready as soon as it runs."""

        def __init__(self, settings: object, client: object, *, on_ready: Any) -> None:
            self.on_ready = on_ready

        def run(self) -> None:
            ran.append("run")
            self.on_ready()

    monkeypatch.setattr(screens.app, "ClerkApp", ReadyAtOnce)
    monkeypatch.setattr(logs, "process_age_ms", lambda: 1234.4)
    state = CliContext({"hall_url": "http://hall.invalid:8470", "hall_token": "t"})
    tui.run_tui(state)
    assert ran == ["run"]
    for name in LOGGERS:
        for handler in logging.getLogger(name).handlers:
            handler.flush()
    entries = [json.loads(line) for line in logs.log_file().read_text("utf-8").splitlines()]
    started = [e for e in entries if e["msg"].startswith("started in")]
    assert len(started) == 1, entries
    assert started[0]["msg"] == "started in 1234 ms"
    assert started[0]["logger"] == "clerk.tui"
    assert started[0]["data"] == {"ms": 1234, "embedded": False}


def test_the_log_folder_and_file_are_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLERK_HOME", str(tmp_path / "home"))
    path = logs.log_file("hall")
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
