"""E-mail mailboxes, strictly: one address per entry, nothing a display name could smuggle into a header (pure)."""

from __future__ import annotations

import re
from tthc_cli.core.text import lazy_re

# One entry is one mailbox: a bare addr-spec (vp@xa.gov.vn) or "Display Name <addr-spec>", the name bare or in
# double quotes. The standard library's parsers are lenient by design (parseaddr("Ông A Bcc: x@y <a@b>") is
# ('', 'x@y')), so the grammar is checked here, strictly, and whatever is accepted is returned in a form that
# email.utils.parseaddr (which builds the message headers) reads back as exactly the mailbox checked.

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_DOMAIN = lazy_re(rf"{_LABEL}(?:\.{_LABEL})+")
_ATEXT = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~")
_NAME_PUNCT = frozenset(".()'&/_")  # besides letters, marks, digits, dashes and spaces
_HEADER_SYNTAX = ':;,<>@"\\'


def _bad_char(c: str) -> bool:
    """A character no address may contain: controls (CR, LF, TAB, NEL...), format characters (bidi overrides,
    zero-width), line and paragraph separators (U+2028, U+2029), unassigned or private ones, and any space
    other than U+0020."""
    import unicodedata

    cat = unicodedata.category(c)
    return cat in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") or (cat == "Zs" and c != " ")


def quoted(value: str) -> str:
    """The value in double quotes, with the characters that must not reach a terminal escaped."""
    return '"' + "".join(f"\\u{ord(c):04x}" if _bad_char(c) else c for c in value) + '"'


def _name_char(c: str) -> bool:
    import unicodedata

    cat = unicodedata.category(c)
    return cat[0] in "LMN" or cat == "Pd" or c == " " or c in _NAME_PUNCT


def _display_name(part: str) -> str:
    """The display name written before "<": bare or wholly in double quotes; ValueError(reason) otherwise."""
    if '"' in part:
        if not (len(part) >= 2 and part[0] == part[-1] == '"' and part.count('"') == 2):
            raise ValueError('dấu ngoặc kép (") không cân hoặc đặt sai chỗ: tên hiển thị phải nằm trọn trong '
                             'một cặp ngoặc kép')
        part = part[1:-1]
    depth = 0
    for c in part:
        if c in _HEADER_SYNTAX:
            raise ValueError(f'tên hiển thị không được chứa "{c}"')
        if not _name_char(c):
            raise ValueError(f'tên hiển thị không được chứa ký tự "{c}"')
        depth += (c == "(") - (c == ")")
        if depth < 0:
            break
    if depth:
        raise ValueError("dấu ngoặc đơn trong tên hiển thị không cân")
    return " ".join(part.split())


def _addr_spec(addr: str) -> str:
    """local@domain: a dot-atom local part (ASCII atext or letters and digits of any script, RFC 6531) and a
    domain of two or more ASCII labels; ValueError(reason) otherwise."""
    if addr.count("@") != 1:
        raise ValueError("địa chỉ phải có đúng một dấu @" if addr else "thiếu địa chỉ")
    local, domain = addr.split("@")
    import unicodedata

    ok_local = (0 < len(local) <= 64 and not local.startswith(".") and not local.endswith(".") and ".." not in local
                and all(c == "." or c in _ATEXT or (not c.isascii() and unicodedata.category(c)[0] in "LMN")
                        for c in local))
    if not ok_local:
        raise ValueError(f'phần trước @ ("{local}") không hợp lệ')
    if len(domain) > 253 or not _DOMAIN.fullmatch(domain):
        raise ValueError(f'tên miền "{domain}" không hợp lệ')
    return addr


def parse_mailbox(value) -> tuple[str, str]:
    """(display name, addr-spec) of one mailbox, checked strictly; ValueError with the reason (Vietnamese).

    Accepted: `vp@xa.gov.vn`, `Văn phòng <vp@xa.gov.vn>`, `"Văn phòng HĐND và UBND xã" <vp@xa.gov.vn>`,
    `Phòng Tư pháp - Hộ tịch (TP) <tp@xa.gov.vn>`. Refused: header syntax in a display name (: ; , < > @ "
    and backslash), several addresses in one entry, control characters of any kind, U+2028/U+2029.
    """
    if not isinstance(value, str):
        raise ValueError("phải là chuỗi")
    bad = next((c for c in value if _bad_char(c)), None)
    if bad is not None:
        raise ValueError(f"chứa ký tự điều khiển hoặc xuống dòng (U+{ord(bad):04X})")
    s = value.strip(" ")
    if not s:
        raise ValueError("trống")
    if "<" not in s and ">" not in s:
        if "," in s or ";" in s:
            raise ValueError("mỗi mục chỉ được ghi một địa chỉ; nhiều người nhận thì dùng danh sách [a@…, b@…]")
        if '"' in s or "(" in s or ")" in s or " " in s:
            raise ValueError('tên hiển thị phải đứng trước địa chỉ trong <…>, ví dụ: Văn phòng <vp@xa.gov.vn>')
        return "", _addr_spec(s)
    lt = s.find("<")
    if s.count("<") != 1 or s.count(">") != 1 or not s.endswith(">") or lt < 0:
        if s.count("<") > 1 or s.count(">") > 1:
            raise ValueError("mỗi mục chỉ được ghi một địa chỉ trong <…>")
        raise ValueError('địa chỉ trong <…> phải đứng cuối, có đủ dấu "<" và ">"')
    name = _display_name(s[:lt].strip(" "))
    return name, _addr_spec(s[lt + 1:-1].strip(" "))


def format_mailbox(name: str, addr: str) -> str:
    """The mailbox as config text that email.utils.parseaddr reads back as (name, addr)."""
    if not name:
        return addr
    import unicodedata

    if all(c == " " or unicodedata.category(c)[0] in "LMN" for c in name):
        return f"{name} <{addr}>"
    return f'"{name}" <{addr}>'  # the name has no '"' or backslash: nothing to escape


def mailbox(value: str):
    """The checked mailbox as an email.headerregistry.Address, for building headers: exactly what was checked."""
    from email.headerregistry import Address

    name, addr = parse_mailbox(value)
    local, _, domain = addr.rpartition("@")  # not addr_spec=: it refuses a non-ASCII local part (RFC 6531)
    return Address(display_name=name, username=local, domain=domain)


