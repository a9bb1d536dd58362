#!/usr/bin/env python3
"""Generate a province-sized benchmark workload of `tthc` plan files.

Writes FILES plan files (``bench-0001.yaml`` ...) into OUTDIR, each with about
five sections and TASKS_PER_FILE leaf tasks in total (default 200 x 100 =
20,000 tasks, roughly the plans of every commune of a province).  A few tasks
have 2-3 nested product rows (ids like ``I.3.1``), each with its own product and
deadline; every leaf counts as one task, so the number of leaves is exactly
FILES x TASKS_PER_FILE.

Texts come from the real plans in /work/shared/seeds: task titles and products
(made distinct with a number suffix), the many spellings of the same unit
("TTPVHCC", "Trung tâm PV hành chính công", ...) and the deadline phrases of
the documents, plus "Chậm nhất ngày D/M/2026" phrases with random valid dates
so that many distinct dates occur.

The output depends only on the arguments: the same --seed gives byte-identical
files.  Stale ``bench-NNNN.yaml`` files left in OUTDIR by an earlier, larger run
are removed so that the folder holds exactly the new workload; other files are
left alone.

Usage::

    python benchmarks/make_workload.py /tmp/tthc-bench [--files 200] [--tasks-per-file 100] [--seed 1]

Standard library only (the YAML text is written directly).  Can also be imported: ``make_workload(outdir, files, tasks_per_file, seed)``.
"""

from __future__ import annotations

import argparse
import calendar
import json
import random
import re
import sys
from pathlib import Path

YEAR = 2026

SECTIONS = [
    "Công tác chỉ đạo, điều hành",
    "Cải cách thể chế",
    "Cải cách thủ tục hành chính",
    "Cải cách tổ chức bộ máy",
    "Cải cách chế độ công vụ",
    "Cải cách tài chính công",
    "Xây dựng và phát triển Chính quyền điện tử, Chính quyền số",
]
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]

# Task titles, mostly as written in the seeds (002, 000, 001).
TITLES = [
    "Ban hành và tổ chức thực hiện Kế hoạch cải cách hành chính (CCHC) năm 2026",
    "Thực hiện chế độ báo cáo CCHC định kỳ.",
    "Xây dựng và triển khai Kế hoạch kiểm tra CCHC tối thiểu 20% các cơ quan, đơn vị",
    "Tổ chức thực hiện thông tin, tuyên truyền CCHC năm 2026",
    "Triển khai xác định Chỉ số CCHC năm 2026 của xã do Sở Nội vụ đánh giá",
    "Tích cực đề xuất các sáng kiến, mô hình, giải pháp CCHC",
    "Xây dựng và ban hành văn bản quy phạm pháp luật của HĐND, UBND xã đảm bảo đúng tiến độ, thời hạn và quy trình theo quy định.",
    "Tiếp tục triển khai Kế hoạch kiểm tra, rà soát văn bản quy phạm pháp luật trên địa bàn xã.",
    "Tiếp tục tổ chức thực hiện kế hoạch theo dõi tình hình thi hành pháp luật hằng năm trên địa bàn xã",
    "Tổ chức tuyên truyền, phổ biến, giáo dục pháp luật",
    "Xây dựng, tổ chức thực hiện Kế hoạch rà soát, đánh giá thủ tục hành chính năm 2026",
    "Công bố, công khai các TTHC; Quy trình nội bộ giải quyết TTHC",
    "Công khai kết quả đánh giá việc giải quyết TTHC theo QĐ 766/QĐ-TTg của Thủ tướng Chính phủ",
    "Vận hành hiệu quả Trung tâm Phục vụ hành chính công cấp xã",
    "Hỗ trợ, khuyến khích cá nhân, tổ chức tham gia thực hiện TTHC trực tuyến và thanh toán không dùng tiền mặt",
    "Đẩy mạnh số hóa hồ sơ, kết quả giải quyết TTHC và tái sử dụng kết quả số hóa trong tiếp nhận, giải quyết TTHC",
    "Duy trì việc kiểm tra, chấn chỉnh công tác tiếp nhận và giải quyết TTHC theo cơ chế một cửa, một cửa liên thông trên địa bàn",
    "Thực hiện nghiêm các quy định về tiếp nhận, xử lý phản ánh, kiến nghị của cá nhân, tổ chức về quy định hành chính",
    "Tiếp tục sắp xếp, kiện toàn tổ chức bộ máy các cơ quan, đơn vị theo quy định",
    "Rà soát, ban hành chức năng, nhiệm vụ, quyền hạn của các cơ quan chuyên môn của UBND xã.",
    "Quản lý và sử dụng hiệu quả biên chế công chức trong các cơ quan hành chính theo quy định.",
    "Rà soát, xây dựng Đề án vị trí việc làm đảm bảo phù hợp với chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của cơ quan, đơn vị.",
    "Ban hành và triển khai kế hoạch đào tạo, bồi dưỡng cán bộ, công chức năm 2026",
    "Tăng cường kiểm tra đột xuất việc chấp hành kỷ luật, kỷ cương hành chính, văn hoá công sở đối với cán bộ, công chức, viên chức.",
    "Tổ chức thực hiện các chính sách về tiền lương, tiền công và an sinh xã hội",
    "Thực hiện các kiến nghị của thanh tra, kiểm tra, kiểm toán nhà nước về tài chính, ngân sách",
    "Ban hành Kế hoạch chuyển đổi số năm 2026",
    "Duy trì, nâng cấp các phần mềm dùng chung của xã",
    "Đẩy mạnh việc sử dụng chữ ký số chuyên dùng công vụ",
    "Nâng cao chất lượng và hiệu quả cung cấp dịch vụ công trực tuyến",
    "Kết nối, tích hợp, chia sẻ dữ liệu với các hệ thống thông tin của các bộ, ngành trung ương, tỉnh theo quy định",
    "Cập nhật, công khai đầy đủ, kịp thời thủ tục hành chính trên Cổng Dịch vụ công quốc gia",
]

