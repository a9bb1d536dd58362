"""What a deadline phrase means, as `resolve` prints it (text, or one JSON object a line)."""

from __future__ import annotations

import json

from tthc_cli.core.deadline import KIND_VI, fmt


def resolution_json(res, explain: bool = False) -> str:
    """One line of JSON: the resolution, with how it was read when `explain`."""
    obj = res.to_json()
    if explain:
        obj["explain"] = list(res.explain)
    return json.dumps(obj, ensure_ascii=False)


def resolution_lines(res, explain: bool = False) -> list[str]:
    """The phrase, its kind and dates, its span, milestones, lags, note and warnings; how it was read."""
    dates = ", ".join(fmt(d) for d in res.due) or "—"
    out = [res.text, f"  loại: {KIND_VI[res.kind]}; hạn: {dates}"]
    if res.start or res.end:
        out.append(f"  từ {fmt(res.start) if res.start else '…'} đến {fmt(res.end) if res.end else '…'}")
    for m in res.milestones:
        md = ", ".join(fmt(d) for d in m.resolution.due) or "—"
        out.append(f"  • {m.label or '(không nhãn)'}: {KIND_VI[m.resolution.kind]}; hạn: {md}")
    for m in (res, *(m.resolution for m in res.milestones)):
        if m.lag is not None:
            out.append(f"  hạn tính từ sự kiện: {m.lag.describe()}")
    if res.note and res.kind != "event":
        out.append(f"  ghi chú: {res.note}")
    for w in res.warnings:
        out.append(f"  cảnh báo: {w}")
    if explain:
        out.append("  cách đọc:")
        for line in res.explain or ("(không có gì để giải thích)",):
            out.append(f"    {line}")
    return out
