"""Warnings `tthc validate` reports about linked plans (pure)."""

from __future__ import annotations

from tthc_cli.core.deadline import fmt
from tthc_cli.core.model import WARNING, Plan, Problem

WEEKDAYS_VI = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")


def plan_warnings(plan: Plan) -> list[Problem]:
    """Deadline and unit warnings for every task of a linked plan.

    A value a row inherits from its parent (a merged cell) is reported once,
    on the task that wrote it.
    """
    out: list[Problem] = []

    def warn(task, key, message):
        out.append(Problem(WARNING, message, plan.file, None, f"{task.keypath}.{key}"))

    for task in plan.tasks:
        if "deadline" not in task.inherited and task.resolution is not None:
            _deadline_warnings(task, warn)
        if task.is_leaf and task.resolution is None:
            warn(task, "deadline", "nhiệm vụ chưa có thời hạn")
        if task.is_leaf and not task.lead:
            warn(task, "lead", "nhiệm vụ chưa có cơ quan chủ trì")
        if "lead" not in task.inherited and len(task.lead) > 1:
            warn(task, "lead", "nhiều hơn một cơ quan chủ trì: " + ", ".join(r.text for r in task.lead))
        for key, refs in (("lead", task.lead), ("support", task.support)):
            if key in task.inherited:
                continue
            for ref in refs:
                if not ref.known:
                    warn(task, key, f'không có đơn vị "{ref.text}" trong danh mục')
        if task.inherited.isdisjoint(("lead", "support")):
            # groups ("Các cơ quan, đơn vị …") overlap by nature; only a named unit counts
            leads = {r.unit.code for r in task.lead if r.unit and r.unit.kind == "unit"}
            both = [r.text for r in task.support if r.unit and r.unit.code in leads]
            if both:
                warn(task, "support", "cơ quan chủ trì cũng được ghi là cơ quan phối hợp: " + ", ".join(both))
    return out


def _deadline_warnings(task, warn) -> None:
    res = task.resolution
    key = "due" if task.due_override else "deadline"
    if res.kind == "unknown":
        warn(task, key, f'không hiểu thời hạn "{res.text}"; trạng thái sẽ là "Chưa xác định"')
    for m in res.milestones:
        if m.resolution.kind == "unknown":
            label = f"{m.label}: " if m.label else ""
            warn(task, key, f'không hiểu thời hạn "{label}{m.resolution.text}"')
    for w in res.warnings:
        warn(task, key, w)
    for o in res.occurrences:
        if o.freq is None and o.due.weekday() >= 5:
            warn(task, key, f"hạn {fmt(o.due)} rơi vào {WEEKDAYS_VI[o.due.weekday()]}")


def orphans(plans: list[Plan], progress, store_name: str) -> list[Problem]:
    """Progress records that no item takes: their task is no longer in the plans (renamed or removed), or they
    name no occurrence of a task that has several (made before each of several named days had its own key).
    Kept, and reported: never counted for an item they may not be about."""
    from datetime import date

    from tthc_cli.core.progress import DONE
    from tthc_cli.core.queries import items_of

    tasks = {(p.id, t.id): t for p in plans for t in p.tasks}
    out = []
    for (plan, task), events in sorted(progress.by_task.items()):
        t = tasks.get((plan, task))
        if t is None:
            if any(p.id == plan for p in plans):
                ids = ", ".join(f"#{e.id}" for e in events)
                out.append(Problem(WARNING, f'{len(events)} bản ghi tiến độ ({ids}) cho nhiệm vụ "{plan}:{task}" không '
                                            f"còn trong kế hoạch (đổi mã hoặc đã xóa?); lịch sử vẫn được giữ", store_name))
            continue
        if not t.is_leaf:
            continue
        keys = {(i.milestone or "", i.occurrence or "") for i in items_of(t, date.min)}
        for e in events:
            if e.kind == DONE and (e.milestone, e.occurrence) not in keys and e.occurrence == "":
                labels = "; ".join(sorted(o for m, o in keys if m == e.milestone))
                out.append(Problem(WARNING, f'bản ghi #{e.id} ghi "{t.ref}" hoàn thành mà không nói kỳ nào, trong khi '
                                            f"nhiệm vụ có nhiều kỳ ({labels}): bản ghi không được tính; hãy ghi lại "
                                            f'bằng `tthc done {t.ref} --occurrence KỲ`', store_name))
    return out
