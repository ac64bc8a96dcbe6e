"""The two themes of the workstation: dark (default) and light, for bright halls."""

from __future__ import annotations

from textual.theme import Theme

DARK = Theme(
    name="clerk-dark",
    primary="#3A8DDE",
    secondary="#5FA8D3",
    accent="#E0B040",
    warning="#E0A030",
    error="#E05050",
    success="#4CAF7A",
    background="#14181F",
    surface="#1C222B",
    panel="#26303C",
    dark=True,
)

LIGHT = Theme(
    name="clerk-light",
    primary="#1F5FA8",
    secondary="#2F7DB8",
    accent="#B07A00",
    warning="#B86E00",
    error="#C62828",
    success="#2E7D32",
    background="#F4F6F8",
    surface="#FFFFFF",
    panel="#DDE4EC",
    dark=False,
)

BY_SETTING = {"dark": DARK.name, "light": LIGHT.name}
