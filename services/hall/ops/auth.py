"""Login, tokens, logout and the failed-login limiter.

Failures are rows in `login_failures`, counted per user name and per client address, so several
service processes behind a load balancer agree. A subject is locked when its last
`max_failures` failures fall within `window` and the newest is less than `lockout` ago. While
locked, attempts are refused (429 + retry_after) without checking the password and without
counting. A wrong password and an unknown user give the same answer and both count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from services.hall import audit
from services.hall.audit import Actor
from services.hall.db import advisory_xact_lock
from services.hall.models import LoginFailure, Token, User, Window
from services.hall.ops import windows as window_ops
from services.hall.problems import ApiError
from services.hall.security import burn_time, new_token, token_hash, verify_password


@dataclass(frozen=True)
class Limits:
    max_failures: int
    window: timedelta
    lockout: timedelta
    token_ttl: timedelta


@dataclass(frozen=True)
class Principal:
    """The caller of an authenticated request."""

    user_id: int
    username: str
    display_name: str
    role: str
    window_no: int | None
    token_id: int
    expires_at: datetime

    @property
    def actor(self) -> Actor:
        return Actor(self.username, self.window_no)


@dataclass(frozen=True)
class LoginResult:
    token: str
    expires_at: datetime
    user: User
    window: Window | None


def _locked_for(
    session: Session, kind: str, subject: str, limits: Limits, now: datetime
) -> int | None:
    """Seconds until `subject` may try again, or None when it is not locked."""
    recent = list(
        session.scalars(
            select(LoginFailure.at)
            .where(LoginFailure.kind == kind, LoginFailure.subject == subject)
            .order_by(LoginFailure.at.desc())
            .limit(limits.max_failures)
        )
    )
    if len(recent) < limits.max_failures:
        return None
    newest, oldest = recent[0], recent[-1]
    if newest - oldest > limits.window:
        return None
    until = newest + limits.lockout
    if until <= now:
        return None
    return max(1, math.ceil((until - now).total_seconds()))


def _fail(session: Session, username: str, client: str, now: datetime) -> None:
    session.add(LoginFailure(kind="user", subject=username[:128], at=now))
    session.add(LoginFailure(kind="addr", subject=client[:128], at=now))


def login(
    session: Session,
    *,
    username: str,
    password: str,
    window_no: int | None,
    client: str,
    limits: Limits,
    now: datetime,
) -> LoginResult:
    """Check the credentials and issue a token. Failed attempts are added to the session; the
    caller must COMMIT even when this raises ApiError (the failure rows must stay)."""
    username = username.strip()
    # Serialise attempts on one name so parallel guesses cannot all slip under the limit.
    advisory_xact_lock(session, f"login:{username}")
    for kind, subject in (("user", username), ("addr", client)):
        wait = _locked_for(session, kind, subject, limits, now)
        if wait is not None:
            raise ApiError(
                429,
                "auth.locked",
                headers={"Retry-After": str(wait)},
                retry_after=wait,
                minutes=math.ceil(wait / 60),
            )
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        burn_time(password)
        ok = False
    else:
        ok = verify_password(user.password_hash, password)
    if not ok or user is None:
        _fail(session, username, client, now)
        audit.record(
            session,
            Actor(username or "?", window_no),
            "auth.login_failed",
            username or None,
            {"client": client},
            at=now,
        )
        raise ApiError(401, "auth.wrong_password")
    if user.disabled:
        raise ApiError(403, "auth.disabled")
    window = None
    if window_no is not None:
        window = window_ops.get(session, window_no)
        if not window.active:
            raise ApiError(409, "window.inactive", number=window_no)
    session.execute(
        delete(LoginFailure).where(LoginFailure.kind == "user", LoginFailure.subject == username)
    )
    token = new_token()
    expires_at = now + limits.token_ttl
    session.add(
        Token(
            token_hash=token_hash(token),
            user_id=user.id,
            window_no=window_no,
            client=client[:64],
            created_at=now,
            expires_at=expires_at,
        )
    )
    audit.record(
        session,
        Actor(user.username, window_no),
        "auth.login",
        user.username,
        {"client": client},
        at=now,
    )
    return LoginResult(token=token, expires_at=expires_at, user=user, window=window)


def authenticate(session: Session, token: str | None, now: datetime) -> Principal:
    if not token:
        raise ApiError(401, "auth.token_missing", headers={"WWW-Authenticate": "Bearer"})
    # Every request comes through here: one plain row, no ORM objects to build and track.
    row = session.execute(
        select(
            Token.id,
            Token.revoked_at,
            Token.expires_at,
            Token.window_no,
            User.id,
            User.username,
            User.display_name,
            User.role,
            User.disabled,
        )
        .join(User, Token.user_id == User.id)
        .where(Token.token_hash == token_hash(token))
    ).first()
    if row is None or row[1] is not None:
        raise ApiError(401, "auth.token_invalid", headers={"WWW-Authenticate": "Bearer"})
    token_id, _, expires_at, window_no, user_id, username, display_name, role, disabled = row
    if expires_at <= now:
        raise ApiError(401, "auth.token_expired", headers={"WWW-Authenticate": "Bearer"})
    if disabled:
        raise ApiError(403, "auth.disabled")
    return Principal(
        user_id=user_id,
        username=username,
        display_name=display_name,
        role=role,
        window_no=window_no,
        token_id=token_id,
        expires_at=expires_at,
    )


def logout(session: Session, principal: Principal, now: datetime) -> None:
    row = session.get(Token, principal.token_id)
    if row is not None and row.revoked_at is None:
        row.revoked_at = now
        audit.record(session, principal.actor, "auth.logout", principal.username, {}, at=now)


def purge(session: Session, now: datetime, keep: timedelta) -> None:
    """Drop expired tokens and old failure rows (run at start)."""
    cutoff = now - keep
    session.execute(delete(Token).where(Token.expires_at < cutoff))
    session.execute(delete(LoginFailure).where(LoginFailure.at < cutoff))
