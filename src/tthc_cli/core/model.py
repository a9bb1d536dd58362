"""The plan model: plans, their task trees, and the problems found in them."""

from __future__ import annotations

from datetime import date

from tthc_cli.core.communes import commune_of
from tthc_cli.core.deadline import Period, Resolution
from tthc_cli.core.value import Value

ERROR, WARNING = "error", "warning"


class Problem(Value):
    """Something wrong in a plan file, located by file, line and key path."""

    __slots__ = ("severity", "message", "file", "line", "path")

    def __init__(self, severity: str, message: str, file: str = "", line: int | None = None, path: str = ""):
        self.severity = severity
        # a message quotes what it is about: a 5 MB key must not make a 5 MB message (nor print it twice)
        self.message = message if len(message) <= 600 else message[:599] + "…"
        if len(path) > 300:
            path = path[:299] + "…"
        self.file = file
        self.line = line
        self.path = path

    def format(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        label = "lỗi" if self.severity == ERROR else "cảnh báo"
        key = f" {self.path}:" if self.path else ""
        return f"{where}:{key} {label}: {self.message}" if where else f"{key} {label}: {self.message}".strip()

    def to_json(self) -> dict:
        return {"severity": self.severity, "file": self.file, "line": self.line,
                "path": self.path, "message": self.message}


class Task:
    """A node of a plan's task tree: a section, a task, a sub-task or a product row."""

    __slots__ = ("plan", "id", "local_id", "title", "keypath", "parent", "product", "lead_text", "support_text",
                 "deadline", "due_override", "notes", "after", "review", "children", "inherited", "lead", "support",
                 "resolution")

    def __init__(self, plan: "Plan", id: str, local_id: str, title: str, keypath: str, parent: "Task | None" = None,
                 product: str | None = None, lead_text: tuple[str, ...] = (), support_text: tuple[str, ...] = (),
                 deadline: str | None = None, due_override: tuple[date, ...] = (), notes: str | None = None,
                 after: tuple[str, ...] = (), review: bool = False):
        self.plan = plan
        self.id = id
        self.local_id = local_id
        self.title = title
        self.keypath = keypath
        self.parent = parent
        self.product = product
        self.lead_text = lead_text
        self.support_text = support_text
        self.deadline = deadline
        self.due_override = due_override
        self.notes = notes
        self.after = after
        self.review = review
        self.children: list[Task] = []
        # filled by the graph builder
        self.inherited: frozenset = frozenset()  # keys taken from the parent (merged cells)
        self.lead: tuple = ()
        self.support: tuple = ()
        self.resolution: Resolution | None = None

    def __repr__(self) -> str:
        return f"Task({self.ref!r})"

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


class Plan:
    """One plan file: its header and its task tree."""

    def __init__(self, id: str, title: str, file: str, period: Period | None, issuer: str | None = None,
                 document: str | None = None, source: str | None = None):
        self.id = id
        self.title = title
        self.file = file
        self.period = period
        self.issuer = issuer
        self.commune = commune_of(issuer)  # the commune it belongs to (core/communes.py); None: no issuer written
        self.document = document
        self.source = source
        self.closed = False  # `status: closed`: finished; its items leave due, overdue, check and the digest
        self.units: list = []  # plan-local unit table entries
        self.roots: list[Task] = []
        self.tasks: list[Task] = []  # every node, document order
        self.by_id: dict[str, Task] = {}

    def __repr__(self) -> str:
        return f"Plan({self.id!r})"

    def leaves(self):
        return (t for t in self.tasks if t.is_leaf)

    def let_go(self) -> None:
        """Cut the links that make the plan and its tasks a cycle (plan and task, parent and child), so that
        they are freed as soon as the last reference to the plan goes, not by a pass of the garbage collector
        over every object they hold (the query index writes a province plan by plan: ~25 ms at 20,000 tasks).
        The plan is of no use afterwards."""
        for t in self.tasks:
            t.children = t.parent = None
        self.tasks = self.roots = self.by_id = None
