from pathlib import Path

import pytest
from click.testing import CliRunner

from clerk.cli.main import cli
from tests.printing.conftest import pdf_text, squash

KINDS = ("ticket", "receipt", "notice", "refusal", "handover")


@pytest.mark.parametrize("kind", KINDS)
def test_print_sample_every_kind_and_format(kind: str, tmp_path: Path) -> None:
    runner = CliRunner()
    for fmt, paper in (("pdf", "A5"), ("escpos", "58mm"), ("text", "80mm")):
        out = tmp_path / f"{kind}.{fmt}"
        result = runner.invoke(
            cli, ["print", "sample", kind, "--format", fmt, "--out", str(out), "--paper", paper]
        )
        assert result.exit_code == 0, result.output
        assert str(out) in result.output
        data = out.read_bytes()
        if fmt == "pdf":
            assert data.startswith(b"%PDF")
        elif fmt == "escpos":
            assert data.startswith(b"\x1b@") and "示范区政务服务中心".encode("gb18030") in data
        else:
            assert "示范区政务服务中心" in data.decode("utf-8")


def test_practice_sample_and_default_paper(tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    result = CliRunner().invoke(
        cli, ["print", "sample", "receipt", "--out", str(out), "--practice"]
    )
    assert result.exit_code == 0, result.output
    text = squash(pdf_text(out.read_bytes()))
    assert "练习" in text and "LX3101062026121800427" in text


def test_text_to_stdout_in_english() -> None:
    result = CliRunner().invoke(
        cli, ["--lang", "en", "print", "sample", "refusal", "--format", "text", "--out", "-"]
    )
    assert result.exit_code == 0, result.output
    assert "Notice of non-acceptance" in result.output


def test_wrong_paper_for_the_format(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "print",
            "sample",
            "ticket",
            "--format",
            "escpos",
            "--paper",
            "A4",
            "--out",
            str(tmp_path / "x"),
        ],
    )
    assert result.exit_code != 0
    assert "A4" in result.output and "Traceback" not in result.output
