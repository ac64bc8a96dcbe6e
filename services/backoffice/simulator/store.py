"""The simulator's own store: a SQLite file (stdlib sqlite3), nothing shared with the hall.

- deliveries   one row per Idempotency-Key: how many times it arrived (the exactly-once check)
- cases        one row per case number: status, seq (monotonic per case), plan for the next step
- callbacks    status reports waiting to be sent to the hall (retried until they get through)
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    key TEXT PRIMARY KEY,
    case_no TEXT NOT NULL,
    department TEXT NOT NULL,
    count INTEGER NOT NULL,
    first_at REAL NOT NULL,
    last_at REAL NOT NULL,
    answer TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS cases (
    case_no TEXT PRIMARY KEY,
    department TEXT NOT NULL,
    key TEXT NOT NULL,
    status TEXT NOT NULL,
    seq INTEGER NOT NULL,
    updated_at REAL NOT NULL,
    next_at REAL,
    callback_url TEXT,
    payload TEXT NOT NULL,
    report TEXT
);
CREATE TABLE IF NOT EXISTS callbacks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_no TEXT NOT NULL,
    seq INTEGER NOT NULL,
    department TEXT NOT NULL,
    url TEXT NOT NULL,
    body TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL,
    next_at REAL NOT NULL,
    done INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
);
CREATE INDEX IF NOT EXISTS ix_callbacks_due ON callbacks (done, next_at);
"""

RECEIVED = "received"  # arrived, nothing reported yet (seq 0)


@dataclass(frozen=True)
class SimCase:
    case_no: str
    department: str
    key: str
    status: str
    seq: int
    updated_at: float
    next_at: float | None
    callback_url: str | None
    payload: dict[str, Any]
    report: dict[str, Any] | None

    def as_dict(self) -> dict[str, Any]:
        case = self.payload.get("case") if isinstance(self.payload.get("case"), dict) else {}
        return {
            "case_no": self.case_no,
            "department": self.department,
            "idempotency_key": self.key,
            "status": self.status,
            "seq": self.seq,
            "updated_at": self.updated_at,
            "item": (case or {}).get("item_name") or (case or {}).get("item_code") or "",
            "applicant": (case or {}).get("applicant_name") or "",
            "report": self.report,
        }


@dataclass(frozen=True)
class Callback:
    id: int
    case_no: str
    seq: int
    department: str
    url: str
    body: bytes
    attempts: int
    created_at: float


class SimStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    # --- deliveries ---------------------------------------------------------------------------

    def receive(
        self,
        *,
        key: str,
        case_no: str,
        department: str,
        payload: dict[str, Any],
        callback_url: str | None,
        now: float,
        next_at: float | None,
    ) -> tuple[bool, dict[str, Any]]:
        """Record one delivery. (True, answer) the first time a key arrives; (False, the first
        answer) for a duplicate. A new key for a known case number is a resubmission."""
        with self.tx() as c:
            row = c.execute("SELECT count, answer FROM deliveries WHERE key = ?", (key,)).fetchone()
            if row is not None:
                c.execute(
                    "UPDATE deliveries SET count = count + 1, last_at = ? WHERE key = ?",
                    (now, key),
                )
                return False, dict(json.loads(row["answer"]))
            answer = {"case_no": case_no, "idempotency_key": key, "received_at": now}
            c.execute(
                "INSERT INTO deliveries VALUES (?, ?, ?, 1, ?, ?, ?)",
                (key, case_no, department, now, now, json.dumps(answer)),
            )
            existing = c.execute("SELECT seq FROM cases WHERE case_no = ?", (case_no,)).fetchone()
            body = json.dumps(payload, ensure_ascii=False)
            if existing is None:
                c.execute(
                    "INSERT INTO cases VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, NULL)",
                    (case_no, department, key, RECEIVED, now, next_at, callback_url, body),
                )
            else:  # resubmitted after 需补正: same case, seq goes on
                c.execute(
                    "UPDATE cases SET key = ?, status = ?, updated_at = ?, next_at = ?, "
                    "callback_url = COALESCE(?, callback_url), payload = ? WHERE case_no = ?",
                    (key, RECEIVED, now, next_at, callback_url, body, case_no),
                )
            return True, answer

    def stats(self) -> dict[str, Any]:
        with self._lock:
            rows = self._conn.execute("SELECT key, count FROM deliveries").fetchall()
            pending = self._conn.execute(
                "SELECT COUNT(*) FROM callbacks WHERE done = 0"
            ).fetchone()[0]
        by_key = {r["key"]: r["count"] for r in rows}
        received = sum(by_key.values())
        return {
            "received": received,
            "unique": len(by_key),
            "duplicates": received - len(by_key),
            "by_key": by_key,
            "callbacks_pending": pending,
        }

    # --- cases --------------------------------------------------------------------------------

    @staticmethod
    def _case(row: sqlite3.Row) -> SimCase:
        return SimCase(
            case_no=row["case_no"],
            department=row["department"],
            key=row["key"],
            status=row["status"],
            seq=row["seq"],
            updated_at=row["updated_at"],
            next_at=row["next_at"],
            callback_url=row["callback_url"],
            payload=json.loads(row["payload"]),
            report=json.loads(row["report"]) if row["report"] else None,
        )

    def case(self, case_no: str) -> SimCase | None:
        with self._lock:
            row = self._conn.execute("SELECT * FROM cases WHERE case_no = ?", (case_no,)).fetchone()
        return self._case(row) if row else None

    def cases(self, limit: int = 500) -> list[SimCase]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT * FROM cases ORDER BY updated_at DESC LIMIT ?", (limit,)
            ).fetchall()
        return [self._case(r) for r in rows]

    def due(self, now: float, limit: int = 50) -> list[SimCase]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT * FROM cases WHERE next_at IS NOT NULL AND next_at <= ? "
                "ORDER BY next_at LIMIT ?",
                (now, limit),
            ).fetchall()
        return [self._case(r) for r in rows]

    def advance(
        self,
        case_no: str,
        *,
        status: str,
        report: dict[str, Any],
        now: float,
        next_at: float | None,
        callback_url: str | None,
        hold_until: float | None = None,
    ) -> int:
        """Move a case to `status` (seq + 1) and queue its callback; returns the new seq."""
        with self.tx() as c:
            row = c.execute("SELECT * FROM cases WHERE case_no = ?", (case_no,)).fetchone()
            if row is None:
                raise KeyError(case_no)
            seq = int(row["seq"]) + 1
            report = report | {"seq": seq, "case_no": case_no, "status": status}
            c.execute(
                "UPDATE cases SET status = ?, seq = ?, updated_at = ?, next_at = ?, report = ? "
                "WHERE case_no = ?",
                (status, seq, now, next_at, json.dumps(report, ensure_ascii=False), case_no),
            )
            url = callback_url or row["callback_url"]
            if url:
                c.execute(
                    "INSERT INTO callbacks (case_no, seq, department, url, body, created_at, "
                    "next_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        case_no,
                        seq,
                        row["department"],
                        url,
                        json.dumps(report, ensure_ascii=False),
                        now,
                        hold_until or now,
                    ),
                )
            return seq

    # --- callbacks ----------------------------------------------------------------------------

    def due_callbacks(self, now: float, *, newest_first: bool, limit: int = 50) -> list[Callback]:
        order = "seq DESC" if newest_first else "seq ASC"
        with self._lock:
            rows = self._conn.execute(
                f"SELECT * FROM callbacks WHERE done = 0 AND next_at <= ? "
                f"ORDER BY case_no, {order} LIMIT ?",
                (now, limit),
            ).fetchall()
        return [
            Callback(
                r["id"],
                r["case_no"],
                r["seq"],
                r["department"],
                r["url"],
                r["body"].encode("utf-8"),
                r["attempts"],
                r["created_at"],
            )
            for r in rows
        ]

    def callback_done(self, callback_id: int, error: str | None = None) -> None:
        with self.tx() as c:
            c.execute(
                "UPDATE callbacks SET done = 1, attempts = attempts + 1, last_error = ? "
                "WHERE id = ?",
                (error, callback_id),
            )

    def callback_retry(self, callback_id: int, *, next_at: float, error: str) -> None:
        with self.tx() as c:
            c.execute(
                "UPDATE callbacks SET attempts = attempts + 1, next_at = ?, last_error = ? "
                "WHERE id = ?",
                (next_at, error[:300], callback_id),
            )

    def release_held(self, case_no: str, now: float) -> None:
        with self.tx() as c:
            c.execute(
                "UPDATE callbacks SET next_at = ? WHERE case_no = ? AND done = 0",
                (now, case_no),
            )
