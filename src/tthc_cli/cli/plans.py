"""`validate`, `resolve`, `import`, `schema`: plan files and the deadline phrases in them."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from tthc_cli.cli import common as c
from tthc_cli.cli.app import DbOpt, PlansOpt, TextFormat, TodayOpt, app, resolve_today
from tthc_cli.errors import ImportError_, PlanError, UsageError


@app.command()
def validate(paths: Annotated[Optional[list[str]], typer.Argument(
                 metavar="[ĐƯỜNG_DẪN]...", help="Tệp hoặc thư mục kế hoạch (mặc định ./plans hoặc TTHC_PLANS).", show_default=False)] = None,
             strict: Annotated[bool, typer.Option("--strict", help="Cảnh báo cũng làm lệnh thất bại.")] = False,
             format: Annotated[TextFormat, typer.Option("--format", "-f", help="text hoặc json.")] = TextFormat.text,
             plans: PlansOpt = None, db: DbOpt = None):
    """Kiểm tra kế hoạch: liệt kê mọi lỗi và cảnh báo kèm tệp, dòng và khóa."""
    from tthc_cli.core.checks import orphans, plan_warnings
    from tthc_cli.io.workspace import load, located

    s = c.session((paths or []) + (plans or []) or None, db, no_cache=True)
    ws = load(s.plan_paths(), use_cache=False, extra_units=s.config.units, progress=s.busy)
    if not ws.files:
        raise UsageError("không có tệp kế hoạch (.yaml) nào để kiểm tra")
    problems = list(ws.problems)
    for plan in ws.plans:
        problems.extend(plan_warnings(plan))
    where = s.db_location()
    if not isinstance(where, Path) or where.exists():
        from tthc_cli.io.stores import describe

        problems.extend(orphans(ws.plans, s.progress, describe(where)))
    problems = located(problems)
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    tasks = sum(1 for p in ws.plans for t in p.tasks if t.is_leaf)
    if format == "json":
        c.write_json({"files": len(ws.files), "plans": len(ws.plans), "tasks": tasks, "errors": errors,
                      "warnings": warnings, "problems": [p.to_json() for p in problems]})
    else:
        from tthc_cli.outputs.items import hanging

        width = c.terminal()[0]
        for p in problems:  # file:line: first, the rest of a long message on indented lines
            typer.echo("\n".join(hanging(p.format(), width)))
        typer.echo(f"{len(ws.files)} tệp, {len(ws.plans)} kế hoạch, {tasks} nhiệm vụ: "
                   f"{errors} lỗi, {warnings} cảnh báo.")
    if errors or (strict and warnings):
        raise typer.Exit(PlanError.exit_code)


@app.command()
def resolve(texts: Annotated[Optional[list[str]], typer.Argument(
                metavar="[CỤM_THỜI_HẠN]...", help="Các cụm thời hạn; không có thì đọc từ stdin, mỗi dòng một cụm.", show_default=False)] = None,
            period: Annotated[Optional[str], typer.Option(
                "--period", metavar="KỲ", help="Thời gian kế hoạch: 2026 hoặc 2025-07-01..2025-12-31 (mặc định năm của --today).",
                show_default=False)] = None,
            today: TodayOpt = None,
            format: Annotated[TextFormat, typer.Option("--format", "-f", help="text hoặc json (mỗi dòng một đối tượng).")] =
            TextFormat.text,
            explain: Annotated[bool, typer.Option(
                "--explain", "-e", help="Giải thích cách đọc: phần nào thành mốc nào, phần nào bỏ qua và vì sao.")] = False):
    """Giải nghĩa cụm thời hạn như kế hoạch viết ("Quý II/2026", "Chậm nhất ngày 15/8/2026" …)."""
    from tthc_cli.core.deadline import parse_period
    from tthc_cli.core.deadline import resolve as resolve_text
    from tthc_cli.core.text import clean_text
    from tthc_cli.outputs.resolution import resolution_json, resolution_lines

    try:
        per = parse_period(period) if period else parse_period(resolve_today(today).year)
    except ValueError as exc:
        raise UsageError(f"--period: {exc}") from None
    for text in texts if texts else _stdin_lines():
        if not texts and not text.strip():
            continue
        res = resolve_text(clean_text(text), per)  # what is echoed back must not carry escape sequences
        out = [resolution_json(res, explain)] if format == "json" else resolution_lines(res, explain)
        sys.stdout.write("".join(line + "\n" for line in out))


def _stdin_lines(limit: int = 20 * 1024 * 1024) -> list[str]:
    """Phrases from stdin, one a line, at most `limit` bytes (`resolve < /dev/zero` must end)."""
    from tthc_cli.core.text import clean_text

    data = sys.stdin.buffer.read(limit + 1) if hasattr(sys.stdin, "buffer") else sys.stdin.read(limit + 1).encode()
    if len(data) > limit:
        raise UsageError(f"đầu vào quá lớn (hơn {limit // 1048576} MB); resolve đọc mỗi dòng một cụm thời hạn")
    return [clean_text(ln) for ln in data.decode("utf-8", "replace").splitlines()]


@app.command("import")
def import_(source: Annotated[str, typer.Argument(metavar="TỆP", help="Tệp kế hoạch: .docx, .doc, PDF xuất từ Word, phụ lục .xlsx/.ods, hoặc văn bản xuất ra (.txt/.md).")],
            output: Annotated[Optional[str], typer.Option(
                "--output", "-o", metavar="TỆP", help="Ghi ra tệp kế hoạch này (mặc định: in ra màn hình).", show_default=False)] = None,
            id: Annotated[Optional[str], typer.Option("--id", metavar="MÃ", help="Mã kế hoạch (mặc định: đoán từ tên xã).",
                                                      show_default=False)] = None,
            period: Annotated[Optional[str], typer.Option(
                "--period", metavar="KỲ", help="Thời gian kế hoạch, thay cho điều văn bản ghi: 2026 hoặc 2025-07-01..2025-12-31.",
                show_default=False)] = None,
            force: Annotated[bool, typer.Option("--force", help="Ghi đè tệp kế hoạch đã có.")] = False,
            ocr: Annotated[bool, typer.Option(
                "--ocr", help="Nhận dạng chữ (OCR) trong tệp PDF quét, bằng tesseract với dữ liệu tiếng Việt; "
                              "mọi nhiệm vụ được đánh dấu review: true.")] = False):
    """Nhập kế hoạch từ tệp Word (.docx, .doc), PDF, bảng tính (.xlsx, .ods) hoặc văn bản, ra tệp kế hoạch YAML để rà soát."""
    from tthc_cli.importer.build import check_imported, check_size, import_document, read_source, write_atomically

    if output and Path(output).exists() and not force:
        raise ImportError_(f'"{output}" đã có; thêm --force để ghi đè')
    from tthc_cli.cli.busy import Busy

    with Busy(f"Đang nhập {Path(source).name}"):
        doc = read_source(Path(source), ocr=ocr)
        check_size(doc)
        try:
            result = import_document(doc, plan_id=id, period=period, source_name=source)
        except RecursionError:
            raise ImportError_("các mục đánh số lồng nhau quá sâu (hàng trăm cấp): không phải một kế hoạch") from None
    check_imported(result.yaml)
    if output:
        write_atomically(Path(output), result.yaml, force)
    else:
        sys.stdout.write(result.yaml)
    err = typer.echo
    err(f"Đã nhập {result.tasks} nhiệm vụ/dòng sản phẩm từ {result.tables} bảng"
        f"{f' và {result.prose} câu văn (review: true)' if result.prose else ''}"
        f"{f' vào {output}' if output else ''}; kế hoạch {result.plan_id}, thời gian {result.period or '?'}.",
        err=True)
    for line in result.report:
        err(f"  - {line}", err=True)
    if output:
        err(f"Hãy rà soát rồi chạy: tthc validate {output}", err=True)


@app.command()
def schema():
    """In JSON Schema của tệp kế hoạch (để trình soạn thảo kiểm tra và gợi ý)."""
    from importlib import resources

    sys.stdout.write(resources.files("tthc_cli").joinpath("data/plan.schema.json").read_text(encoding="utf-8"))
