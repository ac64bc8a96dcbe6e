from __future__ import annotations

import os
import socket
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from clerk.config import PrinterSettings, Settings
from printing.checks import run as run_checks
from printing.documents import as_reprint
from printing.fonts import find_cjk_font
from printing.printers import (
    CupsPrinter,
    EscposNetworkPrinter,
    EscposUsbPrinter,
    FolderPrinter,
    PrintError,
    default_pdf_folder,
    printer_from_settings,
)
from printing.renderers.escpos import render_escpos
from printing.samples import sample


class Listener:
    """A fake network receipt printer on 127.0.0.1: collects what it is sent."""

    def __init__(self, status: bytes | None = None) -> None:
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(4)
        self.port = self.server.getsockname()[1]
        self.status = status
        self.jobs: list[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            chunks: list[bytes] = []
            with conn:
                while True:
                    try:
                        data = conn.recv(65536)
                    except OSError:
                        break
                    if not data:
                        break
                    if self.status is not None and b"\x10\x04\x04" in data:
                        conn.sendall(self.status)
                        data = data.replace(b"\x10\x04\x04", b"")
                    chunks.append(data)
            self.jobs.append(b"".join(chunks))

    def close(self) -> None:
        self.server.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener(status=b"\x12")  # paper present
    yield server
    server.close()


def _wait_for(predicate: Any) -> None:
    import time

    for _ in range(100):
        if predicate():
            return
        time.sleep(0.02)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_network_printer_sends_the_job(listener: Listener) -> None:
    doc = sample("receipt")
    printer = EscposNetworkPrinter(paper="58mm", host="127.0.0.1", port=listener.port)
    result = printer.print(doc)
    assert f"127.0.0.1:{listener.port}" in result.message()
    _wait_for(lambda: listener.jobs)
    assert listener.jobs == [render_escpos(doc, "58mm")]
    assert b"\x1dk" in listener.jobs[0]


def test_silent_printer_still_prints() -> None:
    server = Listener(status=None)  # never answers the status query
    try:
        printer = EscposNetworkPrinter(
            paper="80mm", host="127.0.0.1", port=server.port, status_timeout=0.1
        )
        printer.print(sample("ticket"))
        _wait_for(lambda: server.jobs)
        assert server.jobs and b"A023" in server.jobs[0]
    finally:
        server.close()


def test_out_of_paper_is_a_clear_error() -> None:
    server = Listener(status=b"\x72")  # paper end sensor
    try:
        printer = EscposNetworkPrinter(paper="58mm", host="127.0.0.1", port=server.port)
        with pytest.raises(PrintError) as caught:
            printer.print(sample("receipt"))
        assert caught.value.key == "printing.error.out_of_paper"
        assert "缺纸" in caught.value.message()
        assert "已保存" in caught.value.hint()
        assert caught.value.can_retry
    finally:
        server.close()


def test_offline_printer_then_retry_works() -> None:
    port = free_port()
    printer = EscposNetworkPrinter(paper="58mm", host="127.0.0.1", port=port, timeout=1)
    with pytest.raises(PrintError) as caught:
        printer.print(sample("ticket"))
    assert caught.value.key == "printing.error.offline"
    assert f"127.0.0.1:{port}" in caught.value.message()
    # the printer comes back on the same port: retry sends the same document
    server = socket.socket()
    server.bind(("127.0.0.1", port))
    server.listen(1)
    received: list[bytes] = []

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            chunks = []
            while data := conn.recv(65536):
                chunks.append(data)
            received.append(b"".join(chunks))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        printer.status_timeout = 0.1
        caught.value.retry()
        thread.join(3)
        assert received and b"A023" in received[0]
    finally:
        server.close()


class FlakyDevice:
    """Raises in the middle of the first job, works afterwards."""

    calls = 0

    def __init__(self) -> None:
        self.sent: list[bytes] = []

    def open(self) -> None:
        pass

    def close(self) -> None:
        pass

    def _raw(self, data: bytes) -> None:
        FlakyDevice.calls += 1
        if FlakyDevice.calls == 1:
            self.sent.append(data[:100])
            raise OSError("Broken pipe")
        self.sent.append(data)


def test_printer_raising_mid_job_gives_a_message_and_retry_works(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    devices: list[FlakyDevice] = []

    def make() -> FlakyDevice:
        devices.append(FlakyDevice())
        return devices[-1]

    FlakyDevice.calls = 0
    printer = EscposUsbPrinter(paper="80mm", vendor=0x0416, product=0x5011, check_paper=False)
    monkeypatch.setattr(printer, "_device", make)
    doc = sample("receipt")
    with pytest.raises(PrintError) as caught:
        printer.print(doc)
    assert caught.value.key == "printing.error.mid_job"
    assert "Broken pipe" in caught.value.message() and "0416:5011" in caught.value.message()
    assert "Printing stopped" in caught.value.message("en")
    result = caught.value.retry()
    assert result.message_key == "printing.done.escpos"
    assert devices[-1].sent == [render_escpos(doc, "80mm")]
    # a reprint later is marked 补打
    reprint = as_reprint(doc)
    printer.print(reprint)
    assert "补打".encode("gb18030") in devices[-1].sent[-1]


def test_usb_without_pyusb_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    real = importlib.import_module

    def fake(name: str, *args: Any) -> Any:
        if name == "usb.core":
            raise ImportError("no usb")
        return real(name, *args)

    monkeypatch.setattr(importlib, "import_module", fake)
    printer = EscposUsbPrinter(paper="58mm", vendor=1, product=2)
    with pytest.raises(PrintError) as caught:
        printer.print(sample("ticket"))
    assert "pyusb" in caught.value.message()


def test_folder_printer_writes_pdfs(tmp_path: Path) -> None:
    printer = FolderPrinter(tmp_path / "prints", paper="A5")
    first = printer.print(sample("receipt"))
    assert first.path is not None and first.path.read_bytes().startswith(b"%PDF")
    assert first.path.name.startswith("receipt-3101062026121800427-")
    again = printer.print(sample("receipt"))
    assert again.path != first.path
    reprint = printer.print(as_reprint(sample("receipt")))
    assert reprint.path is not None and "reprint" in reprint.path.name
    assert not list((tmp_path / "prints").glob("*.part"))
    # receipts carry names and masked IDs: only the hall's user reads them
    assert stat.S_IMODE((tmp_path / "prints").stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "prints").iterdir()} == {0o600}


@pytest.mark.skipif(
    os.geteuid() == 0,
    reason="root can write anywhere: run the suite as a non-root user to run this",
)
def test_unwritable_folder_is_a_print_error(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        with pytest.raises(PrintError) as caught:
            FolderPrinter(folder).print(sample("ticket"))
        assert str(folder) in caught.value.message()
    finally:
        folder.chmod(0o755)


def test_folder_error_message(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(PrintError) as caught:
        FolderPrinter(blocker / "sub").print(sample("ticket"))
    assert caught.value.key == "printing.error.folder"
    assert caught.value.can_retry


def _fake_lp(folder: Path, code: int) -> Path:
    script = folder / "lp"
    script.write_text(
        "#!/bin/sh\n"
        f'/bin/cat > "{folder}/job.pdf"\n'
        f'echo "$@" > "{folder}/args"\n'
        + ("echo 'lp: The printer or class does not exist.' >&2\n" if code else "")
        + f"exit {code}\n"
    )
    script.chmod(0o755)
    return script


def test_cups_sends_the_pdf_to_lp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_lp(tmp_path, 0)
    monkeypatch.setenv("PATH", str(tmp_path))
    result = CupsPrinter("hall-a4").print(sample("notice"))
    assert result.message_key == "printing.done.cups"
    assert (tmp_path / "job.pdf").read_bytes().startswith(b"%PDF")
    assert "-d hall-a4" in (tmp_path / "args").read_text()


def test_cups_failure_and_missing_lp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_lp(tmp_path, 1)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(PrintError) as caught:
        CupsPrinter("nope").print(sample("ticket"))
    assert "does not exist" in caught.value.message()
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(PrintError) as missing:
        CupsPrinter().print(sample("ticket"))
    assert "cups-client" in missing.value.message()


def test_printer_from_settings(tmp_path: Path) -> None:
    assert isinstance(printer_from_settings(PrinterSettings()), FolderPrinter)
    folder = printer_from_settings(PrinterSettings(pdf_folder=str(tmp_path)))
    assert isinstance(folder, FolderPrinter) and folder.folder == tmp_path
    net = printer_from_settings(PrinterSettings(kind="escpos-net", target="10.0.0.5", paper="80mm"))
    assert isinstance(net, EscposNetworkPrinter) and net.port == 9100 and net.paper == "80mm"
    usb = printer_from_settings(PrinterSettings(kind="escpos-usb", target="0416:5011"))
    assert isinstance(usb, EscposUsbPrinter) and usb.vendor == 0x0416
    with pytest.raises(PrintError, match=r"printer\.target"):
        printer_from_settings(PrinterSettings(kind="escpos-net"))
    with pytest.raises(PrintError) as bad:
        printer_from_settings(PrinterSettings(kind="escpos-usb", target="printer"))
    assert "vid:pid" in bad.value.message()
    assert default_pdf_folder().name == "prints"


def test_doctor_checks(tmp_path: Path, listener: Listener) -> None:
    results = run_checks(Settings(printer=PrinterSettings(pdf_folder=str(tmp_path / "out"))))
    assert [r.ok for r in results] == [True, True]
    assert str(find_cjk_font().path) in results[0].detail  # type: ignore[union-attr]
    net = run_checks(
        Settings(printer=PrinterSettings(kind="escpos-net", target=f"127.0.0.1:{listener.port}"))
    )
    assert net[1].ok
    down = run_checks(
        Settings(printer=PrinterSettings(kind="escpos-net", target=f"127.0.0.1:{free_port()}"))
    )
    assert not down[1].ok and down[1].fix


def test_doctor_without_a_font_says_how_to_install_one(tmp_path: Path) -> None:
    results = run_checks(Settings(printer=PrinterSettings(font=str(tmp_path / "missing.ttf"))))
    assert not results[0].ok and results[0].required
    assert "fonts-wqy-zenhei" in (results[0].fix or "")
    thermal = run_checks(
        Settings(
            printer=PrinterSettings(
                kind="escpos-net", target="127.0.0.1:1", font=str(tmp_path / "x.ttf")
            )
        )
    )
    assert not thermal[0].ok and not thermal[0].required  # thermal printing needs no PDF font