# Product texts, as written in seed 002.
PRODUCTS = [
    "Kế hoạch CCHC của xã năm 2026",
    "Báo cáo CCHC định kỳ và đột xuất của UBND xã đảm bảo nội dung, yêu cầu, chất lượng và đúng thời hạn quy định.",
    "Kế hoạch kiểm tra; Thông báo kết luận kiểm tra; Báo cáo khắc phục sau kiểm tra.",
    "Các tin, bài, trên Trang TTĐT các cơ quan, đơn vị, tờ rơi...",
    "Báo cáo kết quả thực hiện (lồng ghép trong báo cáo CCHC định kỳ)",
    "Báo cáo tự đánh giá, xác định chỉ số CCHC năm 2026",
    "Các sáng kiến, quyết định công nhận sáng kiến.",
    "Danh mục Nghị quyết của HĐND, văn bản quy phạm pháp luật của UBND xã; các văn bản quy phạm pháp luật theo danh mục.",
    "Báo cáo kết quả thực hiện.",
    "Các VBQPPL được cập nhật trên trang thông tin điện tử xã",
    "Báo cáo rà soát; các quyết định phê duyệt phương án đơn giản hoá",
    "Các TTHC được cập nhật, công khai theo quy định",
    "Báo cáo kết quả tiếp nhận, xử lý giải quyết phản ánh kiến nghị quy định hành chính.",
    "Các video hướng dẫn, tờ rơi tuyên truyền.",
    "Các văn bản chỉ đạo thực hiện",
    "Cơ sở dữ liệu về đội ngũ cán bộ, công chức, viên chức của xã",
    "Biên bản, kết luận kiểm tra",
    "Báo cáo tình hình triển khai thực hiện",
    "Báo cáo kết quả thực hiện nhiệm vụ được phân cấp, uỷ quyền",
    "Các hệ thống được kết nối, chia sẻ",
]

UNITS = [
    "Trung tâm Phục vụ hành chính công xã",
    "Trung tâm PV hành chính công",
    "TTPVHCC",
    "Phòng Văn hóa - Xã hội",
    "Phòng Văn hoá – Xã hội",
    "Phòng Kinh tế",
    "Văn phòng HĐND-UBND",
    "Văn phòng HĐND&UBND xã",
    "Các phòng chuyên môn thuộc UBND xã",
    "Các cơ quan, đơn vị có liên quan",
    "Công an xã",
    "Bưu điện xã",
    "Sở Nội vụ",
]

