"""`clerk catalog validate` names a catalog that loads but cannot be right (issue 14): file,
item and field."""

from __future__ import annotations

from clerk.catalog.loader import PACKAGED_DIR, build_catalog, read_directory

from .factory import files_of, fresh


def _issues(layout: dict) -> tuple[list[str], list[str]]:  # type: ignore[type-arg]
    result = build_catalog(files_of(layout))
    return [str(e) for e in result.errors], [str(w) for w in result.warnings]


def _spouse_id(holder: str | None) -> dict:  # type: ignore[type-arg]
    doc = {
        "id": "M09",
        "name": "配偶身份证明",
        "form": "原件",
        "count": 1,
        "medium": "纸质",
        "required": True,
        "elicense": "居民身份证",
    }
    if holder:
        doc["holder"] = holder
    return doc


def test_third_party_id_without_holder_is_an_error_named_by_field() -> None:
    layout = fresh()
    layout["items/AAA.json"]["items"][0]["materials"].append(_spouse_id(None))
    errors, _ = _issues(layout)
    assert any(
        e.startswith("items/AAA.json: AAA-001 materials[3].holder") and "配偶身份证明" in e
        for e in errors
    ), errors
    layout["items/AAA.json"]["items"][0]["materials"][3] = _spouse_id("配偶")
    errors, _ = _issues(layout)
    assert errors == []


def test_unknown_holder_is_an_error() -> None:
    layout = fresh()
    layout["items/AAA.json"]["items"][0]["materials"].append(_spouse_id("表哥"))
    errors, _ = _issues(layout)
    assert any("materials[3].holder" in e for e in errors), errors


def test_theme_members_defaulting_a_question_differently_need_the_theme_s_own_default() -> None:
    layout = fresh()
    member = layout["items/BBB.json"]["items"][0]
    for situation in member["situations"]:
        if situation["id"] == "agent":
            situation["default"] = True  # AAA-001 says False
    theme = layout["themes/open.json"]["themes"][0]
    theme["questions"] = [q for q in theme.get("questions", []) if q["id"] != "agent"]
    errors, _ = _issues(layout)
    assert any(
        e.startswith("themes/open.json: YJS-001 questions") and '"agent"' in e for e in errors
    ), errors
    theme["questions"].append(
        {"id": "agent", "question": "是否委托他人代为办理？", "type": "bool", "default": False}
    )
    errors, _ = _issues(layout)
    assert errors == []


def test_refused_under_its_own_defaults_and_licensing_law_for_a_filing_are_warnings() -> None:
    layout = fresh()
    doc = layout["items/AAA.json"]["items"][0]
    doc["refuse_when"] = [{"when": {"biz_mode": ["shop"]}, "reason": "R2"}]
    doc["type"] = "行政备案"
    errors, warnings = _issues(layout)
    assert errors == []
    assert any("AAA-001 refuse_when[0]" in w for w in warnings), warnings
    assert any("AAA-001 refusal_reasons[1].legal_basis" in w for w in warnings), warnings


def test_the_demo_catalog_is_sound() -> None:
    result = build_catalog(read_directory(PACKAGED_DIR), "package")
    assert result.errors == []
    keys = {w.key for w in result.warnings}
    assert not keys & {"refused_by_default", "licensing_law_not_licensing"}, [
        str(w)
        for w in result.warnings
        if w.key in {"refused_by_default", "licensing_law_not_licensing"}
    ]
