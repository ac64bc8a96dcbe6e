"""The display board's texts come from clerk.i18n: GET /board[?lang=en] renders the page in the
language asked for (zh-CN by default) with the templates board.js fills in, and GET /board/texts
serves the same templates. Over HTTP against the real hall on its Unix socket."""

from __future__ import annotations

import json
import re
import string
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from clerk import i18n
from clerk.config import Settings
from services.hall.board.router import STATIC
from tests.support.hall import FakeClock, RunningHall, running_embedded, sqlite_url

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
TEXTS = re.compile(r'<script id="board-texts" type="application/json">(.*?)</script>', re.S)


@pytest.fixture
def board_hall(tmp_path: Path) -> Iterator[RunningHall]:
    settings = Settings(
        service={"db": sqlite_url(tmp_path / "store")}, backoffice={"enabled": False}
    )
    with running_embedded(settings, clock=FakeClock()) as running:
        yield running


@pytest.fixture
async def http(board_hall: RunningHall) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.AsyncHTTPTransport(uds=str(board_hall.socket_path))
    async with httpx.AsyncClient(transport=transport, base_url="http://hall") as client:
        yield client


def injected(page: str) -> dict[str, object]:
    found = TEXTS.search(page)
    assert found, page
    data: dict[str, object] = json.loads(found.group(1))
    return data


async def test_the_page_is_chinese_by_default(http: httpx.AsyncClient) -> None:
    answer = await http.get("/board")
    assert answer.status_code == 200
    page = answer.text
    assert '<html lang="zh-CN">' in page
    assert "<title>叫号屏</title>" in page
    assert ">语音播报：关</button>" in page
    assert "{{" not in page
    data = injected(page)
    assert data["lang"] == "zh-CN"
    texts = data["texts"]
    assert isinstance(texts, dict)
    assert texts["now"] == "请 {number} 号到 {window} 号窗口"
    assert texts["paused"] == "暂停服务"
    assert texts["voice_on"] == "语音播报：开"


async def test_the_page_in_english(http: httpx.AsyncClient) -> None:
    page = (await http.get("/board", params={"lang": "en"})).text
    assert '<html lang="en">' in page
    assert "<title>Calling board</title>" in page
    assert ">Voice calls: off</button>" in page
    assert not CJK.findall(page), CJK.findall(page)
    data = injected(page)
    assert data["lang"] == "en"
    texts = data["texts"]
    assert isinstance(texts, dict)
    assert texts["now"] == "Number {number} to window {window}"
    assert texts["speech_lang"] == "en-US"


async def test_texts_endpoint_in_both_languages(http: httpx.AsyncClient) -> None:
    zh = (await http.get("/board/texts")).json()
    en = (await http.get("/board/texts", params={"lang": "en"})).json()
    assert zh["lang"] == "zh-CN" and en["lang"] == "en"
    assert zh["texts"]["waiting"] == "{count} 人等候"
    assert en["texts"]["waiting"] == "{count} waiting"
    # A mistyped language still gives a board that shows something: the default.
    assert (await http.get("/board/texts", params={"lang": "fr"})).json() == zh


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_both_languages_have_every_board_text_with_the_same_placeholders() -> None:
    def board(lang: str) -> dict[str, str]:
        return {k: v for k, v in i18n.catalog(lang).items() if k.startswith("board.")}

    zh, en = board("zh-CN"), board("en")
    assert set(zh) == set(en)
    for key in zh:
        assert placeholders(zh[key]) == placeholders(en[key]), key


def test_the_script_and_page_hold_no_text_of_their_own() -> None:
    """Every word on the board goes through i18n; a literal left in the files would show in
    Chinese on an English board."""
    for name in ("board.js", "board.html"):
        text = (STATIC / name).read_text("utf-8")
        assert not CJK.findall(text), (name, CJK.findall(text))
    slots = set(re.findall(r"\{\{(\w+)\}\}", (STATIC / "board.html").read_text("utf-8")))
    known = {k.removeprefix("board.") for k in i18n.catalog("en") if k.startswith("board.")}
    assert slots - {"lang", "texts_json"} <= known
