"""Golden files: what tthc renders for users, compared exactly with tests/golden/<name>.

Any change to what users read shows up as a diff of a golden file. After an intended change,
rewrite the files and review the diff:

    TTHC_UPDATE_GOLDEN=1 .venv/bin/python -m pytest -q -p no:cacheprovider tests/test_golden.py
    git diff tests/golden/

Every run uses a fixed day and a private copy of the bundled plans, so nothing depends on the
real date or on the developer's own plans, config or progress store.
"""

from __future__ import annotations

import difflib
import email
import email.policy
import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import PLANS, write
from tthc_cli.errors import EXIT_OK, EXIT_OVERDUE

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("TTHC_UPDATE_GOLDEN") == "1"
TODAY = "2026-06-01"
DAY = ("--today", TODAY, "--plans", "plans")  # "plans" is the private copy, relative to the run's folder


def golden(name: str, text: str) -> None:
    """Compare `text` with tests/golden/<name> (UTF-8, exact); with TTHC_UPDATE_GOLDEN=1, (re)write it."""
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        return
    if not path.exists():
        pytest.fail(f"missing golden file tests/golden/{name}; create it with: TTHC_UPDATE_GOLDEN=1 "
                    f".venv/bin/python -m pytest -q -p no:cacheprovider tests/test_golden.py", pytrace=False)
    expected = path.read_text(encoding="utf-8")
    if text != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), text.splitlines(True),
                                            f"tests/golden/{name}", "output now"))
        pytest.fail(f"output differs from tests/golden/{name} (if intended, rewrite it with "
                    f"TTHC_UPDATE_GOLDEN=1):\n{diff}", pytrace=False)


def mask(text: str, tmp_path: Path, store: Path | None = None) -> str:
    """Replace the parts that change from run to run with fixed placeholders: the progress store's
    path (<STORE>) and the test's temporary folder (<TMP>). Nothing else is masked."""
    if store is not None:
        text = text.replace(str(store), "<STORE>")
    for tmp in sorted({str(tmp_path.resolve()), str(tmp_path)}, key=len, reverse=True):
        text = text.replace(tmp, "<TMP>")
    return text


def stdout(r, code=EXIT_OK) -> str:
    """The run's stdout, once its exit code is `code` and it wrote nothing on stderr."""
    assert (r.code, r.err) == (code, ""), f"exit {r.code} (expected {code}); stderr:\n{r.err}"
    return r.out


@pytest.fixture
def run(tmp_path, tthc):
    """`tthc ARGS` in a temporary folder holding a copy of the bundled plans (as ./plans), on day TODAY.

    TTHC_TODAY is set too, for the commands that have no --today (units, validate, history)."""
    shutil.copytree(PLANS, tmp_path / "plans")

    def go(*args, env=None):
        return tthc(*args, cwd=tmp_path, env={"TTHC_TODAY": TODAY, **(env or {})})

    return go


# --- one command, one golden file ---------------------------------------------------------------------------

RESOLVE_PHRASES = ("Quý II/2026", "Chậm nhất ngày 15/8/2026", "Định kỳ hằng quý, 6 tháng, 1 năm",
                   "Trước ngày 31/11/2026", "Khi có hướng dẫn của Sở Nội vụ")
EXPLAIN_PHRASES = ("Trước quý II/2026", "- Kế hoạch kiểm tra: quý I/2026. - Báo cáo kết quả thực hiện: tháng 11/2026.",
                   "Trong thời hạn 10 ngày làm việc kể từ ngày nhận được văn bản")
Q2 = ("report", "--period", "Quý II/2026", *DAY)

