"""Pilot tests of CatalogBrowserScreen, pushed onto a small app over a small catalog."""

from __future__ import annotations

from textual.app import App
from textual.widgets import Static, Tree

from clerk.catalog.model import Catalog
from clerk.catalog.search import build_index
from screens.catalog_browser import CatalogBrowserScreen
from screens.components.item_search import ItemSearch
from tests.catalog.factory import dept_doc, item_doc, load_layout, theme_doc


def catalog() -> Catalog:
    food = item_doc(
        "SCJG-010",
        name="食品经营许可（新办）",
        name_en="Food business licence (new)",
        aliases=["开饭店要办的证", "食品许可证", "餐饮许可"],
    )
    shop = item_doc(
        "SCJG-001",
        name="个体工商户设立登记",
        aliases=["开个体户", "办营业执照", "个体执照"],
        handling="即办件",
        promised_limit={"value": 0, "unit": "工作日"},
        materials=[
            {
                "id": "M01",
                "name": "申请人身份证明",
                "form": "原件",
                "count": 1,
                "medium": "纸质",
                "required": True,
                "elicense": "居民身份证",
                "standard": "原件核验后退还",
            },
            {
                "id": "M02",
                "name": "经营场所使用证明",
                "form": "复印件",
                "count": 2,
                "medium": "纸质",
                "required": True,
                "gaozhi": True,
                "standard": "租期不少于一年",
            },
        ],
        refuse_when=[],
    )
    sign = item_doc("LHSR-003", name="户外招牌设置", aliases=["挂招牌", "店招", "门头招牌"])
    layout = {
        "catalog.json": {"name": "测试目录", "version_label": "t1", "demo": True, "notice": "测试"},
        "items/SCJG.json": {
            **dept_doc("SCJG", [food, shop]),
            "department": {
                "id": "SCJG",
                "name": "区市场监督管理局",
                "short": "市场监管",
                "name_en": "AMR",
            },
        },
        "items/LHSR.json": {
            **dept_doc("LHSR", [sign]),
            "department": {
                "id": "LHSR",
                "name": "区绿化和市容管理局",
                "short": "绿化市容",
                "name_en": "Greening",
            },
        },
        "themes/food.json": {
            "themes": [
                {
                    **theme_doc(
                        "YJS-002",
                        ["SCJG-001", "SCJG-010"],
                        name="我要开饭店",
                        aliases=["开饭店", "开餐馆", "开餐厅"],
                    ),
                    "members": [
                        {"item": "SCJG-001"},
                        {"item": "SCJG-010"},
                        {"item": "LHSR-003", "when": {"outdoor_sign": [True]}},
                    ],
                }
            ]
        },
    }
    return load_layout(layout)


class BrowserApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.catalog = catalog()
        self.index = build_index(self.catalog)

    def on_mount(self) -> None:
        self.push_screen(CatalogBrowserScreen(self.catalog, self.index))


def detail_text(screen: CatalogBrowserScreen) -> str:
    from rich.console import Console

    body = screen.query_one("#browser-detail-body", Static)
    console = Console(width=240, record=True, color_system=None)
    console.print(body.content if hasattr(body, "content") else body.renderable)
    return console.export_text()


async def test_department_to_item_detail_shows_materials() -> None:
    app = BrowserApp()
    async with app.run_test(size=(140, 50)) as pilot:
        screen = app.screen
        assert isinstance(screen, CatalogBrowserScreen)
        await pilot.press("f3")  # the departments branch
        tree = screen.query_one(Tree)
        assert tree.has_focus
        assert tree.cursor_node is not None and tree.cursor_node.data == ("root", "departments")
        await pilot.press("down")  # 市场监管
        assert tree.cursor_node is not None and tree.cursor_node.data == ("dept", "SCJG")
        await pilot.press("enter")  # expand it
        await pilot.press("down", "down")  # SCJG-010, SCJG-001 (file order)
        await pilot.pause()
        assert screen.shown == "SCJG-001"
        text = detail_text(screen)
        assert "个体工商户设立登记" in text
        assert "申请人身份证明" in text and "经营场所使用证明" in text
        assert "原件 × 1" in text and "复印件 × 2" in text
        assert "可告知承诺" in text and "电子证照：居民身份证" in text
        assert "受理标准：租期不少于一年" in text
        assert "即办件" in text and "即办（当场办结）" in text
        assert "开个体户" in text  # aliases
        assert "我要开饭店" in text  # part of a theme


