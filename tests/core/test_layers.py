"""The headless core must stay headless: importing it may not load Textual, FastAPI or SQL."""

import subprocess
import sys

CORE_MODULES = ["clerk", "clerk.config", "clerk.i18n", "clerk.logs", "clerk.paths"]
HEAVY = ["textual", "fastapi", "sqlalchemy", "httpx", "uvicorn", "starlette"]


def test_core_import_loads_no_ui_or_server_library() -> None:
    import pkgutil

    import clerk

    modules = list(CORE_MODULES)
    for info in pkgutil.walk_packages(clerk.__path__, "clerk."):
        if not info.name.startswith("clerk.cli"):
            modules.append(info.name)
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        f"print(','.join(h for h in {HEAVY!r} if h in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"core imported {out.stdout.strip()}"
