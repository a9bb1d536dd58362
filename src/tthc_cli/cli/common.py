"""What the commands share: the session, the loaded plans (files left out said loudly), the selection of a
unit's items, the terminal, and recording one progress event."""

from __future__ import annotations

import os
import sys
from datetime import date

from tthc_cli.cli.guard import RUN, Format, Role, echo
from tthc_cli.errors import EXIT_PARTIAL, PlanError, StoreError


def session(plans=None, db=None, no_cache=False):
    from tthc_cli.cli.busy import Busy
    from tthc_cli.io.session import Session

    return Session(plans, config_path=RUN["config"], db=db, no_cache=no_cache, busy=Busy("Đang đọc kế hoạch"))


def workspace(s, query: bool = False):
    """The loaded plans (with `query`, through the query index when it is fresh: io/index.py); files that could
    not be loaded are named loudly, and the run will exit EXIT_PARTIAL."""
    ws = s.query_workspace if query else s.workspace
    if ws.left_out and not ws.plans:
        report_problems([p for p in ws.errors if p.file in dict(ws.left_out)][:10])
        raise PlanError("không đọc được kế hoạch nào")
    errors = [p for p in ws.errors if p.file not in dict(ws.left_out)]
    if errors:
        report_problems(errors[:5])
        more = f" (và {len(errors) - 5} lỗi khác)" if len(errors) > 5 else ""
        echo(f"Cảnh báo: kế hoạch có {len(errors)} lỗi{more}; chạy `tthc validate` để xem hết.", err=True)
    if ws.left_out and not RUN.get("left_out"):
        RUN["left_out"] = ws.left_out
        echo(f"CẢNH BÁO: {len(ws.left_out)} tệp kế hoạch không đọc được và bị BỎ QUA; kết quả dưới đây "
                   f"THIẾU các kế hoạch đó (mã thoát {EXIT_PARTIAL}):", err=True)
        for file, why in ws.left_out:
            echo(f"  - {file}: {why}", err=True)
    return ws


def report_problems(problems) -> None:
    from tthc_cli.io.workspace import located

    for p in located(problems):
        echo(p.format(), err=True)


def selection(ws, unit: str | None, role: Role, coordinator=None, communes=None):
    """The Selection a --unit and --role name (a unit also gets its groups' tasks and, when it is the
    `coordinator`, the shared duties) within `communes` (see `communes`), and the unit."""
    from tthc_cli.core.queries import Selection

    if unit is None:
        return Selection(None, role.value, communes), None
    u = ws.registry.require(unit)
    return Selection(ws.registry.duty_codes(u, coordinator), role.value, communes), u


ALL_COMMUNES = frozenset({"*", "all", "tat ca", "tất cả"})
"""What `--commune` takes for "every commune" (over the config's `commune:`)."""


def communes(s, ws, names) -> frozenset | None:
    """The communes a command looks at: those --commune names (any spelling, accents optional), else the
    config's `commune:`, else every one (None). An unknown or ambiguous name is refused with the communes
    the plans have."""
    from tthc_cli.core.communes import find, suggest
    from tthc_cli.errors import ConfigError, UsageError

    known = [x for x in ws.communes() if x is not None]
    if names:
        if any(n.strip().lower() in ALL_COMMUNES for n in names):
            return None
        source, error = "--commune", UsageError
    elif s.home_commune is not None:
        names, source, error = [s.config.commune], "commune (tệp cấu hình)", ConfigError
    else:
        return None
    out = set()
    for name in names:
        hits = find(name, known)
        if len(hits) == 1:
            out.add(hits[0])
            continue
        if hits:
            raise error(f'{source}: "{name}" có thể là {" hoặc ".join(h.label for h in hits)}; hãy ghi rõ hơn '
                        f'(ví dụ "{hits[0].label}")')
        hints = suggest(name, known)
        more = (" Có phải: " + ", ".join(f'"{h}"' for h in hints) + "?") if hints else ""
        listed = ", ".join(x.label for x in known[:8]) + (" …" if len(known) > 8 else "")
        raise error(f'{source}: không có kế hoạch nào của "{name}".{more} Các xã có kế hoạch: '
                    f'{listed or "(không kế hoạch nào ghi cơ quan ban hành)"}')
    return frozenset(out)


def coordinator(s, registry):
    """The unit that follows the shared duties (config `coordinator:`, VHXH by default); None when unset."""
    from tthc_cli.io.config import ConfigError

    name = s.config.coordinator
    if not name:
        return None
    unit = registry.match(name)
    if unit is None:
        raise ConfigError(f'coordinator: không có đơn vị "{name}" trong danh mục')
    return unit


