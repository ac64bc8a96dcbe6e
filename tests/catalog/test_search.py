"""The search index on a small hand-made document set: ranking, spans, pinyin, typos, filters."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from clerk.catalog import pinyin as py
from clerk.catalog.search import (
    ALIAS,
    CODE,
    DEPARTMENT,
    ENGLISH,
    FUZZY,
    INITIALS,
    NAME,
    PINYIN,
    THEME,
    SearchDoc,
    SearchIndex,
    at_least,
    build_index,
    normalize,
)
from tests.catalog.factory import dept_doc, item_doc, load_layout, theme_doc

SCJG = dict(department="区市场监督管理局", department_short="市场监管", department_id="SCJG")
RSJ = dict(department="区人力资源和社会保障局", department_short="人社", department_id="RSJ")
GAJ = dict(department="区公安分局", department_short="公安", department_id="GAJ")
BDC = dict(department="区不动产登记中心", department_short="不动产", department_id="BDC")
JR = dict(department="区金融工作局", department_short="金融", department_id="JR")
SFJ = dict(department="区司法局", department_short="司法", department_id="SFJ")

DOCS = [
    SearchDoc(
        "SCJG-010",
        "食品经营许可（新办）",
        "Food business licence (new)",
        ("食品许可证", "开饭店要办的证", "餐饮许可"),
        themes=("我要开饭店",),
        applicant_types=("法人", "自然人"),
        handling="承诺件",
        promised_value=7,
        promised_unit="工作日",
        **SCJG,
    ),
    SearchDoc(
        "SCJG-001",
        "个体工商户设立登记",
        "Sole trader registration",
        ("开个体户", "办营业执照", "个体执照"),
        applicant_types=("自然人",),
        **SCJG,
    ),
    SearchDoc(
        "SCJG-002",
        "食品经营许可（变更）",
        "Food business licence (change)",
        ("改食品许可证", "食品许可变更", "换证"),
        applicant_types=("法人",),
        **SCJG,
    ),
    SearchDoc(
        "RSJ-003",
        "失业保险金申领",
        "Unemployment insurance benefit claim",
        ("失业金", "领失业金", "失业补助"),
        applicant_types=("自然人",),
        handling="即办件",
        promised_value=0,
        promised_unit="工作日",
        **RSJ,
    ),
    SearchDoc(
        "JR-001",
        "银行业金融机构开户许可证明",
        "Bank account opening certificate",
        ("开户证明", "银行开户", "基本户"),
        applicant_types=("法人",),
        **JR,
    ),
    SearchDoc(
        "SFJ-002",
        "行政复议申请",
        "Administrative reconsideration application",
        ("复议", "告政府", "不服处罚"),
        applicant_types=("自然人", "法人"),
        **SFJ,
    ),
    SearchDoc(
        "GAJ-005",
        "重新申领居民身份证",
        "Re-application for resident identity card",
        ("换身份证", "身份证到期", "身份证过期"),
        applicant_types=("自然人",),
        **GAJ,
    ),
    SearchDoc(
        "GAJ-001",
        "居民身份证首次申领",
        "Resident identity card, first application",
        ("办身份证", "第一次办身份证", "领身份证"),
        applicant_types=("自然人",),
        **GAJ,
    ),
    SearchDoc(
        "BDC-002",
        "国有建设用地使用权及房屋所有权转移登记",
        "Transfer registration of land use right and house ownership",
        ("房产证过户", "二手房过户", "买房过户"),
        applicant_types=("自然人", "法人"),
        **BDC,
    ),
    SearchDoc(
        "YJS-002",
        "我要开饭店",
        "Open a restaurant",
        ("开饭店", "开餐馆", "开餐厅"),
        applicant_types=("法人", "自然人"),
        kind="theme",
    ),
]


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(DOCS)


def codes(index: SearchIndex, query: str, **kw: object) -> list[str]:
    return [h.code for h in index.search(query, **kw)]  # type: ignore[arg-type]


# ---------------------------------------------------------------- codes


@pytest.mark.parametrize("query", ["SCJG-010", "scjg-010", "scjg010", " SCJG－010 "])
def test_exact_code_first_whatever_the_case_and_width(index: SearchIndex, query: str) -> None:
    hit = index.search(query)[0]
    assert (hit.code, hit.field, hit.score) == ("SCJG-010", CODE, 100.0)
    assert hit.text_spans == ((0, 8),)


def test_code_prefix_lists_that_department_in_code_order(index: SearchIndex) -> None:
    hits = index.search("scjg-0")
    assert [h.code for h in hits] == ["SCJG-001", "SCJG-002", "SCJG-010"]
    assert all(h.field == CODE for h in hits)
    assert hits[0].text_spans == ((0, 6),)


def test_department_code_alone_finds_its_items(index: SearchIndex) -> None:
    assert set(codes(index, "SCJG")[:3]) == {"SCJG-001", "SCJG-002", "SCJG-010"}


# ---------------------------------------------------------------- names


def test_name_prefix_ranks_above_name_substring(index: SearchIndex) -> None:
    hits = index.search("居民身份证")
    assert [h.code for h in hits[:2]] == ["GAJ-001", "GAJ-005"]
    assert hits[0].field == NAME and hits[0].spans == ((0, 5),)
    assert hits[1].spans == ((4, 9),)
    assert hits[0].score > hits[1].score


def test_exact_name_beats_longer_names(index: SearchIndex) -> None:
    assert codes(index, "我要开饭店")[0] == "YJS-002"


def test_substring_span_is_in_the_displayed_name(index: SearchIndex) -> None:
    hit = index.search("经营许可")[0]
    assert hit.name[hit.spans[0][0] : hit.spans[0][1]] == "经营许可"


def test_full_width_brackets_match_half_width_typing(index: SearchIndex) -> None:
    assert codes(index, "许可(新办)")[0] == "SCJG-010"


def test_name_outranks_alias_and_alias_outranks_pinyin(index: SearchIndex) -> None:
    hits = index.search("食品许可")  # an alias of SCJG-010/002 and a subsequence of their names
    assert hits[0].field == ALIAS
    assert {h.code for h in hits[:2]} == {"SCJG-010", "SCJG-002"}


def test_alias_hit_names_the_alias_and_its_span(index: SearchIndex) -> None:
    hits = index.search("开饭店")
    assert hits[0].code == "YJS-002" and hits[0].field == NAME  # 我要开饭店
    food = next(h for h in hits if h.code == "SCJG-010")
    assert food.matched_text == "开饭店要办的证"
    assert food.text_spans == ((0, 3),)


def test_colloquial_phrases(index: SearchIndex) -> None:
    assert codes(index, "失业金")[0] == "RSJ-003"
    assert codes(index, "房产证过户")[0] == "BDC-002"
    assert codes(index, "换身份证")[0] == "GAJ-005"


def test_characters_in_order_find_abbreviations(index: SearchIndex) -> None:
    hit = index.search("失业申领")[0]
    assert hit.code == "RSJ-003" and hit.field == NAME
    assert hit.spans == ((0, 2), (5, 7))


def test_characters_in_any_order_are_a_last_resort(index: SearchIndex) -> None:
    hit = index.search("身份证重新办")[0]
    assert hit.code == "GAJ-005" and hit.field == FUZZY


def test_homophone_character(index: SearchIndex) -> None:
    assert "GAJ-005" in codes(index, "身分证")[:3]


def test_department_name_finds_its_items(index: SearchIndex) -> None:
    hits = index.search("公安")
    assert {h.code for h in hits} == {"GAJ-001", "GAJ-005"}
    assert all(h.field == DEPARTMENT for h in hits)


def test_theme_name_finds_member_items(index: SearchIndex) -> None:
    hits = index.search("要开饭店")
    assert [h.code for h in hits[:2]] == ["YJS-002", "SCJG-010"]
    assert hits[1].field == THEME and hits[1].matched_text == "我要开饭店"


def test_an_exact_name_is_not_padded_with_guesses(index: SearchIndex) -> None:
    assert codes(index, "我要开饭店") == ["YJS-002"]


# ---------------------------------------------------------------- pinyin


@pytest.mark.parametrize(
    ("query", "code", "span"),
    [
        ("yinhang", "JR-001", (0, 2)),  # 银行 yin hang, not yin xing
        ("xingzheng", "SFJ-002", (0, 2)),  # 行政 xing zheng, not hang zheng
        ("chongxin", "GAJ-005", (0, 2)),  # 重新 chong xin, not zhong xin
        ("shenfenzheng", "GAJ-001", (2, 5)),
    ],
)
def test_full_pinyin_with_heteronyms(
    index: SearchIndex, query: str, code: str, span: tuple[int, int]
) -> None:
    hit = index.search(query)[0]
    assert (hit.code, hit.field) == (code, PINYIN)
    assert hit.spans == (span,)


def test_pinyin_module_readings() -> None:
    table = py.PinyinTable(None)
    assert py.full("银行", table) == "yinhang"
    assert py.full("行政", table) == "xingzheng"
    assert py.full("重新", table) == "chongxin"
    assert py.full("还款", table) == "huankuan"  # pypinyin alone says hai kuan
    assert py.full("长宁区", table) == "changningqu"  # and zhang ning
    assert py.initials("身份证", table) == "sfz"
    assert py.tokens("ICP许可", table) == [(0, 3, "icp"), (3, 4, "xu"), (4, 5, "ke")]


def test_initials(index: SearchIndex) -> None:
    hit = index.search("spjy")[0]
    assert hit.code in {"SCJG-010", "SCJG-002"} and hit.field == INITIALS
    assert hit.spans == ((0, 4),)
    assert codes(index, "sfz")[0] in {"GAJ-001", "GAJ-005"}


def test_pinyin_prefix_ranks_above_pinyin_inside(index: SearchIndex) -> None:
    hits = index.search("shenfen")
    assert hits[0].code == "GAJ-001" or hits[0].spans[0][0] == 0
    assert {h.code for h in hits[:2]} == {"GAJ-001", "GAJ-005"}


def test_pinyin_must_start_at_a_syllable(index: SearchIndex) -> None:
    # "ingye" is inside "yinhangye" but starts mid-syllable
    assert "JR-001" not in codes(index, "inhang")[:1] or index.search("inhang")[0].field == FUZZY


def test_mixed_full_and_initials(index: SearchIndex) -> None:
    hit = index.search("shipjy")[0]
    assert hit.code in {"SCJG-010", "SCJG-002"} and hit.spans == ((0, 4),)


def test_alias_pinyin(index: SearchIndex) -> None:
    hit = index.search("kaifandian")[0]
    assert hit.code == "YJS-002"
    food = next(h for h in index.search("kaifandian") if h.code == "SCJG-010")
    assert food.matched_text == "开饭店要办的证" and food.text_spans == ((0, 3),)


@pytest.mark.parametrize(
    "query",
    ["shiyebaoxain", "shiyebaoxiam", "shyebaoxian", "shiyebaaoxian", "shiyebaoxianjni"],
)
def test_one_typo_in_pinyin(index: SearchIndex, query: str) -> None:
    hits = index.search(query)
    assert hits and hits[0].code == "RSJ-003"
    assert hits[0].field == (PINYIN if query == "shyebaoxian" else FUZZY)  # sh: a syllable start
    assert hits[0].spans  # something to highlight


def test_one_typo_in_english_and_code(index: SearchIndex) -> None:
    assert codes(index, "unemploymant")[0] == "RSJ-003"
    assert "SCJG-010" in codes(index, "SCJG-01O")  # letter O for zero


def test_english(index: SearchIndex) -> None:
    hit = index.search("Food business")[0]
    assert hit.code in {"SCJG-010", "SCJG-002"} and hit.field == ENGLISH
    assert hit.text_spans == ((0, 13),)
    assert codes(index, "identity card")[:2] == ["GAJ-005", "GAJ-001"] or set(
        codes(index, "identity card")[:2]
    ) == {"GAJ-005", "GAJ-001"}


# ---------------------------------------------------------------- filters, limits, shapes


def test_department_filter(index: SearchIndex) -> None:
    for dept in ("SCJG", "区市场监督管理局", "市场监管"):
        got = codes(index, "许可", department=dept)
        assert got and all(c.startswith("SCJG") for c in got)


def test_applicant_filter(index: SearchIndex) -> None:
    assert codes(index, "食品经营许可", applicant="自然人") == ["SCJG-010"]
    assert set(codes(index, "食品经营许可", applicant="法人")) == {"SCJG-010", "SCJG-002"}


def test_kind_filter(index: SearchIndex) -> None:
    assert codes(index, "开饭店", kind="theme") == ["YJS-002"]
    assert "YJS-002" not in codes(index, "开饭店", kind="item")


def test_unknown_filter_value_finds_nothing(index: SearchIndex) -> None:
    assert index.search("许可", department="NOPE") == []


def test_limit_and_empty_queries(index: SearchIndex) -> None:
    assert len(index.search("s", limit=3)) == 3
    assert index.search("") == [] and index.search("   ") == [] and index.search("x", limit=0) == []
    assert index.search("？？") == []


def test_no_duplicates_and_best_first(index: SearchIndex) -> None:
    for query in ("许可", "s", "shenfen", "开", "证", "scjg", "zheng"):
        hits = index.search(query, limit=20)
        assert len({h.code for h in hits}) == len(hits)
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
        for hit in hits:
            for a, b in hit.spans:
                assert 0 <= a < b <= len(hit.name)
            for a, b in hit.text_spans:
                assert 0 <= a < b <= len(hit.matched_text)


def test_hit_json_shape(index: SearchIndex) -> None:
    data = index.search("SCJG-010")[0].to_json()
    assert {"code", "name", "department", "score", "field", "spans", "kind"} <= set(data)
    assert data["promised"] == {"value": 7, "unit": "工作日"}
    json.dumps(data, ensure_ascii=False)


def test_get_by_code(index: SearchIndex) -> None:
    doc = index.get("scjg-010")
    assert doc is not None and doc.name == "食品经营许可（新办）"
    assert index.get("NOPE-1") is None


def test_normalize_keeps_offsets() -> None:
    for text in ("食品（新办）", "ＡＢＣ１２３", "㎡面积", "Food"):
        assert len(normalize(text)) == len(text)


def test_at_least_matches_brute_force() -> None:
    rng = random.Random(3)
    size = 50
    everything = (1 << size) - 1
    for _ in range(200):
        postings = [rng.getrandbits(size) for _ in range(rng.randint(1, 9))]
        m = rng.randint(0, len(postings) + 1)
        expected = 0
        for doc in range(size):
            if sum((p >> doc) & 1 for p in postings) >= m:
                expected |= 1 << doc
        assert at_least(postings, m, everything) == expected


# ---------------------------------------------------------------- the pinyin cache


def test_pinyin_cache_round_trip_and_staleness(tmp_path: Path) -> None:
    path = tmp_path / "pinyin.json"
    first = py.PinyinTable(path, seed=None)
    assert py.full("食品经营许可", first) == "shipinjingyingxuke"
    assert first.converted == 1
    first.save()
    second = py.PinyinTable(path, seed=None)
    assert py.full("食品经营许可", second) == "shipinjingyingxuke"
    assert second.converted == 0 and not second.dirty
    data = json.loads(path.read_text("utf-8"))
    data["fingerprint"] = "old"
    path.write_text(json.dumps(data), "utf-8")
    third = py.PinyinTable(path, seed=None)
    py.full("食品经营许可", third)
    assert third.converted == 1  # a stale cache is ignored and rebuilt


def test_unreadable_cache_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "pinyin.json"
    path.write_text("{not json", "utf-8")
    table = py.PinyinTable(path, seed=None)
    assert py.full("银行", table) == "yinhang"
    table.save()
    assert json.loads(path.read_text("utf-8"))["runs"]["银行"] == "yin hang"


def small_catalog():  # type: ignore[no-untyped-def]
    return load_layout(
        {
            "catalog.json": {"name": "测试", "version_label": "t", "demo": True, "notice": ""},
            "items/SCJG.json": dept_doc(
                "SCJG",
                [
                    item_doc(
                        "SCJG-010",
                        name="食品经营许可（新办）",
                        aliases=["开饭店要办的证", "食品许可证", "餐饮许可"],
                    ),
                    item_doc("SCJG-001", name="个体工商户设立登记", applicant_types=["自然人"]),
                ],
            ),
            "themes/food.json": {
                "themes": [
                    theme_doc(
                        "YJS-002",
                        ["SCJG-010", "SCJG-001"],
                        name="我要开饭店",
                        aliases=["开饭店", "开餐馆", "开餐厅"],
                    )
                ]
            },
        }
    )


def test_build_index_from_catalog_uses_and_fills_the_cache(clerk_home: Path) -> None:
    catalog = small_catalog()
    first = build_index(catalog)
    assert first.stats.pinyin_converted > 0
    assert (clerk_home / "cache" / "pinyin.json").exists()
    second = build_index(catalog)
    assert second.stats.pinyin_converted == 0 and second.stats.from_cache
    assert len(list((clerk_home / "cache").glob("search-index-*.pickle"))) == 1
    hit = second.search("kaifandian")[0]
    assert hit.code == "YJS-002" and hit.kind == "theme"
    food = second.get("SCJG-010")
    assert food is not None and food.department_id == "SCJG" and food.themes == ("我要开饭店",)
    assert food.handling == "承诺件" and food.promised_value == 7
    assert second.search("个体", applicant="法人") == []


def test_index_cache_is_keyed_by_content_and_survives_damage(clerk_home: Path) -> None:
    catalog = small_catalog()
    build_index(catalog)
    (pickled,) = (clerk_home / "cache").glob("search-index-*.pickle")
    pickled.write_bytes(b"not a pickle")
    again = build_index(catalog)
    assert not again.stats.from_cache and again.stats.pinyin_converted == 0
    assert again.search("kaifandian")[0].code == "YJS-002"
    layout_changed = load_layout(
        {
            "catalog.json": {"name": "测试", "version_label": "t", "demo": True, "notice": ""},
            "items/SCJG.json": dept_doc("SCJG", [item_doc("SCJG-099", name="药品零售许可")]),
        }
    )
    other = build_index(layout_changed)
    assert not other.stats.from_cache
    assert other.search("ypls")[0].code == "SCJG-099"
    assert len(list((clerk_home / "cache").glob("search-index-*.pickle"))) == 1


def test_build_without_cache_writes_nothing(clerk_home: Path) -> None:
    index = build_index(small_catalog(), cache=None)
    assert index.search("SCJG-010")[0].code == "SCJG-010"
    assert not (clerk_home / "cache").exists()


def test_question_words_around_the_item_are_ignored(index: SearchIndex) -> None:
    hits = index.search("领失业金要带什么")
    assert hits[0].code == "RSJ-003" and hits[0].matched_text == "领失业金"
    # but the core's hits rank below what matched the whole query
    assert index.search("失业金")[0].score > hits[0].score


def test_more_heteronym_fixes() -> None:
    table = py.PinyinTable(None)
    assert py.full("单用途预付卡发卡企业", table).endswith("fakaqiye")
    assert py.full("二手车行", table) == "ershouchehang"
