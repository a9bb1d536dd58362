"""`tthc import --ocr`: scanned PDFs (page images, no text layer) read by tesseract, the table rebuilt from
where the words stand. The scans are drawn by tests/scan_build.py with a real font at 300 dpi. Without
tesseract and its Vietnamese data these tests are skipped with the reason (in CI, where .ci/run installs
them, they fail instead); the message a user gets without tesseract is tested always."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
import yaml

from scan_build import FONT, scan_pdf
from test_import import _list
from test_import_formats import HEAD, HEADER, ROWS, WIDTHS
from test_import_unruled import HEADER2, ROWS2, WIDTHS2, _tasks
from tthc_cli.errors import FileError
from tthc_cli.importer.ocr import REVIEW_NOTE


def _has_tesseract() -> bool:
    exe = shutil.which("tesseract")
    if exe is None or not FONT.exists():
        return False
    return "vie" in subprocess.run([exe, "--list-langs"], capture_output=True, text=True).stdout.split()


@pytest.fixture
def ocr():
    if not _has_tesseract():
        if os.environ.get("CI") == "true":
            pytest.fail("CI: tesseract with Vietnamese data (or the DejaVu font) is missing; .ci/run installs "
                        "tesseract-ocr tesseract-ocr-vie")
        pytest.skip("tesseract with Vietnamese data (tesseract-ocr-vie) or the DejaVu font is not installed here")


def _dash(text: str) -> str:
    return text.replace(" - ", "-")  # OCR reads "Văn hóa - Xã hội" as "Văn hóa-Xã hội"


def test_a_scan_of_a_table_without_lines(tthc, tmp_path, ocr):
    scan = scan_pdf(tmp_path / "scan.pdf", HEAD, HEADER, ROWS, WIDTHS)
    out = tmp_path / "plan.yaml"
    # --period: OCR joins the two head lines drawn at one left edge, so the plan's title (and period) are not found
    r = tthc("import", "--ocr", scan, "-o", out, "--period", "2026")
    assert r.code == 0, r.err
    assert "Đã nhập 8 nhiệm vụ/dòng sản phẩm từ 1 bảng" in r.err
    text = out.read_text(encoding="utf-8")
    tasks = _tasks(text)
    assert [t["id"] for t in tasks] == [f"I.{i}" for i in range(1, 9)]
    for t, row in zip(tasks, ROWS[1:]):  # every row read right (the spaces around a dash aside)
        assert (t["title"], _list(t["lead"]), _dash(t["support"][0]), t["deadline"]) == \
            (row[1], _list(row[2]), _dash(row[3]), row[4])
        assert t["review"] is True and t["notes"].startswith(REVIEW_NOTE)
    assert f"# {REVIEW_NOTE}; mọi nhiệm vụ có review: true." in text
    assert tthc("validate", out).code == 0


def test_a_scan_of_a_ruled_table_over_two_pages(tthc, tmp_path, ocr):
    scan = scan_pdf(tmp_path / "scan.pdf", HEAD, HEADER2, ROWS2, WIDTHS2, lines=True, page_height=400)
    import pypdfium2

    assert len(pypdfium2.PdfDocument(str(scan))) == 2  # the header repeated on the second page
    r = tthc("import", "--ocr", scan)
    assert r.code == 0, r.err
    tasks = _tasks(r.out)
    assert [t["id"] for t in tasks] == ["I.1.1", "I.1.2", "I.2", "II.1", "II.2"]
    expected = [ROWS2[2], ROWS2[3], ROWS2[4], ROWS2[6], ROWS2[7]]
    for t, row in zip(tasks, expected):
        assert (t["title"], t["product"], _list(t["lead"]), t["deadline"]) == (row[1], row[2], _list(row[3]), row[5])
        assert t["review"] is True


def test_a_scan_without_ocr_says_to_use_it(tthc, tmp_path):
    from pdf_build import Page, pdf_bytes

    scan = tmp_path / "scan.pdf"
    scan.write_bytes(pdf_bytes([Page(image=True)]))
    r = tthc("import", scan)
    assert r.code == FileError.exit_code and "bản quét" in r.err and "--ocr" in r.err


def test_without_tesseract_ocr_says_what_to_install(tthc, tmp_path, monkeypatch):
    from pdf_build import Page, pdf_bytes

    scan = tmp_path / "scan.pdf"
    scan.write_bytes(pdf_bytes([Page(image=True)]))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    out = tmp_path / "plan.yaml"
    r = tthc("import", "--ocr", scan, "-o", out)
    assert r.code == FileError.exit_code, r.err
    assert "tesseract" in r.err and "apt-get install tesseract-ocr tesseract-ocr-vie" in r.err
    assert "Traceback" not in r.err and not out.exists()


def test_ocr_is_for_pdfs(tthc, tmp_path, ocr):
    src = tmp_path / "ke-hoach.txt"
    src.write_text("KẾ HOẠCH\n", encoding="utf-8")
    r = tthc("import", "--ocr", src)
    assert r.code == FileError.exit_code and "--ocr chỉ dùng cho tệp PDF quét" in r.err