# golden file name: (arguments, terminal width (None: the fixture's 200 columns), expected exit code)
OUTPUTS = {
    "due-TTPVHCC-80.txt": (("due", "--unit", "TTPVHCC", *DAY), 80, EXIT_OK),
    "due-TTPVHCC-100.txt": (("due", "--unit", "TTPVHCC", *DAY), 100, EXIT_OK),
    "list-VP-80.txt": (("list", "--unit", "VP", *DAY), 80, EXIT_OK),
    "due-TTPVHCC-upcoming.txt": (("due", "--unit", "TTPVHCC", "--today", "2026-06-20", "--within", "30d", "--plans",
                                  "plans"), 120, EXIT_OK),  # the upcoming group and its horizon
    "due-TTPVHCC-120.txt": (("due", "--unit", "TTPVHCC", *DAY), 120, EXIT_OK),
    "due.json": (("due", "--format", "json", *DAY), None, EXIT_OK),
    "due.csv": (("due", "--format", "csv", *DAY), None, EXIT_OK),
    "overdue-VHXH.txt": (("overdue", "--unit", "VHXH", *DAY), None, EXIT_OK),
    "list-VP.txt": (("list", "--unit", "VP", *DAY), None, EXIT_OK),
    "list-all.txt": (("list", "--all", *DAY), None, EXIT_OK),
    "show-III.4.txt": (("show", "xuan-truong-cchc-2026:III.4", *DAY), None, EXIT_OK),
    "show-VI.1.txt": (("show", "xuan-truong-cchc-2026:VI.1", *DAY), None, EXIT_OK),  # a task with product rows
    "check.txt": (("check", *DAY), None, EXIT_OVERDUE),
    "check-TTPVHCC.txt": (("check", "--unit", "TTPVHCC", *DAY), None, EXIT_OVERDUE),
    "report-q2.txt": (Q2, None, EXIT_OK),
    "report-q2.md": ((*Q2, "--format", "md"), None, EXIT_OK),
    "report-q2.csv": ((*Q2, "--format", "csv"), None, EXIT_OK),
    "report-q2-lines.csv": ((*Q2, "--format", "csv", "--table", "lines"), None, EXIT_OK),
    "report-q2.json": ((*Q2, "--format", "json"), None, EXIT_OK),
    "units.txt": (("units", "--plans", "plans"), None, EXIT_OK),
    # a relative path: validate names files as they were given
    "validate.txt": (("validate", "plans/"), None, EXIT_OK),
    **{f"check-{w}.txt": (("check", *DAY), w, EXIT_OVERDUE) for w in (80, 100, 120)},
    **{f"validate-{w}.txt": (("validate", "plans/"), w, EXIT_OK) for w in (80, 100, 120)},
    **{f"report-q2-{w}.txt": (("report", "--period", "Quý II/2026", "--today", "2026-07-01", "--plans", "plans"), w,
                              EXIT_OK) for w in (80, 100, 120)},
    "resolve.txt": (("resolve", "--today", TODAY, *RESOLVE_PHRASES), None, EXIT_OK),
    "resolve-explain.txt": (("resolve", "--today", TODAY, "--explain", *EXPLAIN_PHRASES), None, EXIT_OK),
}


@pytest.mark.parametrize("name", OUTPUTS)
def test_output(name, run, tmp_path):
    args, columns, code = OUTPUTS[name]
    r = run(*args, env={"COLUMNS": str(columns)} if columns else None)
    golden(name, mask(stdout(r, code), tmp_path))


# --- --help of tthc and of every command, as click/typer render it at 100 columns --------------------------

COMMANDS = ("due", "overdue", "list", "show", "done", "progress", "extend", "undo", "trigger", "history", "check", "report", "validate",
            "resolve", "units", "import", "digest", "ics", "schema", "config", "config check", "config show", "store",
            "store copy")
HELP = {"tthc": ()} | {c.replace(" ", "-"): tuple(c.split()) for c in COMMANDS}


def help_name(key: str) -> str:
    return f"help-{key}.txt"


@pytest.mark.parametrize("key", HELP)
def test_help(key, run, tmp_path):
    r = run(*HELP[key], "--help", env={"COLUMNS": "100"})
    golden(help_name(key), mask(stdout(r), tmp_path))


def test_help_lists_the_commands_tested_here(run):
    """A new command (or one taken away) must get (or lose) its help golden file."""
    listed = []
    for prefix in ((), ("config",), ("store",)):
        out = run(*prefix, "--help", env={"COLUMNS": "100"}).out
        block = out.split("Lệnh:\n", 1)[1]
        listed += [" ".join((*prefix, line.split()[0])) for line in block.splitlines() if line.startswith("  ")
                   and not line.startswith("   ")]
    assert sorted(listed) == sorted(COMMANDS)


