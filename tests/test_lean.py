"""The lean path (cli/lean.py): `due`, `overdue`, `list` and `check` with plain options answer without typer,
with the same bytes and exit code as the typer path; any other command line goes to typer."""

import subprocess
import sys

import pytest

from conftest import PLANS, _environment
from tthc_cli.cli import lean
from tthc_cli.errors import EXIT_OVERDUE, UsageError

P = ("--plans", str(PLANS), "--today", "2026-06-01")


@pytest.mark.parametrize("argv", [
    ["due", *P], ["due", "--unit", "TTPVHCC", *P], ["due", "-u", "VHXH", "-w", "1m", *P],
    ["due", "--unit=VP", "--role=any", "--format=json", *P], ["due", "-a", "-s", "Quá hạn", "-s", "Sắp đến hạn", *P],
    ["due", "--roll-forward", "--no-roll-forward", "--within", "10wd", *P], ["overdue", "-f", "csv", *P],
    ["list", "--all", "--unit", "Văn phòng HĐND và UBND", *P], ["check", *P], ["check", "--unit", "TTPVHCC", *P],
    ["due", "--unit", "KHONG-CO", *P], ["due", "--today", "31/02/2026", "--plans", str(PLANS)],
    ["due", "--within", "99999d", *P], ["list", "--status", "không có", *P], ["due", "--plans", "/khong/co"],
    ["--config", "khong-co.yaml", "due", *P], ["check", "--no-cache", *P],
])
def test_the_lean_path_answers_as_typer_does(tthc, monkeypatch, argv):
    assert lean.parse(argv) is not None, "this command line should take the lean path"
    fast = tthc(*argv)
    monkeypatch.setattr(lean, "try_lean", lambda argv: None)  # every run through typer
    slow = tthc(*argv)
    assert (fast.code, fast.out, fast.err) == (slow.code, slow.out, slow.err)


@pytest.mark.parametrize("argv", [
    ["due", "--help"], ["due", "-h"], ["due", "--unit"], ["due", "--unit", "-x", *P], ["due", "--unti", "VP", *P],
    ["due", "--format", "xml", *P], ["due", "--role", "chu-tri", *P], ["due", "--unit", "VP", "--unit", "PKT", *P],
    ["due", "-au", "VP", *P], ["due", "--all=yes", *P], ["due", "thua", *P], ["check", "--format", "json", *P],
    ["overdue", "--within", "3d", *P], ["show", "III.4", *P], ["--version"], [], ["due", "--unit", "\udcff", *P],
    ["--config", "due", *P], ["due", "--", *P],
])
def test_any_other_command_line_goes_to_typer(tthc, monkeypatch, argv):
    assert lean.parse(argv) is None
    r = tthc(*argv)
    assert "Traceback" not in r.err
    if argv[:2] == ["due", "--unti"]:
        assert r.code == UsageError.exit_code and "không có tùy chọn --unti" in r.err


def test_check_keeps_its_exit_code_on_the_lean_path(tthc):
    assert tthc("check", *P).code == EXIT_OVERDUE


def test_the_lean_path_imports_no_typer_yaml_grammar_or_holidays(tmp_path, tthc):
    tthc("due", *P)  # fill the caches and the index
    code = ("import sys; from tthc_cli.cli import main; main(['due', '--unit', 'TTPVHCC', *sys.argv[1:]]); "
            "print(sorted(m for m in ('typer', 'click', 'yaml', 'holidays', 'tthc_cli.core.deadline.phrase', 'rich', "
            "'dateparser', 'pickle') if m in sys.modules), file=sys.stderr)")
    p = subprocess.run([sys.executable, "-c", code, *P], capture_output=True, text=True,
                       env=_environment(tmp_path, None), timeout=60)
    assert p.returncode == 0 and p.stderr.strip() == "[]", p.stderr
