"""The hall <-> back-office wire protocol (normative text: docs/backoffice-protocol.md).

Both directions sign every request with HMAC-SHA256 under the department's shared secret:

    v1 \\n METHOD \\n PATH \\n TIMESTAMP \\n NONCE \\n DEPARTMENT \\n sha256_hex(BODY)

sent as `X-Clerk-Signature: v1=<hex>` with `X-Clerk-Timestamp` (Unix seconds), `X-Clerk-Nonce`
(random, never reused) and `X-Clerk-Department`. A receiver refuses a request whose timestamp is
more than WINDOW_S away from its clock, whose signature does not match, or whose nonce it has
already seen (a replay inside the window). A sender's retry is a NEW signed request (fresh
timestamp and nonce) of the same body; receivers deduplicate the content, not the signature.

No web framework here: the hall (FastAPI) and the simulator both call `sign`/`verify`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

VERSION = "v1"
PROTOCOL = "clerk-backoffice/1"
WINDOW_S = 300  # the replay window: 5 minutes either way

H_SIGNATURE = "X-Clerk-Signature"
H_TIMESTAMP = "X-Clerk-Timestamp"
H_NONCE = "X-Clerk-Nonce"
H_DEPARTMENT = "X-Clerk-Department"
H_ATTEMPT = "X-Clerk-Attempt"
H_IDEMPOTENCY = "Idempotency-Key"

CASES_PATH = "/cases"
CALLBACK_PATH = "/api/v1/backoffice/callbacks"

# The back office's status vocabulary, in the order a case normally moves through it.
IN_REVIEW = "in_review"  # 审批中
APPROVED = "approved"  # 办结
NEEDS_CORRECTION = "needs_correction"  # 需补正
DENIED = "denied"  # 不予许可
CERTIFICATE_MADE = "certificate_made"  # 已制证
STATUSES = (IN_REVIEW, APPROVED, NEEDS_CORRECTION, DENIED, CERTIFICATE_MADE)
# Nothing follows these (a corrected case comes back as a new delivery, see the docs).
FINAL = frozenset({DENIED, CERTIFICATE_MADE, NEEDS_CORRECTION})

DEFAULT_SECRET = "backoffice_default"
_NONCE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class SignatureError(Exception):
    """A request that must be refused (401). `reason`: missing, malformed, stale,
    bad_signature, replayed, no_secret; for answers also wrong_department."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class ProtocolError(ValueError):
    """A signed request whose body breaks the protocol (422)."""


