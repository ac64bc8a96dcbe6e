"""PracticeDesk: the scenario's applicant at the counter — who they are, what they say and the
papers they put down (as a clerk would see them: descriptions, never which checklist line a
paper is, nor what is wrong with it)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from clerk import i18n
from services.client_practice import Papers


def _t(key: str, **values: Any) -> str:
    return i18n.t(f"practice.desk.{key}", **values)


def desk_text(papers: Papers) -> Text:
    p = papers.persona
    text = Text()
    who = p.get("name", "")
    if p.get("kind") == "organization":
        text.append(
            _t("organization", name=who, uscc=p.get("uscc", ""), rep=p.get("legal_rep", "")),
            style="bold",
        )
    else:
        text.append(
            _t(
                "person",
                name=who,
                number=p.get("id_number", ""),
                until=p.get("id_valid_until", "") or "—",
            ),
            style="bold",
        )
    text.append("  " + _t("phone", phone=p.get("phone", "")))
    if papers.agent:
        text.append(
            "\n"
            + _t(
                "agent", name=papers.agent.get("name", ""), number=papers.agent.get("id_number", "")
            )
        )
    if p.get("says"):
        text.append("\n" + _t("says", says=p["says"]), style="italic")
    text.append("\n" + _t("documents", count=len(papers.documents)), style="bold")
    for index, document in enumerate(papers.documents, start=1):
        text.append(f"\n {index:>2}. {document}")
    later = papers.promises.get("rongque") or []
    commits = papers.promises.get("gaozhi") or []
    if later:
        text.append("\n" + _t("later", materials="、".join(later)))
    if commits:
        text.append("\n" + _t("commit", materials="、".join(commits)))
    return text


class PracticeDesk(VerticalScroll):
    def __init__(self, papers: Papers, *, id: str | None = None) -> None:
        super().__init__(id=id or "practice-desk")
        self.papers = papers

    def compose(self) -> ComposeResult:
        yield Static(desk_text(self.papers), id="practice-desk-text", markup=False)