DEADLINES = [
    "Thường xuyên",
    "Thường xuyên.",
    "Quý II/2026",
    "Quý I/2026",
    "Quý IV/2026",
    "Quý II, III năm 2026",
    "Quý I,II, III, IV/2026",
    "Chậm nhất ngày 15/8/2026",
    "Chậm nhất ngày 15/9/2026",
    "Trước ngày 15/01/2026",
    "Tháng 01/2026",
    "tháng 11/2026",
    "Năm 2026",
    "Định kỳ hằng quý",
    "Định kỳ hằng quý, 6 tháng, 1 năm",
    "Định kỳ hằng tháng, quý, năm",
    "Hàng năm",
    "Từ ngày 15/3/2026.",
    "Bắt đầu từ tháng 4 đến tháng 11/2026",
    "Khi có hướng dẫn của cơ quan có thẩm quyền",
    "Theo yêu cầu của Sở Nội vụ",
    "Khi có phát sinh",
    "05/12/2026",
    "- Kế hoạch kiểm tra: quý I/2026. - Báo cáo kết quả thực hiện: tháng 11/2026.",
]

DATED_SHARE = 0.4      # share of deadlines that are "Chậm nhất ngày D/M/2026" with a random date
NESTED_SHARE = 0.08    # chance that a task gets 2-3 nested product rows
SECTIONS_PER_FILE = 5

BENCH_FILE = re.compile(r"bench-\d+\.yaml")


