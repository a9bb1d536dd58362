"""The real entry points as separate processes: the installed `tthc` console script and `python -m tthc_cli`
give the same bytes and exit codes as the in-process runner the other tests use."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PLANS, _environment, _text
from tthc_cli.errors import EXIT_OVERDUE, ConfigError, UsageError

SCRIPT = shutil.which("tthc", path=str(Path(sys.executable).parent)) or shutil.which("tthc")


@pytest.mark.parametrize("args, code", [
    (("due", "--unit", "TTPVHCC", "--plans", PLANS, "--today", "2026-06-01"), 0),
    (("check", "--plans", PLANS, "--today", "2026-06-01"), EXIT_OVERDUE),
    (("due", "--today", "31/02/2026", "--plans", PLANS), UsageError.exit_code),
])
def test_the_console_script_and_the_module_answer_as_main_does(tthc, tmp_path, args, code):
    assert SCRIPT is not None, "the tthc console script is not installed next to this Python"
    inside = tthc(*args)
    env = _environment(tmp_path, None)
    for argv in ([SCRIPT, *map(str, args)], [sys.executable, "-m", "tthc_cli", *map(str, args)]):
        p = subprocess.run(argv, capture_output=True, env=env, cwd=tmp_path, timeout=120)
        assert (p.returncode, _text(p.stdout), _text(p.stderr)) == (code, inside.out, inside.err), argv[0]
    assert inside.code == code


def test_a_run_in_process_leaves_the_process_as_it_found_it(tthc, tmp_path):
    before = (dict(os.environ), os.getcwd(), sys.stdout, sys.stderr, sys.stdin, list(sys.argv))
    tthc("due", "--plans", PLANS, "--today", "2026-06-01", cwd=tmp_path, env={"TTHC_USER": "x"})
    missing = tthc("--config", "khong-co.yaml", "due", "--plans", PLANS)
    assert missing.code == ConfigError.exit_code and "khong-co.yaml" in missing.err
    assert (dict(os.environ), os.getcwd(), sys.stdout, sys.stderr, sys.stdin, list(sys.argv)) == before
    again = tthc("due", "--plans", PLANS, "--today", "2026-06-01")  # no --config left over from the run before
    assert again.code == 0
