"""The unit registry as a terminal table (`units`)."""

from __future__ import annotations

import io

KINDS_VI = {"unit": "đơn vị", "group": "nhóm", "shared": "việc chung", "external": "bên ngoài", "unknown": "không có trong danh mục"}


def units_text(rows: list[dict], *, width: int = 120, colour: bool = False) -> str:
    """The rows of core.lookup.unit_counts as a table: code, name, kind, tasks led and supported."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Đơn vị", title_justify="left",
                  caption="Số nhiệm vụ ghi đích danh; (+n): thêm qua nhóm như \"Các cơ quan, đơn vị …\".",
                  caption_justify="left")
    for col in ("Mã", "Tên", "Loại", "Chủ trì", "Phối hợp"):
        table.add_column(col, justify="right" if col in ("Chủ trì", "Phối hợp") else "left")

    def count(r, key):
        extra = r.get(f"{key}_total", r[key]) - r[key]
        return f"{r[key]} (+{extra})" if extra else str(r[key])

    for r in rows:
        table.add_row(r["code"] or "", r["name"], KINDS_VI[r["kind"]], count(r, "lead"), count(r, "support"))
    con = Console(file=io.StringIO(), highlight=False, width=width, force_terminal=colour, no_color=not colour,
                  color_system="standard" if colour else None)
    con.print(table)
    return con.file.getvalue()
