"""`tthc import`: a plan document in, a plan file out.

Reads the source (the only I/O here besides writing the result), then runs
the pure extractors: metadata from the head, task tables, prose obligations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from tthc_cli import __version__
from tthc_cli.errors import UsageError
from tthc_cli.importer.document import Document, ImportError_
from tthc_cli.importer.tables import Node, read_tables

TEXT_SUFFIXES = (".txt", ".md", ".text")
OTHER_FORMATS = {
    ".odt": "tệp OpenDocument (.odt) không nhập được; hãy lưu lại dạng .docx",
    ".rtf": "tệp RTF không nhập được; hãy mở bằng Word và lưu lại dạng .docx",
}


def read_source(path: Path, ocr: bool = False) -> Document:
    """A Document from a .docx or a text export (a scanned PDF with `ocr`); ImportError_ with advice otherwise."""
    if not path.exists():
        raise UsageError(f'không tìm thấy tệp "{path}"')
    if path.is_dir():
        raise ImportError_(f'"{path}" là thư mục; hãy chỉ một tệp .docx hoặc .txt')
    from tthc_cli.io.files import FileError, read_regular, require_regular

    try:
        require_regular(path, "tệp nguồn")  # a FIFO or a device would hang or never end
    except FileError as exc:
        raise ImportError_(exc.message) from None
    suffix = path.suffix.lower()
    if suffix in OTHER_FORMATS:
        raise ImportError_(OTHER_FORMATS[suffix])
    try:
        head = _head(path)
    except OSError as exc:
        raise ImportError_(f'không đọc được "{path}": {exc.strerror or exc}') from None
    if ocr:
        if not head.lstrip().startswith(b"%PDF"):
            raise ImportError_(f"{path.name}: --ocr chỉ dùng cho tệp PDF quét (bản chụp các trang giấy)")
        from tthc_cli.importer.ocr import read_scan

        return read_scan(path)
    if suffix in (".doc", ".ods", ".xls"):
        return _converted(path, suffix)
    if suffix in (".xlsx", ".xlsm"):
        from tthc_cli.importer.sheetsource import read_workbook

        return read_workbook(path)
    if suffix == ".pdf" or head.lstrip().startswith(b"%PDF"):
        from tthc_cli.importer.pdfsource import read_pdf

        return read_pdf(path)
    if suffix == ".docx" or head.startswith(b"PK\x03\x04"):
        from tthc_cli.importer.docxsource import read_docx

        return read_docx(path)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportError_("tệp .doc (Word 97-2003) hoặc .docx có mật khẩu: hãy mở bằng Word, bỏ mật khẩu "
                           "nếu có, và lưu lại dạng .docx")
    try:
        raw = read_regular(path, 20 * 1024 * 1024, "tệp nguồn")
    except FileError as exc:
        raise ImportError_(exc.message) from None
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise ImportError_("tệp văn bản dạng UTF-16 (\"Unicode\" của Notepad/Word); hãy lưu lại với bảng mã UTF-8")
    if not raw.strip():
        raise ImportError_(f'tệp "{path.name}" rỗng')
    if b"\x00" in raw[:4096]:
        raise ImportError_(f'"{path.name}" không phải tệp văn bản; tthc nhập tệp .docx hoặc .txt/.md')
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportError_("tệp văn bản không phải UTF-8; hãy lưu lại với bảng mã UTF-8") from None
    from tthc_cli.importer.textsource import read_text

    return read_text(text, str(path))


def _converted(path: Path, suffix: str) -> Document:
    """A .doc, .ods or .xls read after LibreOffice converted it (see convert.py)."""
    from tthc_cli.importer.convert import converted

    if suffix == ".doc" and _encrypted_ooxml(path):
        raise ImportError_(f"{path.name}: tệp Word có mật khẩu; hãy mở bằng Word, bỏ mật khẩu và lưu lại dạng .docx")
    with converted(path, suffix) as result:
        if suffix == ".doc":
            from tthc_cli.importer.docxsource import read_docx

            doc = read_docx(result)
            doc.source = str(path)
            return doc
        from tthc_cli.importer.sheetsource import read_workbook

        return read_workbook(result, source=str(path), name=path.name)


def _encrypted_ooxml(path: Path) -> bool:
    """A password-protected Office 2007+ file (an OLE2 file holding "EncryptedPackage"), whatever its name."""
    from tthc_cli.io.files import FileError, read_regular

    try:
        data = read_regular(path, 20 * 1024 * 1024, "tệp nguồn")
    except FileError as exc:
        raise ImportError_(exc.message) from None
    return "EncryptedPackage".encode("utf-16-le") in data


def _head(path: Path) -> bytes:
    import os

    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        return os.read(fd, 8)
    finally:
        os.close(fd)


MAX_ROWS = 10_000
"""Table rows one document may have (a commune's plan has a few hundred)."""
MAX_CELL = 20_000
"""Characters one cell or paragraph may hold (a long task is a few hundred)."""


def check_size(doc: Document) -> None:
    """Refuse a document far beyond any plan before the extractors see it: they are linear, but
    a million-row table or a 10 MB cell would still take minutes and gigabytes."""
    from tthc_cli.importer.document import Table
    from tthc_cli.core.text import thousands as n

    rows = 0
    for block in doc.blocks:
        if isinstance(block, Table):
            rows += len(block.rows)
            if rows > MAX_ROWS:
                raise ImportError_(f"tài liệu có hơn {n(MAX_ROWS)} hàng bảng; không phải một kế hoạch (hãy tách tệp)")
            for row in block.rows:
                for cell in row.cells:
                    if len(cell) > MAX_CELL:
                        raise ImportError_(f"{row.where}: ô dài {n(len(cell))} ký tự (tối đa {n(MAX_CELL)}); có phải "
                                           f"tệp kế hoạch không?")
        elif len(getattr(block, "text", "")) > MAX_CELL:
            raise ImportError_(f"{getattr(block, 'where', 'một đoạn')}: đoạn văn dài {n(len(block.text))} ký tự "
                               f"(tối đa {n(MAX_CELL)}); có phải tệp kế hoạch không?")


@dataclass
class ImportResult:
    """The plan file text and what the importer found, for the user and for tests."""

    yaml: str
    plan_id: str
    period: str | None
    tasks: int  # leaves: tasks and product rows
    rows_with_deadline: int
    prose: int
    tables: int
    report: list[str] = field(default_factory=list)
    roots: list[Node] = field(default_factory=list)


def _slug(text: str) -> str:
    from tthc_cli.core.text import fold_diacritics

    s = re.sub(r"[^a-z0-9]+", "-", fold_diacritics(text).lower()).strip("-")
    return s[:60] or "ke-hoach"


def import_document(doc: Document, *, plan_id: str | None = None, period: str | None = None,
                    source_name: str | None = None) -> ImportResult:
    """Build the plan file for a document (pure apart from nothing: no I/O)."""
    from tthc_cli.core.deadline import parse_period
    from tthc_cli.importer.emit import plan_yaml
    from tthc_cli.importer.metadata import read_metadata
    from tthc_cli.importer.prose import find_obligations
    from tthc_cli.io.workspace import base_registry

    registry = base_registry()
    meta = read_metadata(doc)
    report: list[str] = list(meta.found)
    period_value = period or meta.period
    per = None
    if period_value:
        try:
            per = parse_period(period_value)
        except ValueError as exc:
            raise ImportError_(f"--period: {exc}") from None
    else:
        report.append("không thấy thời gian kế hoạch trong văn bản: hãy chỉ rõ bằng --period")

    tables = read_tables(doc)
    roots = list(tables.roots)
    obligations = find_obligations(doc, per, registry) if per else []
    if obligations:
        section = Node("section", "VB", title="Nghĩa vụ nêu trong phần văn bản (cần xem lại)")
        for i, ob in enumerate(obligations, start=1):
            section.children.append(Node(
                "task", f"VB.{i}", title=ob.title, lead=ob.lead, deadline=ob.deadline, where=[ob.where],
                review=True, sentence=ob.sentence))
        roots.append(section)
    if not tables.tables and not obligations:
        paras = len(doc.paragraphs())
        raise ImportError_(
            f"không tìm thấy bảng nhiệm vụ nào (cần cột \"Nội dung\" cùng cột \"Chủ trì\" hoặc \"Thời hạn\") "
            f"và không có câu nào giao việc kèm thời hạn; đã đọc {paras} đoạn văn và {len(doc.tables())} bảng")

    if doc.review_note:
        for root in roots:
            _mark_review(root, doc.review_note)
    pid = plan_id or meta.suggested_id or _slug(Path(source_name or doc.source).stem)
    leaves = sum(1 for r in roots for _ in r.leaves() if _.kind != "section")
    comment = [
        f"Kế hoạch nhập từ {Path(source_name or doc.source).name} bằng tthc import {__version__}.",
        f"Bảng: {tables.tables} bảng nhiệm vụ; {len(tables.rows_with_deadline)} dòng có thời hạn; "
        f"{leaves - len(obligations)} nhiệm vụ/dòng sản phẩm.",
    ]
    if obligations:
        comment.append(f"Văn xuôi: {len(obligations)} nghĩa vụ có thời hạn (review: true, mục VB).")
    if doc.review_note:
        comment.append(f"{doc.review_note}; mọi nhiệm vụ có review: true.")
    for p in tables.problems:
        comment.append(f"Chưa xếp được, đã giữ trong notes: {p}")
    comment += ["Mỗi nhiệm vụ có chú thích nơi lấy trong văn bản (dòng/bảng, hàng).",
                "Người rà soát: ghi các chỗ sửa tay dưới đây.", "Sửa tay: (chưa có)"]
    plan = {
        "id": pid,
        "title": meta.title or Path(doc.source).stem,
        "issuer": meta.issuer,
        "document": meta.document,
        "period": int(period_value) if period_value and str(period_value).isdigit() else period_value,
        "source": Path(source_name or doc.source).name,
    }
    text = plan_yaml(comment, plan, roots, registry.split)
    report.extend(tables.problems)
    return ImportResult(text, pid, period_value, leaves, len(tables.rows_with_deadline), len(obligations),
                        tables.tables, report, roots)


def _mark_review(node: Node, note: str) -> None:
    if node.kind != "section":
        node.review = True
        if note not in node.notes:
            node.notes.insert(0, note)
    for child in node.children:
        _mark_review(child, note)


def write_atomically(path: Path, text: str | bytes, force: bool) -> None:
    """Write the plan file through the one safe writer (files.write_file): never a partial or clobbered file."""
    from tthc_cli.io.files import write_file

    write_file(path, text, force=force, what="tệp kế hoạch")


def check_imported(text: str) -> None:
    """The plan file import writes must be one tthc reads: under the size limit, parsed, built."""
    from tthc_cli.io.loader import MAX_BYTES, parse_bytes
    from tthc_cli.core.planfile import build_plan

    data = text.encode("utf-8")
    if len(data) > MAX_BYTES:
        raise ImportError_(f"kế hoạch nhập ra lớn {len(data) / 1048576:.0f} MB, quá giới hạn 20 MB của tệp kế hoạch; "
                           "hãy tách tài liệu")
    raw = parse_bytes(data, "kế hoạch nhập")
    try:
        plan, problems = build_plan(raw.data, "kế hoạch nhập") if raw.ok else (None, raw.problems)
    except RecursionError:
        plan, problems = None, []
    if plan is None:
        why = problems[0].message if problems else "các mục lồng nhau quá sâu"
        raise ImportError_(f"kế hoạch nhập ra không đọc lại được ({why}); đây là lỗi của tthc hoặc tài liệu "
                           "quá khác thường")
