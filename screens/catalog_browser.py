"""CatalogBrowserScreen: browse the catalog by department and by theme, search it, and read an
item's full detail — so a clerk can answer "办这个要带什么？" without asking a colleague.

    CatalogBrowserScreen(catalog, index)

Left: a tree (departments → items; 一件事 themes). Top: the ItemSearch box; choosing a result
jumps to that item or theme. Right: the detail — conditions, situations, materials (form ×
count, medium, required / conditional with the condition in words, 容缺 / 告知承诺, e-license,
acceptance standard), time limits, 即办件/承诺件, fee, legal basis, refusal reasons, aliases; for
a theme its questions, members and the merged material list.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode

from clerk import i18n
from clerk.catalog.model import (
    Answer,
    Catalog,
    Condition,
    Item,
    Material,
    QuestionType,
    Range,
    Situation,
    Theme,
)
from clerk.catalog.search import SearchIndex
from clerk.figures import figures
from screens.base import ClerkScreen
from screens.components.item_search import ItemSearch
from screens.components.steady_footer import SteadyFooter
from screens.keymap import KeyAction, register

FOCUS_SEARCH = KeyAction(
    "catalog_browser.search", "ctrl+f", "focus_search", "search.browser.keys.search"
)
FOCUS_DEPARTMENTS = KeyAction(
    "catalog_browser.departments", "f3", "focus_departments", "search.browser.keys.departments"
)
FOCUS_THEMES = KeyAction(
    "catalog_browser.themes", "f4", "focus_themes", "search.browser.keys.themes"
)
FOCUS_DETAIL = KeyAction(
    "catalog_browser.detail", "f6", "focus_detail", "search.browser.keys.detail"
)
CLOSE = KeyAction("catalog_browser.close", "escape", "close", "search.browser.keys.close")
BROWSER_KEYS = (FOCUS_SEARCH, FOCUS_DEPARTMENTS, FOCUS_THEMES, FOCUS_DETAIL, CLOSE)

NodeData = tuple[str, str]  # ("dept" | "item" | "theme" | "root", code)


def _t(key: str, **values: Any) -> str:
    return i18n.t(f"search.browser.{key}", **values)


def _enum(value: object) -> str:
    from enum import StrEnum

    if isinstance(value, StrEnum):
        from clerk.checklist import enum_label

        return enum_label(value)
    return str(value)


class CatalogBrowserScreen(ClerkScreen):
    CSS_PATH = "styles/catalog_browser.tcss"
    BINDINGS: ClassVar = register(*BROWSER_KEYS)

    def __init__(self, catalog: Catalog, index: SearchIndex) -> None:
        super().__init__(id="catalog-browser")
        self.catalog = catalog
        self.index = index
        self.shown: str | None = None  # code of the item or theme in the detail view
        self._tree_nodes: dict[str, TreeNode[NodeData]] = {}

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="browser-title", markup=False)
        yield ItemSearch(self.index, id="browser-search", limit=20)
        with Horizontal(id="browser-body"):
            yield self._tree()
            with VerticalScroll(id="browser-detail"):
                yield Static(_t("pick"), id="browser-detail-body", markup=False)
        yield SteadyFooter()

    def _title(self) -> str:
        info = self.catalog.info
        title = _t(
            "title",
            name=info.name,
            items=len(self.catalog.items),
            departments=len(self.catalog.departments),
            themes=len(self.catalog.themes),
        )
        return f"{title}  [{_t('demo')}]" if self.catalog.is_demo else title

    def _tree(self) -> Tree[NodeData]:
        tree: Tree[NodeData] = Tree(_t("root"), data=("root", ""), id="browser-tree")
        tree.show_root = False
        tree.guide_depth = 2
        depts = tree.root.add(_t("by_department"), data=("root", "departments"), expand=True)
        self._tree_nodes["#departments"] = depts
        for dept in self.catalog.departments:
            items = self.catalog.items_of(dept.id)
            node = depts.add(f"{dept.short or dept.name}（{len(items)}）", data=("dept", dept.id))
            self._tree_nodes[f"#dept:{dept.id}"] = node
            for item in items:
                self._tree_nodes[item.code] = node.add_leaf(
                    f"{item.code}  {item.name}", data=("item", item.code)
                )
        themes = tree.root.add(
            _t("by_theme", count=len(self.catalog.themes)), data=("root", "themes"), expand=True
        )
        self._tree_nodes["#themes"] = themes
        for theme in self.catalog.themes:
            self._tree_nodes[theme.code] = themes.add_leaf(
                f"{theme.code}  {theme.name}", data=("theme", theme.code)
            )
        return tree

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(ItemSearch).focus_input()

    @property
    def nav_tree(self) -> Tree[NodeData]:
        return self.query_one("#browser-tree", Tree)

    # ------------------------------------------------------------------ navigation

    @on(Tree.NodeHighlighted, "#browser-tree")
    def _highlighted(self, event: Tree.NodeHighlighted[NodeData]) -> None:
        data = event.node.data
        if data and data[0] in ("item", "theme"):
            self.show(data[1])

    @on(Tree.NodeSelected, "#browser-tree")
    def _selected(self, event: Tree.NodeSelected[NodeData]) -> None:
        data = event.node.data
        if data and data[0] in ("item", "theme"):
            self.show(data[1])

    @on(ItemSearch.Selected, "#browser-search")
    def _searched(self, event: ItemSearch.Selected) -> None:
        self.jump_to(event.code)

    def jump_to(self, code: str) -> None:
        """Show `code` and move the tree's cursor to it."""
        node = self._tree_nodes.get(code)
        if node is not None:
            parent = node.parent
            while parent is not None:
                parent.expand()
                parent = parent.parent
            self._move_cursor(node)
        self.show(code)

    def show(self, code: str) -> None:
        entry = self.catalog.get(code)
        if entry is None:
            return
        self.shown = code
        body = self.query_one("#browser-detail-body", Static)
        body.update(
            self.theme_detail(entry) if isinstance(entry, Theme) else self.item_detail(entry)
        )
        self.query_one("#browser-detail", VerticalScroll).scroll_home(animate=False)

    # ------------------------------------------------------------------ actions

    def action_focus_search(self) -> None:
        self.query_one(ItemSearch).focus_input()

    def action_focus_departments(self) -> None:
        self._focus_tree_at("#departments")

    def action_focus_themes(self) -> None:
        self._focus_tree_at("#themes")

    def _focus_tree_at(self, key: str) -> None:
        tree = self.nav_tree
        node = self._tree_nodes[key]
        node.expand()
        tree.focus()
        self._move_cursor(node)

    def _move_cursor(self, node: TreeNode[NodeData]) -> None:
        tree = self.nav_tree
        _ = tree.last_line  # rebuild the lines of just-expanded branches so the node has one
        tree.move_cursor(node, animate=False)

    def action_focus_detail(self) -> None:
        self.query_one("#browser-detail", VerticalScroll).focus()

    def action_close(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    # ------------------------------------------------------------------ item detail

    def item_detail(self, item: Item) -> RenderableType:
        dept = self.catalog.department(item.department)
        scope = self._scope(item)
        parts: list[RenderableType] = []
        head = Text(f"{item.code}  {item.name}", style="bold")
        if item.name_en:
            head.append(f"  {item.name_en}", style="dim")
        parts.append(head)

        facts = Table.grid(padding=(0, 2))
        facts.add_column(style="bold", no_wrap=True)
        facts.add_column()
        handling = _enum(item.handling)
        facts.add_row(_t("department"), dept.name if dept else item.department)
        facts.add_row(_t("type"), _enum(item.type))
        facts.add_row(_t("applicants"), "、".join(_enum(a) for a in item.applicant_types))
        facts.add_row(_t("handling"), Text(handling, style="bold"))
        facts.add_row(_t("legal_limit"), self._limit(item.legal_limit.value, item.legal_limit.unit))
        facts.add_row(
            _t("promised_limit"),
            _t("immediate")
            if item.promised_limit.value == 0
            else self._limit(item.promised_limit.value, item.promised_limit.unit),
        )
        facts.add_row(_t("fee"), item.fee.text)
        facts.add_row(_t("channels"), "、".join(_enum(c) for c in item.channels) or "—")
        facts.add_row(_t("result"), item.result or "—")
        facts.add_row(_t("aliases"), "、".join(item.aliases) or "—")
        themes = self.catalog.themes_with(item.code)
        if themes:
            facts.add_row(_t("themes"), "、".join(f"{t.code} {t.name}" for t in themes))
        parts.append(facts)

        if item.conditions:
            parts.append(self._heading("conditions"))
            parts.append(self._numbered(item.conditions))
        if item.situations:
            parts.append(self._heading("situations"))
            parts.append(self._situations(item.situations, scope))
        parts.append(self._heading("materials", count=len(item.materials)))
        parts.append(self._materials(item.materials, scope))
        if item.legal_basis:
            parts.append(self._heading("legal_basis"))
            parts.append(self._numbered(item.legal_basis))
        parts.append(self._heading("refusal"))
        refusals = Table.grid(padding=(0, 1))
        refusals.add_column(no_wrap=True, style="bold")
        refusals.add_column()
        for refusal in item.refusal_reasons:
            text = Text(refusal.text)
            if refusal.legal_basis:
                text.append(f"（{_t('basis')}：{refusal.legal_basis}）", style="dim")
            refusals.add_row(refusal.id, text)
        parts.append(refusals)
        for rule in item.refuse_when:
            reason = item.refusal_reason(rule.reason)
            parts.append(
                Text(
                    _t(
                        "refuse_when",
                        condition=self.condition_words(rule.when, scope),
                        reason=reason.text if reason else rule.reason,
                    ),
                    style="dim",
                )
            )
        return Group(*parts)

    def _scope(self, item: Item) -> dict[str, Situation]:
        scope: dict[str, Situation] = {}
        for theme in self.catalog.themes_with(item.code):
            scope.update((q.id, q) for q in theme.questions)
        scope.update((s.id, s) for s in item.situations)
        return scope

    def _limit(self, value: int, unit: object) -> str:
        return _t("limit", value=value, unit=_enum(unit))

    def _heading(self, key: str, **values: object) -> Text:
        return Text("\n" + _t(f"section.{key}", **values), style="bold underline")

    def _numbered(self, lines: tuple[str, ...]) -> Text:
        return Text("\n".join(f"{i}. {line}" for i, line in enumerate(lines, 1)))

    def _situations(self, situations: tuple[Situation, ...], scope: dict[str, Situation]) -> Table:
        table = Table.grid(padding=(0, 1))
        table.add_column(no_wrap=True)
        table.add_column()
        for situation in situations:
            text = Text(situation.question)
            if situation.options:
                text.append("  " + " / ".join(o.label for o in situation.options), style="dim")
            elif situation.type is QuestionType.BOOL:
                text.append("  " + _t("yes_no"), style="dim")
            if situation.default is not None:
                text.append(
                    "  " + _t("default", value=situation.label_of(situation.default)), style="dim"
                )
            if situation.when is not None:
                text.append(
                    "  " + _t("asked_when", condition=self.condition_words(situation.when, scope)),
                    style="dim italic",
                )
            table.add_row("·", text)
        return table

    def _materials(self, materials: tuple[Material, ...], scope: dict[str, Situation]) -> Table:
        table = Table(expand=True, show_lines=False, pad_edge=False, box=None)
        table.add_column("#", no_wrap=True, style="dim")
        table.add_column(_t("col.name"), ratio=4, overflow="fold")
        table.add_column(_t("col.form"), no_wrap=True)
        table.add_column(_t("col.medium"), no_wrap=True)
        table.add_column(_t("col.need"), ratio=3, overflow="fold")
        table.add_column(_t("col.flags"), no_wrap=True)
        for number, material in enumerate(materials, 1):
            name = Text(material.name, style="bold")
            details = []
            if material.standard:
                details.append(_t("standard", text=material.standard))
            if material.source:
                details.append(_enum(material.source))
            if material.note:
                details.append(material.note)
            if material.blank_form:
                details.append(_t("blank_form", name=material.blank_form))
            if details:
                name.append("\n" + "\n".join(details), style="dim")
            table.add_row(
                str(number),
                name,
                _t("form_count", form=_enum(material.form), count=material.count),
                _enum(material.medium),
                self.need_words(material, scope),
                self._flags(material),
            )
        return table

    def need_words(self, material: Material, scope: dict[str, Situation]) -> Text:
        if material.when is not None:
            key = "required_when" if material.required else "optional_when"
            return Text(
                _t(key, condition=self.condition_words(material.when, scope)),
                style="yellow" if material.required else "dim",
            )
        return Text(_t("required") if material.required else _t("optional"))

    def _flags(self, material: Material) -> Text:
        flags = []
        if material.rongque:
            flags.append(_t("rongque"))
        if material.gaozhi:
            flags.append(_t("gaozhi"))
        if material.elicense:
            flags.append(_t("elicense", kind=material.elicense))
        return Text("\n".join(flags) or "—", style="green" if flags else "dim")

    def condition_words(self, condition: Condition, scope: dict[str, Situation]) -> str:
        """ "是否委托他人代为办理？为「是」且 经营场所面积 ≥ 150" """
        parts = []
        for key, clause in condition.clauses:
            situation = scope.get(key)
            question = situation.question.rstrip("？?") if situation else key
            if isinstance(clause, Range):
                bounds = []
                if clause.min is not None:
                    bounds.append(f"≥ {_num(clause.min)}")
                if clause.max is not None:
                    bounds.append(f"≤ {_num(clause.max)}")
                parts.append(f"{question} {_t('and').join(bounds)}")
            else:
                labels = [self._answer_label(situation, v) for v in clause.values]
                parts.append(_t("is_one_of", question=question, answers="、".join(labels)))
        return _t("and").join(parts)

    @staticmethod
    def _answer_label(situation: Situation | None, value: Answer) -> str:
        if situation is None:
            if isinstance(value, bool):
                return i18n.t("search.browser.yes") if value else i18n.t("search.browser.no")
            return str(value)
        return situation.label_of(value)

    # ------------------------------------------------------------------ theme detail

    def theme_detail(self, theme: Theme) -> RenderableType:
        from clerk import checklist

        scope: dict[str, Situation] = {}
        for member in theme.members:
            scope.update((s.id, s) for s in member.item.situations)
        scope.update((q.id, q) for q in theme.questions)
        parts: list[RenderableType] = []
        head = Text(f"{theme.code}  {theme.name}", style="bold")
        if theme.name_en:
            head.append(f"  {theme.name_en}", style="dim")
        parts.append(head)
        if theme.description:
            parts.append(Text(theme.description))
        if theme.aliases:
            parts.append(Text(f"{_t('aliases')}：" + "、".join(theme.aliases), style="dim"))

        if theme.questions:
            parts.append(self._heading("questions"))
            parts.append(self._situations(theme.questions, scope))

        parts.append(self._heading("members", count=len(theme.members)))
        members = Table.grid(padding=(0, 2))
        members.add_column(no_wrap=True)
        members.add_column()
        members.add_column()
        for member in theme.members:
            item = member.item
            when = (
                _t("member_when", condition=self.condition_words(member.when, scope))
                if member.when is not None
                else _t("member_always")
            )
            members.add_row(item.code, item.name, Text(when, style="dim"))
        parts.append(members)

        answers: dict[str, Answer] = {}
        try:
            merged = checklist.merged_materials(theme, answers)
            typical = figures(theme, answers)
        except Exception as exc:  # a checklist bug must not hide the rest of the detail
            parts.append(Text(str(exc), style="red"))
            return Group(*parts)
        parts.append(
            self._heading(
                "merged",
                after=len(merged),
                before=typical.materials_before,
                bring=typical.materials_to_bring,
            )
        )
        table = Table(expand=True, box=None, pad_edge=False)
        table.add_column("#", no_wrap=True, style="dim")
        table.add_column(_t("col.name"), ratio=3, overflow="fold")
        table.add_column(_t("col.requirement"), ratio=4, overflow="fold")
        table.add_column(_t("col.items"), ratio=2, overflow="fold")
        table.add_column(_t("col.flags"), no_wrap=True)
        for number, material in enumerate(merged, 1):
            flags = []
            if material.rongque:
                flags.append(_t("rongque"))
            if material.gaozhi:
                flags.append(_t("gaozhi"))
            for kind in material.elicenses:
                flags.append(_t("elicense", kind=kind))
            need = checklist.requirement(material)
            if not material.required:
                need = f"{need}（{_t('optional')}）"
            table.add_row(
                str(number),
                Text(material.name, style="bold"),
                need,
                "、".join(material.items),
                Text("\n".join(flags) or "—", style="green" if flags else "dim"),
            )
        parts.append(table)
        parts.append(Text(_t("merged_note"), style="dim italic"))
        return Group(*parts)


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
