"""The pure core, called directly (no CLI, no files), with every boundary day pinned (issue 10).

Each table row is one boundary: the day on it and the day past it. `benchmarks/mutate_core.py` turns each
`<=` into `<` (and the like) in core/ and checks that some row here fails.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tthc_cli.core.checks import orphans, plan_warnings
from tthc_cli.core.dates import MAX_YEAR, MIN_YEAR, parse_day, parse_within
from tthc_cli.core.deadline import Lag, Period, parse_period, resolve
from tthc_cli.core.graph import link
from tthc_cli.core.model import ERROR, WARNING
from tthc_cli.core.planfile import MAX_DUE_DATES, MAX_TASKS, build_plan
from tthc_cli.core.progress import DONE, TRIGGER, UNDONE, Event, Progress
from tthc_cli.core.queries import (DONE_LATE, DONE_ON_TIME, NOT_YET, ONGOING, OVERDUE, SOON, TODAY, UNRESOLVED,
                                   WAITING, Item, Selection, collect, dated_status, due_items, due_window, items_of,
                                   listed_items, overdue_items, statuses_named)
from tthc_cli.core.recording import (completion_day, history_rows, pick_item, refuse_repeated_trigger,
                                     trigger_due)
from tthc_cli.core.report import build_report, report_period
from tthc_cli.core.summary import unit_summaries
from tthc_cli.core.units import Registry
from tthc_cli.core.workdays import WorkCalendar
from tthc_cli.errors import UsageError

D = date
DAY = timedelta(days=1)
NOW = D(2026, 6, 10)  # a Wednesday; 13/06 and 14/06 are a weekend
WARN = 7

REG = Registry.from_data({
    "units": [{"code": "VP", "name": "Văn phòng UBND xã"}, {"code": "PKT", "name": "Phòng Kinh tế"},
              {"code": "TTPVHCC", "name": "Trung tâm Phục vụ hành chính công"}],
    "groups": [{"code": "PCM", "name": "Các phòng chuyên môn", "members": ["VP", "PKT"]}],
})


def plan_of(tasks: list[dict], period=2026, pid: str = "p", extra: list[dict] = ()):
    """A linked plan built from data, as the loader builds it (plus other plans for `after:` across plans)."""
    plans = []
    for p_id, p_tasks in [(pid, tasks), *((e["id"], e["tasks"]) for e in extra)]:
        plan, found = build_plan({"plan": {"id": p_id, "title": p_id, "period": period}, "tasks": p_tasks},
                                 f"{p_id}.yaml")
        assert [x for x in found if x.severity == ERROR] == []
        plans.append(plan)
    return plans[0], link(plans, REG)


def task_with(deadline: str | None = None, lead: str = "VP", **more):
    plan, _ = plan_of([{"id": "1", "title": "Việc", "lead": lead, "deadline": deadline, **more}])
    return plan.by_id["1"]


def cal(public=None, working=()) -> WorkCalendar:
    return WorkCalendar(public_holidays=public or {}, extra_working_days=working)


# --- dated_status: today, the warning window, done on time or late

@pytest.mark.parametrize("due, warn, done, status", [
    (NOW - DAY, WARN, None, OVERDUE),
    (NOW, WARN, None, TODAY),
    (NOW + DAY, WARN, None, SOON),
    (NOW + WARN * DAY, WARN, None, SOON),  # the window's last day
    (NOW + (WARN + 1) * DAY, WARN, None, NOT_YET),  # the day after it
    (NOW + DAY, 0, None, NOT_YET),  # no window
    (NOW, 0, None, TODAY),
    (NOW - DAY, WARN, NOW - 2 * DAY, DONE_ON_TIME),
    (NOW - DAY, WARN, NOW - DAY, DONE_ON_TIME),  # done on the due day
    (NOW - DAY, WARN, NOW, DONE_LATE),  # the day after
    (NOW + 30 * DAY, WARN, NOW, DONE_ON_TIME),
])
def test_dated_status(due, warn, done, status):
    assert dated_status(due, NOW, warn, done) == status


# --- items_of: occurrences, completions as of a day, triggers, rolled period ends

def test_one_occurrence_has_no_occurrence_label_several_have():
    assert [(i.due, i.occurrence) for i in items_of(task_with("Quý II/2026"), NOW)] == [(D(2026, 6, 30), None)]
    two = items_of(task_with("Quý I và quý II/2026"), NOW)
    assert [(i.due, i.occurrence, i.status) for i in two] == [
        (D(2026, 3, 31), "Quý I/2026", OVERDUE), (D(2026, 6, 30), "Quý II/2026", NOT_YET)]


@pytest.mark.parametrize("done_on, status, done", [
    (NOW - DAY, DONE_ON_TIME, NOW - DAY),
    (NOW, DONE_ON_TIME, NOW),  # dated today: done as of today
    (NOW + DAY, SOON, None),  # dated tomorrow: not done yet as of today
])
def test_a_completion_counts_from_its_own_day(done_on, status, done):
    task = task_with("Trước ngày 15/06/2026")
    progress = Progress([Event(DONE, "p", "1", day=done_on, id=1)])
    [item] = items_of(task, NOW, WARN, progress)
    assert (item.due, item.status, item.done) == (D(2026, 6, 14), status, done)


EVENT_TASK = "Trong thời hạn 10 ngày kể từ khi có hướng dẫn"


@pytest.mark.parametrize("event_day, due, status", [
    (NOW - DAY, NOW + 9 * DAY, NOT_YET),
    (NOW, NOW + 10 * DAY, NOT_YET),  # recorded for today: it counts today
    (NOW, NOW, TODAY),
    (NOW + DAY, NOW + 11 * DAY, WAITING),  # an event dated tomorrow has not happened
    (NOW + 5 * DAY, NOW + 5 * DAY, WAITING),  # ... even when the due date is its own day
    (NOW + 5 * DAY, NOW + 4 * DAY, SOON),  # a due date before the event ("30 ngày trước …") counts at once
])
def test_a_trigger_makes_the_task_due_from_the_event_day(event_day, due, status):
    progress = Progress([Event(TRIGGER, "p", "1", day=event_day, due=due, id=1)])
    [item] = items_of(task_with(EVENT_TASK), NOW, WARN, progress)
    assert (item.status, item.due) == (status, None if status == WAITING else due)


def test_undated_statuses():
    assert [i.status for i in items_of(task_with("Thường xuyên"), NOW)] == [ONGOING]
    assert [i.status for i in items_of(task_with("Chưa rõ"), NOW)] == [UNRESOLVED]
    assert [i.status for i in items_of(task_with(EVENT_TASK), NOW)] == [WAITING]
    done = Progress([Event(DONE, "p", "1", day=NOW, id=1)])
    assert [(i.status, i.done) for i in items_of(task_with(EVENT_TASK), NOW, WARN, done)] == [(DONE_ON_TIME, NOW)]


@pytest.mark.parametrize("deadline, plain, rolled", [
    ("Tháng 5/2026", D(2026, 5, 31), D(2026, 6, 1)),  # a period ending on Sunday 31/05 ends on Monday
    ("Ngày 31/05/2026", D(2026, 5, 31), D(2026, 5, 31)),  # a named day stays
    ("Tháng 4/2026", D(2026, 4, 30), D(2026, 4, 30)),  # a working day stays
])
def test_a_period_ending_on_a_day_off_rolls_forward(deadline, plain, rolled):
    assert [i.due for i in items_of(task_with(deadline), NOW, WARN)] == [plain]  # no calendar: no rolling
    assert [i.due for i in items_of(task_with(deadline), NOW, WARN, days=cal())] == [rolled]


# --- the selections `due`, `overdue` and `list` show

def _items():
    t = task_with("Quý II/2026")
    horizon = NOW + WARN * DAY
    return horizon, [
        Item(t, NOW - DAY, OVERDUE), Item(t, NOW, TODAY), Item(t, horizon, SOON),
        Item(t, horizon + DAY, NOT_YET), Item(t, NOW - DAY, DONE_ON_TIME, done=NOW - DAY),
        Item(t, None, ONGOING), Item(t, None, DONE_ON_TIME, done=NOW),
    ]


def test_due_window_includes_the_horizon_day():
    horizon, items = _items()
    assert [i.due for i in due_window(items, horizon)] == [NOW - DAY, NOW, horizon]
    assert [i.due for i in due_window(items, horizon - DAY)] == [NOW - DAY, NOW]


def test_due_overdue_and_list_selections():
    horizon, items = _items()
    assert [i.status for i in due_items(items, horizon, include_undated=True)] == [OVERDUE, TODAY, SOON, ONGOING]
    assert [i.status for i in due_items(items, horizon, wanted={SOON})] == [SOON]
    assert [i.status for i in overdue_items(items)] == [OVERDUE]
    assert [i.status for i in overdue_items(items, include_undated=True)] == [OVERDUE, ONGOING]
    assert [i.status for i in listed_items(items)] == [OVERDUE, TODAY, SOON, NOT_YET, DONE_ON_TIME]
    assert [i.status for i in listed_items(items, wanted={DONE_ON_TIME})] == [DONE_ON_TIME, DONE_ON_TIME]
    assert len(listed_items(items, include_undated=True)) == len(items)


@pytest.mark.parametrize("typed, status", [
    (["qua han"], {OVERDUE}), (["  Đến hạn hôm nay "], {TODAY}),
    (["SẮP ĐẾN HẠN", "chua den han"], {SOON, NOT_YET}), ([], set()), (None, set()),
])
def test_statuses_named(typed, status):
    assert statuses_named(typed) == status


def test_an_unknown_status_is_refused():
    with pytest.raises(UsageError):
        statuses_named(["sắp quá hạn"])


@pytest.mark.parametrize("codes, role, lead, support, matches", [
    (None, "lead", "VP", "", True),
    ({"VP"}, "lead", "VP", "PKT", True),
    ({"PKT"}, "lead", "VP", "PKT", False),
    ({"PKT"}, "support", "VP", "PKT", True),
    ({"PKT"}, "any", "VP", "PKT", True),
    ({"TTPVHCC"}, "any", "VP", "PKT", False),
    ({"PKT"}, "lead", "Các phòng chuyên môn", "", True),  # a member of the leading group
    ({"VP"}, "lead", "Các phòng chuyên môn", "VP", False),  # ... unless named in the other role
    ({"VP"}, "support", "Các phòng chuyên môn", "VP", True),
])
def test_selection(codes, role, lead, support, matches):
    t = task_with("Quý II/2026", lead=lead, support=support or None)
    assert Selection(frozenset(codes) if codes else None, role).matches(t, REG) is matches


def test_collect_takes_leaf_tasks_of_the_selection_in_plan_order():
    plan, _ = plan_of([
        {"id": "1", "title": "Nhóm", "lead": "VP", "tasks": [
            {"id": "1.1", "title": "a", "deadline": "Quý I/2026"},
            {"id": "1.2", "title": "b", "lead": "PKT", "deadline": "Quý II/2026"}]},
        {"id": "2", "title": "c", "lead": "VP", "deadline": "Tháng 6/2026"},
    ])
    got = collect([plan], REG, Selection(frozenset({"VP"})), NOW)
    assert [(i.task.id, i.due) for i in got] == [("1.1", D(2026, 3, 31)), ("2", D(2026, 6, 30))]


# --- progress: later events win

def test_progress_later_events_win():
    key = ("p", "1", "", "")
    p = Progress([Event(DONE, "p", "1", day=NOW, id=2), Event(DONE, "p", "1", day=NOW - DAY, id=1)])
    assert p.done[key].day == NOW
    assert key not in Progress([Event(DONE, "p", "1", day=NOW, id=1), Event(UNDONE, "p", "1", id=2)]).done
    assert Progress([Event(UNDONE, "p", "1", id=1), Event(DONE, "p", "1", day=NOW, id=2)]).done[key].day == NOW
    t = Progress([Event(TRIGGER, "p", "1", day=NOW, due=NOW, id=1)])
    assert t.trigger("p", "1", "Mốc A").due == NOW  # a task-wide trigger stands for each milestone


# --- recording: what done and trigger may record

@pytest.mark.parametrize("when", [NOW - 400 * DAY, NOW - DAY, NOW])
def test_a_done_up_to_today_is_recorded(when):
    assert completion_day(when, NOW) == when


def test_a_done_after_today_is_refused():
    with pytest.raises(UsageError):
        completion_day(NOW + DAY, NOW)


@pytest.mark.parametrize("deadline, options, due", [
    (EVENT_TASK, {}, NOW + 10 * DAY),
    (EVENT_TASK, {"due": NOW}, NOW),  # due on the event day itself
    (EVENT_TASK, {"due_by": NOW + DAY}, NOW + DAY),
    ("30 ngày trước ngày bầu cử", {}, NOW - 30 * DAY),  # counted back from the event
    ("30 ngày trước ngày bầu cử", {"due": NOW - DAY}, NOW - DAY),
    ("Trong thời hạn 2 ngày làm việc kể từ khi có hướng dẫn", {}, D(2026, 6, 15)),  # Wed + 2 wd, holiday Fri 12
])
def test_trigger_due(deadline, options, due):
    covering = lambda a, b: cal({D(2026, 6, 12): "nghỉ"})  # noqa: E731
    got, _ = trigger_due(task_with(deadline), "", NOW, calendar_covering=covering, **options)
    assert got == due


@pytest.mark.parametrize("deadline, options", [
    (EVENT_TASK, {"due": NOW - DAY}),  # before the event
    (EVENT_TASK, {"due_by": NOW - DAY}),
    ("Khi có hướng dẫn của cấp trên", {}),  # no lag and no --due
])
def test_trigger_due_refused(deadline, options):
    with pytest.raises(UsageError):
        trigger_due(task_with(deadline), "", NOW, calendar_covering=lambda a, b: cal(), **options)


def test_the_same_event_is_recorded_once():
    events = [Event(TRIGGER, "p", "1", day=NOW, due=NOW + 10 * DAY, id=1), Event("note", "p", "1", id=2)]
    with pytest.raises(UsageError):
        refuse_repeated_trigger(events, TRIGGER, "", NOW, NOW + 10 * DAY)
    assert refuse_repeated_trigger(events, TRIGGER, "", NOW, NOW + 11 * DAY) is None  # a corrected due date
    assert refuse_repeated_trigger(events, TRIGGER, "", NOW + DAY, NOW + 10 * DAY) is None
    assert refuse_repeated_trigger(events, TRIGGER, "Mốc A", NOW, NOW + 10 * DAY) is None


def test_pick_item_narrows_to_the_open_or_done_one():
    task = task_with("Quý I và quý II/2026")
    progress = Progress([Event(DONE, "p", "1", occurrence="Quý I/2026", day=D(2026, 3, 30), id=1)])
    assert pick_item(task, None, None, NOW, progress, True).occurrence == "Quý II/2026"
    assert pick_item(task, None, None, NOW, progress, False).occurrence == "Quý I/2026"
    assert pick_item(task, None, "quý 2/2026", NOW, progress, None).due == D(2026, 6, 30)
    assert pick_item(task, None, "2026-03-31", NOW, progress, None).occurrence == "Quý I/2026"
    with pytest.raises(UsageError):
        pick_item(task, None, None, NOW, Progress(), True)  # two open items: say which
    with pytest.raises(UsageError):
        pick_item(task, None, "Quý I/2026", NOW, progress, True)  # already done


def test_history_rows_newest_first_with_orphans():
    plan, _ = plan_of([{"id": "1", "title": "a", "lead": "VP", "deadline": "Quý II/2026"},
                       {"id": "2", "title": "b", "lead": "PKT", "deadline": "Quý II/2026"}])
    progress = Progress([Event(DONE, "p", "1", day=NOW, id=1), Event(DONE, "p", "2", day=NOW, id=2),
                         Event(DONE, "p", "9", day=NOW, id=3)])
    assert [(r["id"], r["orphan"]) for r in history_rows(progress, [plan], REG, None, None)] == [
        (3, True), (2, False), (1, False)]
    assert [r["id"] for r in history_rows(progress, [plan], REG, None, "PKT")] == [2]
    assert [r["id"] for r in history_rows(progress, [plan], REG, "p:1", None)] == [1]


# --- check: counts per unit, units with something overdue first

def test_unit_summaries():
    plan, _ = plan_of([
        {"id": "1", "title": "a", "lead": "VP", "due": ["2026-06-09"]},
        {"id": "2", "title": "b", "lead": "PKT", "due": ["2026-06-10"]},
        {"id": "3", "title": "c", "lead": "PKT", "due": ["2026-06-11"]},
        {"id": "4", "title": "d", "lead": "PKT", "due": ["2026-06-20"]},
        {"id": "5", "title": "e", "lead": "Các phòng chuyên môn", "due": ["2026-06-17"]},  # WARN days ahead
        {"id": "6", "title": "f", "lead": "Sở Nội vụ", "due": ["2026-06-01"]},
        {"id": "7", "title": "g", "lead": "VP", "due": ["2026-06-18"]},  # a day past the window
    ])
    progress = Progress([Event(DONE, "p", "4", day=NOW, id=1)])
    items = collect([plan], REG, Selection(), NOW, WARN, progress)
    rows, overdue = unit_summaries(REG, items, None)
    assert rows == [  # something overdue first (one item is enough), then by code
        ("Sở Nội vụ", {"overdue": 1, "today": 0, "soon": 0, "done": 0}),
        ("VP", {"overdue": 1, "today": 0, "soon": 1, "done": 0}),
        ("PKT", {"overdue": 0, "today": 1, "soon": 2, "done": 1}),
    ]
    assert overdue == 2  # every item, the unregistered lead's too
    assert unit_summaries(REG, items, REG.require("PKT")) == (
        [("PKT", {"overdue": 0, "today": 1, "soon": 2, "done": 1})], 0)
    assert unit_summaries(REG, items, REG.require("VP")) == (
        [("VP", {"overdue": 1, "today": 0, "soon": 1, "done": 0})], 1)
    assert unit_summaries(REG, items, REG.require("TTPVHCC")) == (
        [("TTPVHCC", {"overdue": 0, "today": 0, "soon": 0, "done": 0})], 0)


# --- reports: period ends, which items fall in the period, on time / late / overdue

@pytest.mark.parametrize("text, label, start, end", [
    ("Quý I/2026", "Quý I/2026", D(2026, 1, 1), D(2026, 3, 31)),
    ("quý 2 năm 2026", "Quý II/2026", D(2026, 4, 1), D(2026, 6, 30)),
    ("Quý IV/2026", "Quý IV/2026", D(2026, 10, 1), D(2026, 12, 31)),
    ("6 tháng đầu năm 2026", "6 tháng đầu năm 2026", D(2026, 1, 1), D(2026, 6, 30)),
    ("9 tháng đầu năm 2026", "9 tháng đầu năm 2026", D(2026, 1, 1), D(2026, 9, 30)),
    ("6 tháng cuối năm 2026", "6 tháng cuối năm 2026", D(2026, 7, 1), D(2026, 12, 31)),
    ("Năm 2026", "Năm 2026", D(2026, 1, 1), D(2026, 12, 31)),
    ("2026", "Năm 2026", D(2026, 1, 1), D(2026, 12, 31)),
    ("Tháng 2/2028", "Tháng 2/2028", D(2028, 2, 1), D(2028, 2, 29)),
    ("Tháng 12/2026", "Tháng 12/2026", D(2026, 12, 1), D(2026, 12, 31)),
    ("2026-04-01..2026-04-01", "01/04/2026–01/04/2026", D(2026, 4, 1), D(2026, 4, 1)),
    ("Năm 1900", "Năm 1900", D(1900, 1, 1), D(1900, 12, 31)),  # the years a period may name: 1900–2200
    ("Quý IV/2200", "Quý IV/2200", D(2200, 10, 1), D(2200, 12, 31)),
])
def test_report_period(text, label, start, end):
    assert report_period(text) == (label, start, end)


@pytest.mark.parametrize("text", ["Tháng 13/2026", "Tháng 0/2026", "9 tháng cuối năm 2026", "Quý V/2026",
                                  "2026-04-02..2026-04-01", "2026-02-30..2026-03-01",
                                  "Năm 1899", "Tháng 1/2201"])
def test_report_period_refused(text):
    with pytest.raises(ValueError):
        report_period(text)


def test_build_report_counts_the_items_due_in_the_period():
    plan, _ = plan_of([{"id": "1", "title": "a", "lead": "VP", "deadline": "Quý II/2026"},
                       {"id": "2", "title": "b", "lead": "VP, PKT", "deadline": "Quý II/2026"}])
    a, b = plan.by_id["1"], plan.by_id["2"]
    _, start, end = report_period("Quý II/2026")
    today = D(2026, 7, 5)

    def item(task, due, done=None):
        return Item(task, due, dated_status(due, today, WARN, done), done=done)

    items = [
        item(a, start - DAY), item(a, end + DAY),  # outside
        item(a, start, done=start),  # first day, on time
        item(a, end, done=end + 2 * DAY),  # last day, 2 days late
        item(b, D(2026, 5, 15)),  # overdue, counted for VP and PKT
        item(b, D(2026, 6, 1), done=D(2026, 6, 1)),
        Item(a, None, ONGOING),
    ]
    report = build_report(items, "Quý II/2026", start, end, today)
    counts = {u.code: (u.total, u.on_time, u.late, u.overdue, u.pending) for u in report.units}
    assert counts == {"VP": (4, 2, 1, 1, 0), "PKT": (2, 1, 0, 1, 0)}
    assert [(ln.unit, ln.ref, ln.due, ln.status, ln.days_late) for ln in report.lines] == [
        ("PKT", "p:2", D(2026, 5, 15), OVERDUE, 51),
        ("VP", "p:2", D(2026, 5, 15), OVERDUE, 51),
        ("VP", "p:1", end, DONE_LATE, 2),
    ]
    t = report.totals
    assert (t.total, t.on_time, t.late, t.overdue, t.pending) == (6, 3, 1, 2, 0)
    pending = build_report([item(a, today)], "x", start, today, today).units[0]
    assert (pending.total, pending.pending, pending.on_time_rate) == (1, 1, 0.0)


# --- validate warnings: weekends, leads, orphans

@pytest.mark.parametrize("due, warned", [
    ("2026-06-12", False), ("2026-06-13", True), ("2026-06-14", True), ("2026-06-15", False),
])
def test_a_due_date_on_a_weekend_is_warned(due, warned):
    plan, _ = plan_of([{"id": "1", "title": "a", "lead": "VP", "due": [due]}])
    assert [("rơi vào" in w.message) for w in plan_warnings(plan)] == ([True] if warned else [])


def test_plan_warnings_a_series_leads_and_unknown_units():
    plan, _ = plan_of([
        {"id": "1", "title": "a", "lead": "VP", "deadline": "Hằng tháng"},  # 31/01/2026 is a Saturday
        {"id": "2", "title": "b", "lead": "VP, PKT", "deadline": "Quý II/2026"},
        {"id": "3", "title": "c", "lead": "Ban Không Có", "deadline": "Quý II/2026"},
        {"id": "4", "title": "d", "deadline": "Quý II/2026"},
        {"id": "5", "title": "e", "lead": "VP", "support": "VP", "deadline": "Quý II/2026"},
        {"id": "6", "title": "f", "lead": "VP"},
    ])
    got = [(w.severity, w.path, w.message.split(":")[0]) for w in plan_warnings(plan)]
    assert got == [
        (WARNING, "tasks[1].lead", "nhiều hơn một cơ quan chủ trì"),
        (WARNING, "tasks[2].lead", 'không có đơn vị "Ban Không Có" trong danh mục'),
        (WARNING, "tasks[3].lead", "nhiệm vụ chưa có cơ quan chủ trì"),
        (WARNING, "tasks[4].support", "cơ quan chủ trì cũng được ghi là cơ quan phối hợp"),
        (WARNING, "tasks[5].deadline", "nhiệm vụ chưa có thời hạn"),
    ]


def test_orphans_only_for_loaded_plans():
    plan, _ = plan_of([{"id": "1", "title": "a", "lead": "VP", "deadline": "Quý II/2026"}])
    progress = Progress([Event(DONE, "p", "1", day=NOW, id=1), Event(DONE, "p", "9", day=NOW, id=2),
                         Event(DONE, "other", "1", day=NOW, id=3)])
    found = orphans([plan], progress, "progress.db")
    assert [(w.severity, w.file, '"p:9"' in w.message, "#2" in w.message) for w in found] == [
        (WARNING, "progress.db", True, True)]


# --- the graph: inheritance, after: links and cycles

def test_children_inherit_lead_and_deadline_but_not_over_their_own():
    plan, problems = plan_of([{"id": "1", "title": "Nhóm", "lead": "VP", "deadline": "Quý II/2026", "tasks": [
        {"id": "1.1", "title": "a"},
        {"id": "1.2", "title": "b", "lead": "PKT", "due": ["2026-05-04"]},
        {"id": "1.3", "title": "c", "deadline": "Quý III/2026"},
    ]}])
    assert problems == []
    a, b, c = (plan.by_id[i] for i in ("1.1", "1.2", "1.3"))
    assert (a.inherited, a.deadline, [r.unit.code for r in a.lead]) == (
        frozenset({"lead", "deadline"}), "Quý II/2026", ["VP"])
    assert (b.inherited, b.deadline, b.resolution.due, [r.unit.code for r in b.lead]) == (
        frozenset(), None, (D(2026, 5, 4),), ["PKT"])
    assert (c.inherited, c.resolution.due) == (frozenset({"lead"}), (D(2026, 9, 30),))


def test_after_links_diamond_unknown_and_across_plans():
    plan, problems = plan_of([
        {"id": "1", "title": "a", "after": ["2", "3"]}, {"id": "2", "title": "b", "after": "4"},
        {"id": "3", "title": "c", "after": ["4", "q:1"]}, {"id": "4", "title": "d"},
        {"id": "5", "title": "e", "after": ["9", "q:9"]},
    ], extra=[{"id": "q", "tasks": [{"id": "1", "title": "x"}]}])
    assert [(p.severity, p.path, p.message) for p in problems] == [
        (ERROR, "tasks[4].after[0]", 'after: không có nhiệm vụ "9"'),
        (ERROR, "tasks[4].after[1]", 'after: không có nhiệm vụ "q:9"'),
    ]


def test_a_cycle_is_named_from_its_first_task():
    _, problems = plan_of([{"id": "1", "title": "a", "after": "2"}, {"id": "2", "title": "b", "after": "3"},
                           {"id": "3", "title": "c", "after": "2"}])
    assert [p.message for p in problems] == ["vòng lặp phụ thuộc (after): p:2 → p:3 → p:2"]
    _, problems = plan_of([{"id": "1", "title": "a", "after": "1"}])
    assert [p.message for p in problems] == ["vòng lặp phụ thuộc (after): p:1 → p:1"]


# --- plan files: the size limits

def _built(tasks):
    plan, problems = build_plan({"plan": {"id": "p", "period": 2026}, "tasks": tasks}, "p.yaml")
    return plan, [x.path for x in problems if x.severity == ERROR]


@pytest.mark.parametrize("n, refused", [(MAX_DUE_DATES, False), (MAX_DUE_DATES + 1, True)])
def test_due_dates_per_task_limit(n, refused):
    plan, errors = _built([{"title": "a", "due": [D(2026, 1, 1) + k * DAY for k in range(n)]}])
    assert (errors, len(plan.tasks[0].due_override)) == ((["tasks[0].due"], 0) if refused else ([], n))


@pytest.mark.parametrize("roots, children, refused", [
    (MAX_TASKS, 0, False), (MAX_TASKS + 1, 0, True),
    (MAX_TASKS - 1, 1, False), (MAX_TASKS, 1, True),  # the last task is a child
])
def test_tasks_per_file_limit(roots, children, refused):
    tasks = [{"title": "a"} for _ in range(roots)]
    tasks[-1]["tasks"] = [{"title": "b"} for _ in range(children)]
    plan, errors = _built(tasks)
    assert (plan is None, errors) == ((True, ["tasks"]) if refused else (False, []))
    assert (MAX_DUE_DATES, MAX_TASKS) == (400, 20_000)


# --- days and windows typed on the command line

@pytest.mark.parametrize("text, day", [
    ("2026-06-01", D(2026, 6, 1)), ("01/06/2026", D(2026, 6, 1)), (" 1.6.2026 ", D(2026, 6, 1)),
    (f"{MIN_YEAR}-01-01", D(MIN_YEAR, 1, 1)), (f"31/12/{MAX_YEAR}", D(MAX_YEAR, 12, 31)),
    ("2028-02-29", D(2028, 2, 29)),
])
def test_parse_day(text, day):
    assert parse_day(text) == day


@pytest.mark.parametrize("text", [f"{MIN_YEAR - 1}-12-31", f"01/01/{MAX_YEAR + 1}", "2026-02-29", "2026-13-01",
                                  "32/01/2026", "15/13", "2026", "31m", "2 giờ trước"])
def test_parse_day_refused(text):
    with pytest.raises(UsageError):
        parse_day(text)


def test_year_bounds_are_1990_and_2100():
    assert (MIN_YEAR, MAX_YEAR) == (1990, 2100)


@pytest.mark.parametrize("text, horizon", [
    ("0", NOW), ("1d", NOW + DAY), ("14", NOW + 14 * DAY), ("14 ngày", NOW + 14 * DAY),
    ("2w", NOW + 14 * DAY), ("1 tuần", NOW + 7 * DAY), ("3660d", NOW + 3660 * DAY),
    ("522w", NOW + 3654 * DAY), ("118m", D(2036, 4, 10)),
    ("1wd", D(2026, 6, 11)), ("2wd", D(2026, 6, 15)),  # Friday 12/06 is a day off here, then a weekend
    ("3 nlv", D(2026, 6, 16)),
])
def test_window_horizon(text, horizon):
    covering = lambda a, b: cal({D(2026, 6, 12): "nghỉ"})  # noqa: E731
    assert parse_within(text, NOW).horizon(NOW, covering) == horizon


@pytest.mark.parametrize("today, text, horizon", [
    (D(2026, 1, 31), "1m", D(2026, 2, 28)), (D(2026, 1, 31), "1 tháng", D(2026, 2, 28)),
    (D(2028, 1, 31), "1m", D(2028, 2, 29)), (D(2026, 6, 10), "12m", D(2027, 6, 10)),
])
def test_month_window_counts_calendar_months(today, text, horizon):
    assert parse_within(text, today).horizon(today, lambda a, b: cal()) == horizon


@pytest.mark.parametrize("text", ["3661d", "3661", "523w", "119m", "119 tháng", "14x", "-1d", "1.5d", ""])
def test_window_refused(text):
    with pytest.raises(UsageError):
        parse_within(text, NOW)


# --- the working-day calendar

HOLI = {D(2026, 6, 10): "Ngày lễ"}  # a Wednesday off
WORKED_SAT = D(2026, 6, 13)


@pytest.mark.parametrize("day, off", [
    (D(2026, 6, 9), False), (D(2026, 6, 10), True), (D(2026, 6, 12), False), (D(2026, 6, 13), True),
    (D(2026, 6, 14), True), (D(2026, 6, 15), False),
])
def test_is_day_off(day, off):
    assert cal(HOLI).is_day_off(day) is off


def test_a_make_up_saturday_is_worked():
    c = cal(working=[WORKED_SAT])
    assert (c.is_day_off(WORKED_SAT), c.reason(WORKED_SAT), cal().reason(WORKED_SAT)) == (False, None, "Thứ Bảy")
    with pytest.raises(ValueError):
        WorkCalendar(extra_days_off={WORKED_SAT: "x"}, extra_working_days=[WORKED_SAT])


@pytest.mark.parametrize("start, n, forward, back", [
    (D(2026, 6, 9), 0, D(2026, 6, 9), D(2026, 6, 9)),
    (D(2026, 6, 13), 0, D(2026, 6, 13), D(2026, 6, 13)),  # 0 days: the day itself, off or not
    (D(2026, 6, 9), 1, D(2026, 6, 11), D(2026, 6, 8)),  # over the Wednesday off
    (D(2026, 6, 12), 1, D(2026, 6, 15), D(2026, 6, 11)),  # over the weekend
    (D(2026, 6, 15), 5, D(2026, 6, 22), D(2026, 6, 5)),
])
def test_add_and_back_working_days(start, n, forward, back):
    c = cal(HOLI)
    assert (c.add_working_days(start, n), c.back_working_days(start, n)) == (forward, back)


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError):
        cal().add_working_days(NOW, -1)
    with pytest.raises(ValueError):
        cal().back_working_days(NOW, -1)


@pytest.mark.parametrize("a, b, n", [
    (D(2026, 6, 9), D(2026, 6, 10), 0),  # (a, b] ending on the day off
    (D(2026, 6, 9), D(2026, 6, 11), 1),
    (D(2026, 6, 10), D(2026, 6, 11), 1),
    (D(2026, 6, 8), D(2026, 6, 12), 3),
    (D(2026, 6, 12), D(2026, 6, 13), 0),  # Friday to Saturday
    (D(2026, 6, 12), D(2026, 6, 14), 0),
    (D(2026, 6, 12), D(2026, 6, 15), 1),
    (D(2026, 6, 15), D(2026, 6, 8), -4),
    (D(2026, 6, 9), D(2026, 6, 9), 0),
])
def test_working_days_between(a, b, n):
    assert cal(HOLI).working_days_between(a, b) == n


@pytest.mark.parametrize("a, b, n", [
    (D(2026, 6, 12), WORKED_SAT, 1), (D(2026, 6, 12), D(2026, 6, 15), 2), (WORKED_SAT, D(2026, 6, 14), 0),
])
def test_working_days_between_counts_a_make_up_saturday(a, b, n):
    assert cal(working=[WORKED_SAT]).working_days_between(a, b) == n


def test_working_days_between_matches_counting_day_by_day():
    c = WorkCalendar({D(2026, 6, 10): "x", D(2026, 6, 15): "y"}, {D(2026, 6, 22): "z"},
                     extra_working_days=[D(2026, 6, 20)])
    days = [D(2026, 6, 1) + k * DAY for k in range(35)]
    for a in days[::3]:
        for b in days:
            by_hand = sum(not c.is_day_off(x) for x in days if a < x <= b) - sum(
                not c.is_day_off(x) for x in days if b < x <= a)
            assert c.working_days_between(a, b) == by_hand, (a, b)


@pytest.mark.parametrize("day, rolled", [
    (D(2026, 6, 12), D(2026, 6, 12)), (D(2026, 6, 13), D(2026, 6, 16)), (D(2026, 6, 14), D(2026, 6, 16)),
    (D(2026, 6, 15), D(2026, 6, 16)),
])
def test_roll_forward_to_the_next_working_day(day, rolled):
    assert cal({D(2026, 6, 15): "nghỉ"}).roll_forward(day) == rolled


# --- the grammar's period ends and "trước" (the full table is test_deadline.py)

Y2026 = Period.year(2026)


def test_before_day_n_each_month_is_day_n_minus_one():
    r = resolve("Trước ngày 20 hằng tháng", Y2026)
    assert [o.due for o in r.occurrences] == [D(2026, m, 19) for m in range(1, 13)]
    on_day = resolve("Ngày 20 hằng tháng", Y2026)
    assert [o.due for o in on_day.occurrences] == [D(2026, m, 20) for m in range(1, 13)]


def test_before_day_one_each_month_is_refused_with_its_reason():
    r = resolve("Trước ngày 01 hằng tháng", Y2026)
    reason = "ngày không hợp lệ (ngày 1 không có ngày trước trong cùng tháng)"
    assert (r.kind, r.warnings) == ("unknown", (reason,))


@pytest.mark.parametrize("text, first, last, count", [
    ("Hằng quý", D(2026, 3, 31), D(2026, 12, 31), 4),
    ("Hằng tháng", D(2026, 1, 31), D(2026, 12, 31), 12),
    ("Hằng năm", D(2026, 12, 31), D(2026, 12, 31), 1),
    ("Trước thứ Sáu hằng tuần", D(2026, 1, 1), D(2026, 12, 31), 53),  # each Thursday
    ("Trước ngày 15/12 hằng năm", D(2026, 12, 14), D(2026, 12, 14), 1),
    ("Trước quý III/2026", D(2026, 6, 30), D(2026, 6, 30), 1),
    ("Trước ngày 15/06/2026", D(2026, 6, 14), D(2026, 6, 14), 1),
])
def test_series_and_before_in_2026(text, first, last, count):
    dues = [o.due for o in resolve(text, Y2026).occurrences]
    assert (dues[0], dues[-1], len(dues)) == (first, last, count)


@pytest.mark.parametrize("start, end, dues", [
    (D(2026, 1, 1), D(2026, 1, 4), [D(2026, 1, 4)]),  # the period ends on a Sunday: that week counts
    (D(2026, 1, 4), D(2026, 1, 10), [D(2026, 1, 4)]),  # ... and begins on one
    (D(2026, 1, 5), D(2026, 1, 10), []),
])
def test_weekly_occurrences_on_the_period_ends(start, end, dues):
    assert [o.due for o in resolve("Hằng tuần", Period(start, end)).occurrences] == dues


@pytest.mark.parametrize("start, end, dues", [
    (D(2026, 1, 31), D(2026, 2, 27), [D(2026, 1, 31)]),  # a month end on the period's first day
    (D(2026, 2, 1), D(2026, 2, 28), [D(2026, 2, 28)]),  # ... on its last day
    (D(2026, 2, 1), D(2026, 2, 27), []),
])
def test_monthly_occurrences_on_the_period_ends(start, end, dues):
    assert [o.due for o in resolve("Hằng tháng", Period(start, end)).occurrences] == dues


@pytest.mark.parametrize("day, inside", [
    (D(2025, 12, 31), False), (D(2026, 1, 1), True), (D(2026, 12, 31), True), (D(2027, 1, 1), False),
])
def test_period_contains_both_ends(day, inside):
    assert (day in Y2026) is inside


def test_plan_periods():
    one = parse_period({"start": "2026-06-01", "end": "2026-06-01"})
    assert (one.start, one.end) == (D(2026, 6, 1), D(2026, 6, 1))
    assert parse_period("2025-07-01..2025-12-31") == Period(D(2025, 7, 1), D(2025, 12, 31))
    assert parse_period("6 tháng đầu năm 2026") == Period(D(2026, 1, 1), D(2026, 6, 30))
    with pytest.raises(ValueError):
        parse_period({"start": "2026-06-02", "end": "2026-06-01"})


@pytest.mark.parametrize("amount, unit, direction, due", [
    (10, "day", "after", D(2026, 6, 20)), (10, "day", "before", D(2026, 5, 31)), (0, "day", "after", NOW),
    (2, "week", "after", D(2026, 6, 24)), (1, "month", "after", D(2026, 7, 10)),
    (1, "working_day", "after", D(2026, 6, 11)), (3, "working_day", "after", D(2026, 6, 16)),
    (3, "working_day", "before", D(2026, 6, 4)),  # Tue 9, Fri 5, Thu 4
])
def test_lag_apply_day_one_is_the_next_day(amount, unit, direction, due):
    assert Lag(amount, unit, direction, "x").apply(NOW, cal({D(2026, 6, 12): "nghỉ", D(2026, 6, 8): "nghỉ"})) == due


# --- several days the plan names without a period's name: each is its own item, with its own progress key
# (a bug found while writing these tests: they shared one key, so a done on one marked them all done)

@pytest.mark.parametrize("fields", [{"deadline": "Ngày 15/3/2026 và ngày 15/6/2026"},
                                    {"due": ["2026-03-15", "2026-06-15"]}])
def test_a_done_on_one_of_several_days_leaves_the_others_open(fields):
    plan, _ = plan_of([{"id": "1", "title": "Hai kỳ nộp", "lead": "VP", **fields}])
    task = plan.by_id["1"]
    first = pick_item(task, None, "2026-03-15", NOW, Progress(), True)
    # the event `tthc done p:1 --occurrence 2026-03-15 -d 2026-03-14` records (cli/progress.py)
    progress = Progress([Event(DONE, "p", "1", occurrence=first.occurrence or "", day=D(2026, 3, 14), id=1)])
    assert first.occurrence == "15/03/2026"
    assert [(i.due, i.occurrence, i.status) for i in items_of(task, NOW, WARN, progress)] == [
        (D(2026, 3, 15), "15/03/2026", DONE_ON_TIME), (D(2026, 6, 15), "15/06/2026", SOON)]  # 5 days left


def test_a_record_made_before_each_day_had_its_own_key_is_reported_not_counted():
    """Before the fix such a `done` was stored without an occurrence and marked every day done; now it matches
    no item (none is shown as done on its word) and `validate` names it, with the command that records it right."""
    plan, _ = plan_of([{"id": "1", "title": "Hai kỳ nộp", "lead": "VP", "due": ["2026-03-15", "2026-06-15"]}])
    task = plan.by_id["1"]
    progress = Progress([Event(DONE, "p", "1", day=D(2026, 3, 14), id=7)])
    assert [i.status for i in items_of(task, NOW, WARN, progress)] == [OVERDUE, SOON]
    [problem] = orphans([plan], progress, "progress.db")
    assert "bản ghi #7" in problem.message and "15/03/2026; 15/06/2026" in problem.message
    assert "--occurrence" in problem.message
    labelled = Progress([Event(DONE, "p", "1", occurrence="15/03/2026", day=D(2026, 3, 14), id=8)])
    assert orphans([plan], labelled, "progress.db") == []
    named = Progress([Event(DONE, "p", "1", occurrence="Quý IV/2026", day=D(2026, 3, 14), id=9)])
    assert orphans([plan], named, "progress.db") == []  # it names a period: not the "no occurrence" case


def test_a_lazy_pattern_compiles_on_first_use_and_takes_its_place():
    import copy
    import re
    import types

    from tthc_cli.core.text import _LazyPattern, lazy_re

    module = types.ModuleType("patterns")
    exec("from tthc_cli.core.text import lazy_re\nWORD = lazy_re(r'[^\\W\\d_]+', 0)\n", module.__dict__)
    assert isinstance(module.WORD, _LazyPattern)
    assert module.WORD.findall("Quý II/2026, hằng năm") == ["Quý", "II", "hằng", "năm"]
    assert isinstance(module.WORD, re.Pattern)  # the module now holds the compiled pattern itself
    other = lazy_re(r"\s+")
    assert other.sub(" ", "a \t b") == "a b"
    assert copy.copy(lazy_re(r"x")).sub("", "xy") == "y"  # a copy works too; never a RecursionError
    bare = object.__new__(_LazyPattern)  # what a copier may make before it sets the slots
    with pytest.raises(AttributeError):
        bare.sub("", "x")
