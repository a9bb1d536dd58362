"""Hostile text in plans and progress records (issue 9): no terminal escape sequence reaches a
terminal, and no spreadsheet runs a cell of a CSV export as a formula."""

from __future__ import annotations

import csv
import io

import pytest

from conftest import write
from tthc_cli.core.text import clean_text, formula_safe

ESC = "\x1b"


@pytest.mark.parametrize("raw,clean", [
    ("\x1b[31mĐỎ\x1b[0m", "ĐỎ"),  # SGR colour
    ("a\x1b[2J\x1b[1;1Hb", "ab"),  # clear screen, cursor home
    ("a\x1b[?1049hb", "ab"),  # private-mode CSI
    ("xem \x1b]8;;http://x.example/\x1b\\tại đây\x1b]8;;\x1b\\.", "xem tại đây."),  # OSC 8 hyperlink, ST
    ("a\x1b]0;tiêu đề cửa sổ\x07b", "ab"),  # OSC window title, BEL
    ("a\x1b]8;;http://x", "a"),  # an unterminated OSC
    ("a\x1bPq#0;2;0;0;0\x1b\\b", "ab"),  # DCS (sixel)
    ("a\x1b(Bb", "ab"), ("a\x1bcb", "ab"), ("a\x1b7b\x1b8", "ab"),  # other escapes: charset, reset, cursor save
    ("a\x9b31mb", "ab"), ("a\x9d0;x\x9cb", "ab"),  # 8-bit CSI and OSC
    ("a\x00b\x07c\x08d\x7fe", "abcde"),  # C0 and DEL
    ("a\rb", "ab"), ("dòng 1\r\ndòng 2", "dòng 1\ndòng 2"),
    ("a\x85b\x80c\x9c", "abc"),  # C1
    ("a\u2028b\u2029c", "a\nb\nc"),  # Unicode line and paragraph separators
    ("a\u202eb\u202ac\u2066d\u2069e", "abcde"),  # bidi overrides and isolates
    ("a\tb\nc", "a\tb\nc"),  # tab and newline stay
    ("Văn phòng HĐND và UBND xã", "Văn phòng HĐND và UBND xã"),
])
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean


def test_clean_text_leaves_clean_text_as_it_is():
    text = "Báo cáo kết quả thực hiện — Quý I/2026 (đợt 1)\n\tPhụ lục"
    assert clean_text(text) is text


@pytest.mark.parametrize("value,safe", [
    ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'), ("-Rà soát", "'-Rà soát"), ("+x", "'+x"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"), ("-3", "-3"), ("+5", "+5"), ("-1,5", "-1,5"),
    ("-3 ngày", "'-3 ngày"), ("-1+2", "'-1+2"), ("Phòng Kinh tế", "Phòng Kinh tế"), ("", ""), (-3, -3), (None, None),
])
def test_formula_safe(value, safe):
    assert formula_safe(value) == safe


HOSTILE = """\
plan:
  id: thu-nghiem-2026
  title: "\\e[31mĐỎ\\e[0m kế hoạch \\e]8;;http://evil.example/\\e\\\\bấm đây\\e]8;;\\e\\\\ xong"
  issuer: "UBND xã \\e]0;chiếm cửa sổ\\a Thử"
  period: 2026
tasks:
  - id: "I\\e[2J"
    title: "\\e[31mĐỎ\\e[0m Ban hành \\u202egnirts\\u202c kế hoạch\\u2028dòng hai"
    lead: ["Phòng Kinh tế\\e[0m", "Tổ \\x9b31m lạ"]
    support: "Công an xã\\a"
    deadline: "Trước ngày 15/01/2026\\e[K"
    product: "Kế hoạch\\x85 \\x1b[5mnhấp nháy"
    notes: "ghi \\x00chú"
  - id: I.2
    title: '=HYPERLINK("http://x","y")'
    lead: VP
    deadline: Trước ngày 20/01/2026
  - id: I.3
    title: "-Rà soát thủ tục"
    lead: "@Phòng Kinh tế"
    deadline: Quý II/2026
"""


@pytest.fixture
def hostile(plan_dir):
    return write(plan_dir / "a.yaml", HOSTILE)


