"""The e-license adapter (services/elicense.py): the demo library, and the HTTP gateway against a
real local server on 127.0.0.1 — answers, 404, errors, garbage and a dead port."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import parse_qs, urlparse

import pytest

from clerk.config import Settings
from services.elicense import DemoElicense, ElicenseError, HttpElicense, elicense_for

USCC = "91310106MA1FL0001M"
ID = "310106199003074513"

HOLDERS = {
    USCC: {"name": "示范餐饮管理有限公司", "licenses": [{"type": "营业执照", "number": USCC}]},
    "BROKEN": "not an object",
}


class Gateway(BaseHTTPRequestHandler):
    seen: ClassVar[list[dict[str, list[str]]]] = []

    def do_GET(self) -> None:
        url = urlparse(self.path)
        parts = url.path.strip("/").removeprefix("api/").split("/")
        Gateway.seen.append(parse_qs(url.query))
        if len(parts) != 3 or parts[0] != "holders" or parts[2] != "licenses":
            self._send(400, {"error": "bad path"})
        elif parts[1] == "FAIL":
            self._send(503, {"error": "maintenance"})
        elif parts[1] == "GARBAGE":
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"<html>oops</html>")
        elif parts[1] in HOLDERS:
            self._send(200, HOLDERS[parts[1]])
        else:
            self._send(404, {"error": "no such holder"})

    def _send(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def gateway() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api"
    finally:
        server.shutdown()
        server.server_close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_demo_library() -> None:
    demo = DemoElicense()
    found = await demo.lookup(USCC.lower(), kind="organization")
    assert found.types == {"营业执照"}
    assert found.name == "示范餐饮管理有限公司"
    person = await demo.lookup(ID)
    assert "居民身份证" in person.types
    nobody = await demo.lookup("110101199001011237")
    assert nobody.types == frozenset()


async def test_http_gateway_answers(gateway: str) -> None:
    service = HttpElicense(gateway)
    found = await service.lookup(USCC, kind="organization")
    assert found.types == {"营业执照"}
    assert found.source == gateway
    assert Gateway.seen[-1]["kind"] == ["organization"]
    nobody = await service.lookup(ID, kind="person", id_type="resident_id")
    assert nobody.types == frozenset()  # 404: holds nothing, not an error
    assert Gateway.seen[-1]["id_type"] == ["resident_id"]


@pytest.mark.parametrize(
    ("number", "code", "words"),
    [
        ("FAIL", "status", "503"),
        ("GARBAGE", "bad_answer", "无法识别"),
        ("BROKEN", "bad_answer", "无法识别"),
    ],
)
async def test_http_gateway_errors(gateway: str, number: str, code: str, words: str) -> None:
    with pytest.raises(ElicenseError) as caught:
        await HttpElicense(gateway).lookup(number)
    assert caught.value.code == code
    assert words in caught.value.message
    assert "纸质" in caught.value.message  # the clerk is told what to do instead


async def test_dead_network_is_a_clear_message() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(ElicenseError) as caught:
        await HttpElicense(url, timeout=2).lookup(USCC)
    assert caught.value.code == "unreachable"
    assert "无法连接" in caught.value.message and url in caught.value.message


def test_settings_choose_the_implementation(gateway: str) -> None:
    assert isinstance(elicense_for(Settings()), DemoElicense)
    chosen = elicense_for(Settings(elicense_url=gateway))
    assert isinstance(chosen, HttpElicense) and chosen.url == gateway
