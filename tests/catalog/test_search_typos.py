"""The typo walk over sorted suffixes finds exactly the texts a brute-force comparison finds:
every suffix with a prefix at most one edit (wrong, missing or extra letter, neighbours swapped)
from the query — and the search built on it ranks the item the clerk meant first."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import OSA

from clerk.catalog.search import FUZZY, SearchDoc, SearchIndex
from clerk.catalog.search.suffixes import Suffixes

# a small alphabet makes near misses, long shared starts and repeated letters common
WORDS = st.text(alphabet="abcd", min_size=1, max_size=9)


def brute_force(keys: list[str], q: str) -> set[int]:
    return {
        k
        for k, key in enumerate(keys)
        if any(OSA.distance(q, key[:end]) <= 1 for end in range(len(key) + 1))
    }


def walked(suffixes: Suffixes, q: str) -> set[int]:
    return {k for lo, hi in suffixes.near(q) for k in range(lo, hi)}


@settings(max_examples=300, deadline=None)
@given(
    texts=st.lists(WORDS, min_size=1, max_size=40),
    q=st.text(alphabet="abcde", min_size=2, max_size=7),
)
def test_the_walk_finds_what_brute_force_finds(texts: list[str], q: str) -> None:
    suffixes = Suffixes(
        [(text[i:], e, i, 0.0) for e, text in enumerate(texts) for i in range(len(text))]
    )
    assert walked(suffixes, q) == brute_force(suffixes.keys, q)


def test_the_matched_length_follows_the_edit() -> None:
    suffixes = Suffixes(
        [(key, 0, 0, 0.0) for key in ("shiyebaoxian", "shiyebaxian", "shiyebaoxxian")]
    )
    found = {
        suffixes.keys[lo]: length for (lo, hi), length in suffixes.near("shiyebaoxian").items()
    }
    assert found["shiyebaxian"] == 11  # a letter too many in the query
    assert found["shiyebaoxxian"] == 13  # a letter missing from it


def test_wide_ranges_use_the_letter_table_and_still_agree() -> None:
    """More than 24 suffixes share each start, so the walk branches by letter, not by scanning."""
    texts = [f"{a}{b}{c}xyz" for a in "abcdefgh" for b in "abcdefgh" for c in "ab"]
    suffixes = Suffixes([(t, e, 0, 0.0) for e, t in enumerate(texts)])
    for q in ("abaxyz", "bbxyz", "hhbxz", "zabxyz", "aabbxyz", "baaxyz"):
        assert walked(suffixes, q) == brute_force(suffixes.keys, q), q


DOCS = [
    SearchDoc("RSJ-003", "失业保险金申领", "Unemployment insurance benefit", ("失业金",)),
    SearchDoc("SCJG-010", "食品经营许可（新办）", "Food business licence", ("开饭店",)),
    SearchDoc("GAJ-005", "居民身份证换领", "Identity card renewal", ("换身份证",)),
    SearchDoc("JS-001", "建设工程规划许可", "Construction project planning permit"),
]


def test_a_typo_at_the_first_letter_is_forgiven() -> None:
    index = SearchIndex(DOCS)
    hit = index.search("xhiyebaoxian")[0]
    assert hit.code == "RSJ-003" and hit.field == FUZZY
    assert hit.spans == ((0, 4),)  # 失业保险: the four syllables spelled


def test_a_typo_inside_the_name_finds_it_from_a_syllable() -> None:
    index = SearchIndex(DOCS)
    assert index.search("jingyign")[0].code == "SCJG-010"  # 经营, swapped letters
    assert index.search("guihuaxkue")[0].code == "JS-001"  # 规划许可 from its third syllable


def test_an_english_typo_in_a_later_word() -> None:
    index = SearchIndex(DOCS)
    hit = index.search("insurence")[0]
    assert hit.code == "RSJ-003" and hit.field == FUZZY
    assert hit.matched_text == "Unemployment insurance benefit"
    assert hit.text_spans == ((13, 22),)
