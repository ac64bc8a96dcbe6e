"""The display board in a real browser (Playwright + Debian's chromium) against a real hall
service under uvicorn on 127.0.0.1: a ticket called through the API shows on /board within a
second; spoken calls queue instead of cutting each other off; the board reconnects by itself
after the hall restarts.

Chromium comes from Debian (`apt-get install -y chromium`; scripts/sysdeps.sh installs it in
`make test` when run as root) — never `playwright install`. Without it these tests FAIL and say
how to install it. A screenshot of the board is written to the test's tmp dir (and to
$CLERK_BOARD_SCREENSHOT when set)."""

from __future__ import annotations

import itertools
import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from clerk.config import Settings
from tests.support.hall import FakeClock, seeded_store, sqlite_url, use_fast_hashing

CHROMIUM = "/usr/bin/chromium"
INSTALL = "apt-get install -y chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FAKE_SPEECH = """
window.__speech = [];
class FakeUtterance { constructor(text) { this.text = text; this.onend = null; this.onerror = null; } }
window.SpeechSynthesisUtterance = FakeUtterance;
const fake = {
  speaking: false,
  speak(u) {
    if (this.speaking) window.__speech.push("OVERLAP");
    this.speaking = true;
    window.__speech.push("start:" + u.text);
    setTimeout(() => { this.speaking = false; window.__speech.push("end:" + u.text);
                       if (u.onend) u.onend(); }, 400);
  },
  cancel() { window.__speech.push("CANCEL"); },
};
Object.defineProperty(window, "speechSynthesis", { value: fake, configurable: true });
"""


def chromium_path() -> str:
    path = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if not path:
        pytest.fail(
            f"chromium is not installed: the display-board browser test needs Debian's chromium."
            f" Install it with:  {INSTALL}",
            pytrace=False,
        )
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class TcpHall:
    url: str
    credentials: dict[str, str]
    settings: Settings
    port: int
    server: Any = None
    thread: threading.Thread | None = None
    clock: FakeClock | None = None

    def start(self) -> None:
        import uvicorn

        from services.hall.app import create_app

        config = uvicorn.Config(
            create_app(self.settings, clock=self.clock),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            timeout_graceful_shutdown=1,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/api/v1/health", timeout=1).json().get("ok"):
                    return
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.05)
        raise RuntimeError("the hall service did not start")

    def stop(self) -> None:
        if self.server is None or self.thread is None:
            return
        self.server.should_exit = True
        self.thread.join(5)
        if self.thread.is_alive():
            self.server.force_exit = True
            self.thread.join(2)
        self.server = self.thread = None

    # ---- the API, as a kiosk and a clerk would use it

    def issue(self, category: str) -> dict[str, Any]:
        answer = httpx.post(f"{self.url}/api/v1/tickets", json={"category": category}, timeout=5)
        assert answer.status_code == 201, answer.text
        data: dict[str, Any] = answer.json()
        return data

    def login(self, username: str, window: int) -> dict[str, str]:
        answer = httpx.post(
            f"{self.url}/api/v1/auth/login",
            json={
                "username": username,
                "password": self.credentials[username],
                "window_no": window,
            },
            timeout=5,
        )
        assert answer.status_code == 200, answer.text
        return {"Authorization": f"Bearer {answer.json()['token']}"}

    def call_next(self, window: int, headers: dict[str, str]) -> dict[str, Any]:
        answer = httpx.post(
            f"{self.url}/api/v1/windows/{window}/call-next", headers=headers, timeout=5
        )
        assert answer.status_code == 200, answer.text
        data: dict[str, Any] = answer.json()
        return data


@pytest.fixture
def hall_clock() -> FakeClock | None:
    return None  # the hall's own (real) clock


@pytest.fixture
def tcp_hall(tmp_path: Path, hall_clock: FakeClock | None) -> Iterator[TcpHall]:
    use_fast_hashing()
    url = sqlite_url(tmp_path / "board-store")
    credentials = seeded_store(url)
    port = free_port()
    settings = Settings(
        service={"db": url, "host": "127.0.0.1", "port": port}, backoffice={"enabled": False}
    )
    hall = TcpHall(f"http://127.0.0.1:{port}", credentials, settings, port, clock=hall_clock)
    hall.start()
    try:
        yield hall
    finally:
        hall.stop()


@pytest.fixture
def browser() -> Iterator[Any]:
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=executable, args=ARGS)
        try:
            yield launched
        finally:
            launched.close()


def open_board(
    browser: Any, hall: TcpHall, *, speech: bool = False, zone: str | None = None
) -> Any:
    page = browser.new_page(
        viewport={"width": 1600, "height": 900}, locale="zh-CN", timezone_id=zone
    )
    if speech:
        page.add_init_script(FAKE_SPEECH)
    page.goto(f"{hall.url}/board")
    page.wait_for_function("window.board && window.board.connected === true", timeout=10_000)
    return page


def test_a_called_ticket_shows_on_the_board_within_a_second(
    browser: Any, tcp_hall: TcpHall, tmp_path: Path
) -> None:
    page = open_board(browser, tcp_hall)
    tcp_hall.issue("A")
    ticket = tcp_hall.issue("A")
    tcp_hall.issue("B")
    clerk = tcp_hall.login("clerk1", 1)
    first = tcp_hall.call_next(1, clerk)
    assert first["number"] == "A001"
    httpx.post(f"{tcp_hall.url}/api/v1/windows/1/finish", headers=clerk, timeout=5)
    page.wait_for_function("document.getElementById('now-text').textContent.includes('A001')")

    started = time.monotonic()
    called = tcp_hall.call_next(1, clerk)
    page.wait_for_function(
        "([number, window]) => {"
        "  const text = document.getElementById('now-text').textContent;"
        "  return text.includes(number) && text.includes(window + ' 号窗口');"
        "}",
        arg=[ticket["number"], 1],
        timeout=1000,
    )
    elapsed = time.monotonic() - started
    assert called["number"] == ticket["number"] == "A002"
    assert elapsed < 1.0, f"the board showed the call after {elapsed:.3f} s"

    now_text = page.inner_text("#now-text")
    assert now_text.replace(" ", "").replace("\n", "") == "请A002号到1号窗口"
    card = page.inner_text("#windows [data-window='1']")
    assert "A002" in card
    recent = page.inner_text("#recent")
    assert recent.index("A002") < recent.index("A001")  # newest first
    page.wait_for_function(
        "document.querySelector(\"#waiting [data-category='A'] b\").textContent.startsWith('0')"
    )
    assert page.inner_text("#waiting [data-category='B'] b").startswith("1")
    shot = tmp_path / "board.png"
    page.screenshot(path=str(shot))
    if os.environ.get("CLERK_BOARD_SCREENSHOT"):
        shutil.copy(shot, os.environ["CLERK_BOARD_SCREENSHOT"])
    print(f"board screenshot: {shot} (call shown after {elapsed * 1000:.0f} ms)")


def test_spoken_calls_queue_and_never_cut_each_other_off(browser: Any, tcp_hall: TcpHall) -> None:
    page = open_board(browser, tcp_hall, speech=True)
    page.click("#voice")
    assert page.get_attribute("#voice", "aria-pressed") == "true"
    for category in ("A", "B"):
        tcp_hall.issue(category)
    tcp_hall.call_next(1, tcp_hall.login("clerk1", 1))  # A001 to window 1
    tcp_hall.call_next(3, tcp_hall.login("clerk3", 3))  # B001 to window 3, right after
    page.wait_for_function("window.__speech.filter(x => x.startsWith('end:')).length >= 3")
    log = page.evaluate("window.__speech")
    assert "OVERLAP" not in log and "CANCEL" not in log
    starts = [x for x in log if x.startswith("start:")]
    assert starts[0] == "start:语音播报已开启"
    assert "A 0 0 1" in starts[1] and "1 号窗口" in starts[1]
    assert "B 0 0 1" in starts[2] and "3 号窗口" in starts[2]
    # each utterance ended before the next began
    for a, b in itertools.pairwise(starts):
        assert log.index("end:" + a[len("start:") :]) < log.index(b)


def test_the_board_reconnects_by_itself_after_the_hall_restarts(
    browser: Any, tcp_hall: TcpHall
) -> None:
    page = open_board(browser, tcp_hall)
    tcp_hall.stop()
    page.wait_for_function("window.board.connected === false", timeout=10_000)
    assert "重新连接" in page.inner_text("#link")
    tcp_hall.start()
    page.wait_for_function("window.board.connected === true", timeout=20_000)
    tcp_hall.issue("C")
    tcp_hall.call_next(4, tcp_hall.login("clerk4", 4))
    page.wait_for_function(
        "document.getElementById('now-text').textContent.includes('C001')", timeout=5_000
    )
    assert "4" in page.inner_text("#now-text")


class TestTheBoardClock:
    """The board on the wall shows the hall's wall clock, whatever the zone (and the clock) of
    the machine showing it: the hall says `now` and its zone in /board/state."""

    @pytest.fixture
    def hall_clock(self) -> FakeClock:
        return FakeClock(datetime(2026, 11, 23, 16, 30, tzinfo=UTC))  # 00:30 on the 24th

    @pytest.mark.parametrize("zone", ["UTC", "America/New_York"])
    def test_the_clock_is_the_halls(self, browser: Any, tcp_hall: TcpHall, zone: str) -> None:
        page = open_board(browser, tcp_hall, zone=zone)
        try:
            page.wait_for_function(
                "document.getElementById('clock').textContent.includes('2026年11月24日')",
                timeout=5_000,
            )
            assert page.evaluate("window.board.zone") == "Asia/Shanghai"
            shown = page.inner_text("#clock")
            assert re.search(r"2026年11月24日\s+00:3\d:\d\d", shown), shown
        finally:
            page.close()
