"""FastAPI dependencies: the Hall, the caller (bearer token), role checks, and `Unit` — the unit
of work for mutating requests (write transaction + audit actor + Idempotency-Key handling).

A mutating endpoint looks like this:

    AdminUnit = Annotated[Unit, Depends(unit_for("admin"))]

    @router.post("/things", status_code=201, response_model=ThingOut)
    def create_thing(body: ThingIn, unit: AdminUnit) -> JSONResponse:
        return unit.respond(lambda s: ThingOut.of(ops.create(s, unit.actor, ..., now=unit.now)),
                            status=201)
"""

# No `from __future__ import annotations` here: FastAPI must evaluate the Annotated[...]
# dependencies inside the closures below, which refer to their local `roles`.

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from services.hall import idempotency
from services.hall.audit import Actor
from services.hall.bootstrap import Hall
from services.hall.ops import auth as auth_ops
from services.hall.ops.auth import Principal
from services.hall.problems import ApiError

T = TypeVar("T")


def get_hall(request: Request) -> Hall:
    hall: Hall = request.app.state.hall
    return hall


def ready_hall(hall: Annotated[Hall, Depends(get_hall)]) -> Hall:
    hall.ensure_ready()
    return hall


ReadyHall = Annotated[Hall, Depends(ready_hall)]


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def client_address(request: Request) -> str:
    if request.client is None or not request.client.host:
        return "local"  # the embedded hall's Unix socket
    return request.client.host


def current_principal(request: Request, hall: ReadyHall) -> Principal:
    with hall.db.read() as session:
        return auth_ops.authenticate(session, bearer_token(request), hall.now())


Caller = Annotated[Principal, Depends(current_principal)]


def require(*roles: str) -> Callable[..., Principal]:
    """A dependency: the caller, who must hold one of `roles` (any role when none given)."""

    def check(principal: Caller) -> Principal:
        if roles and principal.role not in roles:
            raise ApiError(403, "auth.forbidden", roles=", ".join(roles))
        return principal

    return check


@dataclass
class Unit:
    """One mutating request: its write session, who and when, and its idempotency key."""

    hall: Hall
    session: Session
    principal: Principal
    now: datetime
    request: idempotency.IdempotentRequest | None

    @property
    def actor(self) -> Actor:
        return self.principal.actor

    def respond(self, produce: Callable[[Session], Any], *, status: int = 200) -> JSONResponse:
        """Run `produce` in the write transaction and answer with its result as JSON; with an
        Idempotency-Key, a retry gets the stored first answer instead."""
        with self.session.begin():
            if self.request is not None:
                stored = idempotency.lookup(self.session, self.request)
                if stored is not None:
                    return JSONResponse(
                        stored.body,
                        status_code=stored.status,
                        headers={idempotency.REPLAYED_HEADER: "true"},
                    )
            body = jsonable_encoder(produce(self.session))
            if self.request is not None:
                idempotency.store(self.session, self.request, status, body, self.now)
        return JSONResponse(body, status_code=status)


def unit_for(*roles: str) -> Callable[..., Iterator[Unit]]:
    """A dependency giving a `Unit` for a caller holding one of `roles`."""

    async def request_body(request: Request) -> bytes:
        return await request.body()

    def make(
        request: Request,
        body: Annotated[bytes, Depends(request_body)],
        hall: ReadyHall,
        principal: Annotated[Principal, Depends(require(*roles))],
    ) -> Iterator[Unit]:
        idem = idempotency.IdempotentRequest.build(
            request.headers.get(idempotency.HEADER),
            username=principal.username,
            method=request.method,
            path=request.url.path,
            body=body,
        )
        session = hall.db.session(write=True)
        try:
            yield Unit(
                hall=hall, session=session, principal=principal, now=hall.now(), request=idem
            )
        finally:
            session.close()

    return make
