"""The unit registry: spellings, groups, outside bodies, splitting cells."""

import pytest

from tthc_cli.core.units import EXTERNAL, GROUP, SHARED, UNIT
from tthc_cli.io.workspace import base_registry


@pytest.fixture(scope="module")
def reg():
    return base_registry()


@pytest.mark.parametrize("spelling,code", [
    ("Văn phòng HĐND&UBND xã", "VP"), ("Văn phòng HĐND-UBND", "VP"), ("Văn phòng Ủy ban nhân dân xã", "VP"),
    ("VP HĐND&UBND", "VP"), ("Văn phòng HĐND và UBND xã", "VP"),
    ("Phòng Kinh tế xã", "PKT"), ("- Phòng Kinh tế.", "PKT"),
    ("Phòng Văn hoá – Xã hội", "VHXH"), ("Phòng VH-XH", "VHXH"), ("VH-XH", "VHXH"), ("PHÒNG VĂN HÓA - XÃ HỘI", "VHXH"),
    ("Trung tâm PV hành chính công", "TTPVHCC"), ("Trung tâm PVHCC", "TTPVHCC"), ("ttpvhcc", "TTPVHCC"),
    ("Trung tâm phục vụ Hành chính công", "TTPVHCC"), ("Trung tâm Phục vụ hành chính công xã.", "TTPVHCC"),
    ("Công Thông tin điện tử xã", "CTTDT"), ("Trang TTĐT", "CTTDT"),
    ("Uỷ ban nhân dân xã", "UBND"), ("UBND xã", "UBND"),
    ("Trung tâm Văn hoá, Thể thao và Truyền thông xã", "TTVHTTTT"),
    # NFD input and missing diacritics (last resort)
    ("Phòng Văn hóa - Xã hội".encode().decode() and __import__("unicodedata").normalize("NFD", "Phòng Văn hóa - Xã hội"), "VHXH"),
    ("phong van hoa xa hoi", "VHXH"),
])
def test_spellings(reg, spelling, code):
    assert reg.match(spelling).code == code


def test_groups_expand(reg):
    pcm = reg.match("Các phòng chuyên môn thuộc UBND xã")
    assert pcm.kind == GROUP and reg.members(pcm) == {"VP", "PKT", "VHXH"}
    every = reg.match("Các cơ quan, đơn vị trên địa bàn xã")
    assert every.kind == GROUP
    assert {"TTPVHCC", "VP", "CA", "BHXH", "BUUDIEN", "MTTQ"} <= reg.members(every)
    assert "SNV" not in reg.members(every)


@pytest.mark.parametrize("name", ["Các cơ quan, đơn vị thuộc UBND xã", "Các cơ quan, đơn vị thuộc xã",
                                  "Các cơ quan, đơn vị"])
def test_bodies_under_the_peoples_committee_leave_out_the_branch_and_mass_bodies(reg, name):
    """domain.md: Công an, BHXH, Bưu điện answer to their own branch and MTTQ is a political-social body."""
    group = reg.match(name)
    assert reg.members(group) == {"VP", "PKT", "VHXH", "TTPVHCC", "TTDVSNC", "TTCUDVC", "TTVHTTTT", "CTTDT"}


@pytest.mark.parametrize("name", ["Các cơ quan, đơn vị có liên quan", "Các phòng, cơ quan, đơn vị có liên quan",
                                  "Cơ quan, đơn vị liên quan", "Các đơn vị có liên quan",
                                  "các cơ quan, đơn vị, liên quan"])
def test_an_unspecified_group_names_nobody(reg, name):
    group = reg.match(name)
    assert group.kind == SHARED and reg.members(group) == frozenset()
    vhxh, vp = reg.match("VHXH"), reg.match("VP")
    assert "LQ" in reg.duty_codes(vhxh, vhxh)  # the coordinating unit follows shared duties
    assert "LQ" not in reg.duty_codes(vp, vhxh) and "LQ" not in reg.duty_codes(vhxh, None)


def test_outside_bodies_are_kept_and_marked(reg):
    assert reg.match("Sở Nội vụ").kind == EXTERNAL
    assert reg.match("Sở Xây dựng").kind == EXTERNAL  # by prefix, not listed
    assert reg.match("Các Trạm y tế trên địa bàn xã").kind == EXTERNAL
    assert reg.match("Phòng Tư pháp") is None