def dumps(data: Any) -> bytes:
    """The JSON bytes we send (UTF-8, no spaces, keys sorted — stable for the digest)."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def string_to_sign(
    method: str, path: str, timestamp: str, nonce: str, department: str, body: bytes
) -> bytes:
    parts = (VERSION, method.upper(), path, timestamp, nonce, department, body_digest(body))
    return "\n".join(parts).encode("utf-8")


def signature(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def new_nonce() -> str:
    return secrets.token_hex(16)


def sign(
    secret: str,
    *,
    method: str,
    path: str,
    body: bytes,
    department: str,
    now: float | None = None,
    nonce: str | None = None,
) -> dict[str, str]:
    """The signature headers for one request (add them to the request's own headers)."""
    timestamp = str(int(time.time() if now is None else now))
    nonce = nonce or new_nonce()
    mac = signature(secret, string_to_sign(method, path, timestamp, nonce, department, body))
    return {
        H_TIMESTAMP: timestamp,
        H_NONCE: nonce,
        H_DEPARTMENT: department,
        H_SIGNATURE: f"{VERSION}={mac}",
    }


@dataclass(frozen=True)
class Signed:
    """What a verified request was signed with."""

    department: str
    timestamp: int
    nonce: str


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is None:
        value = headers.get(name.lower())
    return value.strip() if isinstance(value, str) else None


def read_signed(headers: Mapping[str, str]) -> tuple[str, int, str, str]:
    """(department, timestamp, nonce, hex mac) from the headers; SignatureError if absent."""
    department = _header(headers, H_DEPARTMENT)
    stamp = _header(headers, H_TIMESTAMP)
    nonce = _header(headers, H_NONCE)
    sig = _header(headers, H_SIGNATURE)
    if not (department and stamp and nonce and sig):
        raise SignatureError("missing", "signature headers")
    version, _, mac = sig.partition("=")
    if version != VERSION or not mac or not stamp.isdigit() or not _NONCE.match(nonce):
        raise SignatureError("malformed", "signature headers")
    return department, int(stamp), nonce, mac.lower()


class NonceMemory(Protocol):
    def remember(self, nonce: str, timestamp: int) -> bool:
        """Record `nonce`; False when it was already there (a replay)."""


def verify(
    secret: str | None,
    *,
    method: str,
    path: str,
    body: bytes,
    headers: Mapping[str, str],
    now: float | None = None,
    window_s: int = WINDOW_S,
    nonces: NonceMemory | None = None,
) -> Signed:
    """Check one request; raise SignatureError (refuse with 401) or return what signed it.

    The nonce is remembered only once the signature holds, so nobody can burn nonces. Pass
    `nonces=None` when the caller records the nonce itself (the hall does, in its store)."""
    department, stamp, nonce, mac = read_signed(headers)
    current = time.time() if now is None else now
    if abs(current - stamp) > window_s:
        raise SignatureError("stale", f"timestamp {stamp} is {int(current - stamp)} s off")
    if not secret:
        raise SignatureError("no_secret", department)
    expected = signature(secret, string_to_sign(method, path, str(stamp), nonce, department, body))
    if not hmac.compare_digest(expected, mac):
        raise SignatureError("bad_signature", department)
    if nonces is not None and not nonces.remember(nonce, stamp):
        raise SignatureError("replayed", nonce)
    return Signed(department, stamp, nonce)


# --- signed answers (poll responses) ----------------------------------------------------------

ANSWER_METHOD = "ANSWER"
"""The METHOD line of a signed answer. No request uses it, so an answer's signature can never be
passed off as a request's (nor a request's as an answer's)."""


def sign_answer(
    secret: str,
    *,
    path: str,
    body: bytes,
    department: str,
    request_nonce: str,
    now: float | None = None,
) -> dict[str, str]:
    """The signature headers of an answer to a signed request (the poll, §5): the same scheme,
    METHOD `ANSWER`, the request's PATH and the request's NONCE. Echoing the nonce ties the
    answer to the one request it answers, so a recorded answer cannot be replayed to a later
    poll, and the asker needs no nonce memory."""
    return sign(
        secret,
        method=ANSWER_METHOD,
        path=path,
        body=body,
        department=department,
        now=now,
        nonce=request_nonce,
    )


def verify_answer(
    secret: str | None,
    *,
    path: str,
    body: bytes,
    headers: Mapping[str, str],
    department: str,
    request_nonce: str,
    now: float | None = None,
    window_s: int = WINDOW_S,
) -> Signed:
    """Check a signed answer to our request; SignatureError (refuse it) or what signed it."""
    signed = verify(
        secret,
        method=ANSWER_METHOD,
        path=path,
        body=body,
        headers=headers,
        now=now,
        window_s=window_s,
    )
    if signed.department != department:
        raise SignatureError("wrong_department", signed.department)
    if not hmac.compare_digest(signed.nonce, request_nonce):
        raise SignatureError("replayed", f"answer to nonce {signed.nonce}")
    return signed


@dataclass
class MemoryNonces:
    """A process-local nonce memory (the simulator). Entries older than twice the window go."""

    window_s: int = WINDOW_S
    _seen: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def remember(self, nonce: str, timestamp: int) -> bool:
        with self._lock:
            if nonce in self._seen:
                return False
            self._seen[nonce] = timestamp
            if len(self._seen) > 10_000:
                horizon = time.time() - 2 * self.window_s
                self._seen = {n: t for n, t in self._seen.items() if t >= horizon}
            return True


# --- bodies ----------------------------------------------------------------------------------


def iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_time(value: object) -> datetime:
    if not isinstance(value, str):
        raise ProtocolError("at: expected an ISO 8601 time")
    try:
        at = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ProtocolError(f"at: {exc}") from None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


@dataclass(frozen=True)
class StatusReport:
    """One status of one case, as a callback body or a poll answer carries it."""

    case_no: str
    status: str
    seq: int
    at: datetime
    note: str = ""
    materials_needed: tuple[str, ...] = ()
    result: dict[str, Any] | None = None

    @classmethod
    def parse(cls, data: object) -> StatusReport:
        if not isinstance(data, dict):
            raise ProtocolError("body: expected a JSON object")
        case_no = data.get("case_no")
        status = data.get("status")
        seq = data.get("seq")
        if not isinstance(case_no, str) or not case_no or len(case_no) > 64:
            raise ProtocolError("case_no: expected a string")
        if status not in STATUSES:
            raise ProtocolError(f"status: expected one of {', '.join(STATUSES)}")
        if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
            raise ProtocolError("seq: expected an integer >= 1")
        note = data.get("note") or ""
        if not isinstance(note, str):
            raise ProtocolError("note: expected a string")
        materials = data.get("materials_needed") or []
        if not isinstance(materials, list) or not all(isinstance(m, str) for m in materials):
            raise ProtocolError("materials_needed: expected a list of strings")
        if status == NEEDS_CORRECTION and not materials:
            raise ProtocolError("materials_needed: required for needs_correction")
        result = data.get("result")
        if result is not None and not isinstance(result, dict):
            raise ProtocolError("result: expected an object")
        return cls(
            case_no=case_no,
            status=str(status),
            seq=seq,
            at=parse_time(data.get("at")),
            note=note[:2000],
            materials_needed=tuple(materials),
            result=result,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "case_no": self.case_no,
            "status": self.status,
            "seq": self.seq,
            "at": iso(self.at),
            "note": self.note,
            "materials_needed": list(self.materials_needed),
            "result": self.result,
        }


def envelope(
    *,
    department: str,
    idempotency_key: str,
    payload: Mapping[str, Any],
    callback_url: str | None,
) -> dict[str, Any]:
    """The body of `POST {endpoint}/cases` (stable across retries)."""
    return {
        "protocol": PROTOCOL,
        "department": department,
        "idempotency_key": idempotency_key,
        "case_no": str(payload.get("case_no", "")),
        "callback_url": callback_url,
        "case": dict(payload),
    }


# --- secrets ---------------------------------------------------------------------------------


def secret_name(department: str) -> str:
    """The credentials name of a department's secret: backoffice_<dept in lower case>."""
    slug = re.sub(r"[^a-z0-9_]", "_", department.lower())[:50] or "default"
    return f"backoffice_{slug}"


def secret_for(department: str) -> str | None:
    """The department's own secret, else the hall-wide default one (the demo's)."""
    from services import credentials

    return credentials.get(secret_name(department)) or credentials.get(DEFAULT_SECRET)


def ensure_default_secret() -> str:
    """The shared demo secret, generated and stored (keyring or the 0600 file) on first use."""
    from services import credentials

    value = credentials.get(DEFAULT_SECRET)
    if value:
        return value
    value = secrets.token_urlsafe(32)
    credentials.store(DEFAULT_SECRET, value)
    return value