async def test_item_detail_conditions_situations_and_refusals() -> None:
    app = BrowserApp()
    async with app.run_test(size=(160, 60)) as pilot:
        screen = app.screen
        assert isinstance(screen, CatalogBrowserScreen)
        screen.jump_to("SCJG-010")
        await pilot.pause()
        text = detail_text(screen)
        for expected in (
            "受理条件",
            "已取得营业执照",
            "法定时限",
            "20 个工作日",
            "7 个工作日",
            "承诺件",
            "不收费",
            "《中华人民共和国食品安全法》第三十五条",
            "申请事项依法不需要取得行政许可",
            "是否委托他人代为办理？",
            "实体门店 / 仅网络经营",
            # conditional material in words, with the question's own text
            "当 是否委托他人代为办理为「是」 时必需",
            "经营场所面积 ≥ 150",
            "可容缺",
            "以下情形不予受理",
        ):
            assert expected in text, expected


async def test_theme_detail_lists_questions_members_and_merged_materials() -> None:
    app = BrowserApp()
    async with app.run_test(size=(160, 60)) as pilot:
        screen = app.screen
        assert isinstance(screen, CatalogBrowserScreen)
        await pilot.press("f4")
        await pilot.press("down")
        await pilot.pause()
        assert screen.shown == "YJS-002"
        text = detail_text(screen)
        assert "我要开饭店" in text and "共性问题" in text and "是否设置户外招牌？" in text
        assert "成员事项（3 项）" in text
        assert "LHSR-003" in text and "当 是否设置户外招牌为「是」 时办理" in text
        assert "合并后的材料清单" in text
        assert text.count("营业执照") >= 1 and "申请人身份证明" in text


async def test_search_jumps_to_the_item() -> None:
    app = BrowserApp()
    async with app.run_test(size=(140, 50)) as pilot:
        screen = app.screen
        assert isinstance(screen, CatalogBrowserScreen)
        search = screen.query_one(ItemSearch)
        assert search.input.has_focus
        await pilot.press(*"guahz")  # 挂招牌 by initials (an alias)
        await pilot.pause()
        assert search.hits and search.hits[0].code == "LHSR-003"
        await pilot.press("enter")
        await pilot.pause()
        assert screen.shown == "LHSR-003"
        tree = screen.query_one(Tree)
        assert tree.cursor_node is not None and tree.cursor_node.data == ("item", "LHSR-003")
        assert "户外招牌设置" in detail_text(screen)


async def test_escape_clears_search_then_closes() -> None:
    app = BrowserApp()
    async with app.run_test(size=(140, 50)) as pilot:
        await pilot.press(*"kaifandian")
        await pilot.pause()
        assert isinstance(app.screen, CatalogBrowserScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CatalogBrowserScreen)
        assert app.screen.query_one(ItemSearch).input.value == ""
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CatalogBrowserScreen)


async def test_english_ui() -> None:
    from clerk import i18n

    i18n.set_language("en")
    app = BrowserApp()
    async with app.run_test(size=(140, 50)) as pilot:
        screen = app.screen
        assert isinstance(screen, CatalogBrowserScreen)
        screen.jump_to("SCJG-001")
        await pilot.pause()
        text = detail_text(screen)
        assert "Materials (2)" in text and "Grounds for refusal" in text


def test_binding_ids() -> None:
    ids = [b.id for b in CatalogBrowserScreen.BINDINGS]
    assert ids and all(i and i.startswith("catalog_") for i in ids)
