from hypothesis import given
from hypothesis import strategies as st

from printing.layout import NO_LINE_START, cells, wrap
from printing.renderers.text import render_lines, render_rich, render_text
from printing.samples import KINDS, long_receipt, sample

TEXT = st.text(
    alphabet=st.sampled_from(list("食品经营许可证明（）《》，。、ABC xyz0123456789-")), max_size=200
)


@given(TEXT, st.integers(8, 60))
def test_wrap_never_exceeds_the_width_and_loses_nothing(text: str, width: int) -> None:
    lines = wrap(text, width)
    assert all(cells(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


@given(TEXT)
def test_closing_punctuation_never_starts_a_line(text: str) -> None:
    for line in wrap(text, 12)[1:]:
        if line:
            assert line[0] not in NO_LINE_START or all(c in NO_LINE_START for c in line[:2])


def test_chinese_counts_two_cells() -> None:
    assert cells("受理回执") == 8
    assert cells("A023") == 4
    assert cells("受理 A1") == 7


def test_long_receipt_fits_58mm_and_nothing_is_cut() -> None:
    doc = long_receipt()
    lines = render_lines(doc, "58mm")
    assert all(cells(line.text) <= 32 for line in lines), [
        x.text for x in lines if cells(x.text) > 32
    ]
    joined = "".join(line.text.strip() for line in lines).replace(" ", "")
    for item in doc.items:
        assert item.name.replace(" ", "") in joined
        assert item.case_number in joined
    for material in doc.materials:
        assert material.name.replace(" ", "") in joined
    assert doc.applicant.name in joined


def test_80mm_lines_fit_48_cells() -> None:
    for kind in KINDS:
        assert all(cells(line.text) <= 48 for line in render_lines(sample(kind), "80mm"))
    assert all(cells(line.text) <= 48 for line in render_lines(long_receipt(), "80mm"))


def test_text_preview_and_rich() -> None:
    text = render_text(sample("receipt"), "80mm")
    assert "受理回执" in text and "3101**********4511" in text and "310101199003074511" not in text
    assert "含估算" in text
    rich_text = render_rich(sample("notice", practice=True), "58mm")
    assert "练习" in rich_text.plain
    assert any(span.style == "bold red" for span in rich_text.spans)


def test_english_layout() -> None:
    text = render_text(sample("refusal"), "80mm", lang="en")
    assert "Notice of non-acceptance" in text
    assert "sixty days" in text and "six months" in text