@pytest.mark.parametrize("cell,names", [
    ("- Trung tâm Phục vụ hành chính công xã - Các phòng chuyên môn thuộc UBND xã.",
     ["Trung tâm Phục vụ hành chính công xã", "Các phòng chuyên môn thuộc UBND xã"]),
    ("Các phòng chuyên môn thuộc Ủy ban nhân dân xã; Trung tâm Dịch vụ sự nghiệp công xã",
     ["Các phòng chuyên môn thuộc Ủy ban nhân dân xã", "Trung tâm Dịch vụ sự nghiệp công xã"]),
    ("- Các phòng chuyên môn; - TTPVHCC - Cơ quan, đơn vị có liên quan.",
     ["Các phòng chuyên môn", "TTPVHCC", "Cơ quan, đơn vị có liên quan"]),
    ("Các cơ quan, đơn vị có liên quan", ["Các cơ quan, đơn vị có liên quan"]),
    ("Phòng Văn hóa - Xã hội", ["Phòng Văn hóa - Xã hội"]),
    ("Văn phòng Ủy ban nhân dân xã; Sở Tư pháp.", ["Văn phòng Ủy ban nhân dân xã", "Sở Tư pháp"]),
    ("Phòng Văn hóa - Xã hội\nBưu điện xã", ["Phòng Văn hóa - Xã hội", "Bưu điện xã"]),
    ("Các cơ quan, đơn vị thuộc xã; cơ quan tổ chức theo ngành dọc, các cơ quan, đơn vị, địa phương có liên hệ công tác.",
     ["Các cơ quan, đơn vị thuộc xã", "cơ quan tổ chức theo ngành dọc",
      "các cơ quan, đơn vị, địa phương có liên hệ công tác"]),
])
def test_split_by_known_names_not_commas(reg, cell, names):
    assert reg.split(cell) == names


def test_unknown_name_kept_verbatim(reg):
    refs = reg.refs(["Phòng Tư pháp", "Bưu điện xã"])
    assert [(r.text, r.known) for r in refs] == [("Phòng Tư pháp", False), ("Bưu điện xã", True)]


def test_suggestions(reg):
    assert "TTPVHCC" in reg.suggest("TTPVHC")


def test_plan_local_units_extend(reg):
    local = reg.copy()
    local.add_data({"units": [{"code": "TP", "name": "Phòng Tư pháp"}, {"code": "TTPVHCC", "name": "Trung tâm Phục vụ hành chính công xã", "aliases": ["Một cửa"]}]})
    assert local.match("Phòng Tư pháp").code == "TP"
    assert local.match("Một cửa").code == "TTPVHCC"
    assert local.match("Trung tâm PVHCC").code == "TTPVHCC"
    assert reg.match("Phòng Tư pháp") is None  # the base registry is untouched
    assert local.match("TP").kind == UNIT


def test_split_prefers_the_longest_known_names(reg):
    cell = "- Trung tâm Phục vụ hành chính công xã - Các phòng chuyên môn, cơ quan, đơn vị thuộc xã."
    assert reg.split(cell) == ["Trung tâm Phục vụ hành chính công xã", "Các phòng chuyên môn, cơ quan, đơn vị thuộc xã"]


def test_a_bullet_after_a_comma_is_a_separator(reg):
    assert reg.split("- Các phòng chuyên môn, - Cơ quan, đơn vị có liên quan.") == [
        "Các phòng chuyên môn", "Cơ quan, đơn vị có liên quan"]


# --- hostile and broken unit tables (issue 9) ---------------------------------------------------------------

import random  # noqa: E402

from tthc_cli.core.units import Registry, UnitDataError, _segment, check_entry, code_problem, key  # noqa: E402


