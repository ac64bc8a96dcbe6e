"""Printers per workstation: a folder of PDFs (the embedded default), CUPS via `lp`, network
ESC/POS (TCP 9100) and USB ESC/POS.

`printer.print(doc)` renders and sends one document. Every failure — no font, folder not
writable, lp missing, printer offline, out of paper, connection lost mid-job — becomes a
`PrintError` with an i18n message and a `retry()` that sends the same document again. Printing
never touches a case: the case is committed before its receipt is printed, and a failed print
only leaves the clerk with a message and a retry (or a reprint later, marked 补打).
"""

from __future__ import annotations

import contextlib
import importlib
import os
import re
import shutil
import socket
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from clerk import paths
from clerk.clock import file_stamp, now
from clerk.i18n import t
from printing.documents import Document, number_of

if TYPE_CHECKING:
    from clerk.config import PrinterSettings

__all__ = [
    "CupsPrinter",
    "EscposNetworkPrinter",
    "EscposUsbPrinter",
    "FolderPrinter",
    "PrintError",
    "PrintResult",
    "Printer",
    "default_pdf_folder",
    "printer_from_settings",
]


@dataclass(frozen=True)
class PrintResult:
    message_key: str
    values: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None

    def message(self, lang: str | None = None) -> str:
        return t(self.message_key, lang=lang, **self.values)


class PrintError(Exception):
    """A print that did not happen. `message()` for the clerk; `retry()` tries again."""

    def __init__(self, key: str, retry: Callable[[], PrintResult] | None = None, **values: Any):
        self.key = key
        self.values = values
        self._retry = retry
        super().__init__(self.message("en"))

    def message(self, lang: str | None = None) -> str:
        return t(self.key, lang=lang, **self.values)

    def hint(self, lang: str | None = None) -> str:
        return t("printing.error.retry_hint", lang=lang)

    @property
    def can_retry(self) -> bool:
        return self._retry is not None

    def retry(self) -> PrintResult:
        if self._retry is None:
            raise self
        return self._retry()


class Printer(Protocol):
    name: str

    def print(self, doc: Document, lang: str | None = None) -> PrintResult: ...


def default_pdf_folder() -> Path:
    return paths.data_dir() / "prints"


def _safe(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z_-]+", "_", text).strip("_") or "doc"


def _pdf_bytes(doc: Document, paper: str, lang: str | None, font: str | None) -> bytes:
    from printing.renderers.pdf import FontMissing, render_pdf

    try:
        return render_pdf(doc, paper if paper in ("A4", "A5") else "A4", lang=lang, font=font)
    except FontMissing as exc:
        raise PrintError("printing.error.no_font") from exc


@dataclass
class FolderPrinter:
    """Writes each document as a PDF into a folder (atomically: no half-written files)."""

    folder: Path
    paper: str = "A4"
    font: str | None = None
    name: str = "pdf"

    def print(self, doc: Document, lang: str | None = None) -> PrintResult:
        data = _pdf_bytes(doc, self.paper, lang, self.font)
        stamp = file_stamp(doc.reprint_at or now())
        suffix = "-reprint" if doc.reprint_at else ""
        target = self.folder / f"{doc.kind}-{_safe(number_of(doc))}-{stamp}{suffix}.pdf"
        try:
            paths.private_dir(self.folder)  # receipts carry names and masked IDs: 0700 / 0600
            n = 1
            while target.exists():
                n += 1
                target = target.with_name(f"{target.stem.rsplit('~', 1)[0]}~{n}.pdf")
            tmp = paths.private_file(target.with_suffix(".part"))
            tmp.write_bytes(data)
            os.replace(tmp, target)
        except OSError as exc:
            raise PrintError(
                "printing.error.folder",
                retry=lambda: self.print(doc, lang),
                path=str(self.folder),
                detail=exc.strerror or str(exc),
            ) from exc
        return PrintResult("printing.done.pdf", {"path": str(target)}, target)


@dataclass
class CupsPrinter:
    """Sends the PDF to a CUPS queue with `lp` (the default queue when `queue` is None)."""

    queue: str | None = None
    paper: str = "A4"
    font: str | None = None
    lp: str = "lp"
    timeout: float = 30.0
    name: str = "cups"

    def print(self, doc: Document, lang: str | None = None) -> PrintResult:
        data = _pdf_bytes(doc, self.paper, lang, self.font)
        target = self.queue or "default"
        exe = shutil.which(self.lp)
        if exe is None:
            raise PrintError("printing.error.lp_missing", retry=lambda: self.print(doc, lang))
        args = [
            exe,
            "-s",
            "-o",
            f"media={self.paper if self.paper in ('A4', 'A5') else 'A4'}",
            "-t",
            f"{doc.kind}-{number_of(doc)}",
        ]
        if self.queue:
            args += ["-d", self.queue]
        try:
            done = subprocess.run(args, input=data, capture_output=True, timeout=self.timeout)
        except (OSError, subprocess.SubprocessError) as exc:
            raise PrintError(
                "printing.error.lp_failed",
                retry=lambda: self.print(doc, lang),
                target=target,
                detail=str(exc),
            ) from exc
        if done.returncode != 0:
            detail = done.stderr.decode("utf-8", "replace").strip() or f"exit {done.returncode}"
            raise PrintError(
                "printing.error.lp_failed",
                retry=lambda: self.print(doc, lang),
                target=target,
                detail=detail,
            )
        return PrintResult("printing.done.cups", {"target": target})


