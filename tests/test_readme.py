"""The README is the user's manual: it must match what the program does."""

import re

from conftest import ROOT
from tthc_cli.errors import UsageError


def _readme():
    return (ROOT / "README.md").read_text(encoding="utf-8")


def test_first_two_commands_set_up_run_due_and_run_the_tests():
    blocks = re.findall(r"```sh\n(.*?)\n```", _readme(), re.S)
    assert blocks[0].endswith("tthc due --unit TTPVHCC")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert blocks[1] in ci  # CI runs exactly the README's test command


def test_every_command_is_documented(tthc):
    help_text = tthc("--help").out
    commands = re.findall(r"^│?\s+([a-z]+)\s{2,}", help_text, re.M)
    assert {"due", "overdue", "list", "show", "validate", "resolve", "units", "schema"} <= set(commands)
    readme = _readme()
    for c in commands:
        assert f"`tthc {c}" in readme, c


def test_every_due_option_is_documented(tthc):
    help_text = tthc("due", "--help").out
    options = set(re.findall(r"(--[a-z][a-z-]+)", help_text)) - {"--help"}
    readme = _readme()
    for o in options:
        assert f"`{o}" in readme, o


def test_each_command_runs_alone_and_help_lists_all(tthc):
    """main() builds only the command being run; help and unknown commands still see every command."""
    assert "digest" in tthc("--help").out and "report" in tthc("--help").out
    assert tthc("config", "--help").code == 0 and "check" in tthc("config", "--help").out
    assert tthc("--version").code == 0
    r = tthc("khong-co")
    assert r.code == UsageError.exit_code and "không có lệnh" in r.err


CLICK_WORDS = ("Usage:", "Options:", "Arguments:", "Commands:", "Show this message and exit", "[default:", "[required]",
               "<str>", "<int>", "[OPTIONS]", "COMMAND [ARGS]", "Did you mean")


def test_help_is_vietnamese_all_the_way(tthc):
    """Issue 12: click's and typer's own words were left in English in every --help."""
    names = re.findall(r"^\s+([a-z]+)\s{2,}", tthc("--help").out, re.M)
    pages = [tthc("--help").out] + [tthc(n, "--help").out for n in names] + \
        [tthc("config", c, "--help").out for c in ("check", "show")]
    assert len(pages) > 18
    for page in pages:
        assert "Cách dùng: tthc" in page and "Hiện trợ giúp này rồi thoát." in page
        assert [w for w in CLICK_WORDS if w in page] == [], page[:200]
    typo = tthc("du")
    assert typo.code == 2 and "không có lệnh 'du'. Có phải: 'due'?" in typo.err
