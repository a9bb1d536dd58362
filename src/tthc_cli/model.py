"""The plan model: plans, their task trees, and the problems found in them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from tthc_cli.deadline import Period, Resolution

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Problem:
    """Something wrong in a plan file, located by file, line and key path."""

    severity: str
    message: str
    file: str = ""
    line: int | None = None
    path: str = ""

    def format(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        label = "lỗi" if self.severity == ERROR else "cảnh báo"
        key = f" {self.path}:" if self.path else ""
        return f"{where}:{key} {label}: {self.message}" if where else f"{key} {label}: {self.message}".strip()

    def to_json(self) -> dict:
        return {"severity": self.severity, "file": self.file, "line": self.line,
                "path": self.path, "message": self.message}


@dataclass(eq=False)
class Task:
    """A node of a plan's task tree: a section, a task, a sub-task or a product row."""

    plan: "Plan"
    id: str
    local_id: str
    title: str
    keypath: str
    parent: "Task | None" = None
    product: str | None = None
    lead_text: tuple[str, ...] = ()
    support_text: tuple[str, ...] = ()
    deadline: str | None = None
    due_override: tuple[date, ...] = ()
    notes: str | None = None
    after: tuple[str, ...] = ()
    review: bool = False
    children: list["Task"] = field(default_factory=list)
    # filled by the graph builder
    inherited: frozenset = frozenset()  # keys taken from the parent (merged cells)
    lead: tuple = ()
    support: tuple = ()
    resolution: Resolution | None = None

    @property
    def ref(self) -> str:
        """Globally unique reference: plan-id:task-id."""
        return f"{self.plan.id}:{self.id}"

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def ancestors(self) -> list["Task"]:
        out, node = [], self.parent
        while node is not None:
            out.append(node)
            node = node.parent
        return out[::-1]

    @property
    def path_ids(self) -> str:
        """"III › 4 › 2": where the task sits in the plan."""
        return " › ".join(t.local_id for t in (*self.ancestors(), self))

    @property
    def label(self) -> str:
        """The words that name the task: its title, else its product."""
        return self.title or self.product or ""


@dataclass(eq=False)
class Plan:
    """One plan file: its header and its task tree."""

    id: str
    title: str
    file: str
    period: Period | None
    issuer: str | None = None
    document: str | None = None
    source: str | None = None
    units: list = field(default_factory=list)
    roots: list[Task] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)  # every node, document order
    by_id: dict[str, Task] = field(default_factory=dict)

    def leaves(self):
        return (t for t in self.tasks if t.is_leaf)
