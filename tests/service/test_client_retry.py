"""Retries: GETs and Idempotency-Key calls are retried with backoff; other POSTs are not."""

from __future__ import annotations

import httpx
import pytest

from services import client as hc


def make(handler: httpx.MockTransport) -> hc.HallClient:
    return hc.HallClient("http://hall.test", transport=handler, retries=2, backoff=0.001)


async def test_get_is_retried_on_503_and_transport_errors() -> None:
    calls: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if len(calls) == 1:
            raise httpx.ReadTimeout("slow", request=request)
        if len(calls) == 2:
            return httpx.Response(
                503,
                json={
                    "detail": {"code": "service.database_unavailable", "message": "x", "error": "e"}
                },
            )
        return httpx.Response(
            200, json={"version": "1", "database": "ok", "ok": True, "migration": "m"}
        )

    client = make(httpx.MockTransport(handle))
    assert (await client.health()).ok
    assert calls == ["/api/v1/health"] * 3
    await client.aclose()


async def test_mutation_with_key_is_retried_with_the_same_key() -> None:
    keys: list[str | None] = []

    def handle(request: httpx.Request) -> httpx.Response:
        keys.append(request.headers.get("Idempotency-Key"))
        if len(keys) == 1:
            raise httpx.ReadError("connection reset", request=request)
        return httpx.Response(201, json={"prefix": "E", "name": "n"})

    client = make(httpx.MockTransport(handle))
    await client.create_category("E", "n")
    assert len(keys) == 2 and keys[0] == keys[1] and keys[0]
    await client.aclose()


async def test_plain_post_is_not_retried_after_sending() -> None:
    calls = 0

    def handle(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        raise httpx.ReadTimeout("slow", request=request)

    client = make(httpx.MockTransport(handle))
    with pytest.raises(hc.HallUnreachable) as caught:
        await client.login("a", "b")
    assert calls == 1
    assert "等待超时" in caught.value.message
    await client.aclose()


async def test_connect_errors_are_retried_for_any_call() -> None:
    calls = 0

    def handle(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        raise httpx.ConnectError("refused", request=request)

    client = make(httpx.MockTransport(handle))
    with pytest.raises(hc.HallUnreachable) as caught:
        await client.login("a", "b")
    assert calls == 3
    assert caught.value.message == "大厅服务不可达：http://hall.test — refused"
    await client.aclose()


async def test_non_json_errors_are_still_clear() -> None:
    client = make(httpx.MockTransport(lambda r: httpx.Response(500, text="<html>oops</html>")))
    with pytest.raises(hc.HallClientError) as caught:
        await client.me()
    assert caught.value.message == "大厅服务返回了 HTTP 500"
    await client.aclose()


async def test_unknown_codes_fall_back_to_the_server_message() -> None:
    body = {"detail": {"code": "queue.empty", "message": "队列为空"}}
    client = make(httpx.MockTransport(lambda r: httpx.Response(409, json=body)))
    with pytest.raises(hc.HallClientError) as caught:
        await client.request("POST", "/queue/next")
    assert (caught.value.code, caught.value.message, caught.value.status) == (
        "queue.empty",
        "队列为空",
        409,
    )
    await client.aclose()