_PLAIN_START = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`]")
_LOOKS_TYPED = re.compile(r"[-+.0-9:_eE]*|true|false|yes|no|on|off|null|y|n|~", re.IGNORECASE)


def _scalar(value) -> str:
    """A YAML scalar: plain when that reads back as the same string, else double-quoted."""
    if isinstance(value, int):
        return str(value)
    s = str(value)
    if (_PLAIN_START.match(s) and ": " not in s and " #" not in s and "\n" not in s
            and not s.endswith((":", " ")) and not _LOOKS_TYPED.fullmatch(s)):
        return s
    return json.dumps(s, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def _emit_task(task: dict, indent: str, out: list[str]) -> None:
    first = True
    for key, value in task.items():
        lead = f"{indent}- " if first else f"{indent}  "
        first = False
        if key == "tasks":
            out.append(f"{lead}tasks:")
            for child in value:
                _emit_task(child, indent + "    ", out)
        elif isinstance(value, list):
            out.append(f"{lead}{key}:")
            out.extend(f"{indent}    - {_scalar(v)}" for v in value)
        else:
            out.append(f"{lead}{key}: {_scalar(value)}")


def render(plan: dict) -> str:
    """The plan as YAML text, laid out like the hand-written plans in plans/."""
    out = ["plan:"]
    out.extend(f"  {k}: {_scalar(v)}" for k, v in plan["plan"].items())
    out.append("tasks:")
    for section in plan["tasks"]:
        _emit_task(section, "  ", out)
    return "\n".join(out) + "\n"


def _deadline(rng: random.Random) -> str:
    if rng.random() < DATED_SHARE:
        month = rng.randint(1, 12)
        day = rng.randint(1, calendar.monthrange(YEAR, month)[1])
        return f"Chậm nhất ngày {day}/{month}/{YEAR}"
    return rng.choice(DEADLINES)


def _units(rng: random.Random) -> tuple[str, list[str]]:
    lead = rng.choice(UNITS)
    others = [u for u in UNITS if u != lead]
    support = rng.sample(others, rng.choice((0, 1, 1, 2, 2, 3)))
    return lead, support


def _split(total: int, parts: int) -> list[int]:
    """`total` split into `parts` near-equal positive counts."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def make_plan(number: int, tasks_per_file: int, rng: random.Random, width: int = 4,
              communes: int = 100) -> tuple[dict, int]:
    """One plan document (as a dict) and its number of leaf tasks."""
    serial = 0  # running number for the text suffixes, unique within the file

    def text(pool: list[str]) -> str:
        nonlocal serial
        serial += 1
        return f"{rng.choice(pool)} ({number}.{serial})"

    sections = []
    leaves = 0
    n_sections = min(SECTIONS_PER_FILE, tasks_per_file)
    for s, n_leaves in enumerate(_split(tasks_per_file, n_sections)):
        sid = ROMAN[s]
        items = []
        remaining = n_leaves
        while remaining > 0:
            tid = f"{sid}.{len(items) + 1}"
            lead, support = _units(rng)
            task: dict = {"id": tid, "title": text(TITLES), "lead": lead}
            if support:
                task["support"] = support
            if remaining >= 2 and rng.random() < NESTED_SHARE:
                k = min(rng.randint(2, 3), remaining)
                task["tasks"] = [
                    {"id": f"{tid}.{j}", "product": text(PRODUCTS), "deadline": _deadline(rng)}
                    for j in range(1, k + 1)
                ]
            else:
                k = 1
                task["deadline"] = _deadline(rng)
                task["product"] = text(PRODUCTS)
            items.append(task)
            remaining -= k
            leaves += k
        sections.append({"id": sid, "title": SECTIONS[s % len(SECTIONS)], "tasks": items})

    plan = {
        "plan": {
            "id": f"bench-{number:0{width}d}",
            "title": f"Kế hoạch cải cách hành chính năm {YEAR} (xã thử nghiệm {number})",
            "issuer": _issuer(number, communes),
            "document": f"Kế hoạch số {number}/KH-UBND ngày 10/01/{YEAR}",
            "period": YEAR,
        },
        "tasks": sections,
    }
    return plan, leaves


def _issuer(number: int, communes: int) -> str:
    """File `number`'s commune: files go round the communes (200 files of 100 communes: two plans each, as a
    commune has its CCHC and its KSTTHC plan), written the two ways documents write it."""
    commune = (number - 1) % communes + 1
    body = "UBND" if (number - 1) // communes % 2 == 0 else "Ủy ban nhân dân"
    return f"{body} xã Thử Nghiệm {commune}"


def make_workload(outdir: str | Path, files: int = 200, tasks_per_file: int = 100, seed: int = 1,
                  communes: int | None = None) -> dict:
    """Write the workload into `outdir` (the plans of `communes` communes, default half as many as files);
    return {"dir", "files", "tasks", "bytes", "communes"}."""
    if files < 1 or tasks_per_file < 1:
        raise ValueError("files and tasks_per_file must be at least 1")
    communes = communes or max(1, files // 2)
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    width = max(4, len(str(files)))
    written: set[str] = set()
    total_tasks = total_bytes = 0
    for number in range(1, files + 1):
        plan, leaves = make_plan(number, tasks_per_file, rng, width, communes)
        data = render(plan).encode("utf-8")
        name = f"{plan['plan']['id']}.yaml"
        (out / name).write_bytes(data)
        written.add(name)
        total_tasks += leaves
        total_bytes += len(data)
    for stale in out.iterdir():
        if BENCH_FILE.fullmatch(stale.name) and stale.name not in written and stale.is_file():
            stale.unlink()
    assert total_tasks == files * tasks_per_file, (total_tasks, files * tasks_per_file)
    return {"dir": str(out), "files": files, "tasks": total_tasks, "bytes": total_bytes, "communes": communes}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Write a deterministic benchmark workload of tthc plan files "
                    "(default 200 files x 100 tasks = 20,000 tasks) into OUTDIR.")
    parser.add_argument("outdir", metavar="OUTDIR", help="folder to write bench-NNNN.yaml files into (created if needed)")
    parser.add_argument("--files", type=int, default=200, help="number of plan files (default 200)")
    parser.add_argument("--tasks-per-file", type=int, default=100,
                        help="leaf tasks per file (default 100)")
    parser.add_argument("--seed", type=int, default=1, help="random seed; same seed, same files (default 1)")
    parser.add_argument("--communes", type=int, default=None,
                        help="communes the files belong to, round robin (default: half the files)")
    args = parser.parse_args(argv)
    if args.files < 1 or args.tasks_per_file < 1:
        parser.error("--files and --tasks-per-file must be at least 1")
    info = make_workload(args.outdir, args.files, args.tasks_per_file, args.seed, args.communes)
    print(f"wrote {info['files']} files, {info['tasks']} tasks, {info['bytes']} bytes "
          f"({info['bytes'] / 1048576:.1f} MiB) to {info['dir']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