# --- progress: `done` into a private store, then `history` --------------------------------------------------

WHEN = re.compile(r"(?<= · )\d{2}/\d{2}/\d{4} \d{2}:\d{2}(?= · )")  # when a record was made: the clock's


def test_done_and_history(run, tmp_path):
    store = tmp_path / "progress.db"
    r = run("done", "xuan-truong-cchc-2026:III.4", "--occurrence", "Tháng 5/2026", "--date", "2026-05-29",
            "--evidence", "Báo cáo số 45/BC-UBND ngày 29/5/2026", "--note", "Đã đăng trên cổng",
            *DAY, "--db", str(store), env={"TTHC_USER": "kiem-thu"})
    golden("done.txt", mask(stdout(r), tmp_path, store))
    # record ids (#1) are not masked: a fresh store always numbers from 1
    out = stdout(run("history", "--plans", "plans", "--db", str(store)))
    assert len(WHEN.findall(out)) == 1
    golden("history.txt", WHEN.sub("<WHEN>", mask(out, tmp_path, store)))
    narrow = stdout(run("history", "--plans", "plans", "--db", str(store), env={"COLUMNS": "80"}))
    golden("history-80.txt", WHEN.sub("<WHEN>", mask(narrow, tmp_path, store)))


# --- the email digest, written as an .eml file -------------------------------------------------------------

CONFIG = """\
plans: plans
commune: UBND xã Xuân Trường
recipients:
  TTPVHCC:
    to: ["Trung tâm Phục vụ hành chính công <ttpvhcc@xuantruong.gov.vn>"]
    cc: [chutich@xuantruong.gov.vn]
smtp:
  host: 127.0.0.1
  port: 25
  security: none
  sender: "Văn phòng HĐND và UBND xã <vp@xuantruong.gov.vn>"
"""
DIGEST = ("digest-TTPVHCC.txt", "digest-TTPVHCC-headers.txt", "digest-TTPVHCC-plain.txt", "digest-TTPVHCC-html.html")


def test_digest(run, tmp_path):
    write(tmp_path / "tthc.yaml", CONFIG)  # found in the run's folder
    out = stdout(run("digest", "--unit", "TTPVHCC", "--out", "thu", *DAY))
    eml = tmp_path / "thu" / f"{TODAY}-TTPVHCC.eml"
    msg = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    # Date and Message-ID are made at each run: left out
    headers = "".join(f"{h}: {msg[h]}\n" for h in ("Subject", "From", "To", "Cc"))
    outputs = (mask(out, tmp_path), headers, msg.get_body(("plain",)).get_content(),
               msg.get_body(("html",)).get_content())
    for name, text in zip(DIGEST, outputs):
        golden(name, text)


# --- no golden file without a test ------------------------------------------------------------------------

def test_every_golden_file_is_used():
    used = {*OUTPUTS, *map(help_name, HELP), "done.txt", "history.txt", "history-80.txt", *DIGEST}
    present = {p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*") if p.is_file()}
    assert sorted(present - used) == [], "golden files no test compares: delete them"


@pytest.mark.parametrize("columns", [80, 100, 120])
@pytest.mark.parametrize("args", [("due",), ("due", "--unit", "TTPVHCC", "--all"), ("overdue", "--role", "any"),
                                  ("list", "--all"), ("check",), ("report", "--period", "2026"),
                                  ("report", "--period", "Quý IV/2025"), ("units",)],
                         ids=lambda a: " ".join(a))
def test_no_line_is_wider_than_the_terminal(run, columns, args):
    """Issue 12: an official's terminal is 80 columns; every table command fits it (and 100, 120)."""
    day = () if args[0] == "units" else ("--today", TODAY)
    r = run(*args, *day, "--plans", "plans", env={"COLUMNS": str(columns)})
    assert r.code in (EXIT_OK, EXIT_OVERDUE) and r.out.strip()
    wide = [line for line in r.out.splitlines() if len(line) > columns]
    assert not wide, wide[:3]
