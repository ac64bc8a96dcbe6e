"""Cases (办件): decisions at the window, the life of a case afterwards, and case numbers.

Pure: no I/O, no framework. The hall service (services/hall/cases/) stores cases and enforces
these rules; the TUI shows the labels; printing prints the numbers.

Statuses
--------
A decision at the window gives a case its first status:

    accepted            已受理        complete file
    accepted_rongque    容缺受理      accepted; only 容缺 materials outstanding (with due dates)
    completed_on_spot   现场办结      即办件, complete file, finished at the window   (final)
    notice              一次性告知    every missing material listed once            (final)
    refused             不予受理      reason + legal basis                          (final)

An accepted case then goes to the back office and back to a window:

    accepted / accepted_rongque → pending_delivery 待推送 → delivered 已推送 → in_review 审批中
    in_review → needs_correction 需补正 → resubmitted 补正后重新提交 → (delivered →) in_review
    in_review → approved 办结 | denied 不予许可 | certificate_made 已制证
    approved → certificate_made → ready_for_pickup 待取件 → handed_over 已领取 | mailed 已寄出
    approved / denied / certificate_made → ready_for_pickup | mailed
    (handed_over, mailed: final)

Moving a case (`check_move`), the rule the hall applies to every status change:

* the same status again → DUPLICATE (a retried or duplicated callback; nothing happens);
* a status the table allows from the current one → APPLIED;
* a later status whose missed intermediate statuses are all *skippable* → APPLIED (skipped ones
  listed). Skippable are the statuses that only report progress and ask nothing of the window:
  delivered, in_review, certificate_made. So "approved" may arrive while the hall still shows
  pending_delivery (the back office answered before the dispatcher recorded the delivery), but
  nothing skips needs_correction → resubmitted (the window must receive the materials) and
  nothing skips ready_for_pickup → handed_over (someone must hand the result over);
* a status the case has already passed (it can reach the current status) → STALE, refused;
* anything else, and anything out of a final status → FORBIDDEN, refused.

Case numbers
------------
``<hall code: 6 digits><yyyymmdd: hall-local acceptance day><sequence: 5 digits><check digit>``,
20 digits, e.g. ``31000020261123000017``. The check digit is ISO 7064 MOD 11-10 (python-stdnum),
which catches every single-digit error and every swap of two adjacent digits — the mistakes of
someone typing a number from a receipt. Sequences restart every hall day.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from stdnum.iso7064 import mod_11_10

from clerk import i18n

__all__ = [
    "DECISION_STATUSES",
    "FINAL_STATUSES",
    "MAX_SEQUENCE",
    "SKIPPABLE",
    "TRANSITIONS",
    "CaseNumber",
    "CaseNumberError",
    "CaseStatus",
    "Decision",
    "Delivery",
    "Move",
    "MoveKind",
    "TransitionError",
    "allowed_next",
    "case_check_digit",
    "check_move",
    "decision_status",
    "format_case_number",
    "is_valid_case_number",
    "normalize_case_number",
    "parse_case_number",
    "path_between",
    "reachable",
]


class CaseStatus(StrEnum):
    # decisions at the window
    ACCEPTED = "accepted"  # 已受理
    ACCEPTED_RONGQUE = "accepted_rongque"  # 容缺受理
    COMPLETED_ON_SPOT = "completed_on_spot"  # 现场办结
    NOTICE = "notice"  # 一次性告知
    REFUSED = "refused"  # 不予受理
    # hand-off and back office
    PENDING_DELIVERY = "pending_delivery"  # 待推送
    DELIVERED = "delivered"  # 已推送
    IN_REVIEW = "in_review"  # 审批中
    NEEDS_CORRECTION = "needs_correction"  # 需补正
    RESUBMITTED = "resubmitted"  # 补正后重新提交
    APPROVED = "approved"  # 办结
    DENIED = "denied"  # 不予许可
    CERTIFICATE_MADE = "certificate_made"  # 已制证
    # results
    READY_FOR_PICKUP = "ready_for_pickup"  # 待取件
    HANDED_OVER = "handed_over"  # 已领取
    MAILED = "mailed"  # 已寄出

    def label(self, lang: str | None = None) -> str:
        return i18n.t(f"cases.status.{self.value}", lang=lang)

    @property
    def final(self) -> bool:
        return self in FINAL_STATUSES

    @property
    def is_decision(self) -> bool:
        return self in DECISION_STATUSES


S = CaseStatus

DECISION_STATUSES = frozenset(
    {S.ACCEPTED, S.ACCEPTED_RONGQUE, S.COMPLETED_ON_SPOT, S.NOTICE, S.REFUSED}
)
FINAL_STATUSES = frozenset({S.COMPLETED_ON_SPOT, S.NOTICE, S.REFUSED, S.HANDED_OVER, S.MAILED})
SKIPPABLE = frozenset({S.DELIVERED, S.IN_REVIEW, S.CERTIFICATE_MADE})

TRANSITIONS: Mapping[CaseStatus, frozenset[CaseStatus]] = {
    S.ACCEPTED: frozenset({S.PENDING_DELIVERY}),
    S.ACCEPTED_RONGQUE: frozenset({S.PENDING_DELIVERY}),
    S.COMPLETED_ON_SPOT: frozenset(),
    S.NOTICE: frozenset(),
    S.REFUSED: frozenset(),
    S.PENDING_DELIVERY: frozenset({S.DELIVERED}),
    S.DELIVERED: frozenset({S.IN_REVIEW}),
    S.IN_REVIEW: frozenset({S.NEEDS_CORRECTION, S.APPROVED, S.DENIED, S.CERTIFICATE_MADE}),
    S.NEEDS_CORRECTION: frozenset({S.RESUBMITTED}),
    S.RESUBMITTED: frozenset({S.DELIVERED, S.IN_REVIEW}),
    S.APPROVED: frozenset({S.CERTIFICATE_MADE, S.READY_FOR_PICKUP, S.MAILED}),
    S.DENIED: frozenset({S.READY_FOR_PICKUP, S.MAILED}),
    S.CERTIFICATE_MADE: frozenset({S.READY_FOR_PICKUP, S.MAILED}),
    S.READY_FOR_PICKUP: frozenset({S.HANDED_OVER, S.MAILED}),
    S.HANDED_OVER: frozenset(),
    S.MAILED: frozenset(),
}


def allowed_next(status: CaseStatus) -> list[CaseStatus]:
    """The statuses directly reachable from `status`, in declaration order."""
    nexts = TRANSITIONS[status]
    return [s for s in CaseStatus if s in nexts]


def reachable(start: CaseStatus) -> frozenset[CaseStatus]:
    """Every status reachable from `start` in one or more moves."""
    seen: set[CaseStatus] = set()
    todo = list(TRANSITIONS[start])
    while todo:
        status = todo.pop()
        if status not in seen:
            seen.add(status)
            todo.extend(TRANSITIONS[status])
    return frozenset(seen)


def path_between(
    start: CaseStatus, goal: CaseStatus, *, through: Iterable[CaseStatus] | None = None
) -> list[CaseStatus] | None:
    """The shortest list of intermediate statuses from `start` to `goal` (both excluded), using
    only `through` as intermediates (default: any); None when there is no such path."""
    allowed = None if through is None else frozenset(through)
    frontier: list[tuple[CaseStatus, list[CaseStatus]]] = [(start, [])]
    seen = {start}
    while frontier:
        nxt: list[tuple[CaseStatus, list[CaseStatus]]] = []
        for status, via in frontier:
            for candidate in allowed_next(status):
                if candidate is goal:
                    return via
                if candidate in seen or (allowed is not None and candidate not in allowed):
                    continue
                seen.add(candidate)
                nxt.append((candidate, [*via, candidate]))
        frontier = nxt
    return None


class MoveKind(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    STALE = "stale"
    FORBIDDEN = "forbidden"


@dataclass(frozen=True)
class Move:
    kind: MoveKind
    current: CaseStatus
    target: CaseStatus
    skipped: tuple[CaseStatus, ...] = ()

    @property
    def ok(self) -> bool:
        return self.kind in (MoveKind.APPLIED, MoveKind.DUPLICATE)


class TransitionError(ValueError):
    def __init__(self, move: Move) -> None:
        super().__init__(f"{move.kind.value}: {move.current.value} -> {move.target.value}")
        self.move = move


def check_move(current: CaseStatus, target: CaseStatus) -> Move:
    """Classify moving a case from `current` to `target` (rules in the module docstring)."""
    if target is current:
        return Move(MoveKind.DUPLICATE, current, target)
    if current.final:
        return Move(MoveKind.FORBIDDEN, current, target)
    if target in TRANSITIONS[current]:
        return Move(MoveKind.APPLIED, current, target)
    via = path_between(current, target, through=SKIPPABLE)
    if via is not None:
        return Move(MoveKind.APPLIED, current, target, tuple(via))
    if current in reachable(target):
        return Move(MoveKind.STALE, current, target)
    return Move(MoveKind.FORBIDDEN, current, target)


# --------------------------------------------------------------------------- decisions


class Decision(StrEnum):
    """What the clerk decides for one item of a visit."""

    ACCEPT = "accept"  # 受理 (容缺受理 / 现场办结 follow from the file and the item)
    NOTICE = "notice"  # 一次性告知
    REFUSE = "refuse"  # 不予受理

    def label(self, lang: str | None = None) -> str:
        return i18n.t(f"cases.decision.{self.value}", lang=lang)


class Delivery(StrEnum):
    """How the result reaches the applicant."""

    PICKUP = "pickup"  # 窗口领取
    MAIL = "mail"  # 邮寄送达


def decision_status(decision: Decision, *, deferred: bool, immediate: bool) -> CaseStatus:
    """The first status of a case: 容缺 when materials are deferred, 现场办结 for a complete 即办件."""
    if decision is Decision.NOTICE:
        return S.NOTICE
    if decision is Decision.REFUSE:
        return S.REFUSED
    if deferred:
        return S.ACCEPTED_RONGQUE
    if immediate:
        return S.COMPLETED_ON_SPOT
    return S.ACCEPTED


# --------------------------------------------------------------------------- case numbers

HALL_CODE_LENGTH = 6
SEQUENCE_DIGITS = 5
MAX_SEQUENCE = 10**SEQUENCE_DIGITS - 1
CASE_NUMBER_LENGTH = HALL_CODE_LENGTH + 8 + SEQUENCE_DIGITS + 1
_CASE_NUMBER = re.compile(rf"^\d{{{CASE_NUMBER_LENGTH}}}$")


class CaseNumberError(ValueError):
    """A case number that cannot be made or is not valid; `code` is stable."""

    def __init__(self, code: str, value: str = "") -> None:
        super().__init__(f"{code}: {value}")
        self.code = code
        self.value = value

    def message(self, lang: str | None = None) -> str:
        return i18n.t(f"cases.number.{self.code}", lang=lang, value=self.value)


@dataclass(frozen=True)
class CaseNumber:
    hall: str
    day: date
    sequence: int
    check: str

    def __str__(self) -> str:
        return f"{self.hall}{self.day:%Y%m%d}{self.sequence:0{SEQUENCE_DIGITS}d}{self.check}"


def case_check_digit(body: str) -> str:
    """ISO 7064 MOD 11-10 check digit of the first 19 digits."""
    return str(mod_11_10.calc_check_digit(body))


def format_case_number(hall_code: str, day: date, sequence: int) -> str:
    """The case number for the `sequence`-th case of `day` in the hall `hall_code`."""
    if not (len(hall_code) == HALL_CODE_LENGTH and hall_code.isascii() and hall_code.isdigit()):
        raise CaseNumberError("bad_hall_code", hall_code)
    if not 1 <= sequence <= MAX_SEQUENCE:
        raise CaseNumberError("sequence_exhausted", str(sequence))
    body = f"{hall_code}{day:%Y%m%d}{sequence:0{SEQUENCE_DIGITS}d}"
    return body + case_check_digit(body)


def normalize_case_number(text: str) -> str:
    """What a clerk typed or a scanner sent, without spaces, dashes and full-width digits."""
    table = str.maketrans("０１２３４５６７８９", "0123456789")
    return re.sub(r"[\s\-_]", "", (text or "").translate(table))


def parse_case_number(text: str) -> CaseNumber:
    """The parts of a valid case number; CaseNumberError (format, date or check digit) otherwise."""
    value = normalize_case_number(text)
    if not _CASE_NUMBER.match(value):
        raise CaseNumberError("bad_format", value)
    if not mod_11_10.is_valid(value):
        raise CaseNumberError("bad_check_digit", value)
    hall, day_text, seq = value[:6], value[6:14], value[14:19]
    try:
        day = date(int(day_text[:4]), int(day_text[4:6]), int(day_text[6:8]))
    except ValueError:
        raise CaseNumberError("bad_date", value) from None
    if int(seq) == 0:
        raise CaseNumberError("bad_format", value)
    return CaseNumber(hall, day, int(seq), value[-1])


def is_valid_case_number(text: str) -> bool:
    try:
        parse_case_number(text)
    except CaseNumberError:
        return False
    return True
