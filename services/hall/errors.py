"""Exception handlers: every error leaves the service in the one shape of problems.ApiError,
with the message in the language the client asked for (Accept-Language), Chinese by default.
Unexpected exceptions are logged and answered as `internal` — never a traceback on the wire.
RESPONSES declares that shape (schemas.Problem) for every error status of every operation in
/openapi.json, in place of FastAPI's HTTPValidationError, which the hall never sends; as JSON
even where the operation's success is HTML (the board).

A hall holiday file that cannot be read is the administrator's to fix, not a bug: every room
that computes working days (decisions, practice, deadlines) answers it as 503
`service.holiday_file` with the file and the problem, and the same check is in `clerk doctor`."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from clerk.workdays import HolidayFileError
from services.hall.problems import ApiError
from services.hall.schemas import Problem

log = logging.getLogger("services.hall")


def request_language(request: Request | None) -> str:
    header = request.headers.get("accept-language", "") if request is not None else ""
    return "en" if header.lower().startswith("en") else "zh-CN"


# Given to FastAPI(responses=…): every route gets them, and FastAPI adds no 422 of its own
# where an operation already declares 4XX.
RESPONSES: dict[int | str, dict[str, Any]] = {
    "4XX": {"model": Problem, "description": "Refused: {detail: {code, message, …}}"},
    "5XX": {"model": Problem, "description": "The hall failed: {detail: {code, message}}"},
}

PROBLEM_REF = "#/components/schemas/Problem"

STATUS_CODES = {
    400: "bad_request",
    401: "auth.token_invalid",
    403: "auth.forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    415: "bad_request",
    422: "validation.invalid",
    429: "rate_limited",
}


def install(app: FastAPI) -> None:
    async def on_api_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ApiError)
        return JSONResponse(
            exc.body(request_language(request)), status_code=exc.status, headers=exc.headers
        )

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        fields = []
        for err in exc.errors():
            loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path")]
            fields.append({"field": ".".join(loc), "problem": str(err.get("msg", ""))})
        error = ApiError(422, "validation.invalid", fields=fields)
        return JSONResponse(error.body(request_language(request)), status_code=422)

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        code = STATUS_CODES.get(exc.status_code, "http_error")
        error = ApiError(exc.status_code, code)
        return JSONResponse(
            error.body(request_language(request)),
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    async def on_holiday_file(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HolidayFileError)
        log.error("hall holiday file unusable in %s %s: %s", request.method, request.url.path, exc)
        error = ApiError(503, "service.holiday_file", error=str(exc))
        return JSONResponse(error.body(request_language(request)), status_code=503)

    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error in %s %s", request.method, request.url.path)
        error = ApiError(500, "internal")
        return JSONResponse(error.body(request_language(request)), status_code=500)

    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            # FastAPI files a route's extra responses under the route's media type
            error_body = {"application/json": {"schema": {"$ref": PROBLEM_REF}}}
            for path in generate()["paths"].values():
                for operation in path.values():
                    for status in RESPONSES:
                        operation["responses"][status]["content"] = error_body
        return app.openapi_schema or generate()

    app.openapi = openapi  # type: ignore[method-assign]
    app.add_exception_handler(ApiError, on_api_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(HolidayFileError, on_holiday_file)
    app.add_exception_handler(Exception, on_unexpected)