@pytest.mark.parametrize("entry,where,needle", [
    ({"code": "TP", "name": "Phòng Tư pháp", "members": 5}, "members", "members phải là danh sách mã đơn vị"),
    ({"code": "TP", "name": "Phòng Tư pháp", "members": {"a": 1}}, "members", "không phải bảng khóa–giá trị"),
    ({"code": "TP", "name": "Phòng Tư pháp", "members": ["VP", None]}, "members[1]", "không phải rỗng"),
    ({"code": "TP", "name": "Phòng Tư pháp", "members": [1]}, "members[0]", "không phải số"),
    ({"code": "TP", "name": "Phòng Tư pháp", "members": None}, "members", "không phải rỗng"),
    ({"code": 12, "name": "Tổ 12"}, "code", 'hãy đặt trong dấu nháy, ví dụ code: "12"'),
    ({"code": 1.5, "name": "Tổ"}, "code", "code phải là chuỗi, không phải số"),
    ({"code": True, "name": "Tổ"}, "code", "không phải true/false"),
    ({"code": ["TP"], "name": "Tổ"}, "code", "không phải danh sách"),
    ({"code": {"a": 1}, "name": "Tổ"}, "code", "không phải bảng khóa–giá trị"),
    ({"code": None, "name": "Tổ"}, "", "đơn vị cần có code và name"),
    ({"name": "Tổ"}, "", "đơn vị cần có code và name"),
    ({"code": "TP", "name": None}, "", "đơn vị cần có code và name"),
    ({"code": "TP", "name": "   "}, "", "đơn vị cần có code và name"),
    ({"code": "TP", "name": 5}, "name", "name phải là chuỗi, không phải số"),
    ({"code": "TP", "name": ["a", "b"]}, "name", "không phải danh sách"),
    ({"code": "TP", "name": False}, "name", "không phải true/false"),
    ({"code": "TP", "name": "Tổ", "aliases": "Tổ A"}, "aliases", "aliases phải là danh sách, không phải chuỗi"),
    ({"code": "TP", "name": "Tổ", "aliases": {"a": 1}}, "aliases", "không phải bảng khóa–giá trị"),
    ({"code": "TP", "name": "Tổ", "aliases": None}, "aliases", "không phải rỗng"),
    ({"code": "TP", "name": "Tổ", "aliases": ["x", 3]}, "aliases[1]", "không phải số"),
    ({"code": "TP", "name": "Tổ", "aliases": [["x"]]}, "aliases[0]", "không phải danh sách"),
    ({"code": "TP", "name": "Tổ", "external": "yes"}, "external", "external phải là true hoặc false"),
    ({"code": "TP", "name": "Tổ", "external": 1}, "external", "không phải số"),
    ({"code": "TP", "name": "Tổ", "external": None}, "external", "không phải rỗng"),
    ({"code": "TP", "name": "Tổ", "short": 7}, "short", "short phải là chuỗi, không phải số"),
    ({"code": "TP", "name": "Tổ", "short": ["a"]}, "short", "không phải danh sách"),
    ({"code": "TP", "name": "Tổ", "short": None}, "short", "không phải rỗng"),
    (5, "", "mỗi đơn vị là một bảng khóa–giá trị"),
    ("TP", "", "không phải chuỗi"),
    (None, "", "không phải rỗng"),
])
def test_a_wrong_type_in_a_unit_entry_is_a_problem(entry, where, needle):
    cleaned, problems = check_entry(entry)
    assert cleaned is None
    assert [k for k, _ in problems] == [where]
    assert needle in problems[0][1]
    reg = Registry.from_data({"units": [{"code": "VP", "name": "Văn phòng"}]})
    with pytest.raises(UnitDataError) as exc:
        reg.add_data({"units": [{"code": "OK", "name": "Đơn vị tốt"}, entry]})
    assert f"units[1]{'.' + where if where else ''}: " in exc.value.message and needle in exc.value.message
    assert sorted(reg.units) == ["VP"]  # nothing of a broken table is added, not even its good entries


def test_the_bundled_tables_sections_are_checked_too():
    for data, needle in (({"groups": [{"code": "G", "name": "Nhóm", "members": 5}]}, "groups[0].members: "),
                         ({"external": [{"code": "S/X", "name": "Sở X"}]}, "external[0].code: "),
                         ({"units": {"code": "VP"}}, "units: phải là danh sách"),
                         ({"prefixes": [1, 2]}, "prefixes: phải là danh sách chuỗi"),
                         ([1, 2], "phải là bảng khóa–giá trị")):
        with pytest.raises(UnitDataError) as exc:
            Registry.from_data(data)
        assert needle in exc.value.message, exc.value.message
    # a good table still reads as before
    reg = Registry.from_data({"units": [{"code": "TP", "name": "Phòng Tư pháp", "aliases": ["Tư pháp"],
                                         "external": False, "short": "TP"}],
                              "groups": [{"code": "G", "name": "Nhóm", "members": "all"}]})
    assert reg.match("Tư pháp").code == "TP" and reg.members(reg.units["G"]) == {"TP"}


