from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from printing.fonts import find_cjk_font


def pdf_text(data: bytes) -> str:
    """The text pypdf extracts — what a search or a copy out of the PDF gets."""
    pages = PdfReader(io.BytesIO(data)).pages
    return "\n".join(page.extract_text() or "" for page in pages)


def poppler_text(data: bytes) -> str:
    """The text poppler (most viewers) extracts, as a second opinion."""
    assert shutil.which("pdftotext"), "pdftotext missing: apt-get install poppler-utils"
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def squash(text: str) -> str:
    """Text without any whitespace: PDF wrapping puts line breaks inside long names."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="session", autouse=True)
def _needs_cjk_font() -> None:
    if find_cjk_font() is None:
        pytest.fail("no CJK font: run scripts/sysdeps.sh (apt-get install fonts-wqy-zenhei)")
