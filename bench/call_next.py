"""Call-next under load: `clerk serve` on SQLite and on PostgreSQL, side by side.

For each store a fresh hall (100 windows, one clerk each, tickets issued beforehand) is served by
`clerk serve` in a subprocess on 127.0.0.1; then 10, 50 and 100 windows (one HTTP client each)
loop call-next -> finish for a fixed time. Reported per store and concurrency: call-next latency
p50/p99 and sustained calls per second, the ratio between the stores, the SSE call-to-event
latency (a stream sees a call; budget 200 ms on the same machine), and how a 10,000-ticket day
(≈ 10,000 calls in 9 hours ≈ 0.3/s) compares with the sustained rate.

    .venv/bin/python bench/call_next.py [--seconds 6] [--levels 10,50,100] [--stores sqlite,postgresql]
                                    [--sse-budget-ms 200]

Exit status 1 when a store's median SSE latency is over the budget (or a measured store gave no
SSE sample): the budget is the issue's promise, so a run that breaks it must not look green.

PostgreSQL: 127.0.0.1:5432 database `test` (CLERK_TEST_PG_URL overrides), a fresh schema that is
dropped afterwards; skipped with a loud line when no server answers. Traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("CLERK_ARGON2_PROFILE", "fast")
os.environ.setdefault("CLERK_HOME", tempfile.mkdtemp(prefix="clerk-bench-home-"))

from httpx_sse import aconnect_sse  # noqa: E402

from services.client import HallClient  # noqa: E402
from tests.queue.serve import CATEGORIES, make_hall, serving  # noqa: E402
from tests.support.hall import find_postgres, hall_settings  # noqa: E402

DAY_CALLS = 10_000
DAY_SECONDS = 9 * 3600
SSE_BUDGET_MS = 200.0


@dataclass
class Level:
    windows: int
    latencies: list[float] = field(default_factory=list)
    calls: int = 0
    empty: int = 0
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.calls / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


@dataclass
class StoreResult:
    store: str
    levels: dict[int, Level] = field(default_factory=dict)
    sse_ms: list[float] = field(default_factory=list)
    error: str | None = None


@contextlib.contextmanager
def fresh_store(store: str, folder: Path) -> Iterator[str]:
    if store == "sqlite":
        yield f"sqlite:///{folder / 'bench.sqlite3'}"
        return
    import psycopg

    admin, why = find_postgres()
    if admin is None:
        raise RuntimeError(f"no PostgreSQL at 127.0.0.1:5432 ({why})")
    dsn = admin.replace("postgresql+psycopg://", "postgresql://")
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{admin}?options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def prefill(url: str, count: int) -> None:
    """Issue `count` tickets straight through the service layer (real numbering, audit, events)."""
    from services.hall.audit import Actor
    from services.hall.bootstrap import open_store
    from services.hall.queue import service

    hall = open_store(hall_settings(url))
    try:
        done = 0
        while done < count:
            with hall.db.write() as session:
                for _ in range(min(250, count - done)):
                    service.issue(
                        session,
                        Actor("bench"),
                        category=CATEGORIES[done % 4],
                        priority=None,
                        now=hall.now(),
                    )
                    done += 1
    finally:
        hall.close()


async def run_level(url: str, clients: list[HallClient], seconds: float) -> Level:
    level = Level(windows=len(clients))
    stop = time.perf_counter() + seconds

    async def window(n: int, client: HallClient) -> None:
        while time.perf_counter() < stop:
            started = time.perf_counter()
            ticket = await client.call_next(n)
            if ticket is None:
                level.empty += 1
                await asyncio.sleep(0.05)
                continue
            level.latencies.append(time.perf_counter() - started)
            level.calls += 1
            await client.finish(n, (), ticket.id)

    began = time.perf_counter()
    await asyncio.gather(*(window(n, c) for n, c in enumerate(clients, 1)))
    level.seconds = time.perf_counter() - began
    return level


async def sse_latency(
    url: str, watcher: HallClient, clerk: HallClient, samples: int
) -> list[float]:
    """Time from sending call-next to the ticket.called event arriving on a stream."""
    out: list[float] = []
    async with aconnect_sse(
        watcher.http, "GET", "/api/v1/events", headers=watcher.headers()
    ) as src:
        events = src.aiter_sse()
        for _ in range(samples):
            started = time.perf_counter()
            ticket = await clerk.call_next(1)
            if ticket is None:
                break
            async for sse in events:
                if sse.event == "ticket.called" and f'"id": {ticket.id},' in sse.data:
                    break
            out.append((time.perf_counter() - started) * 1000)
            await clerk.finish(1, (), ticket.id)
    return out


async def bench_store(store: str, levels: list[int], seconds: float) -> StoreResult:
    result = StoreResult(store)
    windows = max(levels)
    with (
        tempfile.TemporaryDirectory(prefix="clerk-bench-") as tmp,
        fresh_store(store, Path(tmp)) as url,
    ):
        t0 = time.perf_counter()
        credentials = make_hall(url, windows)
        # Enough tickets that no window runs dry: a generous guess at the sustained rate.
        prefill(url, int(sum(levels) * seconds * 3) + 300)
        print(f"  {store}: hall ready in {time.perf_counter() - t0:.1f} s", flush=True)
        with serving(url, Path(tmp) / "home") as served:
            clients = []
            for n in range(1, windows + 1):
                client = HallClient(served.url, timeout=30.0)
                await client.login(f"w{n}", credentials[f"w{n}"], n)
                clients.append(client)
            watcher = HallClient(served.url)
            await watcher.login("supervisor", credentials["supervisor"])
            try:
                result.sse_ms = await sse_latency(url, watcher, clients[0], 20)
                for count in levels:
                    level = await run_level(url, clients[:count], seconds)
                    result.levels[count] = level
                    print(
                        f"  {store}: {count:>3} windows  p50 {level.pct(0.5):7.1f} ms  "
                        f"p99 {level.pct(0.99):7.1f} ms  {level.rate:6.1f} calls/s"
                        + (f"  ({level.empty} empty answers)" if level.empty else ""),
                        flush=True,
                    )
            finally:
                for client in [*clients, watcher]:
                    await client.aclose()
    return result


def sse_verdicts(results: list[StoreResult], budget_ms: float) -> dict[str, str | None]:
    """Per measured store: None when the median SSE latency is within budget, else why not."""
    out: dict[str, str | None] = {}
    for r in results:
        if r.error is not None:
            continue
        if not r.sse_ms:
            out[r.store] = "no SSE sample"
            continue
        median = statistics.median(r.sse_ms)
        out[r.store] = None if median <= budget_ms else f"median {median:.1f} ms"
    return out


def report(results: list[StoreResult], levels: list[int], budget_ms: float = SSE_BUDGET_MS) -> None:
    ok = [r for r in results if r.error is None]
    print("\n== call-next under load (each call followed by a finish; client-side timings)")
    print("   closed loop, no think time: every window calls again at once, so at 50 and 100")
    print("   windows the latency is mostly waiting in line (≈ windows / calls per second)")
    header = f"{'windows':>7} | " + " | ".join(f"{r.store:^34}" for r in ok)
    print(header)
    print(f"{'':>7} | " + " | ".join(f"{'p50 ms':>9} {'p99 ms':>9} {'calls/s':>9}   " for _ in ok))
    for count in levels:
        cells = []
        for r in ok:
            lv = r.levels.get(count)
            cells.append(
                f"{lv.pct(0.5):9.1f} {lv.pct(0.99):9.1f} {lv.rate:9.1f}   " if lv else " " * 34
            )
        print(f"{count:>7} | " + " | ".join(cells))
    by = {r.store: r for r in ok}
    if "sqlite" in by and "postgresql" in by:
        print("\n== ratio PostgreSQL / SQLite (latency >1: PostgreSQL slower; rate >1: faster)")
        for count in levels:
            s, p = by["sqlite"].levels.get(count), by["postgresql"].levels.get(count)
            if s and p and s.rate and s.pct(0.5):
                print(
                    f"{count:>7} windows: p50 x{p.pct(0.5) / s.pct(0.5):.2f}  "
                    f"p99 x{p.pct(0.99) / s.pct(0.99):.2f}  calls/s x{p.rate / s.rate:.2f}"
                )
    print(f"\n== SSE: call-next sent -> ticket.called on a stream (budget {budget_ms:.0f} ms)")
    print("   (includes the call's own round trip: an upper bound of commit -> event)")
    for r in ok:
        if r.sse_ms:
            print(
                f"{r.store:>10}: p50 {statistics.median(r.sse_ms):6.1f} ms  "
                f"max {max(r.sse_ms):6.1f} ms  over {len(r.sse_ms)} calls  "
                f"{'within' if statistics.median(r.sse_ms) <= budget_ms else 'OVER'} budget"
            )
        else:
            print(f"{r.store:>10}: no SSE sample")
    day_rate = DAY_CALLS / DAY_SECONDS
    print(f"\n== a 10,000-ticket day ≈ {day_rate:.2f} calls/s (10,000 calls in 9 hours)")
    for r in ok:
        best = max((lv.rate for lv in r.levels.values()), default=0.0)
        print(
            f"{r.store:>10}: sustained {best:6.1f} calls/s = {best / day_rate:6.0f}x a 10,000-ticket "
            f"day; the whole day's calls would take {DAY_CALLS / best / 60 if best else 0:5.1f} min"
        )
    for r in results:
        if r.error:
            print(f"\n!!! {r.store}: NOT MEASURED — {r.error}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0, help="per concurrency level")
    parser.add_argument("--levels", default="10,50,100")
    parser.add_argument("--stores", default="sqlite,postgresql")
    parser.add_argument("--sse-budget-ms", type=float, default=SSE_BUDGET_MS)
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",")]
    results = []
    began = time.perf_counter()
    for store in args.stores.split(","):
        print(f"== {store}", flush=True)
        try:
            results.append(asyncio.run(bench_store(store, levels, args.seconds)))
        except Exception as exc:  # report and go on with the other store
            results.append(StoreResult(store, error=f"{type(exc).__name__}: {exc}"))
    report(results, levels, args.sse_budget_ms)
    print(
        f"\n(bench took {time.perf_counter() - began:.0f} s; load average now "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    over = {store: why for store, why in sse_verdicts(results, args.sse_budget_ms).items() if why}
    if over:
        for store, why in over.items():
            print(f"!!! {store}: SSE latency over the {args.sse_budget_ms:.0f} ms budget ({why})")
        sys.exit(1)


if __name__ == "__main__":
    main()
