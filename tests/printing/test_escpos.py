import pytest

from printing.documents import AcceptanceReceipt, OneTimeNotice
from printing.layout import cells
from printing.renderers.escpos import CHINESE_MODE, render_escpos
from printing.renderers.text import render_lines
from printing.samples import KINDS, long_receipt, sample

CODE128 = b"\x1dkI"  # GS k 73: CODE128, function B
CUT = b"\x1dV"


def text_of(data: bytes) -> str:
    return data.decode("gb18030", errors="replace")


@pytest.mark.parametrize("paper", ["58mm", "80mm"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_as_escpos(kind: str, paper: str) -> None:
    data = render_escpos(sample(kind), paper)
    assert data.startswith(b"\x1b@" + CHINESE_MODE)
    assert CUT in data
    text = text_of(data)
    assert "示范区政务服务中心" in text
    # every laid-out line reaches the printer as GB18030
    for line in render_lines(sample(kind), paper):
        if line.text.strip() and line.style != "barcode":
            assert line.text.strip().encode("gb18030") in data
    if kind in ("receipt", "handover"):
        assert b"\x1dk" in data and CODE128 in data


def test_receipt_bytes_decode_to_the_expected_chinese() -> None:
    doc = sample("receipt")
    assert isinstance(doc, AcceptanceReceipt)
    text = text_of(render_escpos(doc, "80mm"))
    for expected in (
        "受理回执",
        "食品经营许可（新办）",
        "3101**********4511",
        "承诺办结日期",
        "含估算",
        "容缺受理材料",
        doc.case_number,
    ):
        assert expected in text
    assert "?" * 3 not in text


def test_native_code128_carries_the_case_number() -> None:
    doc = sample("receipt")
    assert isinstance(doc, AcceptanceReceipt)
    data = render_escpos(doc, "58mm")
    start = data.index(CODE128) + len(CODE128)
    length = data[start]
    payload = data[start + 1 : start + 1 + length]
    # decode the code-set switching back to the digits
    out, i, mode = "", 0, ""
    while i < len(payload):
        if payload[i : i + 1] == b"{":
            mode = chr(payload[i + 1])
            i += 2
            continue
        out += f"{payload[i]:02d}" if mode == "C" else chr(payload[i])
        i += 1
    assert out == doc.case_number


def test_notice_lists_every_missing_material_on_58mm() -> None:
    doc = sample("notice")
    assert isinstance(doc, OneTimeNotice)
    data = render_escpos(doc, "58mm")
    lines = [line.text.strip() for line in render_lines(doc, "58mm") if line.text.strip()]
    assert all(line.encode("gb18030") in data for line in lines)
    text = "".join("".join(lines).split())
    for material in doc.missing:
        assert "".join(material.name.split()) in text


def test_long_receipt_on_58mm_lines_fit() -> None:
    lines = render_lines(long_receipt(), "58mm")
    assert max(cells(line.text) for line in lines) <= 32
    data = render_escpos(long_receipt(), "58mm")
    assert b"\x1dk" in data


def test_practice_banner_on_thermal() -> None:
    text = text_of(render_escpos(sample("ticket", practice=True), "58mm"))
    assert "练习 PRACTICE" in text and "LXA023" in text


def test_a4_is_refused_for_escpos() -> None:
    with pytest.raises(ValueError, match="58mm or 80mm"):
        render_escpos(sample("ticket"), "A4")