def test_no_escape_sequence_reaches_the_terminal(tthc, hostile):
    r = tthc("list", "--all", "--plans", hostile, "--today", "2026-01-10")
    assert r.code == 0, r.err
    assert "ĐỎ kế hoạch bấm đây xong" in r.out  # the words stay, the link and the colours go
    assert "ĐỎ Ban hành gnirts kế hoạch" in r.out and "Trước ngày 15/01/2026" in r.out
    for out in (r.out, r.err):
        assert ESC not in out and "\x07" not in out and "\x9b" not in out and "\x85" not in out
        assert "\u202e" not in out and "\u2028" not in out and "\x00" not in out
    for args in (("show", "thu-nghiem-2026:I"), ("validate",), ("due", "--all"), ("units",)):
        r = tthc(*args, "--plans", hostile, "--today", "2026-01-10") if args[0] != "validate" \
            else tthc("validate", hostile)
        assert "Traceback" not in r.err
        assert ESC not in r.out + r.err and "\u202e" not in r.out + r.err, args
    rows = tthc("list", "--all", "--plans", hostile, "--today", "2026-01-10", "--format", "json").json()
    first = next(row for row in rows if row["task"] == "I")
    assert first["title"] == "ĐỎ Ban hành gnirts kế hoạch\ndòng hai"
    assert first["lead"] == ["Phòng Kinh tế", "Tổ lạ"] and first["lead_codes"][0] == "PKT"
    assert first["support"] == ["Công an xã"] and first["product"] == "Kế hoạch nhấp nháy"


def _csv(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")  # every CSV carries a byte-order mark for Excel
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_csv_cells_never_start_a_formula(tthc, hostile, tmp_path):
    r = tthc("list", "--all", "--plans", hostile, "--today", "2026-01-25", "--format", "csv")
    assert r.code == 0, r.err
    rows = _csv(r.out)
    head = rows[0]
    by_task = {row[head.index("task")]: dict(zip(head, row)) for row in rows[1:]}
    assert by_task["I.2"]["title"] == '\'=HYPERLINK("http://x","y")'
    assert by_task["I.3"]["title"] == "'-Rà soát thủ tục"
    assert by_task["I.3"]["lead"] == "'@Phòng Kinh tế"
    assert by_task["I.2"]["days"] == "-6"  # a number of days late stays a number
    for row in rows[1:]:
        assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for cell in row), row
        assert all(not cell.startswith("-") or cell.lstrip("-").isdigit() for cell in row), row

    db = tmp_path / "p.db"
    evidence = '=HYPERLINK("http://x","y")'
    done = tthc("done", "thu-nghiem-2026:I.2", "-d", "2026-01-22", "--evidence", evidence, "--plans", hostile,
                "--db", db, "--today", "2026-01-25")
    assert done.code == 0, done.err
    rep = tthc("report", "--period", "Quý I/2026", "--format", "csv", "--table", "lines", "--plans", hostile,
               "--db", db, "--today", "2026-01-25")
    assert rep.code == 0, rep.err
    lines = _csv(rep.out)
    late = next(row for row in lines if row and row[1] == "thu-nghiem-2026:I.2")
    assert late[3] == '\'=HYPERLINK("http://x","y")' and late[9] == "'" + evidence
    assert late[8] == "3"  # days late: due 19/01, done 22/01
    hist = tthc("history", "--format", "csv", "--plans", hostile, "--db", db)
    assert hist.code == 0, hist.err
    hrows = _csv(hist.out)
    assert "'" + evidence in hrows[1] and evidence not in hrows[1]


def test_every_character_clean_text_removes_is_unprintable():
    """clean_text returns a printable text without searching it (str.isprintable is ~3x faster than the search):
    that is right only while every character it removes is one isprintable refuses."""
    import sys

    from tthc_cli.core import text

    unsafe = [c for c in map(chr, range(sys.maxunicode + 1)) if text._UNSAFE.search(c)]
    assert {"\x1b", "\x9b", "\u2028", "\u202e", "\ufeff"} <= set(unsafe)
    assert [c for c in unsafe if c.isprintable()] == []
