"""PracticeBanner: the full-width 练习模式 / PRACTICE bar every practice screen carries, in the
practice colour (styles/practice.tcss), so practice can never be mistaken for live work."""

from __future__ import annotations

from textual.widgets import Static

from clerk import i18n


class PracticeBanner(Static):
    def __init__(self, title: str = "", difficulty: str = "", *, id: str | None = None) -> None:
        super().__init__("", id=id or "practice-banner", classes="practice-banner", markup=False)
        self.show(title, difficulty)

    def show(self, title: str = "", difficulty: str = "") -> None:
        text = i18n.t("practice.banner")
        if title:
            level = i18n.t(f"practice.difficulty.{difficulty}") if difficulty else ""
            text = (
                i18n.t("practice.banner_scenario", title=title, difficulty=level) + "  ·  " + (text)
            )
        self.update(f"▌{text}▐")