def items(s, unit, role, day, roll_forward=None, query: bool = False, closed: bool = True, due_by=None, ws=None,
          commune=None):
    """The selected items with their status as of `day`, progress applied; the unit; the communes chosen
    (None: every one). With `query` (`due`,
    `overdue`, `list`, `check`) the plans may come from the query index; without `closed`, a closed plan's
    items are left out (`due`, `overdue`, `check`, the digest). With `due_by` (a day), the index may leave out
    items due after it (`due` and `overdue` show none of them; see IndexedWorkspace.plans_for). `commune`:
    the --commune names (see `communes`)."""
    from tthc_cli.core.queries import collect

    ws = ws if ws is not None else workspace(s, query)
    sel, u = selection(ws, unit, role, coordinator(s, ws.registry), communes(s, ws, commune))
    if due_by is not None and any(e.due <= due_by for chain in s.progress.extensions.values() for e in chain):
        due_by = None  # a deadline brought forward (extend --earlier) may fall due before the plan's date
    found = collect(ws.plans_for(sel, (due_by, day) if due_by is not None else None), ws.registry, sel, day,
                    s.config.warn_days, s.progress, s.roll(roll_forward), closed, ws.selects, due_by)
    return found, u, sel.communes


def _columns(fallback: int) -> int:
    """shutil.get_terminal_size's columns (COLUMNS, else the terminal on stdout, else `fallback`), without
    importing shutil and the compression modules it brings (about 2 ms of every start)."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else fallback


def terminal() -> tuple[int, bool]:
    """The width to draw tables at (COLUMNS or the terminal; 40–400) and whether to colour them."""
    width = min(max(_columns(120), 40), 400)  # COLUMNS=99999999 must not pad gigabytes
    if os.environ.get("NO_COLOR"):
        colour = False
    elif os.environ.get("FORCE_COLOR"):
        colour = True
    else:
        colour = hasattr(sys.stdout, "isatty") and sys.stdout.isatty()
    return width, colour


def show_items(s, shown, today, horizon, fmt_: Format, title: str, include_undated: bool, all_items,
               ended: bool = False) -> None:
    """`shown` as the table (with a footer counting what has no due date, and with `ended` what plans whose
    period has ended still hold open) or as JSON or CSV rows."""
    from tthc_cli.core.queries import count_undated, ended_and_open, sort_key
    from tthc_cli.outputs.items import ended_line, item_row, table_text, to_csv, to_json, undated_line

    shown = sorted(shown, key=sort_key)
    days = s.calendar
    if fmt_ is Format.table:
        lines = [None if include_undated else undated_line(count_undated(all_items), "; thêm --all để xem."),
                 ended_line(ended_and_open(all_items, today)) if ended else None]
        footer = "\n".join(line for line in lines if line) or None
        width, colour = terminal()
        sys.stdout.write(table_text(shown, today, horizon, footer, title, days, width=width, colour=colour))
        return
    rows = [item_row(i, today, horizon, days) for i in shown]
    sys.stdout.write(to_json(rows) + "\n" if fmt_ is Format.json else to_csv(rows))


def title(what: str, unit, role: Role, today: date, communes=None) -> str:
    from tthc_cli.core.deadline import fmt

    who = f" — {unit.code} ({unit.name})" if unit else ""
    role_vi = {"lead": "", "support": ", vai trò phối hợp", "any": ", chủ trì hoặc phối hợp"}[role.value]
    where = f" — {', '.join(sorted(x.label for x in communes))}" if communes else ""
    return f"{what}{who}{role_vi}{where} — ngày {fmt(today)}"


def write_json(data) -> None:
    import json

    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def record(s, decide):
    """Write the event `decide()` makes from what the store holds, as one check-and-write.

    `decide` reads `s.progress` (and refuses, with the usual message, what cannot be recorded); the event is
    written only if no other event of its task was recorded since that read. Otherwise the store is read
    again and `decide` runs again: of several `done` started at once on one item, one is recorded and the
    others are refused."""
    from tthc_cli.errors import Conflict

    s.ensure_store()  # decide() reads the store: a new PostgreSQL database gets its tables first
    for _ in range(10):
        event, extra = decide()
        known = s.progress.by_task.get((event.plan, event.task), ())
        last = max((e.id or 0 for e in known), default=0)
        try:
            with s.store() as store:
                return store.add(event, expect_last=last), store.where, extra
        except Conflict:
            s.reload_progress()
    raise StoreError("nhiệm vụ này đang được nhiều người ghi cùng lúc; hãy thử lại")
