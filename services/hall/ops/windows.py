"""Windows (窗口) and the ticket categories they serve.

A change made for a caller that others watch live (the foundation's /windows endpoints, the
supervisor's actions) is followed by `publish_changed` in the same transaction: the queue event
`window.changed` that dashboards and the windows' queue panels follow. The CLI and the demo seed
change windows without it (nobody is watching a store being set up; the bus's safety poll would
still see the rows).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.hall import audit
from services.hall.audit import Actor
from services.hall.models import Category, Window, WindowCategory
from services.hall.problems import conflict, invalid, not_found
from services.hall.queue import events

PREFIX = re.compile(r"^[A-Z]$")


def list_categories(session: Session) -> list[Category]:
    return list(session.scalars(select(Category).order_by(Category.prefix)))


def create_category(
    session: Session, actor: Actor, *, prefix: str, name: str, now: datetime
) -> Category:
    prefix = prefix.strip().upper()
    if not PREFIX.match(prefix):
        raise invalid("prefix", prefix=prefix)
    if not name.strip():
        raise invalid("name")
    if session.scalar(select(Category.id).where(Category.prefix == prefix)) is not None:
        raise conflict("category", prefix)
    category = Category(prefix=prefix, name=name.strip())
    session.add(category)
    session.flush()
    audit.record(session, actor, "category.create", prefix, {"name": category.name}, at=now)
    return category


def get(session: Session, number: int) -> Window:
    window = session.scalar(select(Window).where(Window.number == number))
    if window is None:
        raise not_found("window", number)
    return window


def list_windows(session: Session) -> list[Window]:
    return list(session.scalars(select(Window).order_by(Window.number)))


def publish_changed(session: Session, window: Window, now: datetime) -> None:
    """The live event `window.changed` ({window_no, name, active, categories}) for `window` as it
    is now, added to the caller's transaction (services.hall.queue.events.publish): it is
    written with the change and seen by no one if the change rolls back."""
    session.flush()
    events.publish(
        session,
        "window.changed",
        {
            "window_no": window.number,
            "name": window.name,
            "active": window.active,
            "categories": window.category_prefixes,
        },
        at=now,
    )


def _links(session: Session, prefixes: Sequence[str]) -> list[WindowCategory]:
    wanted = [p.strip().upper() for p in prefixes if p.strip()]
    if len(set(wanted)) != len(wanted):
        raise invalid("duplicate_category", categories=",".join(wanted))
    found = {
        c.prefix: c for c in session.scalars(select(Category).where(Category.prefix.in_(wanted)))
    }
    missing = [p for p in wanted if p not in found]
    if missing:
        raise invalid("unknown_category", categories=",".join(missing))
    return [WindowCategory(category=found[p], rank=rank) for rank, p in enumerate(wanted)]


def create(
    session: Session,
    actor: Actor,
    *,
    number: int,
    name: str,
    categories: Sequence[str],
    active: bool = True,
    now: datetime,
) -> Window:
    if number < 1:
        raise invalid("window_number", number=number)
    if not name.strip():
        raise invalid("name")
    if session.scalar(select(Window.id).where(Window.number == number)) is not None:
        raise conflict("window", number)
    window = Window(number=number, name=name.strip(), active=active)
    window.links = _links(session, categories)
    session.add(window)
    session.flush()
    audit.record(
        session,
        actor,
        "window.create",
        str(number),
        {"name": window.name, "categories": window.category_prefixes, "active": active},
        at=now,
    )
    return window


def set_categories(
    session: Session, actor: Actor, *, number: int, categories: Sequence[str], now: datetime
) -> Window:
    window = get(session, number)
    before = window.category_prefixes
    window.links.clear()
    session.flush()
    window.links.extend(_links(session, categories))
    session.flush()
    audit.record(
        session,
        actor,
        "window.set_categories",
        str(number),
        {"before": before, "after": window.category_prefixes},
        at=now,
    )
    return window


def update_window(
    session: Session,
    actor: Actor,
    *,
    number: int,
    name: str | None = None,
    active: bool | None = None,
    now: datetime,
) -> Window:
    window = get(session, number)
    changes: dict[str, object] = {}
    if name is not None and name.strip() != window.name:
        if not name.strip():
            raise invalid("name")
        changes["name"] = [window.name, name.strip()]
        window.name = name.strip()
    if active is not None and active != window.active:
        changes["active"] = [window.active, active]
        window.active = active
    if changes:
        audit.record(session, actor, "window.update", str(number), changes, at=now)
    return window
