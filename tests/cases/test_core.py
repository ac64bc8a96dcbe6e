"""clerk/cases.py: statuses and moves, decisions, case numbers (pure; no store)."""

from __future__ import annotations

from datetime import date

import pytest
from stdnum.iso7064 import mod_11_10

from clerk.cases import (
    FINAL_STATUSES,
    TRANSITIONS,
    CaseNumberError,
    Decision,
    MoveKind,
    check_move,
    decision_status,
    format_case_number,
    is_valid_case_number,
    normalize_case_number,
    parse_case_number,
)
from clerk.cases import (
    CaseStatus as S,
)


def test_every_status_has_a_row_and_labels() -> None:
    assert set(TRANSITIONS) == set(S)
    for status in S:
        assert status.label("zh-CN") and status.label("en")
    assert S.ACCEPTED_RONGQUE.label() == "容缺受理"
    for final in FINAL_STATUSES:
        assert not TRANSITIONS[final]


@pytest.mark.parametrize(
    ("current", "target", "kind", "skipped"),
    [
        (S.ACCEPTED, S.PENDING_DELIVERY, MoveKind.APPLIED, ()),
        (S.PENDING_DELIVERY, S.DELIVERED, MoveKind.APPLIED, ()),
        (S.DELIVERED, S.DELIVERED, MoveKind.DUPLICATE, ()),
        # the back office answered before the dispatcher recorded the delivery
        (S.PENDING_DELIVERY, S.IN_REVIEW, MoveKind.APPLIED, (S.DELIVERED,)),
        (S.PENDING_DELIVERY, S.APPROVED, MoveKind.APPLIED, (S.DELIVERED, S.IN_REVIEW)),
        (S.IN_REVIEW, S.READY_FOR_PICKUP, MoveKind.APPLIED, (S.CERTIFICATE_MADE,)),
        (S.IN_REVIEW, S.DELIVERED, MoveKind.STALE, ()),
        (S.APPROVED, S.IN_REVIEW, MoveKind.STALE, ()),
        # a correction needs the window: nothing skips resubmitted
        (S.NEEDS_CORRECTION, S.IN_REVIEW, MoveKind.STALE, ()),
        (S.NEEDS_CORRECTION, S.APPROVED, MoveKind.FORBIDDEN, ()),
        (S.NEEDS_CORRECTION, S.RESUBMITTED, MoveKind.APPLIED, ()),
        (S.RESUBMITTED, S.DELIVERED, MoveKind.APPLIED, ()),
        (S.RESUBMITTED, S.APPROVED, MoveKind.APPLIED, (S.IN_REVIEW,)),
        # somebody must hand the result over
        (S.APPROVED, S.HANDED_OVER, MoveKind.FORBIDDEN, ()),
        (S.READY_FOR_PICKUP, S.HANDED_OVER, MoveKind.APPLIED, ()),
        (S.READY_FOR_PICKUP, S.MAILED, MoveKind.APPLIED, ()),
        (S.DENIED, S.APPROVED, MoveKind.FORBIDDEN, ()),
        (S.HANDED_OVER, S.MAILED, MoveKind.FORBIDDEN, ()),
        (S.NOTICE, S.PENDING_DELIVERY, MoveKind.FORBIDDEN, ()),
        (S.REFUSED, S.ACCEPTED, MoveKind.FORBIDDEN, ()),
        (S.COMPLETED_ON_SPOT, S.APPROVED, MoveKind.FORBIDDEN, ()),
        (S.ACCEPTED, S.DELIVERED, MoveKind.FORBIDDEN, ()),  # never without pending_delivery
    ],
)
def test_moves(current: S, target: S, kind: MoveKind, skipped: tuple[S, ...]) -> None:
    move = check_move(current, target)
    assert move.kind is kind
    assert move.skipped == skipped
    assert move.ok is (kind in (MoveKind.APPLIED, MoveKind.DUPLICATE))


def test_decision_status() -> None:
    assert decision_status(Decision.ACCEPT, deferred=False, immediate=False) is S.ACCEPTED
    assert decision_status(Decision.ACCEPT, deferred=True, immediate=True) is S.ACCEPTED_RONGQUE
    assert decision_status(Decision.ACCEPT, deferred=False, immediate=True) is S.COMPLETED_ON_SPOT
    assert decision_status(Decision.NOTICE, deferred=False, immediate=True) is S.NOTICE
    assert decision_status(Decision.REFUSE, deferred=True, immediate=False) is S.REFUSED


def test_case_number_format_and_check_digit() -> None:
    number = format_case_number("310000", date(2026, 11, 23), 17)
    assert len(number) == 20
    assert number[:19] == "3100002026112300017"
    assert mod_11_10.is_valid(number)
    parsed = parse_case_number(number)
    assert (parsed.hall, parsed.day, parsed.sequence) == ("310000", date(2026, 11, 23), 17)
    assert str(parsed) == number
    assert parse_case_number(" " + number[:10] + "-" + number[10:]).sequence == 17


def test_check_digit_catches_typos() -> None:
    number = format_case_number("310000", date(2026, 11, 23), 12345)
    for i in range(len(number)):
        for digit in "0123456789":
            if digit != number[i]:
                typo = number[:i] + digit + number[i + 1 :]
                assert not is_valid_case_number(typo), typo
    for i in range(len(number) - 1):
        if number[i] != number[i + 1]:
            swapped = number[:i] + number[i + 1] + number[i] + number[i + 2 :]
            assert not is_valid_case_number(swapped), swapped


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("31000020261123000171", "bad_check_digit"),
        ("3100002026112300017", "bad_format"),
        ("ABC", "bad_format"),
    ],
)
def test_bad_numbers(text: str, code: str) -> None:
    good = format_case_number("310000", date(2026, 11, 23), 17)
    if code == "bad_check_digit":
        text = good[:-1] + str((int(good[-1]) + 1) % 10)
    with pytest.raises(CaseNumberError) as err:
        parse_case_number(text)
    assert err.value.code == code
    assert err.value.message()


def test_bad_date_and_hall_code() -> None:
    body = "3100002026133100001"  # month 13
    with pytest.raises(CaseNumberError) as err:
        parse_case_number(body + str(mod_11_10.calc_check_digit(body)))
    assert err.value.code == "bad_date"
    with pytest.raises(CaseNumberError):
        format_case_number("31000", date(2026, 1, 1), 1)
    with pytest.raises(CaseNumberError) as err:
        format_case_number("310000", date(2026, 1, 1), 100000)
    assert err.value.code == "sequence_exhausted"


def test_normalize() -> None:
    assert normalize_case_number("３１００ 00-2026") == "310000-2026".replace("-", "")
