"""A demo hall: ticket categories, six windows, four clerks, a supervisor, a trainer and an
administrator, each with a fresh random password (returned once, stored only as a hash)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from services.hall import audit
from services.hall.audit import Actor
from services.hall.ops import users as user_ops
from services.hall.ops import windows as window_ops
from services.hall.security import random_password

CATEGORIES = [
    ("A", "企业服务"),
    ("B", "社会事务"),
    ("C", "不动产登记"),
    ("D", "综合咨询"),
    ("V", "绿色通道（预约）"),
]

WINDOWS = [
    (1, "综合受理 1 号窗", ["A", "D"]),
    (2, "综合受理 2 号窗", ["A", "B"]),
    (3, "综合受理 3 号窗", ["B", "D"]),
    (4, "综合受理 4 号窗", ["C", "A"]),
    (5, "不动产登记窗", ["C", "D"]),
    (6, "绿色通道窗", ["V", "A", "B", "C"]),
]

# username, display name, role, the window they usually sit at
PEOPLE = [
    ("clerk1", "王芳", "clerk", 1),
    ("clerk2", "李强", "clerk", 2),
    ("clerk3", "张敏", "clerk", 3),
    ("clerk4", "陈磊", "clerk", 4),
    ("supervisor", "赵静", "supervisor", None),
    ("trainer", "孙丽", "trainer", None),
    ("admin", "系统管理员", "admin", None),
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    role: str
    window_no: int | None
    password: str


def is_empty(session: Session) -> bool:
    return user_ops.count(session) == 0


def seed(session: Session, actor: Actor, now: datetime) -> list[DemoAccount]:
    """Create the demo hall in the caller's transaction; returns the accounts with passwords."""
    for prefix, name in CATEGORIES:
        window_ops.create_category(session, actor, prefix=prefix, name=name, now=now)
    for number, name, categories in WINDOWS:
        window_ops.create(session, actor, number=number, name=name, categories=categories, now=now)
    accounts = []
    for username, display_name, role, window_no in PEOPLE:
        password = random_password()
        user_ops.create(
            session,
            actor,
            username=username,
            display_name=display_name,
            role=role,
            password=password,
            now=now,
        )
        accounts.append(DemoAccount(username, display_name, role, window_no, password))
    audit.record(session, actor, "demo.seed", None, {"users": len(accounts)}, at=now)
    return accounts
