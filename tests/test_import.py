"""`tthc import`: real .docx files built by the tests, the text exports, bad input,
and the bundled plans it produced."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import PLANS, write
from tthc_cli.errors import FileError, UsageError
from docx_build import docx_from_text
from tthc_cli.importer.build import import_document
from tthc_cli.importer.docxsource import read_docx
from tthc_cli.importer.textsource import read_text

FIXTURES = Path(__file__).parent / "fixtures" / "seeds"
SEEDS = {p.name[:3]: p for p in FIXTURES.glob("*.txt")}


def _leaves(yaml_text: str) -> list[tuple]:
    """Every task or product row with what it says, in document order (source comments ignored)."""
    data = yaml.safe_load(yaml_text)
    out = []

    def walk(nodes, inherited):
        for n in nodes:
            own = {k: n.get(k) for k in ("lead", "support", "deadline")}
            eff = {k: own[k] if own[k] is not None else inherited.get(k) for k in own}
            if n.get("tasks"):
                walk(n["tasks"], eff)
            else:
                out.append((n["id"], n.get("title"), n.get("product"), _list(eff["lead"]), _list(eff["support"]),
                            " ".join(str(eff["deadline"] or "").split())))

    walk(data["tasks"], {})
    return out


def _list(v):
    return tuple([v] if isinstance(v, str) else v or [])


@pytest.mark.parametrize("seed", ["000", "001", "002", "004"])
def test_docx_imports_to_the_same_tasks_as_the_text(seed, tmp_path):
    text = SEEDS[seed].read_text(encoding="utf-8")
    docx = docx_from_text(text, tmp_path / f"{seed}.docx")
    from_text = import_document(read_text(text, SEEDS[seed].name), source_name=SEEDS[seed].name)
    from_docx = import_document(read_docx(docx), source_name=SEEDS[seed].name)
    assert from_docx.tables == from_text.tables
    assert from_docx.plan_id == from_text.plan_id and from_docx.period == from_text.period
    assert _leaves(from_docx.yaml) == _leaves(from_text.yaml)
    assert len(_leaves(from_text.yaml)) == from_text.tasks


def test_import_prints_yaml_that_validates(tthc, tmp_path):
    r = tthc("import", SEEDS["002"])
    assert r.code == 0, r.err
    assert "Đã nhập 46 nhiệm vụ/dòng sản phẩm từ 1 bảng" in r.err
    data = yaml.safe_load(r.out)
    assert data["plan"]["id"] == "xuan-truong-cchc-2026" and data["plan"]["period"] == 2026
    assert "# dòng 10\n      - id: I.1" in r.out  # each task says where it came from
    out = write(tmp_path / "p.yaml", r.out)
    v = tthc("validate", out)
    assert v.code == 0 and "0 lỗi" in v.out


def test_import_from_docx_through_the_cli(tthc, tmp_path):
    docx = docx_from_text(SEEDS["004"].read_text(encoding="utf-8"), tmp_path / "hoang-son.docx")
    out = tmp_path / "plans" / "hs.yaml"
    r = tthc("import", docx, "-o", out)
    assert r.code == 0, r.err
    assert "62 nhiệm vụ/dòng sản phẩm từ 7 bảng và 8 câu văn" in r.err
    assert tthc("validate", out).code == 0
    due = tthc("due", "--plans", out, "--unit", "TTPVHCC", "--today", "2026-11-22", "--format", "json")
    assert due.code == 0 and due.json()


def test_output_options_id_period_force(tthc, tmp_path):
    out = tmp_path / "a.yaml"
    r = tthc("import", SEEDS["003"], "-o", out, "--id", "phu-thai-thu", "--period", "2025-07-01..2025-12-31")
    assert r.code == 0, r.err
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["plan"]["id"] == "phu-thai-thu"
    before = out.read_bytes()
    again = tthc("import", SEEDS["002"], "-o", out)
    assert again.code != 0 and "--force" in again.err
    assert out.read_bytes() == before  # never overwritten without --force
    forced = tthc("import", SEEDS["002"], "-o", out, "--force")
    assert forced.code == 0 and yaml.safe_load(out.read_text(encoding="utf-8"))["plan"]["id"] == "xuan-truong-cchc-2026"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "cache") == ["a.yaml"]  # no temporary file left


@pytest.mark.parametrize("name,content,needle", [
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ".doc"),
    ("locked.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "mật khẩu"),
    ("plan.pdf", b"%PDF-1.4\n%...", "PDF"),
    ("broken.docx", b"PK\x03\x04" + b"\x00" * 100, "hỏng"),
])
def test_bad_documents(tthc, tmp_path, name, content, needle):
    src = tmp_path / name
    src.write_bytes(content)
    out = tmp_path / "out.yaml"
    r = tthc("import", src, "-o", out)
    assert r.code == FileError.exit_code
    assert needle in r.err and "Traceback" not in r.err
    assert not out.exists()  # never a partial output file


def test_a_document_with_no_task_table_says_what_it_found(tthc, tmp_path):
    src = write(tmp_path / "thu.txt", "ỦY BAN NHÂN DÂN XÃ A\n\nTHÔNG BÁO\n\nVề việc nghỉ lễ.\n\nCác đơn vị lưu ý.\n")
    r = tthc("import", src, "-o", tmp_path / "out.yaml")
    assert r.code == FileError.exit_code
    assert "không tìm thấy bảng nhiệm vụ" in r.err and "đã đọc 4 đoạn văn và 0 bảng" in r.err
    assert not (tmp_path / "out.yaml").exists()


def test_missing_source(tthc, tmp_path):
    r = tthc("import", tmp_path / "khong-co.docx")
    assert r.code == UsageError.exit_code and "không tìm thấy tệp" in r.err  # a bad path is a command-line error


BUNDLED = {  # plan file: (seed, leaves)
    "khuc-thua-du-ksthc-2026.yaml": ("000", 34),
    "quyet-thang-ksthc-2026.yaml": ("001", 29),
    "xuan-truong-cchc-2026.yaml": ("002", 46),
    "phu-thai-cchc-2025h2.yaml": ("003", 1),
    "hoang-son-cchc-2026.yaml": ("004", 62),
}


@pytest.mark.parametrize("name", sorted(BUNDLED))
def test_bundled_plans_are_the_import_of_their_seed(name):
    """Same tasks, ids and deadlines as a fresh import: hand corrections are few and listed."""
    seed, count = BUNDLED[name]
    bundled = (PLANS / name).read_text(encoding="utf-8")
    fresh = import_document(read_text(SEEDS[seed].read_text(encoding="utf-8"), SEEDS[seed].name),
                            source_name=SEEDS[seed].name).yaml
    a, b = _leaves(bundled), _leaves(fresh)
    assert len(a) == len(b) == count
    assert [x[0] for x in a] == [x[0] for x in b]
    assert [x[5] for x in a] == [x[5] for x in b]  # deadlines as written
    differing = [x[0] for x, y in zip(a, b) if x != y]
    corrections = bundled.split("# Sửa tay:", 1)[1].split("\nplan:", 1)[0]
    for tid in differing:
        assert tid in corrections, f"{tid} differs from the import but is not listed as a hand correction"


def test_due_on_the_bundled_plans_covers_the_communes(tthc):
    r = tthc("due", "--unit", "TTPVHCC", "--today", "2026-11-22", "--format", "json")
    assert r.code == 0
    assert len({row["plan"] for row in r.json()}) >= 4
    assert tthc("validate", PLANS).code == 0


def test_utf16_and_empty_text_files(tthc, tmp_path):
    src = tmp_path / "kh.txt"
    src.write_bytes("STT\tNội dung công việc\tCơ quan chủ trì\tThời hạn\n".encode("utf-16"))
    r = tthc("import", src)
    assert r.code == FileError.exit_code and "UTF-16" in r.err and "UTF-8" in r.err
    src.write_bytes(b"")
    r = tthc("import", src)
    assert r.code == FileError.exit_code and "rỗng" in r.err