def test_unit_table_text_is_cleaned_of_terminal_controls():
    cleaned, problems = check_entry({"code": "TP", "name": "Phòng \x1b[31mTư pháp\x1b[0m", "aliases": ["Tư\u202e pháp"],
                                     "short": "T\x07P", "members": ["VP\x1b[0m"]})
    assert problems == []
    assert cleaned == {"code": "TP", "name": "Phòng Tư pháp", "aliases": ["Tư pháp"], "short": "TP",
                       "members": ["VP"]}


@pytest.mark.parametrize("code", ["VP", "TTPVHCC", "Đội-1.a_b", "TỔ_2", "x2.v-1", "9A", "A" * 40])
def test_safe_unit_codes(code):
    assert code_problem(code) is None
    assert check_entry({"code": code, "name": "Tổ"})[1] == []


@pytest.mark.parametrize("code,needle", [
    ("A/B", '"/"'), ("A\\B", '"\\"'), ("A B", "dấu cách"), (" VP", "dấu cách"), ("VP ", "dấu cách"),
    ("A\rB", "\\r"), ("A\nB", "\\n"), ("VP\r\n", "\\r"), ("A\u2028B", "\\u2028"), ("A\x85B", "\\x85"),
    ("A\tB", "\\t"), ("A\x1b[31mB", "\\x1b"), ("A\x00B", "\\x00"), ("A\u202eB", "\\u202e"), ("A:B", '":"'),
    ("A;B", '";"'), ("A*B", '"*"'), ('A"B', "'\"'"), ("..", 'bắt đầu bằng "."'),
    (".VP", 'bắt đầu bằng "."'), ("-VP", 'bắt đầu bằng "-"'), ("A" * 41, "tối đa 40"),
])
def test_unsafe_unit_codes_are_refused(code, needle):
    why = code_problem(code)
    assert why is not None and needle in why, why
    assert "\r" not in why and "\n" not in why and "\x1b" not in why  # the message itself prints safely
    cleaned, problems = check_entry({"code": code, "name": "Tổ"})
    assert cleaned is None and [k for k, _ in problems] == ["code"]
    with pytest.raises(UnitDataError):  # the config's `units:` goes through the same check
        Registry().add_data({"units": [{"code": code, "name": "Tổ"}]})


# The splitter before issue 9: every split point of every piece tried (O(n³)); kept as the reference.
def _reference_segment(reg, piece):
    from tthc_cli.core.units import _TOKEN_SEP

    parts = _TOKEN_SEP.split(piece)
    tokens, seps = parts[0::2], parts[1::2]
    n = len(tokens)
    if n == 1 or reg.match(piece):
        return [piece]
    best = [None] * (n + 1)
    best[0] = (0, 0, [])
    for j in range(1, n + 1):
        for i in range(j):
            text = "".join(tokens[k] + (seps[k] if k < j - 1 else "") for k in range(i, j))
            covered = (j - i) if reg.match(text) else 0
            cand = (best[i][0] + covered, best[i][1] - 1, best[i][2] + [i])
            if best[j] is None or cand[:2] > best[j][:2]:
                best[j] = cand
    starts = best[n][2] + [n]
    out = ["".join(tokens[k] + (seps[k] if k < b - 1 else "") for k in range(a, b)).strip(" .;,:")
           for a, b in zip(starts, starts[1:])]
    return [o for o in out if o]


