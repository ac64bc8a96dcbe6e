"""Real processes for the fault tests: the back-office simulator (`clerk backoffice-sim`) and the
hall service (`clerk serve`), each on a free 127.0.0.1 port, plus a clerk accepting real cases
through the hall's HTTP API (the cases room's code: draft -> decision -> outbox)."""

from __future__ import annotations

import base64
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from clerk.identity import uscc_check_digit

CLERK = str(Path(sys.executable).with_name("clerk"))
START_TIMEOUT_S = 20.0
ITEM = "SCJG-010"  # 食品经营许可（新办）: a 承诺件 -> accepted -> handed to SCJG


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(check: Callable[[], Any], *, timeout: float, what: str, interval: float = 0.05) -> Any:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            last = check()
        except (httpx.HTTPError, OSError) as exc:
            last = exc
        else:
            if last:
                return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what} (last: {last!r})")


class Proc:
    def __init__(self, name: str, args: list[str], env: dict[str, str], folder: Path) -> None:
        self.name = name
        self.args = args
        self.env = env
        self.folder = folder
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> None:
        self.spawn()
        self.wait_ready()

    def wait_ready(self) -> None:
        return None

    def spawn(self) -> None:
        self.starts += 1
        out = (self.folder / f"{self.name}-{self.starts}.out").open("wb")
        self.proc = subprocess.Popen(
            [CLERK, *self.args], env=self.env, stdout=out, stderr=subprocess.STDOUT
        )

    def kill9(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)

    def output(self) -> str:
        return "\n".join(
            p.read_text("utf-8", "replace")[-3000:]
            for p in sorted(self.folder.glob(f"{self.name}-*.out"))
        )


# The hall's keys (services/hall/keys.py), shared by every process of a world the way a hall's
# hosts share them (docs/security.md): each process has its own CLERK_HOME, so not by the file.
HALL_KEYS = {
    "CLERK_SECRET_HALL_AUDIT_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
    "CLERK_SECRET_HALL_LOOKUP_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
    "CLERK_SECRET_HALL_DATA_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
}


