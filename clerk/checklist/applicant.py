"""Who the applicant is, for the checklist: accepted types, e-licenses by holder, in-person items.

The subject types an item accepts (a natural person setting up a 个体工商户 or company applies for
it), the e-licenses fetched (by whose document), and the items that need the applicant in person.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from clerk.catalog.model import (
    Answers,
    ApplicantType,
    Holder,
    Item,
)
from clerk.checklist.questions import Subject, chosen_items

#: The situation whose answer says someone acts for the applicant (代办人).
AGENT = "agent"


def in_person_items(subject: Subject, answers: Answers) -> list[Item]:
    """The chosen items that do not foresee an agent — they do not ask `agent`, so no
    power-of-attorney material exists for them: the applicant comes in person (本人办理,
    e.g. 居民身份证 for the photo and fingerprints, 婚姻登记 for both parties)."""
    return [
        item
        for item in chosen_items(subject, answers)
        if not any(s.id == AGENT for s in item.situations)
    ]


@dataclass(frozen=True)
class Applicant:
    """What the verdict needs to know about the applicant."""

    type: ApplicantType | None = None  # None: not known yet, not checked
    elicenses: frozenset[str] = frozenset()  # e-license types the applicant holds
    # e-licenses of the other people whose documents the file holds: (holder, type)
    others: frozenset[tuple[Holder, str]] = frozenset()

    def holds(self, holder: Holder, elicense: str) -> bool:
        """Whether that holder's e-license of that type has been fetched."""
        if holder is Holder.APPLICANT:
            return elicense in self.elicenses or (holder, elicense) in self.others
        return (holder, elicense) in self.others


def parse_elicense(text: str) -> tuple[Holder, str]:
    """`居民身份证` (the applicant's) or `spouse:居民身份证` (HOLDER:TYPE, holder by key or by
    its Chinese name) -> (holder, type). ValueError for an unknown holder."""
    head, sep, tail = text.partition(":")
    if not sep:
        return Holder.APPLICANT, text.strip()
    word = head.strip()
    for holder in Holder:
        if word in (holder.key, holder.value):
            return holder, tail.strip()
    allowed = ", ".join(h.key for h in Holder)
    raise ValueError(f"unknown holder {word!r}; allowed: {allowed}")


def accepts(
    item: Item, applicant: ApplicantType, establishing: Iterable[ApplicantType] = ()
) -> bool:
    """Whether the item accepts this applicant. A natural person who, in the same visit, sets up
    the subject another item `establishes` (个体工商户设立登记 → 个体工商户, 公司设立登记 → 法人)
    applies for that subject: a 个体工商户's 经营者 is a natural person and the 个体工商户 holds
    the licences in its own name (《食品经营许可和备案管理办法》: 以营业执照载明的主体作为申请人)."""
    if item.accepts(applicant):
        return True
    return applicant is ApplicantType.PERSON and any(item.accepts(s) for s in establishing)


def refused_for_applicant(items: Sequence[Item], applicant: ApplicantType) -> list[Item]:
    """The chosen items that do not accept this applicant, given what the visit establishes."""
    establishing = [i.establishes for i in items if i.establishes is not None]
    return [item for item in items if not accepts(item, applicant, establishing)]
