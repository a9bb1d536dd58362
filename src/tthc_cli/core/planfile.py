"""The plan file format: from parsed YAML data to a Plan, with every problem.

Pure: takes the data a YAML parser produced; reading files is in `loader`.
Problems carry key paths such as `tasks[3].lead`; the loader adds lines.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from tthc_cli.core.deadline import iso_date, parse_period
from tthc_cli.core.model import ERROR, WARNING, Plan, Problem, Task
from tthc_cli.core.text import clean_text, closest, key_phrase, thousands, type_name, visible
from tthc_cli.core.units import ENTRY_KEYS, check_entry

TOP_KEYS = ("plan", "units", "tasks")
PLAN_KEYS = ("id", "title", "issuer", "document", "period", "status", "source", "notes")
PLAN_STATUSES = ("open", "closed")
"""A plan is open until someone closes it (`status: closed`): then its items leave due, check and the digest."""
TASK_KEYS = ("id", "title", "lead", "support", "deadline", "due", "product", "notes",
             "after", "tasks", "review")
UNIT_KEYS = ENTRY_KEYS
_KEY_SETS = {keys: frozenset(keys) for keys in (TOP_KEYS, PLAN_KEYS, TASK_KEYS, UNIT_KEYS)}
PLAN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]*$")


class _Collector:
    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    def error(self, path: str, message: str) -> None:
        self.problems.append(Problem(ERROR, message, self.file, None, path))

    def warn(self, path: str, message: str) -> None:
        self.problems.append(Problem(WARNING, message, self.file, None, path))

    def unknown_keys(self, mapping: dict, allowed, path: str) -> None:
        if _KEY_SETS[allowed].issuperset(mapping):  # the common case, in one call
            return
        for k in mapping:
            if k not in allowed:
                name = "~" if k is None else clean_text(str(k))  # the key path shows a null key as YAML writes it
                hint = closest(name, allowed, n=1)
                more = f'; có phải "{hint[0]}"?' if hint else f" (các khóa hợp lệ: {', '.join(allowed)})"
                self.error(_join(path, name), f"{key_phrase(k)} không có trong định dạng kế hoạch{more}")


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


_type_name = type_name


def build_plan(data, file: str) -> tuple[Plan | None, list[Problem]]:
    """A Plan from a plan file's parsed data, and the problems found on the way."""
    c = _Collector(file)
    if data is None:
        c.error("", "tệp rỗng: một kế hoạch cần có khóa plan và tasks")
        return None, c.problems
    if not isinstance(data, dict):
        c.error("", f"tệp kế hoạch phải là một bảng khóa–giá trị (plan, tasks), không phải {_type_name(data)}")
        return None, c.problems
    c.unknown_keys(data, TOP_KEYS, "")
    head = data.get("plan")
    if not isinstance(head, dict):
        c.error("plan", "thiếu phần plan (id, title, period …)" if head is None
                else f"plan phải là bảng khóa–giá trị, không phải {_type_name(head)}")
        return None, c.problems
    c.unknown_keys(head, PLAN_KEYS, "plan")
    plan_id = head.get("id")
    if plan_id is None:
        c.error("plan.id", "thiếu mã kế hoạch (plan.id)")
        return None, c.problems
    raw_id = str(plan_id)
    plan_id = _nfc(clean_text(raw_id).strip())
    if not PLAN_ID.fullmatch(raw_id):
        c.error("plan.id", f'mã kế hoạch "{visible(raw_id)}" chỉ được gồm chữ không dấu, số, ".", "-", "_"')
    period = None
    if "period" not in head:
        c.error("plan.period", "thiếu thời gian kế hoạch (plan.period), ví dụ: 2026")
    else:
        try:
            raw_period = head["period"]
            period = parse_period(clean_text(raw_period) if isinstance(raw_period, str) else raw_period)
        except ValueError as exc:
            c.error("plan.period", str(exc))
    plan = Plan(
        id=plan_id,
        title=_text(c, head, "title", "plan") or plan_id,
        file=file,
        period=period,
        issuer=_text(c, head, "issuer", "plan"),
        document=_text(c, head, "document", "plan"),
        source=_text(c, head, "source", "plan"),
    )
    status = head.get("status", "open")
    if status in PLAN_STATUSES:
        plan.closed = status == "closed"
    else:
        c.error("plan.status", f'status là "open" (đang thực hiện) hoặc "closed" (đã kết thúc), không phải '
                               f'"{visible(clean_text(str(status)))[:40]}"')
    units = data.get("units")
    if units is not None:
        if not isinstance(units, list):
            c.error("units", f"units phải là danh sách, không phải {_type_name(units)}")
        else:
            for i, u in enumerate(units):
                p = f"units[{i}]"
                if isinstance(u, dict):
                    c.unknown_keys(u, UNIT_KEYS, p)
                entry, problems = check_entry(u)
                for key, message in problems:  # a unit with any problem is left out, never half-read
                    c.error(_join(p, key) if key else p, message)
                if entry is not None:
                    plan.units.append(entry)
    tasks = data.get("tasks")
    if tasks is None:
        c.error("tasks", "thiếu danh sách nhiệm vụ (tasks)")
    elif not isinstance(tasks, list):
        c.error("tasks", f"tasks phải là danh sách, không phải {_type_name(tasks)}")
    else:
        if _count_tasks(tasks) > MAX_TASKS:
            c.error("tasks", f"tệp có hơn {thousands(MAX_TASKS)} nhiệm vụ; một tỉnh có chừng 50.000 nhiệm vụ trong "
                             f"200 tệp: hãy tách tệp này")
            return None, c.problems
        _build_tasks(c, plan, tasks, None, "tasks")
    return plan, c.problems


