from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from printing.documents import AcceptanceReceipt, OneTimeNotice, as_reprint, number_of
from printing.renderers.pdf import FontMissing, render_pdf
from printing.samples import KINDS, long_receipt, sample
from tests.printing.conftest import pdf_text, poppler_text, squash


@pytest.fixture(scope="module")
def rendered() -> dict[tuple[str, str], bytes]:
    return {
        (kind, paper): render_pdf(sample(kind), paper) for kind in KINDS for paper in ("A4", "A5")
    }


@pytest.mark.parametrize("paper", ["A4", "A5"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_renders_with_extractable_chinese(
    rendered: dict[tuple[str, str], bytes], kind: str, paper: str
) -> None:
    data = rendered[(kind, paper)]
    assert data.startswith(b"%PDF")
    doc = sample(kind)
    text = squash(pdf_text(data))
    assert squash(number_of(doc)) in text
    assert "示范区政务服务中心" in text
    for item in getattr(doc, "items", ()):
        assert squash(item.name) in text
    assert "练习" not in text


def test_notice_lists_every_missing_material_with_its_requirement(
    rendered: dict[tuple[str, str], bytes],
) -> None:
    doc = sample("notice")
    assert isinstance(doc, OneTimeNotice)
    for paper in ("A4", "A5"):
        text = squash(pdf_text(rendered[("notice", paper)]))
        for material in doc.missing:
            assert squash(material.name) in text
            assert squash(material.standard) in text


def test_refusal_names_the_remedies(rendered: dict[tuple[str, str], bytes]) -> None:
    text = squash(pdf_text(rendered[("refusal", "A4")]))
    assert "《中华人民共和国行政复议法》" in text and "六十日" in text
    assert "《中华人民共和国行政诉讼法》" in text and "六个月" in text


def test_receipt_masks_the_id_and_says_the_date_is_an_estimate(
    rendered: dict[tuple[str, str], bytes],
) -> None:
    text = squash(pdf_text(rendered[("receipt", "A4")]))
    assert "3101**********4511" in text
    assert "310101199003074511" not in text
    assert "含估算" in text


def _pages_as_images(data: bytes, tmp_path: Path, dpi: int = 150) -> list[Image.Image]:
    assert shutil.which("pdftoppm"), "pdftoppm missing: apt-get install poppler-utils"
    pdf = tmp_path / "doc.pdf"
    pdf.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(tmp_path / "page")], check=True
    )
    return [Image.open(p) for p in sorted(tmp_path.glob("page*.png"))]


@pytest.mark.parametrize("paper", ["A4", "A5"])
def test_barcode_on_the_printed_page_decodes_to_the_case_number(
    rendered: dict[tuple[str, str], bytes], paper: str, tmp_path: Path
) -> None:
    doc = sample("receipt")
    assert isinstance(doc, AcceptanceReceipt)
    page = _pages_as_images(rendered[("receipt", paper)], tmp_path)[0]
    found = [
        r.text for r in zxingcpp.read_barcodes(page) if r.format == zxingcpp.BarcodeFormat.Code128
    ]
    assert found == [doc.case_number]


def test_long_receipt_nothing_cut_off(tmp_path: Path) -> None:
    doc = long_receipt()
    for paper in ("A4", "A5"):
        data = render_pdf(doc, paper)
        text = squash(pdf_text(data))
        assert squash(doc.applicant.name) in text
        for item in doc.items:
            assert squash(item.name) in text
            assert item.case_number in text
        for material in doc.materials:
            assert squash(material.name) in text
        assert "申请人签字" in text


def test_practice_watermark_and_practice_number(tmp_path: Path) -> None:
    doc = sample("receipt", practice=True)
    data = render_pdf(doc, "A4")
    text = squash(pdf_text(data))
    assert "练习" in text and "PRACTICE" in text
    assert "LX3101062026121800427" in text
    real = sample("receipt")
    assert isinstance(real, AcceptanceReceipt)
    assert real.case_number not in text.replace("LX" + real.case_number, "")
    page = _pages_as_images(data, tmp_path)[0]
    assert [r.text for r in zxingcpp.read_barcodes(page)] == ["LX3101062026121800427"]


def test_reprint_is_stamped() -> None:
    text = squash(pdf_text(render_pdf(as_reprint(sample("handover")), "A5")))
    assert "补打" in text


def test_missing_font_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FontMissing, match="fonts-wqy-zenhei"):
        render_pdf(sample("ticket"), "A4", font=str(tmp_path / "none.ttf"))


def test_thermal_paper_is_refused_for_pdf() -> None:
    with pytest.raises(ValueError, match="A4 or A5"):
        render_pdf(sample("ticket"), "58mm")


def test_pypdf_and_poppler_read_the_same_text(rendered: dict[tuple[str, str], bytes]) -> None:
    for key in (("ticket", "A5"), ("receipt", "A4")):
        assert squash(pdf_text(rendered[key])) == squash(poppler_text(rendered[key])), key
    assert "\x00" not in pdf_text(rendered[("receipt", "A4")])


def _layout_lines(data: bytes, *args: str) -> list[str]:
    """The lines poppler sees, in their places on the page (`pdftotext -layout`)."""
    assert shutil.which("pdftotext"), "pdftotext missing: apt-get install poppler-utils"
    out = subprocess.run(
        ["pdftotext", "-layout", *args, "-", "-"], input=data, capture_output=True, check=True
    )
    return out.stdout.decode("utf-8").splitlines()


LONE_CJK = re.compile(r"^\s*[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]\s*$")


@pytest.mark.parametrize("paper", ["A4", "A5"])
def test_no_line_is_a_lone_chinese_character(paper: str) -> None:
    # text wrapped once by us and again by fpdf2 (its cell margin) left "申" alone on a line
    docs = [sample(kind) for kind in KINDS] + [long_receipt()]
    for doc in docs:
        lonely = [line for line in _layout_lines(render_pdf(doc, paper)) if LONE_CJK.match(line)]
        assert not lonely, (doc.kind, paper, lonely)


def test_a_two_item_a4_receipt_is_one_page() -> None:
    data = render_pdf(sample("receipt"), "A4")
    assert len(PdfReader(io.BytesIO(data)).pages) == 1
    assert "申请人签字" in pdf_text(data)


def test_later_pages_carry_the_case_number_at_the_top() -> None:
    doc = long_receipt()
    data = render_pdf(doc, "A4")
    assert len(PdfReader(io.BytesIO(data)).pages) >= 2
    # the top 16 mm of page 2 (points): the running header, not the query text further down
    top = _layout_lines(data, "-f", "2", "-l", "2", "-x", "0", "-y", "0", "-W", "595", "-H", "45")
    assert any(doc.case_number in line and "受理回执" in line for line in top), top
    first = _layout_lines(data, "-f", "1", "-l", "1", "-x", "0", "-y", "0", "-W", "595", "-H", "45")
    assert not any(doc.case_number in line for line in first), first
