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
            "'dateparser', 'pickle', 'shutil', 'threading', 'json', 'calendar', 'typing', 'contextlib', "
            "'tthc_cli.io.workspace', 'tthc_cli.core.planfile', 'tthc_cli.io.storebase', 'tthc_cli.io.netfs') "
            "if m in sys.modules), "
            "file=sys.stderr)")
    p = subprocess.run([sys.executable, "-c", code, *P], capture_output=True, text=True,
                       env=_environment(tmp_path, None), timeout=60)
    assert p.returncode == 0 and p.stderr.strip() == "[]", p.stderr


def _atexit_script(marker, trace: bool) -> str:
    return (f"import atexit, sys\n"
            f"atexit.register(lambda: open({str(marker)!r}, 'w').write('ran'))\n"
            + ("sys.settrace(lambda *a: None)\n" if trace else "")
            + "sys.argv = ['tthc', 'check', *sys.argv[1:]]\nfrom tthc_cli.cli import run\nrun()\n")


@pytest.mark.parametrize("trace", [False, True])
def test_the_program_ends_without_teardown_unless_something_watches(tmp_path, tthc, trace):
    """cli.run: after a lean-path command the process ends at once (os._exit), its answer and exit code whole;
    under a tracer, a profiler or coverage, which write their results at exit, it exits the ordinary way."""
    want = tthc("check", *P)
    marker = tmp_path / "atexit-ran"
    p = subprocess.run([sys.executable, "-c", _atexit_script(marker, trace), *P], capture_output=True, text=True,
                       env=_environment(tmp_path, None), timeout=60)
    assert (p.returncode, p.stdout) == (want.code, want.out)
    assert p.returncode == EXIT_OVERDUE
    assert marker.exists() is trace


def test_a_large_answer_is_written_whole_through_a_pipe(tmp_path, tthc, tthc_process):
    """The short exit flushes first: `list --all` over a generated province, read through a pipe, is the in-process
    answer byte for byte."""
    import importlib.util

    from conftest import ROOT

    spec = importlib.util.spec_from_file_location("make_workload", ROOT / "benchmarks" / "make_workload.py")
    make_workload = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_workload)
    make_workload.make_workload(tmp_path / "province", files=20, tasks_per_file=60, seed=5)
    args = ("list", "--all", "--format", "csv", "--plans", tmp_path / "province", "--today", "2026-06-01")
    want = tthc(*args)
    got = tthc_process(*args)
    assert len(want.out) > 100_000
    assert (got.code, got.out, got.err) == (want.code, want.out, want.err)
