"""Users: create, list, set password, disable/enable."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from services.hall import audit
from services.hall.audit import Actor
from services.hall.models import ROLES, Token, User
from services.hall.problems import conflict, invalid, not_found
from services.hall.security import MIN_PASSWORD_LENGTH, hash_password

USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{1,63}$")


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise invalid("password_too_short", min=MIN_PASSWORD_LENGTH)


def check_role(role: str) -> None:
    if role not in ROLES:
        raise invalid("role", role=role, roles=", ".join(ROLES))


def get(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise not_found("user", username)
    return user


def list_all(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def count(session: Session) -> int:
    return len(list(session.scalars(select(User.id))))


def create(
    session: Session,
    actor: Actor,
    *,
    username: str,
    display_name: str,
    role: str,
    password: str,
    now: datetime,
) -> User:
    username = username.strip()
    if not USERNAME.match(username):
        raise invalid("username", username=username)
    if not display_name.strip():
        raise invalid("display_name")
    check_role(role)
    check_password(password)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise conflict("user", username)
    user = User(
        username=username,
        display_name=display_name.strip(),
        role=role,
        password_hash=hash_password(password),
        disabled=False,
        created_at=now,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor,
        "user.create",
        username,
        {"display_name": user.display_name, "role": role},
        at=now,
    )
    return user


def revoke_tokens(session: Session, user: User, now: datetime) -> int:
    result = session.execute(
        update(Token)
        .where(Token.user_id == user.id, Token.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def set_password(
    session: Session, actor: Actor, *, username: str, password: str, now: datetime
) -> User:
    user = get(session, username)
    check_password(password)
    user.password_hash = hash_password(password)
    revoked = revoke_tokens(session, user, now)
    audit.record(session, actor, "user.set_password", username, {"revoked_tokens": revoked}, at=now)
    return user


def set_disabled(
    session: Session, actor: Actor, *, username: str, disabled: bool, now: datetime
) -> User:
    user = get(session, username)
    user.disabled = disabled
    data: dict[str, object] = {}
    if disabled:
        data["revoked_tokens"] = revoke_tokens(session, user, now)
    audit.record(
        session, actor, "user.disable" if disabled else "user.enable", username, data, at=now
    )
    return user
