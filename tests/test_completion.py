"""Issue 12: `tthc --install-completion` installs Tab completion, and the shell gets unit codes, task ids and
report periods, through the real CLI as a separate process, as a shell runs it."""

from __future__ import annotations

from conftest import PLANS


def _complete(tthc_process, words: str, tmp_path, **env):
    """What bash gets for the command line `words` (the cursor after its last word)."""
    cword = len(words.split()) - (0 if words.endswith(" ") else 1)
    return tthc_process(env={"_TTHC_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword),
                             "TTHC_PLANS": str(PLANS), "TTHC_TODAY": "2026-06-01", **env})


def test_install_completion_writes_the_script_into_the_users_shell_setup(tthc_process, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    r = tthc_process("--install-completion", "bash",
                     env={"HOME": str(home), "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"})
    assert r.code == 0, r.err
    script = home / ".bash_completions" / "tthc.sh"
    assert r.out.startswith(f"Đã cài gợi ý lệnh cho bash vào {script}")
    assert "_TTHC_COMPLETE=complete_bash" in script.read_text()
    assert f"source '{script}'" in (home / ".bashrc").read_text()


def test_an_unsupported_shell_is_refused_in_vietnamese(tthc_process, tmp_path):
    r = tthc_process("--install-completion", "tcsh",
                     env={"HOME": str(tmp_path), "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"})
    assert r.code == 2 and "tcsh" in r.err and "bash" in r.err
    assert not (tmp_path / ".bashrc").exists()


def test_unit_codes_complete(tthc_process, tmp_path):
    r = _complete(tthc_process, "tthc due --unit TT", tmp_path)
    assert r.code == 0 and r.err == ""
    assert set(r.out.split()) == {"TTPVHCC", "TTDVSNC", "TTCUDVC", "TTVHTTTT"}


def test_task_ids_complete(tthc_process, tmp_path):
    r = _complete(tthc_process, "tthc show xuan-truong-cchc-2026:III.", tmp_path)
    got = r.out.split()
    assert r.code == 0 and "xuan-truong-cchc-2026:III.4" in got
    assert all(x.startswith("xuan-truong-cchc-2026:III.") for x in got)


def test_report_periods_complete(tthc_process, tmp_path):
    r = _complete(tthc_process, "tthc report --period Q", tmp_path)
    assert r.code == 0 and r.out.splitlines()[:2] == ["Quý I/2026", "Quý II/2026"]
