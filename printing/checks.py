"""`clerk doctor` checks for printing: a CJK font for PDFs, and the configured printer."""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clerk.doctor import CheckResult
from clerk.i18n import t
from printing.fonts import find_cjk_font

if TYPE_CHECKING:
    from clerk.config import Settings

__all__ = ["check_font", "check_printer", "run"]


def check_font(override: str | None = None) -> CheckResult:
    choice = find_cjk_font(override)
    if choice is None:
        return CheckResult(
            t("printing.check.font"),
            False,
            t("printing.check.font_missing"),
            fix=t("printing.check.font_fix"),
        )
    return CheckResult(
        t("printing.check.font"), True, t("printing.check.font_ok", path=choice.describe())
    )


def _folder_writable(folder: Path) -> str | None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".clerk-check-"):
            pass
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def check_printer(settings: Settings) -> CheckResult:
    from printing.printers import (
        FolderPrinter,
        PrintError,
        default_pdf_folder,
        parse_net_target,
        parse_usb_target,
        printer_from_settings,
        probe_tcp,
    )

    cfg = settings.printer
    name = t("printing.check.printer", kind=cfg.kind)
    target = cfg.target or ""
    if cfg.kind == "pdf":
        try:
            printer = printer_from_settings(cfg)
        except PrintError as exc:
            return CheckResult(name, False, exc.message(), fix=t("printing.check.folder_fix"))
        folder = printer.folder if isinstance(printer, FolderPrinter) else default_pdf_folder()
        problem = _folder_writable(folder)
        if problem:
            return CheckResult(
                name,
                False,
                t("printing.check.folder_fail", path=str(folder), detail=problem),
                fix=t("printing.check.folder_fix"),
            )
        return CheckResult(name, True, t("printing.check.folder_ok", path=str(folder)))
    if cfg.kind == "cups":
        shown = target or "default"
        lpstat = shutil.which("lpstat")
        if not shutil.which("lp") or not lpstat:
            return CheckResult(
                name, False, t("printing.error.lp_missing"), fix=t("printing.check.lp_fix")
            )
        args = [lpstat, "-p", target] if target else [lpstat, "-d"]
        try:
            done = subprocess.run(args, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.SubprocessError) as exc:
            return CheckResult(
                name,
                False,
                t("printing.check.lp_fail", target=shown, detail=str(exc)),
                fix=t("printing.check.lp_fix"),
            )
        if done.returncode != 0 or "disabled" in done.stdout:
            detail = (done.stderr or done.stdout).strip() or f"exit {done.returncode}"
            return CheckResult(
                name,
                False,
                t("printing.check.lp_fail", target=shown, detail=detail),
                fix=t("printing.check.lp_fix"),
            )
        return CheckResult(name, True, t("printing.check.lp_ok", target=shown))
    if cfg.kind == "escpos-net":
        try:
            host, port = parse_net_target(target)
        except ValueError as exc:
            return CheckResult(
                name,
                False,
                t("printing.check.net_fail", target=target, detail=str(exc)),
                fix=t("printing.check.net_fix"),
            )
        problem = probe_tcp(host, port)
        if problem:
            return CheckResult(
                name,
                False,
                t("printing.check.net_fail", target=f"{host}:{port}", detail=problem),
                fix=t("printing.check.net_fix"),
            )
        return CheckResult(name, True, t("printing.check.net_ok", target=f"{host}:{port}"))
    # escpos-usb
    try:
        vendor, product = parse_usb_target(target)
    except ValueError as exc:
        return CheckResult(
            name,
            False,
            t("printing.check.usb_fail", target=target, detail=str(exc)),
            fix=t("printing.check.usb_fix"),
        )
    try:
        usb_core: Any = importlib.import_module("usb.core")
    except ImportError:
        return CheckResult(
            name, False, t("printing.error.usb_missing"), fix=t("printing.check.usb_fix")
        )
    try:
        found = usb_core.find(idVendor=vendor, idProduct=product)
    except Exception as exc:
        found, detail = None, str(exc)
    else:
        detail = "not found"
    if found is None:
        return CheckResult(
            name,
            False,
            t("printing.check.usb_fail", target=target, detail=detail),
            fix=t("printing.check.usb_fix"),
        )
    return CheckResult(name, True, t("printing.check.usb_ok", target=target))


def run(settings: Settings) -> list[CheckResult]:
    """Font first (PDFs need it whatever the printer), then the configured printer."""
    font_needed = settings.printer.kind in ("pdf", "cups")
    font = check_font(
        getattr(settings.printer, "font", None) or os.environ.get("CLERK_PRINTER__FONT")
    )
    if not font_needed and not font.ok:
        font = CheckResult(font.name, False, font.detail, fix=font.fix, required=False)
    return [font, check_printer(settings)]
