"""The task graph: inheritance down the tree, units and deadlines resolved,
`after:` links inside and across plans, and cycles among them."""

from __future__ import annotations

from tthc_cli.core.deadline import Occurrence, Resolution, resolve
from tthc_cli.core.model import ERROR, Plan, Problem, Task
from tthc_cli.core.units import Registry


def registry_for(plan: Plan, base: Registry) -> Registry:
    """The base registry extended with the plan's own `units:`."""
    if not plan.units:
        return base
    reg = base.copy()
    reg.add_data({"units": plan.units})
    return reg


def link(plans: list[Plan], base: Registry, memo: dict | None = None) -> list[Problem]:
    """Resolve every task of the plans in place; return graph errors.

    `memo` maps (deadline text, period) to a Resolution already computed, so a
    warm run need not compile the deadline grammar at all.
    """
    resolve_plans(plans, base, memo)
    return _check_links(plans)


def resolve_plans(plans: list[Plan], base: Registry, memo: dict | None = None) -> None:
    """The first half of `link`: inheritance, units and deadlines of every task, in place (each plan alone);
    `after:` links are not looked at."""
    memo = {} if memo is None else memo
    for plan in plans:
        reg = registry_for(plan, base)
        known: dict[str, Resolution] = {}  # the plan's deadlines: one look-up in `memo` each, not one a task
        for task in plan.tasks:
            parent = task.parent
            if parent is not None:  # merged cells: a row without its own cell takes its parent's
                inherited = set()
                if not task.lead_text and parent.lead_text:
                    task.lead_text = parent.lead_text
                    inherited.add("lead")
                if not task.support_text and parent.support_text:
                    task.support_text = parent.support_text
                    inherited.add("support")
                if task.deadline is None and not task.due_override and (parent.deadline or parent.due_override):
                    task.deadline = parent.deadline
                    task.due_override = parent.due_override
                    inherited.add("deadline")
                task.inherited = frozenset(inherited)
            task.lead = tuple(reg.refs(task.lead_text))
            task.support = tuple(reg.refs(task.support_text))
            deadline = task.deadline
            if task.due_override or deadline is None:
                task.resolution = _resolution(task, memo)
            else:
                res = known.get(deadline)
                if res is None:
                    res = known[deadline] = _resolution(task, memo)
                task.resolution = res


def _resolution(task: Task, memo) -> Resolution | None:
    if task.due_override:
        occs = tuple(Occurrence(d) for d in task.due_override)
        return Resolution(task.deadline or ", ".join(d.strftime("%d/%m/%Y") for d in task.due_override),
                          "due", occs)
    if task.deadline is None:
        return None
    key = (task.deadline, task.plan.period)
    res = memo.get(key)
    if res is None:
        res = resolve(task.deadline, task.plan.period)
        if hasattr(memo, "put"):
            memo.put(key, res)
        else:
            memo[key] = res
    return res


def find_ref(plans_by_id: dict[str, Plan], plan: Plan, ref: str) -> Task | None:
    """The task an `after:` entry names: "I.3" in the same plan, or "plan-id:I.3"."""
    if ":" in ref:
        pid, tid = ref.split(":", 1)
        other = plans_by_id.get(pid.strip())
        return other.by_id.get(tid.strip()) if other else None
    return plan.by_id.get(ref.strip())


def _check_links(plans: list[Plan]) -> list[Problem]:
    problems: list[Problem] = []
    by_id = {p.id: p for p in plans}
    edges: dict[Task, list[Task]] = {}
    for plan in plans:
        for task in plan.tasks:
            if not task.after:
                continue
            targets = []
            for i, ref in enumerate(task.after):
                target = find_ref(by_id, plan, ref)
                if target is None:
                    problems.append(Problem(ERROR, f'after: không có nhiệm vụ "{ref}"', plan.file, None,
                                            f"{task.keypath}.after[{i}]"))
                else:
                    targets.append(target)
            edges[task] = targets
    problems.extend(_cycles(edges))
    return problems


def _cycles(edges: dict[Task, list[Task]]) -> list[Problem]:
    """One error per cycle among `after:` links (iterative DFS)."""
    WHITE, GREY, BLACK = 0, 1, 2
    colour: dict[Task, int] = {}
    problems = []
    for start in edges:
        if colour.get(start, WHITE) != WHITE:
            continue
        stack = [(start, iter(edges.get(start, ())))]
        colour[start] = GREY
        trail = [start]
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                colour[node] = BLACK
                stack.pop()
                trail.pop()
                continue
            state = colour.get(nxt, WHITE)
            if state == GREY:
                cycle = trail[trail.index(nxt):] + [nxt]
                names = " → ".join(t.ref for t in cycle)
                problems.append(Problem(ERROR, f"vòng lặp phụ thuộc (after): {names}", node.plan.file, None,
                                        f"{node.keypath}.after"))
            elif state == WHITE:
                colour[nxt] = GREY
                trail.append(nxt)
                stack.append((nxt, iter(edges.get(nxt, ()))))
    return problems
