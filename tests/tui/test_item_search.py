"""Pilot tests of the ItemSearch widget in a small app that mounts only it."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import Input, OptionList

from clerk.catalog.search import SearchDoc, SearchIndex
from screens.components.item_search import ItemSearch

DOCS = [
    SearchDoc(
        "SCJG-010",
        "食品经营许可（新办）",
        "Food business licence (new)",
        ("食品许可证", "开饭店要办的证", "餐饮许可"),
        department="区市场监督管理局",
        department_short="市场监管",
        department_id="SCJG",
        applicant_types=("法人", "自然人"),
        handling="承诺件",
        promised_value=7,
        promised_unit="工作日",
    ),
    SearchDoc(
        "SCJG-002",
        "食品经营许可（变更）",
        "Food business licence (change)",
        ("改食品许可证", "食品许可变更", "换证"),
        department="区市场监督管理局",
        department_short="市场监管",
        department_id="SCJG",
        applicant_types=("法人",),
        handling="承诺件",
        promised_value=5,
        promised_unit="工作日",
    ),
    SearchDoc(
        "RSJ-003",
        "失业保险金申领",
        "Unemployment insurance benefit claim",
        ("失业金", "领失业金", "失业补助"),
        department="区人力资源和社会保障局",
        department_short="人社",
        department_id="RSJ",
        applicant_types=("自然人",),
        handling="即办件",
        promised_value=0,
        promised_unit="工作日",
    ),
    SearchDoc(
        "YJS-002", "我要开饭店", "Open a restaurant", ("开饭店", "开餐馆", "开餐厅"), kind="theme"
    ),
]


class SearchApp(App[None]):
    def __init__(self, **kw: Any) -> None:
        super().__init__()
        self.index = SearchIndex(DOCS)
        self.kw = kw
        self.selected: list[ItemSearch.Selected] = []

    def compose(self) -> ComposeResult:
        yield ItemSearch(self.index, id="search", **self.kw)

    def on_mount(self) -> None:
        self.query_one(ItemSearch).focus_input()

    def on_item_search_selected(self, message: ItemSearch.Selected) -> None:
        self.selected.append(message)


def shown_codes(widget: ItemSearch) -> list[str]:
    return [h.code for h in widget.hits]


async def test_results_follow_every_keystroke() -> None:
    app = SearchApp()
    async with app.run_test() as pilot:
        widget = app.query_one(ItemSearch)
        assert widget.hits == []
        await pilot.press("s")
        await pilot.pause()
        first = shown_codes(widget)
        assert first
        await pilot.press("h", "i", "y", "e")
        await pilot.pause()
        assert shown_codes(widget)[0] == "RSJ-003"
        options = widget.query_one(OptionList)
        assert options.option_count == len(widget.hits)
        await pilot.press("backspace", "backspace", "backspace", "backspace", "backspace")
        await pilot.pause()
        assert widget.hits == []


async def test_chinese_query_and_highlighted_span() -> None:
    app = SearchApp()
    async with app.run_test() as pilot:
        widget = app.query_one(ItemSearch)
        widget.set_query("经营许可")
        await pilot.pause()
        hit = widget.hits[0]
        assert hit.spans == ((2, 6),)
        prompt = widget.results.get_option_at_index(0).prompt
        plain = prompt.plain
        start = plain.index("食品经营许可")
        styled = [
            (s.start - start, s.end - start)
            for s in prompt.spans
            if s.start >= start and "underline" in str(s.style)
        ]
        assert (2, 6) in styled
        assert "市场监管" in plain and f"承诺件 {hit.doc.promised_value}工作日" in plain


async def test_alias_match_shows_the_alias() -> None:
    app = SearchApp()
    async with app.run_test() as pilot:
        widget = app.query_one(ItemSearch)
        widget.set_query("开饭店要")
        await pilot.pause()
        assert widget.hits[0].code == "SCJG-010"
        plain = widget.results.get_option_at_index(0).prompt.plain
        assert "开饭店要办的证" in plain and "俗称" in plain


async def test_arrows_move_and_enter_posts_selected() -> None:
    app = SearchApp()
    async with app.run_test() as pilot:
        widget = app.query_one(ItemSearch)
        await pilot.press(*"shipin")
        await pilot.pause()
        assert len(widget.hits) >= 2
        assert widget.results.highlighted == 0
        await pilot.press("down")
        assert widget.results.highlighted == 1
        await pilot.press("down", "up")
        assert widget.results.highlighted == 1
        expected = widget.hits[1].code
        await pilot.press("enter")
        await pilot.pause()
        assert [m.code for m in app.selected] == [expected]
        assert app.selected[0].kind == "item"
        assert app.query_one(Input).has_focus  # focus stays in the box


async def test_theme_selection_reports_kind() -> None:
    app = SearchApp()
    async with app.run_test() as pilot:
        await pilot.press(*"kaican")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert [(m.code, m.kind) for m in app.selected] == [("YJS-002", "theme")]


async def test_escape_clears() -> None:
    app = SearchApp()
    async with app.run_test() as pilot:
        widget = app.query_one(ItemSearch)
        await pilot.press(*"spjy")
        await pilot.pause()
        assert widget.hits
        await pilot.press("escape")
        await pilot.pause()
        assert widget.input.value == "" and widget.hits == []


async def test_enter_without_results_posts_nothing() -> None:
    app = SearchApp()
    async with app.run_test() as pilot:
        await pilot.press(*"zzzz", "enter")
        await pilot.pause()
        assert app.selected == []


async def test_applicant_filter_key_and_constructor_filters() -> None:
    app = SearchApp()
    async with app.run_test() as pilot:
        widget = app.query_one(ItemSearch)
        widget.set_query("食品经营")
        await pilot.pause()
        assert set(shown_codes(widget)) == {"SCJG-010", "SCJG-002"}
        await pilot.press("ctrl+t")  # 自然人
        await pilot.pause()
        assert shown_codes(widget) == ["SCJG-010"]
        assert "自然人" in str(widget.query_one("#item-search-status").render())
        await pilot.press("ctrl+t")  # 法人
        await pilot.pause()
        assert set(shown_codes(widget)) == {"SCJG-010", "SCJG-002"}
        await pilot.press("ctrl+t")  # all
        await pilot.pause()
        assert widget.applicant is None

    app = SearchApp(department="RSJ")
    async with app.run_test() as pilot:
        widget = app.query_one(ItemSearch)
        widget.set_query("s")
        await pilot.pause()
        assert shown_codes(widget) == ["RSJ-003"]


async def test_click_selects() -> None:
    app = SearchApp()
    async with app.run_test() as pilot:
        widget = app.query_one(ItemSearch)
        widget.set_query("失业")
        await pilot.pause()
        await pilot.click("#item-search-results")
        await pilot.pause()
        assert [m.code for m in app.selected] == ["RSJ-003"]


def test_bindings_have_catalog_ids() -> None:
    ids = [b.id for b in ItemSearch.BINDINGS]
    assert ids and all(i and i.startswith("catalog_") for i in ids)
