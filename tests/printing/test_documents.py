import dataclasses
import datetime as dt

import pytest

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
    at = dt.datetime(2026, 12, 19, 9, 5)
    doc = as_reprint(sample("receipt"), at)
    assert doc.reprint_at == at
    assert sample("receipt").reprint_at is None


def test_documents_are_frozen() -> None:
    doc = sample("ticket")
    with pytest.raises(dataclasses.FrozenInstanceError):
        doc.practice = True  # type: ignore[misc]


def test_unknown_kind() -> None:
    with pytest.raises(ValueError, match="unknown document kind"):
        sample("invoice")