def test_the_bounded_splitter_cuts_as_the_exhaustive_one(reg):
    from tthc_cli.io.workspace import bundled_registry_data

    data = bundled_registry_data(False)
    spellings = [s for section in ("units", "groups", "external") for e in data[section]
                 for s in (e["name"], *(e.get("aliases") or ()))]
    unknown = ["Phòng Tư pháp", "Tổ dân phố", "Sở Xây dựng", "Bộ Tài chính", "xã", "các cơ quan", "đơn vị",
               "Kho bạc Nhà nước", "liên quan", "ngành", "Sở"]
    rnd = random.Random(9)
    for _ in range(300):
        names = [rnd.choice(spellings if rnd.random() < 0.6 else unknown) for _ in range(rnd.randint(2, 12))]
        cell = names[0] + "".join(rnd.choice((", ", " - ", ",", " – ")) + nm for nm in names[1:])
        assert _segment(reg, cell) == _reference_segment(reg, cell), cell
    small = Registry.from_data({"units": [{"code": "A", "name": "Alpha"}, {"code": "B", "name": "Beta, Gamma"},
                                          {"code": "C", "name": "Delta - Eps"}], "prefixes": ["Sở"]})
    words = ["Alpha", "Beta", "Gamma", "Delta", "Eps", "Sở X", "foo", "A", "Sở"]
    for _ in range(300):  # cells many times longer than the longest name, prefixes among them
        names = [rnd.choice(words) for _ in range(rnd.randint(2, 30))]
        cell = names[0] + "".join(rnd.choice((", ", " - ")) + nm for nm in names[1:])
        assert _segment(small, cell) == _reference_segment(small, cell), cell


class _Counting(Registry):
    """A registry that counts the lookups a split makes and the characters it looks up."""

    calls = chars = 0

    def match(self, name):
        self.calls += 1
        self.chars += len(name)
        return super().match(name)


NAMES = ["Phòng Kinh tế", "Công an xã", "Tổ dân phố số 7", "VHXH", "Bưu điện xã", "PKT", "Phòng Văn hóa - Xã hội",
         "Hội Nông dân", "Công an xã", "BHXH"]


def _work(n):
    from tthc_cli.io.workspace import bundled_registry_data

    reg = _Counting.from_data(bundled_registry_data(False))
    names = [NAMES[i % len(NAMES)] for i in range(n)]
    cell = ", ".join(names)
    assert reg.split(cell) == names
    return cell, reg.calls, reg.chars


def test_splitting_a_huge_cell_is_linear():
    """Issue 9: a 16 KB lead cell of 1,500 names took minutes (an O(n³) search); the work now grows with n."""
    cell, calls, chars = _work(1500)
    assert len(cell.encode()) >= 16 * 1024
    _, calls2, chars2 = _work(3000)
    # O(n) doubles the work when n doubles; O(n²) would quadruple it, O(n³) multiply it by eight
    assert calls2 <= 2.1 * calls and chars2 <= 2.1 * chars
    assert calls <= 1500 * 20  # a bounded number of lookups per name


def test_a_unit_added_later_is_seen_by_the_split_cache():
    """The module-level split cache is keyed by the registry's version: a plan or config adding a unit after a
    cell was split once makes that cell split anew (issue 10, item 6)."""
    from tthc_cli.core.units import Registry
    from tthc_cli.io.workspace import bundled_registry_data

    reg = Registry.from_data(bundled_registry_data(False))
    cell = "Công an xã, Bưu điện xã"
    assert reg.split(cell) == ["Công an xã", "Bưu điện xã"]
    reg.add_data({"units": [{"code": "TLN", "name": cell}]})  # a team named with a comma in it
    assert reg.split(cell) == [cell]
    assert [r.unit.code for r in reg.refs(cell)] == ["TLN"]


def test_a_name_is_matched_once_until_units_change():
    """A province's cells repeat a few dozen names in thousands of combinations: each name's UnitRef is made
    once per registry (the same object), and made anew once a unit is added."""
    from tthc_cli.core.units import Registry
    from tthc_cli.io.workspace import bundled_registry_data

    reg = Registry.from_data(bundled_registry_data(False))
    first = reg.refs("Đội Thanh niên xung kích, Phòng Kinh tế")
    again = reg.refs(["Phòng Kinh tế", "Đội Thanh niên xung kích"])
    assert first[1] is again[0] and first[0] is again[1]
    assert first[0].unit is None and first[1].unit.code == "PKT"
    reg.add_data({"units": [{"code": "DTN", "name": "Đội Thanh niên xung kích"}]})
    assert [r.unit.code for r in reg.refs(["Phòng Kinh tế", "Đội Thanh niên xung kích"])] == ["PKT", "DTN"]
