from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from services.hall.deps import Caller, ReadyHall, client_address
from services.hall.ops import auth as auth_ops
from services.hall.problems import ApiError
from services.hall.schemas import LoginIn, LoginOut, MeOut, OkOut, UserOut, WindowOut

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/login", response_model=LoginOut)
def login(body: LoginIn, request: Request, hall: ReadyHall) -> LoginOut:
    """Exchange user name and password for a bearer token; optionally sit at a window.

    Errors: 401 auth.wrong_password (also for an unknown user), 429 auth.locked (retry_after),
    403 auth.disabled, 404 not_found / 409 window.inactive for the window."""
    now = hall.now()
    session = hall.db.session(write=True)
    with session:
        session.begin()
        try:
            result = auth_ops.login(
                session,
                username=body.username,
                password=body.password,
                window_no=body.window_no,
                client=client_address(request),
                limits=hall.limits,
                now=now,
            )
            out = LoginOut(
                token=result.token,
                expires_at=result.expires_at,
                user=UserOut.of(result.user),
                window=WindowOut.of(result.window) if result.window else None,
            )
        except ApiError:
            session.commit()  # keep the failure rows that feed the limiter
            raise
        except BaseException:
            session.rollback()
            raise
        session.commit()
    return out


@router.get("/me", response_model=MeOut)
def me(principal: Caller) -> MeOut:
    return MeOut(
        user=UserOut(
            username=principal.username,
            display_name=principal.display_name,
            role=principal.role,
        ),
        window_no=principal.window_no,
        expires_at=principal.expires_at,
    )


@router.post("/logout", response_model=OkOut)
def logout(principal: Caller, hall: ReadyHall) -> JSONResponse:
    """Revoke the caller's token."""
    with hall.db.write() as session:
        auth_ops.logout(session, principal, hall.now())
    return JSONResponse({"ok": True})
