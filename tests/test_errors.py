"""One error table: every error class in errors.py with its own exit code, and the README showing it."""

import re

from conftest import ROOT

from tthc_cli import errors


def test_every_code_is_distinct_and_named_by_what_carries_it():
    codes = [code for code, _, _ in errors.EXIT_CODES]
    assert len(codes) == len(set(codes))
    for code, name, _ in errors.EXIT_CODES:
        carrier = getattr(errors, name)
        assert (carrier.exit_code if isinstance(carrier, type) else carrier) == code, name


def test_every_error_class_has_a_code_in_the_table():
    codes = {code for code, _, _ in errors.EXIT_CODES}
    classes = [c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, errors.TthcError)]
    assert len(classes) >= 12
    for c in classes:
        assert c.exit_code in codes, c.__name__


def test_the_readme_shows_the_table_row_for_row():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("| code | name | meaning |"):]
    rows = re.findall(r"^\| (\d+) \| `(\w+)` \| (.+) \|$", section.split("\n\n")[0], re.M)
    assert [(int(c), n, m) for c, n, m in rows] == list(errors.EXIT_CODES)
