import dataclasses
import datetime as dt

import pytest

from clerk.clock import NaiveTime
from printing.documents import AcceptanceReceipt, TicketSlip, as_reprint
from printing.samples import KINDS, sample


def test_practice_documents_carry_only_practice_numbers() -> None:
    for kind in KINDS:
        doc = sample(kind, practice=True)
        for number in doc.numbers():
            assert number.startswith("LX")
    real = sample("receipt")
    assert isinstance(real, AcceptanceReceipt)
    with pytest.raises(ValueError, match="practice document with a real number"):
        dataclasses.replace(real, practice=True)
    practice = sample("receipt", practice=True)
    with pytest.raises(ValueError, match="real document with a practice number"):
        dataclasses.replace(practice, practice=False)


def test_practice_ticket_numbers() -> None:
    ticket = sample("ticket", practice=True)
    assert isinstance(ticket, TicketSlip) and ticket.number == "LXA023"


def test_reprint_is_marked_with_the_time() -> None:
    at = dt.datetime(2026, 12, 19, 1, 5, tzinfo=dt.UTC)
    doc = as_reprint(sample("receipt"), at)
    assert doc.reprint_at == at
    assert sample("receipt").reprint_at is None


def test_a_document_refuses_a_naive_time() -> None:
    # a naive time would be printed in whatever zone the machine guesses
    with pytest.raises(NaiveTime):
        dataclasses.replace(sample("receipt"), issued_at=dt.datetime(2026, 12, 19, 9, 5))
    with pytest.raises(NaiveTime):
        as_reprint(sample("receipt"), dt.datetime(2026, 12, 19, 9, 5))


def test_documents_are_frozen() -> None:
    doc = sample("ticket")
    with pytest.raises(dataclasses.FrozenInstanceError):
        doc.practice = True  # type: ignore[misc]


def test_unknown_kind() -> None:
    with pytest.raises(ValueError, match="unknown document kind"):
        sample("invoice")
