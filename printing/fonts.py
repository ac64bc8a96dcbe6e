"""Find a CJK font for PDFs at run time.

Order: an explicit path (``printer.font`` in the config, or CLERK_PRINTER__FONT), the usual
system locations (WenQuanYi, then Noto CJK, Droid Sans Fallback, the Windows and macOS fonts),
then whatever ``fc-list :lang=zh`` knows.

WenQuanYi comes first because its outlines are TrueType: fpdf2 embeds it as a CID TrueType
font with the standard Identity-H encoding, which every text extractor reads (pypdf included).
Noto CJK's outlines are CFF; fpdf2 embeds those with a custom encoding that pypdf 7 decodes one
byte at a time, so the text of such a PDF cannot be searched or copied reliably. For a .ttc collection the
Simplified-Chinese face ("… SC") is chosen, so 骨 and 直 have the mainland shapes.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

__all__ = ["INSTALL_HINT", "FontChoice", "find_cjk_font"]

INSTALL_HINT = "apt-get install fonts-wqy-zenhei"

# (regular, bold or None)
CANDIDATES: tuple[tuple[str, str | None], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", None),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", None),
    ("/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc", None),
    ("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc", None),
    (
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    ),
    (
        "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc",
    ),
    (
        "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Bold.ttc",
    ),
    (
        "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
        "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
    ),
    # Droid Sans Fallback has no Latin digits: case numbers would vanish. Last resort only.
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", None),
    ("C:/Windows/Fonts/simhei.ttf", None),
    ("C:/Windows/Fonts/simsun.ttc", None),
    ("/Library/Fonts/Arial Unicode.ttf", None),
)


@dataclass(frozen=True)
class FontChoice:
    path: Path
    index: int = 0
    bold_path: Path | None = None
    bold_index: int = 0

    def describe(self) -> str:
        return f"{self.path}" + (f" #{self.index}" if self.path.suffix.lower() == ".ttc" else "")


def collection_index(path: Path) -> int:
    """Index of the Simplified-Chinese face in a .ttc (0 when unknown or not a collection)."""
    if path.suffix.lower() != ".ttc":
        return 0
    try:
        # fontTools (fpdf2's dependency) ships no type information and no stub package exists
        from fontTools.ttLib import TTCollection  # type: ignore[import-untyped]

        collection = TTCollection(str(path), lazy=True)
        names = [str(font["name"].getDebugName(4) or "") for font in collection.fonts]
    except Exception:
        return 0
    for preferred in (" SC", " CN", "GB", "Hei", "Sans"):
        for index, name in enumerate(names):
            if preferred in name and "Mono" not in name:
                return index
    return 0


def _choice(regular: Path, bold: Path | None) -> FontChoice:
    bold = bold if bold and bold.exists() else None
    return FontChoice(
        path=regular,
        index=collection_index(regular),
        bold_path=bold,
        bold_index=collection_index(bold) if bold else 0,
    )


def _fc_list() -> list[Path]:
    exe = shutil.which("fc-list")
    if not exe:
        return []
    try:
        out = subprocess.run([exe, ":lang=zh", "file"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return []
    paths = [Path(line.split(":")[0].strip()) for line in out.stdout.splitlines() if line.strip()]
    return sorted(
        (p for p in paths if p.suffix.lower() in (".ttf", ".otf", ".ttc")),
        key=lambda p: (("Bold" in p.name) or ("Mono" in p.name), "Serif" in p.name, str(p)),
    )


@cache
def find_cjk_font(override: str | None = None) -> FontChoice | None:
    """The font to embed, or None (then `clerk doctor` tells how to install one)."""
    if override:
        path = Path(override).expanduser()
        return _choice(path, None) if path.is_file() else None
    for regular, bold in CANDIDATES:
        path = Path(regular)
        if path.is_file():
            return _choice(path, Path(bold) if bold else None)
    for path in _fc_list():
        if path.is_file():
            return _choice(path, None)
    return None
