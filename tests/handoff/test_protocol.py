"""The wire protocol: signatures, clock skew, replays, bodies, secret names."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.backoffice import protocol
from services.backoffice.protocol import SignatureError

SECRET = "s3cret-s3cret-s3cret"
NOW = 1_790_000_000.0
BODY = protocol.dumps({"case_no": "31000020261123000017", "status": "approved", "seq": 2})


def signed(**overrides: object) -> dict[str, str]:
    args: dict[str, object] = {
        "method": "POST",
        "path": protocol.CALLBACK_PATH,
        "body": BODY,
        "department": "SCJG",
        "now": NOW,
    }
    args.update(overrides)
    return protocol.sign(SECRET, **args)  # type: ignore[arg-type]


def check(headers: dict[str, str], **overrides: object) -> protocol.Signed:
    args: dict[str, object] = {
        "method": "POST",
        "path": protocol.CALLBACK_PATH,
        "body": BODY,
        "headers": headers,
        "now": NOW,
    }
    args.update(overrides)
    secret = args.pop("secret", SECRET)
    return protocol.verify(secret, **args)  # type: ignore[arg-type]


def reason(headers: dict[str, str], **overrides: object) -> str:
    with pytest.raises(SignatureError) as info:
        check(headers, **overrides)
    return info.value.reason


def test_round_trip() -> None:
    headers = signed()
    result = check(headers)
    assert result.department == "SCJG"
    assert result.timestamp == int(NOW)
    assert headers[protocol.H_SIGNATURE].startswith("v1=")
    assert len(headers[protocol.H_NONCE]) == 32


def test_headers_are_case_insensitive_in_lower_case_maps() -> None:
    headers = {k.lower(): v for k, v in signed().items()}
    assert check(headers).department == "SCJG"


@pytest.mark.parametrize(
    "change",
    [
        {"body": BODY + b" "},
        {"path": "/api/v1/backoffice/callbacks/"},
        {"method": "PUT"},
        {"secret": "another-secret"},
    ],
)
def test_anything_changed_breaks_the_signature(change: dict[str, object]) -> None:
    assert reason(signed(), **change) == "bad_signature"


def test_department_is_signed() -> None:
    headers = signed() | {protocol.H_DEPARTMENT: "GA"}
    assert reason(headers) == "bad_signature"


def test_timestamp_is_signed() -> None:
    headers = signed() | {protocol.H_TIMESTAMP: str(int(NOW) + 1)}
    assert reason(headers) == "bad_signature"


@pytest.mark.parametrize("skew", [-300, -1, 0, 1, 299, 300])
def test_clock_skew_inside_the_window_is_accepted(skew: int) -> None:
    check(signed(now=NOW + skew))


@pytest.mark.parametrize("skew", [-301, 301, -3600, 86400])
def test_outside_the_window_is_stale(skew: int) -> None:
    assert reason(signed(now=NOW + skew)) == "stale"


def test_replay_inside_the_window_is_refused() -> None:
    nonces = protocol.MemoryNonces()
    headers = signed()
    check(headers, nonces=nonces)
    assert reason(headers, nonces=nonces, now=NOW + 10) == "replayed"
    # A retry is a new signed request of the same body: accepted.
    check(signed(now=NOW + 10), nonces=nonces, now=NOW + 10)


def test_a_forgery_does_not_burn_the_nonce() -> None:
    nonces = protocol.MemoryNonces()
    good = signed()
    forged = good | {protocol.H_SIGNATURE: "v1=" + "0" * 64}
    assert reason(forged, nonces=nonces) == "bad_signature"
    check(good, nonces=nonces)


@pytest.mark.parametrize(
    "headers, expected",
    [
        ({}, "missing"),
        ({protocol.H_SIGNATURE: "v2=abc"}, "malformed"),
        ({protocol.H_TIMESTAMP: "yesterday"}, "malformed"),
        ({protocol.H_NONCE: "short"}, "malformed"),
    ],
)
def test_missing_and_malformed_headers(headers: dict[str, str], expected: str) -> None:
    base = signed() if headers else {}
    assert reason(base | headers) == expected


def test_no_secret_is_refused() -> None:
    assert reason(signed(), secret=None) == "no_secret"


def test_status_report_parse() -> None:
    report = protocol.StatusReport.parse(
        {
            "case_no": "C1",
            "status": "needs_correction",
            "seq": 3,
            "at": "2026-11-23T02:00:00Z",
            "note": "缺材料",
            "materials_needed": ["营业执照副本"],
        }
    )
    assert report.at == datetime(2026, 11, 23, 2, tzinfo=UTC)
    assert report.materials_needed == ("营业执照副本",)
    assert protocol.StatusReport.parse(report.as_dict()) == report


@pytest.mark.parametrize(
    "body",
    [
        [],
        {"case_no": "C1", "status": "done", "seq": 1, "at": "2026-11-23T02:00:00Z"},
        {"case_no": "C1", "status": "approved", "seq": 0, "at": "2026-11-23T02:00:00Z"},
        {"case_no": "C1", "status": "approved", "seq": True, "at": "2026-11-23T02:00:00Z"},
        {"case_no": "C1", "status": "approved", "seq": 1, "at": "soon"},
        {"case_no": "C1", "status": "needs_correction", "seq": 1, "at": "2026-11-23T02:00:00Z"},
        {"case_no": "", "status": "approved", "seq": 1, "at": "2026-11-23T02:00:00Z"},
    ],
)
def test_status_report_rejects(body: object) -> None:
    with pytest.raises(protocol.ProtocolError):
        protocol.StatusReport.parse(body)


def test_secret_names() -> None:
    assert protocol.secret_name("SCJG") == "backoffice_scjg"
    assert protocol.secret_name("市场-监管") == "backoffice______"
    from services import credentials

    credentials._check(protocol.secret_name("A.B-C"))


def test_secret_for_prefers_the_department(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLERK_SECRET_BACKOFFICE_DEFAULT", "shared")
    assert protocol.secret_for("GA") == "shared"
    monkeypatch.setenv("CLERK_SECRET_BACKOFFICE_GA", "own")
    assert protocol.secret_for("GA") == "own"


def test_ensure_default_secret_generates_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLERK_SECRET_BACKOFFICE_DEFAULT", raising=False)
    from services import credentials

    monkeypatch.setattr(credentials, "_keyring", _no_keyring)
    first = protocol.ensure_default_secret()
    assert len(first) >= 32
    assert protocol.ensure_default_secret() == first
    assert credentials.where(protocol.DEFAULT_SECRET) is credentials.Where.FILE


def _no_keyring() -> object:
    raise RuntimeError("no keyring here")


def test_a_signed_answer_belongs_to_one_poll_of_one_department() -> None:
    path = "/clerk/cases/31000020261123000017"
    poll = protocol.sign(SECRET, method="GET", path=path, body=b"", department="SCJG", now=NOW)
    nonce = poll[protocol.H_NONCE]
    answer = protocol.sign_answer(
        SECRET, path=path, body=BODY, department="SCJG", request_nonce=nonce, now=NOW
    )

    def verify_answer(**overrides: object) -> protocol.Signed:
        args: dict[str, object] = {
            "path": path,
            "body": BODY,
            "headers": answer,
            "department": "SCJG",
            "request_nonce": nonce,
            "now": NOW,
        }
        args.update(overrides)
        return protocol.verify_answer(SECRET, **args)  # type: ignore[arg-type]

    assert verify_answer().nonce == nonce
    failures = {
        "replayed": {"request_nonce": protocol.new_nonce()},  # an answer to another poll
        "wrong_department": {"department": "GA"},
        "bad_signature": {"body": BODY.replace(b"approved", b"denied__")},
        "stale": {"now": NOW + protocol.WINDOW_S + 1},
        "missing": {"headers": {}},
    }
    for reason, change in failures.items():
        with pytest.raises(SignatureError) as caught:
            verify_answer(**change)
        assert caught.value.reason == reason
    # nor does an answer's signature pass as a request's (the METHOD line differs)
    with pytest.raises(SignatureError, match="bad_signature"):
        check(answer, method="GET", path=path)
