"""多表合一 fill rules (clerk/catalog/fill.py, fill.json) and the fill (clerk/formfill.py)."""

from __future__ import annotations

from typing import Any

from clerk.catalog.fill import FillRules, packaged, parse
from clerk.catalog.loader import load_catalog
from clerk.checklist import MergedField, merged_fields, questions_for, resolve_answers
from clerk.formfill import Sources, fill

from .factory import choice_q, fresh, load_layout


def _parse(doc: Any) -> tuple[FillRules, list[tuple[str, str]]]:
    problems: list[tuple[str, str]] = []
    rules = parse(doc, lambda path, problem, **_: problems.append((path, problem)))
    return rules, problems


def _fields(*ids: str) -> list[MergedField]:
    return [MergedField(fid, fid, ("A-001",)) for fid in ids]


def test_the_shipped_rules_parse_and_name_known_questions() -> None:
    rules = packaged()
    assert rules.sources("food_area") and rules.sources("contact_name")
    catalog = load_catalog()
    known = {s.id for i in catalog.items for s in i.situations}
    assert rules.answer_ids <= known


def test_bad_rules_are_named_by_path() -> None:
    _, problems = _parse(
        {
            "fields": {
                "a": [{"applicant": "shoe_size"}],
                "b": [{"license": "营业执照"}],
                "c": [{"answer": "area", "typo": 1}],
                "d": [{"answer": "area", "applicant": "name"}],
                "e": "not a list",
            },
            "extra": 1,
        }
    )
    assert ("fields.a[0].applicant", "unknown_key") in problems
    assert ("fields.b[0].key", "missing") in problems
    assert ("fields.c[0].typo", "unknown_key") in problems
    assert ("fields.d[0]", "missing") in problems  # one source per entry
    assert ("fields.e", "not_list") in problems
    assert ("extra", "unknown_key") in problems


def test_a_rule_naming_an_unknown_question_fails_validation() -> None:
    from clerk.catalog.loader import build_catalog

    from .factory import files_of

    layout = fresh()
    layout["fill.json"] = {"fields": {"food_area": [{"answer": "floor_space"}]}}
    result = build_catalog(files_of(layout))
    assert [(e.file, e.path, e.key) for e in result.errors] == [
        ("fill.json", "fields.food_area", "unknown_situation")
    ]
    layout["fill.json"] = {"fields": {"food_area": [{"answer": "area"}]}}
    catalog = load_layout(layout)
    assert catalog.fill is not None and catalog.fill.sources("food_area")[0].name == "area"


def test_the_first_source_with_a_value_fills_the_field() -> None:
    rules, problems = _parse(
        {
            "fields": {
                "addr": [{"license": "营业执照", "key": "address"}, {"earlier": True}],
                "kind": [{"answer": "food", "map": {"hot": "餐饮服务经营者"}}],
                "label": [{"answer": "food"}],
                "size": [{"answer": "area"}],
                "mode": [{"answer": "bulk", "map": {"true": "散装", "false": "预包装"}}],
                "phone": [{"earlier": True}],
                "who": [{"applicant": "contact_name"}],
            }
        }
    )
    assert problems == []
    food = choice_q("food", ["hot", "cold"])
    sources = Sources(
        applicant={"contact_name": "  "},
        answers={"food": "hot", "area": 150.0, "bulk": False},
        questions={"food": food},
        licenses={},
        earlier={"addr": "示范路 1 号", "phone": "138****5678"},
    )
    out = {
        k: (v.value, v.source.kind)
        for k, v in fill(_fields(*rules_ids(rules)), rules, sources).items()
    }
    assert out == {
        "addr": ("示范路 1 号", "earlier"),  # no licence fetched: the earlier case
        "kind": ("餐饮服务经营者", "answer"),
        "label": ("HOT", "answer"),  # no map: the option's label
        "size": ("150", "answer"),
        "mode": ("预包装", "answer"),
    }  # a masked earlier phone and a blank contact fill nothing
    licensed = Sources(
        licenses={"营业执照": {"address": "漕溪北路 88 号"}}, earlier=sources.earlier
    )
    assert fill(_fields("addr"), rules, licensed)["addr"].value == "漕溪北路 88 号"
    cold = Sources(answers={"food": "cold"})
    assert "kind" not in fill(_fields("kind"), rules, cold)  # the map does not name it


def rules_ids(rules: FillRules) -> list[str]:
    return [fid for fid, _ in rules.fields]


def test_restaurant_fields_from_the_themes_answers() -> None:
    """我要开饭店 by its defaults (热食类, 150 ㎡, sells alcohol prepackaged): the answers alone
    fill 主体业态, 经营项目, the areas, 酒类经营方式, 招牌位置 and 预处理设施 (fill.json)."""
    theme = load_catalog().theme("YJS-002")
    assert theme is not None
    sources = Sources(
        answers=resolve_answers(theme, {}),
        questions={q.id: q.situation for q in questions_for(theme, {})},
    )
    filled = {k: v.value for k, v in fill(merged_fields(theme, {}), packaged(), sources).items()}
    assert filled == {
        "food_main_category": "餐饮服务经营者",
        "food_items": "热食类食品制售",
        "food_area": "150",
        "fire_area": "150",
        "alc_mode": "预包装",
        "sign_position_label": "门楣、墙面（平行于建筑立面）",
        "drain_pretreatment": "隔油设施",
        "co_company_type": "有限责任公司（两个以上股东）",
    }
