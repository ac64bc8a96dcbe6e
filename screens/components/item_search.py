"""ItemSearch: a search box with live results for items and themes (事项检索框).

Type anything a clerk or an applicant would say — a code, part of the name, an alias, pinyin,
initials, English — and the list below updates on every keystroke, the matched characters
highlighted. ↑/↓ (PgUp/PgDn) move, Enter posts `ItemSearch.Selected(code, kind)`, Esc clears,
Ctrl+T cycles the applicant filter (全部 → 自然人 → 法人).

Self-contained: it takes a `SearchIndex` and nothing else, so the intake screen can mount it
as it is. Styles live in styles/item_search.tcss (loaded as this widget's default CSS).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from clerk import i18n
from clerk.cases import is_valid_case_number, normalize_case_number
from clerk.catalog.search import CODE, NAME, Hit, Kind, SearchIndex
from screens.base import localize_bindings
from screens.components.steady_text import show
from screens.keymap import KeyAction, register

_TCSS = Path(__file__).resolve().parent.parent / "styles" / "item_search.tcss"

DOWN = KeyAction("catalog_search.down", "down", "cursor_down", "search.keys.down", show=False)
UP = KeyAction("catalog_search.up", "up", "cursor_up", "search.keys.up", show=False)
PAGE_DOWN = KeyAction(
    "catalog_search.page_down", "pagedown", "page_down", "search.keys.page_down", show=False
)
PAGE_UP = KeyAction(
    "catalog_search.page_up", "pageup", "page_up", "search.keys.page_up", show=False
)
SELECT = KeyAction("catalog_search.select", "enter", "select", "search.keys.select")
CLEAR = KeyAction("catalog_search.clear", "escape", "clear", "search.keys.clear")
APPLICANT = KeyAction(
    "catalog_search.applicant", "ctrl+t", "cycle_applicant", "search.keys.applicant"
)
SEARCH_KEYS = (DOWN, UP, PAGE_DOWN, PAGE_UP, SELECT, CLEAR, APPLICANT)

APPLICANT_CYCLE: tuple[str | None, ...] = (None, "自然人", "法人")


def case_number_in(text: str) -> str | None:
    """The case number `text` is (a receipt's or notice's barcode, or typed), else None."""
    value = normalize_case_number(text)
    return value if is_valid_case_number(value) else None


class ItemSearch(Vertical):
    """An Input with a live results list. Post `Selected` on Enter or click."""

    DEFAULT_CSS = _TCSS.read_text("utf-8")
    BINDINGS: ClassVar = register(*SEARCH_KEYS)
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "item-search--match",
        "item-search--code",
        "item-search--meta",
        "item-search--via",
        "item-search--theme",
    }

    @dataclass
    class Selected(Message):
        """The clerk chose a result."""

        item_search: ItemSearch
        code: str
        kind: Kind
        hit: Hit

        @property
        def control(self) -> ItemSearch:
            return self.item_search

    @dataclass
    class Changed(Message):
        """The results changed (after a keystroke or a filter change)."""

        item_search: ItemSearch
        query: str
        count: int

        @property
        def control(self) -> ItemSearch:
            return self.item_search

    @dataclass
    class CaseNumber(Message):
        """A case number (valid check digit) was scanned or typed and Enter pressed — e.g. the
        一次性告知书's barcode on the applicant's second visit. Not a search: no item is chosen."""

        item_search: ItemSearch
        number: str

        @property
        def control(self) -> ItemSearch:
            return self.item_search

    def __init__(
        self,
        index: SearchIndex,
        *,
        limit: int = 30,
        department: str | None = None,
        applicant: str | None = None,
        kind: Kind | None = None,
        placeholder: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        localize_bindings(self)
        self.index = index
        self.limit = limit
        self.department = department
        self.applicant = applicant
        self.kind: Kind | None = kind
        self._placeholder = placeholder
        self.hits: list[Hit] = []

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder=self._placeholder or i18n.t("search.placeholder"),
            id="item-search-input",
            select_on_focus=False,
        )
        yield Static("", id="item-search-status", markup=False)
        results = OptionList(id="item-search-results")
        results.can_focus = False
        yield results

    def on_mount(self) -> None:
        self._show_status()

    # ------------------------------------------------------------------ public API

    @property
    def input(self) -> Input:
        return self.query_one("#item-search-input", Input)

    @property
    def results(self) -> OptionList:
        return self.query_one("#item-search-results", OptionList)

    @property
    def highlighted(self) -> Hit | None:
        index = self.results.highlighted
        if index is None or not 0 <= index < len(self.hits):
            return None
        return self.hits[index]

    def set_filters(
        self,
        *,
        department: str | None = None,
        applicant: str | None = None,
        kind: Kind | None = None,
    ) -> None:
        self.department, self.applicant, self.kind = department, applicant, kind
        self.refresh_results()

    def focus_input(self) -> None:
        self.input.focus()

    def set_query(self, text: str) -> None:
        self.input.value = text  # Input.Changed follows and refreshes the results

    def refresh_results(self) -> None:
        text = self.input.value
        self.hits = self.index.search(
            text,
            self.limit,
            department=self.department,
            applicant=self.applicant,
            kind=self.kind,
        )
        results = self.results
        results.clear_options()
        results.add_options(
            [Option(self.render_hit(hit), id=f"hit-{i}") for i, hit in enumerate(self.hits)]
        )
        if self.hits:
            results.highlighted = 0
        self._show_status()
        self.post_message(self.Changed(self, text, len(self.hits)))

    def render_hit(self, hit: Hit) -> Text:
        """One result: code, name with the matched characters highlighted, department,
        即办/承诺 and promised days; a second line says how it matched when not by name."""
        match = self._style("item-search--match")
        code_style = self._style("item-search--code")
        meta = self._style("item-search--meta")
        via_style = self._style("item-search--via")
        line = Text(no_wrap=True, overflow="ellipsis")
        code_text = Text(f"{hit.code:<10}", style=code_style)
        if hit.field == CODE and hit.text_spans:
            for start, end in hit.text_spans:
                code_text.stylize(match, start, end)
        line.append_text(code_text)
        line.append(" ")
        name = Text(hit.name)
        for start, end in hit.spans:
            name.stylize(match, start, end)
        line.append_text(name)
        doc = hit.doc
        if doc.kind == "theme":
            line.append(f"  [{i18n.t('search.theme')}]", style=self._style("item-search--theme"))
        else:
            dept = doc.department_short or doc.department
            timing = doc.handling
            if doc.promised_value:
                timing = i18n.t(
                    "search.promised",
                    handling=doc.handling,
                    days=doc.promised_value,
                    unit=doc.promised_unit,
                )
            line.append(f"  {dept}  {timing}".rstrip(), style=meta)
        if hit.field not in (NAME, CODE) and hit.matched_text:
            label = i18n.t(f"search.field.{hit.field}")
            line.append(f"  ← {label}：", style=via_style)
            shown = Text(hit.matched_text, style=via_style)
            for start, end in hit.text_spans:
                shown.stylize(match, start, end)
            line.append_text(shown)
        elif hit.field not in (NAME, CODE):
            line.append(f"  ← {i18n.t(f'search.field.{hit.field}')}", style=via_style)
        if hit.guided:
            line.append("  " + i18n.t("search.guide", question=hit.guide), style=via_style)
        return line

    def _style(self, component: str) -> Style:
        try:
            return self.get_component_rich_style(component, partial=True)
        except Exception:  # not mounted yet (rendering outside an app)
            return Style(bold=True) if component == "item-search--match" else Style()

    def _show_status(self) -> None:
        parts = []
        if self.input.value.strip():
            parts.append(i18n.t("search.count", count=len(self.hits)))
        if self.applicant:
            parts.append(i18n.t("search.filter_applicant", applicant=self.applicant))
        if self.department:
            parts.append(i18n.t("search.filter_department", department=self.department))
        show(self.query_one("#item-search-status", Static), "  ".join(parts))

    # ------------------------------------------------------------------ events and actions

    @on(Input.Changed, "#item-search-input")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self.refresh_results()

    @on(Input.Submitted, "#item-search-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_select()

    @on(OptionList.OptionSelected, "#item-search-results")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.results.highlighted = event.option_index
        self.action_select()

    def action_cursor_down(self) -> None:
        self.results.action_cursor_down()

    def action_cursor_up(self) -> None:
        self.results.action_cursor_up()

    def action_page_down(self) -> None:
        # textual 8.2.8 leaves OptionList.action_page_down unannotated (a gap in its own types)
        self.results.action_page_down()  # type: ignore[no-untyped-call]

    def action_page_up(self) -> None:
        # textual 8.2.8 leaves OptionList.action_page_up unannotated (a gap in its own types)
        self.results.action_page_up()  # type: ignore[no-untyped-call]

    def action_select(self) -> None:
        number = case_number_in(self.input.value)
        if number is not None:
            self.post_message(self.CaseNumber(self, number))
            return
        hit = self.highlighted
        if hit is not None:
            self.post_message(self.Selected(self, hit.code, hit.kind, hit))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # nothing to clear: let Esc reach the screen (e.g. to close it)
        return not (action == "clear" and not self.input.value)

    def action_clear(self) -> None:
        self.input.value = ""
        self.refresh_results()

    def action_cycle_applicant(self) -> None:
        position = APPLICANT_CYCLE.index(self.applicant) if self.applicant in APPLICANT_CYCLE else 0
        self.applicant = APPLICANT_CYCLE[(position + 1) % len(APPLICANT_CYCLE)]
        self.refresh_results()
