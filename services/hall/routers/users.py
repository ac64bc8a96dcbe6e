from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from services.hall.deps import ReadyHall, Unit, require, unit_for
from services.hall.ops import users as user_ops
from services.hall.schemas import PasswordIn, UserAdminOut, UserCreateIn

router = APIRouter(prefix="/users", tags=["users"])
AdminUnit = Annotated[Unit, Depends(unit_for("admin"))]


@router.get("", response_model=list[UserAdminOut], dependencies=[Depends(require("admin"))])
def list_users(hall: ReadyHall) -> list[UserAdminOut]:
    with hall.db.read() as session:
        return [UserAdminOut.of(u) for u in user_ops.list_all(session)]


@router.post("", status_code=201, response_model=UserAdminOut)
def create_user(body: UserCreateIn, unit: AdminUnit) -> JSONResponse:
    return unit.respond(
        lambda s: UserAdminOut.of(
            user_ops.create(
                s,
                unit.actor,
                username=body.username,
                display_name=body.display_name,
                role=body.role,
                password=body.password,
                now=unit.now,
            )
        ),
        status=201,
    )


@router.put("/{username}/password", response_model=UserAdminOut)
def set_password(username: str, body: PasswordIn, unit: AdminUnit) -> JSONResponse:
    """Set a new password; the user's open sessions end."""
    return unit.respond(
        lambda s: UserAdminOut.of(
            user_ops.set_password(
                s, unit.actor, username=username, password=body.password, now=unit.now
            )
        )
    )


@router.post("/{username}/disable", response_model=UserAdminOut)
def disable_user(username: str, unit: AdminUnit) -> JSONResponse:
    """Disable the account; its open sessions end."""
    return unit.respond(
        lambda s: UserAdminOut.of(
            user_ops.set_disabled(s, unit.actor, username=username, disabled=True, now=unit.now)
        )
    )


@router.post("/{username}/enable", response_model=UserAdminOut)
def enable_user(username: str, unit: AdminUnit) -> JSONResponse:
    return unit.respond(
        lambda s: UserAdminOut.of(
            user_ops.set_disabled(s, unit.actor, username=username, disabled=False, now=unit.now)
        )
    )
