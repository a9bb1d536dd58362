"""The unit registry: spellings, groups, outside bodies, splitting cells."""

import pytest

from tthc_cli.units import EXTERNAL, GROUP, UNIT
from tthc_cli.workspace import base_registry


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
    every = reg.match("Các cơ quan, đơn vị có liên quan")
    assert every.kind == GROUP
    assert {"TTPVHCC", "VP", "CA", "BHXH"} <= reg.members(every)
    assert "SNV" not in reg.members(every)


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
