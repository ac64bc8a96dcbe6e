"""多表合一 on the intake screen against the real embedded hall: the form fields are filled from
the situation answers, the fetched e-license's data and the applicant's earlier case."""

from __future__ import annotations

from textual.widgets import Input

from screens.components.decision_dialog import DecisionDialog
from screens.intake import IntakeScreen
from tests.support.hall import RunningHall
from tests.tui.conftest import AppFactory
from tests.tui.pilot import sign_in
from tests.tui.test_intake import SIZE, USCC, Keys, open_intake

ORG = "示范餐饮管理有限公司"  # the demo e-license library holds its 营业执照 (with its address)
STORE = "示范区漕溪北路 88 号地下一层"


def shown(screen: IntakeScreen, fid: str) -> str:
    field = screen.query_one(f"#f-{fid}", Input)
    return field.value or str(field.placeholder)


async def test_restaurant_fields_are_filled_from_answers_licence_and_earlier_case(
    hall: RunningHall, make_app: AppFactory
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk1", hall.credentials["clerk1"])
        keys = Keys(pilot)
        screen = await open_intake(pilot, offer_drafts=False)
        await keys.type("kfd")  # 我要开饭店 (YJS-002)
        await keys.press("enter")
        assert screen.form.theme == "YJS-002"
        await keys.scan(f"{ORG}|{USCC}")
        for _ in range(20):  # the e-license lookup runs in a worker
            if screen.form.licenses:
                break
            await pilot.pause(0.1)
        await keys.press("f5", "tab", "space")  # 已取得营业执照 → yes
        assert screen.form.answers.get("has_license") is True
        # from the situation answers (热食类, 150 ㎡ are the theme's defaults)
        assert shown(screen, "food_area") == "150"
        assert shown(screen, "food_main_category") == "餐饮服务经营者"
        assert shown(screen, "food_items") == "热食类食品制售"
        assert shown(screen, "alc_mode") == "预包装"
        # from the 营业执照 e-license: what is printed on it
        assert shown(screen, "business_address") == "示范区漕溪北路 88 号 1 层 101 室"
        assert shown(screen, "legal_rep") == "周海峰"
        assert shown(screen, "contact_name") == "周海峰"
        # from the applicant part
        assert shown(screen, "applicant_name") == ORG and shown(screen, "uscc") == USCC
        # fill.json, for SCJG-010, XF-001, SWU-001, LHSR-001 and SWW-001 (no phone typed):
        # 2 from the applicant part, 4 from the licence, 6 from the answers (drain_kind and
        # sign_position are the members' defaults; fire_area is the area, as no earlier case)
        assert set(screen._filled) == {
            "applicant_name",
            "uscc",
            "legal_rep",
            "contact_name",
            "business_address",
            "food_main_category",
            "food_items",
            "food_area",
            "alc_mode",
            "sign_position_label",
            "drain_pretreatment",
            "fire_area",
        }
        print(
            f"\nYJS-002 with a licence: {len(screen._filled)} of {len(screen.view.fields)} filled"
        )
        assert not shown(screen, "food_storage_address")  # no earlier case yet
        screen.query_one("#f-food_storage_address", Input).focus()
        await keys.type(STORE)
        await keys.press("f9", "f10")
        assert isinstance(app.screen, DecisionDialog)
        await pilot.press("enter")
        for _ in range(100):  # a loaded machine: the decision may take a while
            if screen.visit is not None:
                break
            await pilot.pause(0.1)
        visit = screen.visit
        assert visit is not None
        case = await app.client.case(visit.cases[0].case_no)
        assert case.fields["food_storage_address"] == STORE
        assert case.fields["food_area"] == "150"  # filled values are saved with the case

        # the same company comes back: the screen looks up its latest case, and what was typed
        # there fills the field (here on the same form, its typed value cleared)
        screen.form.fields.clear()
        screen._lookup_earlier(USCC)
        for _ in range(100):
            if screen.form.earlier:
                break
            await pilot.pause(0.1)
        assert screen.form.earlier["food_storage_address"] == STORE
        found = screen.form.filled(screen.catalog)["food_storage_address"]
        assert (found.value, found.source.kind) == (STORE, "earlier")
