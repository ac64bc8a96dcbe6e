"""The reference back office: a FastAPI app on its own SQLite store (`clerk backoffice-sim`).

Protocol surface (docs/backoffice-protocol.md), every request signed:
    POST /cases                 receive a case (deduplicated on Idempotency-Key)
    GET  /cases/{case_no}       its latest status (for halls that poll), signed for the poll
Around it, unsigned, for people and tests on this machine:
    GET  /stats                 {received, unique, duplicates, by_key, callbacks_pending, ...}
    GET  /approver/cases        cases for the approver screen
    POST /approver/cases/{no}   move a case by hand {status, note, materials_needed, result}
    GET|POST /_faults           fault switches (only with --faults)

Cases advance by themselves (received -> in_review -> approved | needs_correction | denied;
approved -> certificate_made) after random delays and with the configured odds, or by hand
(--manual). Every step is a signed callback to the hall, retried until it gets through.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from clerk.clock import now
from services.backoffice import protocol
from services.backoffice.simulator.store import RECEIVED, SimStore

log = logging.getLogger("services.backoffice.simulator")

DEFAULT_ODDS = {
    protocol.APPROVED: 0.7,
    protocol.NEEDS_CORRECTION: 0.2,
    protocol.DENIED: 0.1,
}
REORDER_HOLD_S = 3.0
TICK_S = 0.05
CALLBACK_TIMEOUT_S = 5.0
MAX_CALLBACK_ATTEMPTS = 200


@dataclass
class SimConfig:
    db: Path
    delay_min: float = 2.0
    delay_max: float = 8.0
    odds: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_ODDS))
    callback: str | None = None  # hall base URL; else the callback_url each delivery carries
    manual: bool = False
    faults: bool = False
    seed: int | None = None
    secret_for: Callable[[str], str | None] = protocol.secret_for

    def callback_url(self) -> str | None:
        """Where status reports go: --callback (the hall's base URL or the full callback URL)."""
        return _callback_url(self.callback)


@dataclass
class Faults:
    down_until: float = 0.0
    error_500_rate: float = 0.0
    slow_ms: int = 0
    duplicate_callbacks: bool = False
    reorder_callbacks: bool = False

    def view(self, now: float) -> dict[str, Any]:
        data = asdict(self)
        data["down_for_s"] = max(0.0, round(self.down_until - now, 3))
        del data["down_until"]
        return data


def parse_odds(text: str) -> dict[str, float]:
    """'approved=0.7,needs_correction=0.2,denied=0.1' -> weights (need not sum to 1)."""
    odds: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, value = part.partition("=")
        name = name.strip()
        if name not in DEFAULT_ODDS:
            raise ValueError(f"unknown outcome {name!r}; use {', '.join(DEFAULT_ODDS)}")
        odds[name] = float(value)
        if odds[name] < 0:
            raise ValueError(f"{name}: odds cannot be negative")
    if not odds or sum(odds.values()) <= 0:
        raise ValueError("give at least one outcome with odds above 0")
    return odds


def _iso_now() -> str:
    return protocol.iso(now())


class Simulator:
    def __init__(self, config: SimConfig) -> None:
        self.config = config
        self.store = SimStore(config.db)
        self.faults = Faults()
        self.rng = random.Random(config.seed)
        self.nonces = protocol.MemoryNonces()
        self.counters = {
            "callbacks_sent": 0,
            "callbacks_failed": 0,
            "refused": 0,
            "hall_duplicate": 0,
            "hall_stale": 0,
        }
        self._http: httpx.AsyncClient | None = None
        self._tasks: list[asyncio.Task[None]] = []

    # --- life cycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        self._http = httpx.AsyncClient(timeout=httpx.Timeout(CALLBACK_TIMEOUT_S))
        loop = asyncio.get_running_loop()
        if not self.config.manual:
            self._tasks.append(loop.create_task(self._advance_loop(), name="sim-advance"))
        self._tasks.append(loop.create_task(self._callback_loop(), name="sim-callbacks"))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self._http is not None:
            await self._http.aclose()
        self.store.close()

    def delay(self) -> float:
        low, high = self.config.delay_min, max(self.config.delay_min, self.config.delay_max)
        return self.rng.uniform(low, high)

    # --- receiving ----------------------------------------------------------------------------

    def verify(self, request: Request, body: bytes) -> protocol.Signed:
        department = request.headers.get(protocol.H_DEPARTMENT, "")
        return protocol.verify(
            self.config.secret_for(department) if department else None,
            method=request.method,
            path=request.url.path,
            body=body,
            headers={k.lower(): v for k, v in request.headers.items()},
            nonces=self.nonces,
        )

    def answer(self, request: Request, signed: protocol.Signed, data: dict[str, Any]) -> Response:
        """A status answer signed for the request it answers (§5): the hall applies a poll
        answer like a callback, so it must be able to tell it came from us."""
        secret = self.config.secret_for(signed.department)
        assert secret, "verify() passed, so the department has a secret"
        body = protocol.dumps(data)
        headers = protocol.sign_answer(
            secret,
            path=request.url.path,
            body=body,
            department=signed.department,
            request_nonce=signed.nonce,
        )
        return Response(body, media_type="application/json", headers=headers)

    def receive(self, signed: protocol.Signed, key: str, data: dict[str, Any]) -> tuple[bool, Any]:
        case_no = data.get("case_no")
        if not isinstance(case_no, str) or not case_no:
            raise protocol.ProtocolError("case_no missing")
        now = time.time()
        return self.store.receive(
            key=key,
            case_no=case_no,
            department=signed.department,
            payload=data,
            callback_url=url if isinstance(url := data.get("callback_url"), str) else None,
            now=now,
            next_at=None if self.config.manual else now + self.delay(),
        )

    # --- advancing ----------------------------------------------------------------------------

    def outcome(self) -> str:
        names = list(self.config.odds)
        return self.rng.choices(names, weights=[self.config.odds[n] for n in names])[0]

    def report_for(self, status: str, payload: dict[str, Any], note: str = "") -> dict[str, Any]:
        case = payload.get("case") if isinstance(payload.get("case"), dict) else {}
        report: dict[str, Any] = {"at": _iso_now(), "note": note, "materials_needed": []}
        if status == protocol.NEEDS_CORRECTION:
            names = [
                str(m.get("name"))
                for m in (case or {}).get("materials", [])
                if isinstance(m, dict) and m.get("name")
            ]
            report["materials_needed"] = names[:1] or ["补充材料"]
            report["note"] = note or "材料需补正"
        elif status == protocol.DENIED:
            report["note"] = note or "不符合许可条件"
        elif status in (protocol.APPROVED, protocol.CERTIFICATE_MADE):
            report["result"] = {"document_no": f"BO-{payload.get('case_no', '')}"}
        return report

    def move(self, case_no: str, status: str, *, report: dict[str, Any] | None = None) -> int:
        """Move a case to `status` now (auto or by hand) and queue the callback."""
        case = self.store.case(case_no)
        if case is None:
            raise KeyError(case_no)
        now = time.time()
        body = report or self.report_for(status, case.payload)
        next_at: float | None = None
        if not self.config.manual and status in (protocol.IN_REVIEW, protocol.APPROVED):
            next_at = now + self.delay()
        hold = now + REORDER_HOLD_S if self.faults.reorder_callbacks else None
        seq = self.store.advance(
            case_no,
            status=status,
            report=body,
            now=now,
            next_at=next_at,
            callback_url=self.config.callback_url(),
            hold_until=hold,
        )
        if self.faults.reorder_callbacks and status in protocol.FINAL:
            self.store.release_held(case_no, now)  # all at once, newest first
        log.info("case %s -> %s (seq %d)", case_no, status, seq)
        return seq

    def step(self, case_no: str, status: str) -> None:
        if status == RECEIVED:
            self.move(case_no, protocol.IN_REVIEW)
        elif status == protocol.IN_REVIEW:
            self.move(case_no, self.outcome())
        elif status == protocol.APPROVED:
            self.move(case_no, protocol.CERTIFICATE_MADE)

    async def _advance_loop(self) -> None:
        while True:
            try:
                for case in self.store.due(time.time()):
                    self.step(case.case_no, case.status)
            except Exception as exc:
                log.warning("advancing failed: %s", exc)
            await asyncio.sleep(TICK_S)

    # --- calling back -------------------------------------------------------------------------

    async def _callback_loop(self) -> None:
        while True:
            try:
                due = self.store.due_callbacks(
                    time.time(), newest_first=self.faults.reorder_callbacks
                )
                for callback in due:
                    await self._send(callback)
            except Exception as exc:
                log.warning("callbacks failed: %s", exc)
            await asyncio.sleep(TICK_S)

    async def _post(self, url: str, body: bytes, department: str) -> httpx.Response:
        assert self._http is not None
        secret = self.config.secret_for(department)
        if not secret:
            raise RuntimeError(f"no secret for {department}")
        path = httpx.URL(url).path
        headers = protocol.sign(
            secret, method="POST", path=path, body=body, department=department
        ) | {"Content-Type": "application/json"}
        return await self._http.post(url, content=body, headers=headers)

    async def _send(self, callback: Any) -> None:
        copies = 2 if self.faults.duplicate_callbacks else 1
        try:
            for _ in range(copies):
                response = await self._post(callback.url, callback.body, callback.department)
                self._count_answer(response)
        except (httpx.HTTPError, RuntimeError) as exc:
            self._retry(callback, f"{type(exc).__name__}: {exc}")
            return
        code = response.status_code
        if 200 <= code < 300:
            self.counters["callbacks_sent"] += 1
            self.store.callback_done(callback.id)
        elif code in (404, 403, 422):  # the hall will never take it
            self.counters["callbacks_failed"] += 1
            log.error("callback %s seq %d refused: %s", callback.case_no, callback.seq, code)
            self.store.callback_done(callback.id, f"HTTP {code}")
        else:
            self._retry(callback, f"HTTP {code}")

    def _count_answer(self, response: httpx.Response) -> None:
        """Count the hall's "not applied" answers (hall_duplicate, hall_stale): the fault tests
        check with them that duplicates and reordering really reached the hall."""
        if response.status_code != 200:
            return
        with contextlib.suppress(ValueError):
            data = response.json()
            if isinstance(data, dict) and data.get("applied") is False:
                name = f"hall_{data.get('reason')}"
                self.counters[name] = self.counters.get(name, 0) + 1

    def _retry(self, callback: Any, error: str) -> None:
        if callback.attempts + 1 >= MAX_CALLBACK_ATTEMPTS:
            self.counters["callbacks_failed"] += 1
            self.store.callback_done(callback.id, error)
            return
        delay = min(5.0, 0.1 * (2 ** min(callback.attempts, 6))) * self.rng.uniform(0.5, 1.0)
        self.store.callback_retry(callback.id, next_at=time.time() + delay, error=error)


def _callback_url(base: str | None) -> str | None:
    if not base:
        return None
    base = base.rstrip("/")
    return base if base.endswith(protocol.CALLBACK_PATH) else base + protocol.CALLBACK_PATH


def _refused(sim: Simulator, exc: protocol.SignatureError) -> JSONResponse:
    sim.counters["refused"] += 1
    log.warning("refused a request: %s", exc)
    return JSONResponse({"error": "unauthorized", "reason": exc.reason}, status_code=401)


def create_sim_app(config: SimConfig) -> FastAPI:
    sim = Simulator(config)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await sim.start()
        yield
        await sim.stop()

    app = FastAPI(title="clerk back-office simulator", lifespan=lifespan, docs_url=None)
    app.state.sim = sim

    @app.post(protocol.CASES_PATH)
    async def receive_case(request: Request) -> JSONResponse:
        now = time.time()
        if sim.faults.down_until > now:
            return JSONResponse({"error": "down"}, status_code=503)
        body = await request.body()
        if sim.faults.slow_ms:  # the work still gets done when the hall has stopped waiting
            await asyncio.sleep(sim.faults.slow_ms / 1000)
        try:
            signed = sim.verify(request, body)
        except protocol.SignatureError as exc:
            return _refused(sim, exc)
        key = request.headers.get(protocol.H_IDEMPOTENCY, "").strip()
        if not key:
            return JSONResponse({"error": "Idempotency-Key missing"}, status_code=400)
        try:
            data = json.loads(body)
            if not isinstance(data, dict):
                raise protocol.ProtocolError("expected an object")
            first, answer = sim.receive(signed, key, data)
        except (ValueError, protocol.ProtocolError) as exc:
            return JSONResponse({"error": f"bad body: {exc}"}, status_code=400)
        if sim.faults.error_500_rate and sim.rng.random() < sim.faults.error_500_rate:
            # Recorded, but the hall hears an error: it will send again; we must not count twice.
            return JSONResponse({"error": "internal"}, status_code=500)
        headers = {} if first else {"Idempotent-Replayed": "true"}
        return JSONResponse(answer, status_code=201, headers=headers)

    @app.get(protocol.CASES_PATH + "/{case_no}")
    async def case_status(case_no: str, request: Request) -> Response:
        if sim.faults.down_until > time.time():
            return JSONResponse({"error": "down"}, status_code=503)
        try:
            signed = sim.verify(request, b"")
        except protocol.SignatureError as exc:
            return _refused(sim, exc)
        case = sim.store.case(case_no)
        if case is None:
            return JSONResponse({"error": "unknown case"}, status_code=404)
        if case.report is None or case.status == RECEIVED:
            return sim.answer(request, signed, {"case_no": case_no, "status": RECEIVED, "seq": 0})
        return sim.answer(request, signed, case.report)

    @app.get("/stats")
    async def stats() -> JSONResponse:
        return JSONResponse(sim.store.stats() | sim.counters)

    @app.get("/approver/cases")
    async def approver_cases() -> JSONResponse:
        return JSONResponse([c.as_dict() for c in sim.store.cases()])

    @app.post("/approver/cases/{case_no}")
    async def approver_move(case_no: str, request: Request) -> JSONResponse:
        try:
            data = await request.json()
            status = data.get("status")
            if status not in protocol.STATUSES:
                raise ValueError(f"status must be one of {', '.join(protocol.STATUSES)}")
            case = sim.store.case(case_no)
            if case is None:
                return JSONResponse({"error": "unknown case"}, status_code=404)
            report = sim.report_for(status, case.payload, str(data.get("note") or ""))
            if data.get("materials_needed"):
                report["materials_needed"] = [str(m) for m in data["materials_needed"]]
            if data.get("result") is not None:
                report["result"] = data["result"]
            seq = sim.move(case_no, status, report=report)
        except (ValueError, AttributeError) as exc:
            return JSONResponse({"error": str(exc)}, status_code=422)
        return JSONResponse({"case_no": case_no, "status": status, "seq": seq})

    @app.get("/_faults")
    async def get_faults() -> JSONResponse:
        if not config.faults:
            return JSONResponse({"error": "start with --faults"}, status_code=404)
        return JSONResponse(sim.faults.view(time.time()))

    @app.post("/_faults")
    async def set_faults(request: Request) -> JSONResponse:
        if not config.faults:
            return JSONResponse({"error": "start with --faults"}, status_code=404)
        data = await request.json()
        faults = sim.faults
        if "down_for_s" in data:
            faults.down_until = time.time() + float(data["down_for_s"])
        if "error_500_rate" in data:
            faults.error_500_rate = float(data["error_500_rate"])
        if "slow_ms" in data:
            faults.slow_ms = int(data["slow_ms"])
        if "duplicate_callbacks" in data:
            faults.duplicate_callbacks = bool(data["duplicate_callbacks"])
        if "reorder_callbacks" in data:
            faults.reorder_callbacks = bool(data["reorder_callbacks"])
        return JSONResponse(faults.view(time.time()))

    return app
