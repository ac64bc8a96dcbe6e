"""Request and response bodies of /api/v1 (pydantic). The client mirrors the response shapes as
frozen dataclasses in services/client.py."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from services.hall.models import AuditEntry, Category, User, Window

Role = Literal["clerk", "supervisor", "trainer", "admin"]


class UserOut(BaseModel):
    username: str
    display_name: str
    role: str

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(username=user.username, display_name=user.display_name, role=user.role)


class UserAdminOut(UserOut):
    disabled: bool
    created_at: datetime

    @classmethod
    def of(cls, user: User) -> UserAdminOut:
        return cls(
            username=user.username,
            display_name=user.display_name,
            role=user.role,
            disabled=user.disabled,
            created_at=user.created_at,
        )


class WindowOut(BaseModel):
    number: int
    name: str
    active: bool = True
    categories: list[str] = Field(description="Category prefixes, primary first")

    @classmethod
    def of(cls, window: Window) -> WindowOut:
        return cls(
            number=window.number,
            name=window.name,
            active=window.active,
            categories=window.category_prefixes,
        )


class CategoryOut(BaseModel):
    prefix: str
    name: str

    @classmethod
    def of(cls, category: Category) -> CategoryOut:
        return cls(prefix=category.prefix, name=category.name)


class LoginIn(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=1024)
    window_no: int | None = None


class LoginOut(BaseModel):
    token: str
    expires_at: datetime
    user: UserOut
    window: WindowOut | None


class MeOut(BaseModel):
    user: UserOut
    window_no: int | None
    expires_at: datetime


class OkOut(BaseModel):
    ok: bool = True


class UserCreateIn(BaseModel):
    username: str = Field(max_length=64)
    display_name: str = Field(max_length=100)
    role: Role
    password: str = Field(max_length=1024)


class PasswordIn(BaseModel):
    password: str = Field(max_length=1024)


class WindowCreateIn(BaseModel):
    number: int
    name: str = Field(max_length=100)
    categories: list[str] = Field(default_factory=list)
    active: bool = True


class WindowUpdateIn(BaseModel):
    name: str | None = Field(default=None, max_length=100)
    active: bool | None = None


class WindowCategoriesIn(BaseModel):
    categories: list[str]


class CategoryCreateIn(BaseModel):
    prefix: str = Field(max_length=4)
    name: str = Field(max_length=100)


class HealthOut(BaseModel):
    version: str
    database: str
    migration: str | None
    ok: bool


class AuditVerifyOut(BaseModel):
    ok: bool
    count: int
    first_bad_id: int | None
    reason: str | None


class AuditEntryOut(BaseModel):
    id: int
    at: datetime
    actor: str
    window_no: int | None
    action: str
    target: str | None
    data: dict[str, object]

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditEntryOut:
        return cls(
            id=entry.id,
            at=entry.at,
            actor=entry.actor,
            window_no=entry.window_no,
            action=entry.action,
            target=entry.target,
            data=entry.data,
        )


class FieldProblem(BaseModel):
    field: str = Field(description="dotted path of the input, e.g. applicant.id_number")
    problem: str


class ProblemDetail(BaseModel):
    """What went wrong (problems.ApiError.body). Codes are stable; a code may carry more
    members (e.g. `current` for drafts.version_conflict), so others are allowed."""

    model_config = ConfigDict(extra="allow")

    code: str = Field(description="stable, for clients to switch on: auth.forbidden, not_found…")
    message: str = Field(description="for people, in the language of Accept-Language")
    field: str | None = Field(None, description="the input the problem is about, where one is")
    fields: list[FieldProblem] | None = Field(None, description="validation.invalid: each input")
    retry_after: int | None = Field(None, description="seconds to wait (429)")


class Problem(BaseModel):
    """Every error answer of the hall (4xx and 5xx) has this body."""

    detail: ProblemDetail
