"""Routes of the display board, mounted at the root of the hall service (not under /api/v1):

- GET /board[?lang=en]        the page (full-screen, large type), its texts in zh-CN (default)
                             or English, with the same texts as JSON for board.js
- GET /board/texts?lang=     those texts alone: {lang, texts: {name: template}} ({placeholders}
                             are filled in by board.js)
- GET /board/static/{file}   its script and styles
- GET /board/state           what the page starts from: waiting counts with category names,
                             the windows and the numbers they call, the latest calls, the
                             event id to follow the public stream from, and the hall's clock
                             (`now`, aware UTC, and `zone`): the board shows the hall's time,
                             not the time of the screen's own machine
"""

# No `from __future__ import annotations`: FastAPI evaluates the Annotated dependencies.

import html
import json
import re
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from sqlalchemy import select

from clerk import i18n
from clerk.clock import hall_zone
from services.hall.deps import ReadyHall
from services.hall.problems import not_found
from services.hall.queue import service as queue_service
from services.hall.queue.models import QueueEvent
from services.hall.queue.router import Ctx
from services.hall.supervisor.facts import day_start

STATIC = Path(__file__).resolve().parent / "static"
FILES = {"board.js": "text/javascript", "board.css": "text/css"}
RECENT = 12
NO_STORE = {"Cache-Control": "no-store"}

PREFIX = "board."
_SLOT = re.compile(r"\{\{(\w+)\}\}")

router = APIRouter(prefix="/board", tags=["board"])


def board_language(lang: str | None) -> str:
    """The board's language: a screen on the wall shows something even for a mistyped
    ?lang=, so anything but a known language means the default (zh-CN)."""
    return lang if lang in i18n.LANGUAGES else i18n.DEFAULT


def board_texts(lang: str) -> dict[str, str]:
    """Every board.* template of `lang`, by its name without the prefix."""
    return {
        key[len(PREFIX) :]: text
        for key, text in i18n.catalog(lang).items()
        if key.startswith(PREFIX)
    }


def render_page(lang: str) -> str:
    texts = board_texts(lang)
    # In a <script> element only "</" can end the JSON early; \u003c reads back as "<".
    injected = {"lang": lang, "texts": texts, "zone": hall_zone().key}
    as_json = json.dumps(injected, ensure_ascii=False).replace("<", "\\u003c")
    values = {**{k: html.escape(v) for k, v in texts.items()}, "lang": lang}
    values["texts_json"] = as_json
    return _SLOT.sub(lambda m: values[m.group(1)], (STATIC / "board.html").read_text("utf-8"))


@router.get("", response_class=HTMLResponse)
def page(lang: str | None = None) -> HTMLResponse:
    return HTMLResponse(render_page(board_language(lang)), headers=NO_STORE)


@router.get("/texts")
def texts(lang: str | None = None) -> JSONResponse:
    chosen = board_language(lang)
    return JSONResponse({"lang": chosen, "texts": board_texts(chosen)}, headers=NO_STORE)


@router.get("/static/{name}")
def static(name: str) -> FileResponse:
    media = FILES.get(name)
    if media is None:
        raise not_found("file", name)
    return FileResponse(STATIC / name, media_type=media, headers=NO_STORE)


@router.get("/state")
def state(hall: ReadyHall, ctx: Ctx) -> JSONResponse:
    ctx.expire_now()
    now = hall.now()
    with hall.db.read() as session:
        snap = queue_service.snapshot(session, now, ctx.settings)
        recent = list(
            session.scalars(
                select(QueueEvent)
                .where(
                    QueueEvent.type.in_(("ticket.called", "ticket.recalled")),
                    QueueEvent.at >= day_start(snap.day),
                    QueueEvent.id <= snap.last_event_id,
                )
                .order_by(QueueEvent.id.desc())
                .limit(RECENT)
            )
        )
    return JSONResponse(
        {
            "hall": hall.settings.hall.name,
            "day": snap.day.isoformat(),
            "now": now.isoformat(),
            "zone": hall_zone().key,
            "last_event_id": snap.last_event_id,
            "waiting": [
                {"prefix": c.prefix, "name": c.name, "count": c.waiting} for c in snap.categories
            ],
            "windows": [
                {
                    "number": w.number,
                    "name": w.name,
                    "paused": w.paused,
                    "called": w.current.number if w.current else None,
                    "status": w.current.status if w.current else None,
                }
                for w in snap.windows
                if w.active
            ],
            "recent": [
                {
                    "number": e.payload.get("number"),
                    "window_no": e.payload.get("window_no"),
                    "at": e.at.isoformat(),
                }
                for e in reversed(recent)
            ],
        },
        headers=NO_STORE,
    )