PAPER_STATUS = b"\x10\x04\x04"  # DLE EOT 4: roll paper sensor status


def _paper_out(status: bytes) -> bool:
    # bits 5 and 6 (0x60) set: roll paper end detected
    return bool(status) and (status[0] & 0x60) == 0x60


@dataclass
class _Escpos:
    paper: str = "58mm"
    check_paper: bool = True
    name: str = "escpos"

    @property
    def target(self) -> str:
        raise NotImplementedError

    def _device(self) -> Any:
        raise NotImplementedError

    def _status(self, device: Any) -> bytes:
        return b""

    def print(self, doc: Document, lang: str | None = None) -> PrintResult:
        from printing.renderers.escpos import render_escpos

        data = render_escpos(doc, self.paper if self.paper in ("58mm", "80mm") else "80mm", lang)
        return self.send(data, lambda: self.print(doc, lang))

    def send(self, data: bytes, again: Callable[[], PrintResult]) -> PrintResult:
        """Ship a rendered job. Offline / out of paper / broken mid-job → PrintError."""
        try:
            device = self._device()
            device.open()
        except PrintError:
            raise
        except Exception as exc:
            raise PrintError(
                "printing.error.offline", retry=again, target=self.target, detail=_detail(exc)
            ) from exc
        try:
            if self.check_paper and _paper_out(self._status(device)):
                raise PrintError("printing.error.out_of_paper", retry=again, target=self.target)
            try:
                device._raw(data)
            except Exception as exc:
                raise PrintError(
                    "printing.error.mid_job", retry=again, target=self.target, detail=_detail(exc)
                ) from exc
        finally:
            with contextlib.suppress(Exception):
                device.close()
        return PrintResult("printing.done.escpos", {"target": self.target})


def _detail(exc: BaseException) -> str:
    text = str(exc).strip().replace("\n", " ")
    return text or type(exc).__name__


@dataclass
class EscposNetworkPrinter(_Escpos):
    """A thermal printer on TCP (port 9100 unless `host:port`)."""

    host: str = ""
    port: int = 9100
    timeout: float = 5.0
    status_timeout: float = 0.4

    @property
    def target(self) -> str:
        return f"{self.host}:{self.port}"

    def _device(self) -> Any:
        from escpos.printer import Network

        return Network(self.host, port=self.port, timeout=self.timeout)

    def _status(self, device: Any) -> bytes:
        """Ask for the paper sensor; a printer that doesn't answer in time is taken as fine."""
        sock = device.device
        try:
            sock.settimeout(self.status_timeout)
            sock.sendall(PAPER_STATUS)
            return bytes(sock.recv(1))
        except OSError:
            return b""
        finally:
            sock.settimeout(self.timeout)


@dataclass
class EscposUsbPrinter(_Escpos):
    """A thermal printer on USB, `vid:pid` in hex (e.g. 0416:5011)."""

    vendor: int = 0
    product: int = 0

    @property
    def target(self) -> str:
        return f"{self.vendor:04x}:{self.product:04x}"

    def _device(self) -> Any:
        try:
            importlib.import_module("usb.core")  # pyusb, needed by escpos.printer.Usb
        except ImportError as exc:
            raise PrintError("printing.error.usb_missing") from exc
        from escpos.printer import Usb

        return Usb(self.vendor, self.product)

    def _status(self, device: Any) -> bytes:
        try:
            status = device.paper_status()  # 2 ok, 1 near end, 0 out
        except Exception:
            return b""
        return b"\x72" if status == 0 else b"\x12"


def parse_usb_target(target: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(?:0x)?([0-9a-fA-F]{1,4})\s*:\s*(?:0x)?([0-9a-fA-F]{1,4})\s*", target)
    if not match:
        raise ValueError("write vid:pid in hex, e.g. 0416:5011")
    return int(match.group(1), 16), int(match.group(2), 16)


def parse_net_target(target: str) -> tuple[str, int]:
    host, _, port = (
        target.strip().rpartition(":") if ":" in target else (target.strip(), "", "9100")
    )
    if not host:
        raise ValueError("write host or host:port")
    return host.strip("[]"), int(port)


def printer_from_settings(settings: PrinterSettings) -> Printer:
    """The printer this workstation is configured with (raises PrintError on a bad target)."""
    kind = settings.kind
    font = getattr(settings, "font", None)
    if kind == "pdf":
        folder = getattr(settings, "pdf_folder", None) or settings.target
        return FolderPrinter(
            Path(folder).expanduser() if folder else default_pdf_folder(),
            paper=settings.paper,
            font=font,
        )
    if kind == "cups":
        return CupsPrinter(settings.target or None, paper=settings.paper, font=font)
    if not settings.target:
        raise PrintError("printing.error.no_target", kind=kind)
    try:
        if kind == "escpos-net":
            host, port = parse_net_target(settings.target)
            return EscposNetworkPrinter(paper=settings.paper, host=host, port=port)
        vendor, product = parse_usb_target(settings.target)
        return EscposUsbPrinter(paper=settings.paper, vendor=vendor, product=product)
    except ValueError as exc:
        raise PrintError(
            "printing.error.bad_target", target=settings.target, detail=str(exc)
        ) from exc


def probe_tcp(host: str, port: int, timeout: float = 2.0) -> str | None:
    """None when something accepts connections at host:port, else the reason."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return None
    except OSError as exc:
        return exc.strerror or str(exc)
