"""Structured (JSON lines) logging to a file in the user log dir, with personal data masked."""

from __future__ import annotations

import json
import logging
import os
import re
import time
from logging.handlers import RotatingFileHandler
from pathlib import Path
from urllib.parse import unquote_plus

from clerk import paths
from clerk.clock import log_stamp
from clerk.identity import USCC_ALPHABET, USCC_AUTHORITIES

# 18-character resident ID numbers, USCCs, and 11-digit mainland mobile numbers.
_ID = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
# A USCC (统一社会信用代码, GB 32100) is personal data here: a 个体工商户's code (机构类别 92)
# names the person who runs it. A log line cannot tell a sole trader's code from a company's, and
# no log needs either, so every USCC-shaped code is masked like an ID number: its registering
# authority, category and region (first 6) and its last 4 stay; typed in lower case too.
_USCC_CHAR = "[" + USCC_ALPHABET + "]"
_USCC = re.compile(
    rf"(?<![0-9A-Za-z])([{''.join(sorted(USCC_AUTHORITIES))}]\d{{5}})\d{{2}}{_USCC_CHAR}{{6}}"
    rf"({_USCC_CHAR}{{4}})(?![0-9A-Za-z])",
    re.IGNORECASE,
)


def _mask_codes(text: str) -> str:
    return _USCC.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)


def mask_text(text: str) -> str:
    text = _mask_codes(text)
    text = _ID.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)
    return _PHONE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)


# In a query string (after USCCs) any run of 7+ digits (spaces, dashes, + between them) may be an ID number or
# a phone in some spelling ("+86 138-1234-5678"): all of it but the ends is masked.
_DIGITS = re.compile(r"\d[\d\s+\-]{5,}\d[Xx]?")


def mask_url(url: str) -> str:
    """`url` with its query string decoded and every long number in it masked."""
    path, sep, query = url.partition("?")
    if not sep:
        return mask_text(url)
    query = _mask_codes(unquote_plus(query))
    return path + "?" + _DIGITS.sub(lambda m: m.group()[:3] + "****" + m.group()[-2:], query)


class MaskFilter(logging.Filter):
    """Masks personal data in a record before any handler writes it (uvicorn's access log)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(mask_url(a) if isinstance(a, str) else a for a in record.args)
        record.msg = mask_text(str(record.msg))
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": log_stamp(record.created),
            "level": record.levelname,
            "logger": record.name,
            "msg": mask_text(record.getMessage()),
        }
        extra = getattr(record, "data", None)
        if isinstance(extra, dict):
            entry["data"] = json.loads(
                mask_text(json.dumps(extra, ensure_ascii=False, default=str))
            )
        if record.exc_info:
            entry["exc"] = mask_text(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def log_file(name: str = "clerk") -> Path:
    folder = paths.private_dir(paths.log_dir())
    return paths.private_file(folder / f"{name}.log")


def setup(name: str = "clerk", level: int = logging.INFO) -> Path:
    """Send the `clerk`, `services`, `screens` and `printing` loggers to one JSON-lines file."""
    target = log_file(name)
    handler = RotatingFileHandler(target, maxBytes=5_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(JsonFormatter())
    for logger_name in ("clerk", "services", "screens", "printing"):
        logger = logging.getLogger(logger_name)
        logger.setLevel(level)
        if not any(
            isinstance(h, RotatingFileHandler) and Path(h.baseFilename) == target
            for h in logger.handlers
        ):
            logger.addHandler(handler)
        logger.propagate = False
    return target


def process_age_ms() -> float:
    """Milliseconds since this process started (from /proc), for the startup timer."""
    try:
        with open("/proc/self/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        start_ticks = int(fields[19])
        with open("/proc/uptime", encoding="ascii") as handle:
            uptime = float(handle.read().split()[0])
        ticks = os.sysconf("SC_CLK_TCK")
        return max(0.0, (uptime - start_ticks / ticks) * 1000.0)
    except (OSError, ValueError, IndexError):
        return (time.perf_counter() - _IMPORTED_AT) * 1000.0


_IMPORTED_AT = time.perf_counter()