def _text(c: _Collector, mapping: dict, key: str, path: str) -> str | None:
    value = mapping.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        return _nfc(clean_text(value).strip())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    c.error(_join(path, key), f"{key} phải là chuỗi, không phải {_type_name(value)}")
    return None


def _names(c: _Collector, mapping: dict, key: str, path: str) -> tuple[str, ...]:
    value = mapping.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        return (clean_text(value),)
    if isinstance(value, list):
        out = []
        for i, v in enumerate(value):
            if isinstance(v, (str, int)) and not isinstance(v, bool):
                out.append(clean_text(str(v)))
            else:
                c.error(f"{_join(path, key)}[{i}]", f"tên đơn vị phải là chuỗi, không phải {_type_name(v)}")
        return tuple(out)
    c.error(_join(path, key), f"{key} phải là chuỗi hoặc danh sách, không phải {_type_name(value)}")
    return ()


MAX_DUE_DATES = 400
"""Dates one task may list under `due:` (a working day a year is 250); each becomes a row of its own."""


def _dates(c: _Collector, value, path: str) -> tuple[date, ...]:
    values = value if isinstance(value, list) else [value]
    if len(values) > MAX_DUE_DATES:
        c.error(path, f"due có {len(values)} ngày; một nhiệm vụ ghi tối đa {MAX_DUE_DATES} ngày")
        return ()
    out = set()
    for v in values:
        try:
            day = iso_date(v.date() if isinstance(v, datetime) else v)
        except ValueError:
            c.error(path, f"due phải là ngày dạng YYYY-MM-DD, không phải {visible(repr(v))[:80]}")
            continue
        if day in out:
            c.warn(path, f"ngày {day.isoformat()} ghi hai lần trong due")
        out.add(day)
    return tuple(sorted(out))


def _task_id(value) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (str, int)):
        return _nfc(clean_text(str(value)).strip())
    return None


def _nfc(text: str) -> str:
    """Text as typed, in NFC (plans are matched and compared in NFC)."""
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def _deadline_text(value) -> str | None:
    """A deadline as the plan words it, cleaned; None when there is none."""
    if not isinstance(value, str):
        return None
    value = clean_text(value).strip()
    return value or None


MAX_TASKS = 20_000
"""Tasks (every level) one plan file may hold: building and linking 200,000 would take half a minute."""


def _count_tasks(items: list) -> int:
    """Tasks at every level, without recursion (and stopping soon after MAX_TASKS)."""
    count, stack = 0, [items]
    while stack and count <= MAX_TASKS:
        for item in stack.pop():
            count += 1
            if isinstance(item, dict) and isinstance(item.get("tasks"), list):
                stack.append(item["tasks"])
    return count


def _build_tasks(c: _Collector, plan: Plan, items: list, parent: Task | None, path: str) -> None:
    for i, item in enumerate(items):
        p = f"{path}[{i}]"
        if not isinstance(item, dict):
            c.error(p, f"mỗi nhiệm vụ là một bảng khóa–giá trị (id, title, lead …), không phải {_type_name(item)}")
            continue
        c.unknown_keys(item, TASK_KEYS, p)
        raw_id = item.get("id")
        local = _task_id(raw_id)
        if raw_id is not None and local is None:
            if isinstance(raw_id, float):
                c.error(_join(p, "id"), f'mã {raw_id!r} bị đọc thành số thập phân; hãy đặt trong dấu nháy, ví dụ id: "{raw_id}"')
            else:
                c.error(_join(p, "id"), f"id phải là chuỗi, không phải {_type_name(raw_id)}")
        if not local:
            local = str(i + 1)
            tid = f"{parent.id}.{local}" if parent else local
        else:
            tid = local
            if parent and local.startswith(parent.id + "."):
                local = local[len(parent.id) + 1:]
        if ":" in tid:
            c.error(_join(p, "id"), f'mã nhiệm vụ "{tid}" không được chứa dấu ":" (dùng cho tham chiếu kế hoạch:nhiệm vụ)')
        title = _text(c, item, "title", p) or ""
        product = _text(c, item, "product", p)
        if not title and not product:
            c.error(p, "nhiệm vụ cần có title hoặc product")
        deadline = item.get("deadline")
        if isinstance(deadline, (date, datetime)):
            deadline = deadline.strftime("%d/%m/%Y")
        elif deadline is not None and not isinstance(deadline, str):
            c.error(_join(p, "deadline"), f"deadline phải là chuỗi (lời của kế hoạch), không phải {_type_name(deadline)}")
            deadline = None
        review = item.get("review", False)
        if not isinstance(review, bool):
            c.error(_join(p, "review"), "review phải là true hoặc false")
            review = False
        task = Task(
            plan=plan, id=tid, local_id=local, title=title, keypath=p, parent=parent,
            product=product,
            lead_text=_names(c, item, "lead", p),
            support_text=_names(c, item, "support", p),
            deadline=_deadline_text(deadline),
            due_override=_dates(c, item["due"], _join(p, "due")) if item.get("due") is not None else (),
            notes=_text(c, item, "notes", p),
            after=_names(c, item, "after", p),
            review=review,
        )
        if tid in plan.by_id:
            other = plan.by_id[tid]
            c.error(_join(p, "id"), f'mã nhiệm vụ "{tid}" trùng với {other.keypath}')
        else:
            plan.by_id[tid] = task
        plan.tasks.append(task)
        (parent.children if parent else plan.roots).append(task)
        children = item.get("tasks")
        if children is not None:
            if isinstance(children, list):
                _build_tasks(c, plan, children, task, _join(p, "tasks"))
            else:
                c.error(_join(p, "tasks"), f"tasks phải là danh sách, không phải {_type_name(children)}")
