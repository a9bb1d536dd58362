"""Progress records as terminal lines (`history`, the end of `show`)."""

from __future__ import annotations

from datetime import date, datetime

KIND_VI = {"done": "hoàn thành", "undone": "bỏ hoàn thành", "trigger": "sự kiện xảy ra", "note": "ghi chú",
           "extend": "gia hạn", "progress": "tiến độ"}
WITHDRAWN = "bỏ gia hạn"
"""An `undone` with a date (`due`) withdraws an extension."""


def kind_vi(kind: str, due) -> str:
    return WITHDRAWN if kind == "undone" and due else KIND_VI.get(kind, kind)


def history_lines(rows: list[dict]) -> list[str]:
    """One line per record, newest first as the rows come: who, when, what, with evidence and notes."""
    out = []
    for r in rows:
        what = kind_vi(r["kind"], r["due"])
        if r.get("percent") is not None:
            what += f" {r['percent']}%"
        day = date.fromisoformat(r["day"]).strftime("%d/%m/%Y") if r["day"] else ""
        when = ""
        if r["recorded_at"]:
            when = datetime.fromisoformat(r["recorded_at"]).astimezone().strftime("%d/%m/%Y %H:%M")
        bits = [f"#{r['id']}", when, r["who"], r["ref"]]
        if r["milestone"]:
            bits.append(f"mốc {r['milestone']}")
        if r["occurrence"]:
            bits.append(f"kỳ {r['occurrence']}")
        line = " · ".join(bits) + f": {what} {day}".rstrip()
        if r["due"]:
            to = {"extend": "đến", "undone": "đến"}.get(r["kind"], "hạn")
            line += f", {to} {date.fromisoformat(r['due']).strftime('%d/%m/%Y')}"
        if r["evidence"]:
            line += f" — minh chứng: {r['evidence']}"
        if r["note"]:
            line += f" — {r['note']}"
        if r["orphan"]:
            line += " [nhiệm vụ không còn trong kế hoạch]"
        out.append(line)
    return out