def base_env(home: Path, secret: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLERK_")}
    env |= {
        "CLERK_HOME": str(home),
        "CLERK_SECRET_BACKOFFICE_DEFAULT": secret,
        "CLERK_ARGON2_PROFILE": "fast",
        **HALL_KEYS,
    }
    return env


class Simulator(Proc):
    def __init__(self, folder: Path, secret: str, *, callback: str | None, **opts: Any) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        args = ["backoffice-sim", "--port", str(self.port), "--db", str(folder / "sim.sqlite3")]
        args += ["--faults", "--seed", str(opts.pop("seed", 7))]
        args += ["--delay-min", str(opts.pop("delay_min", 0.05))]
        args += ["--delay-max", str(opts.pop("delay_max", 0.15))]
        if callback:
            args += ["--callback", callback]
        if opts.pop("manual", False):
            args.append("--manual")
        if "odds" in opts:
            args += ["--odds", opts.pop("odds")]
        assert not opts, opts
        super().__init__("sim", args, base_env(folder / "sim-home", secret), folder)
        self.http = httpx.Client(base_url=self.url, timeout=5)

    def wait_ready(self) -> None:
        wait_for(
            lambda: self.http.get("/stats").status_code == 200,
            timeout=START_TIMEOUT_S,
            what="the simulator",
        )

    def stats(self) -> dict[str, Any]:
        data: dict[str, Any] = self.http.get("/stats").json()
        return data

    def faults(self, **switches: Any) -> None:
        assert self.http.post("/_faults", json=switches).status_code == 200

    def cases(self) -> dict[str, dict[str, Any]]:
        return {c["case_no"]: c for c in self.http.get("/approver/cases").json()}

    def stop(self) -> None:
        super().stop()


class Hall(Proc):
    def __init__(
        self,
        folder: Path,
        secret: str,
        db_url: str,
        *,
        sim_url: str,
        auto_ready: bool = False,
        **backoffice: Any,
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = base_env(folder / "hall-home", secret)
        # The fault tests compare the hall's status with the back office's final word; results
        # moving on to 待取件 by themselves ([cases] auto_ready, the 出件 room) would hide it.
        env["CLERK_CASES__AUTO_READY"] = "true" if auto_ready else "false"
        settings = {
            "default_endpoint": sim_url,
            "callback_base": self.url,
            "attempts": 8,
            "backoff_base_s": 0.05,
            "backoff_max_s": 0.4,
            "timeout_s": 1.0,
            "tick_s": 0.05,
            "lease_s": 2,
            "poll_interval_s": 600,
        } | backoffice
        env |= {f"CLERK_BACKOFFICE__{k.upper()}": str(v) for k, v in settings.items()}
        args = ["serve", "--db", db_url, "--host", "127.0.0.1", "--port", str(self.port)]
        super().__init__("hall", args, env, folder)
        self.http = httpx.Client(base_url=self.url, timeout=10)
        self.token: str | None = None

    def wait_ready(self) -> None:
        wait_for(
            lambda: self.http.get("/api/v1/health").json().get("ok"),
            timeout=START_TIMEOUT_S,
            what="the hall service",
        )

    def login(self, username: str, password: str, window_no: int | None = None) -> dict[str, str]:
        answer = self.http.post(
            "/api/v1/auth/login",
            json={"username": username, "password": password, "window_no": window_no},
        )
        assert answer.status_code == 200, answer.text
        return {"Authorization": f"Bearer {answer.json()['token']}"}


# --- a clerk accepting real cases ------------------------------------------------------------

USCC_BODY = "91310000MA1FL"


def applicant(n: int) -> dict[str, Any]:
    body = f"{USCC_BODY}{n:04d}"
    return {
        "kind": "organization",
        "name": f"示范餐饮有限公司{n}",
        "uscc": body + uscc_check_digit(body),
        "legal_rep": "李四",
        "phone": "13900001111",
    }


class Desk:
    """Accepts cases at window 1 through the hall's HTTP API."""

    def __init__(self, hall: Hall, headers: dict[str, str]) -> None:
        self.hall = hall
        self.headers = headers
        self.materials: dict[str, Any] | None = None
        self.n = 0

    def _state(self) -> dict[str, Any]:
        self.n += 1
        return {
            "applicant": applicant(self.n),
            "items": [ITEM],
            "answers": {"applicant_kind": "company", "food_category": "catering_hot", "area": 80},
            "materials": self.materials or {},
        }

    def _draft(self, state: dict[str, Any]) -> str:
        answer = self.hall.http.post("/api/v1/drafts", json={"state": state}, headers=self.headers)
        assert answer.status_code == 201, answer.text
        return str(answer.json()["id"])

    def _decide(self, draft_id: str) -> httpx.Response:
        return self.hall.http.post(
            "/api/v1/visits",
            json={"draft_id": draft_id, "decisions": [{"item": ITEM, "decision": "accept"}]},
            headers=self.headers | {"Idempotency-Key": f"visit-{draft_id}"},
        )

    def accept(self) -> str:
        """One accepted case; returns its case number."""
        if self.materials is None:  # learn the complete file once (一次性告知 lists it)
            answer = self._decide(self._draft(self._state()))
            assert answer.status_code == 409, answer.text
            missing = answer.json()["detail"]["missing"]
            self.materials = {name: {"state": "已收"} for name in missing}
        answer = self._decide(self._draft(self._state()))
        assert answer.status_code == 201, answer.text
        [case] = answer.json()["cases"]
        assert case["status"] == "pending_delivery", case
        return str(case["case_no"])

    def case(self, case_no: str) -> dict[str, Any]:
        answer = self.hall.http.get(f"/api/v1/cases/{case_no}", headers=self.headers)
        assert answer.status_code == 200, answer.text
        data: dict[str, Any] = answer.json()
        return data
