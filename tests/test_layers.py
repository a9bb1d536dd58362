"""The architecture, enforced: which layer may import which, and no import cycle.

    core/     pure: may import only core/ and errors (and pure libraries, no I/O module)
    outputs/  may import core/ and errors: builds text and bytes, never writes
    io/       may import core/ and errors
    importer/ may import core/, io/ and errors
    cli/      may import anything; nothing but `__main__` imports cli/

Every import counts, those inside functions too (that is how a cycle hid before). The checker is
also run on a small tree made to break each rule, so a checker that finds nothing fails too.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "src" / "tthc_cli"

ALLOWED = {
    "core": {"core", "errors", "package"},
    "outputs": {"core", "outputs", "errors", "package"},
    "io": {"core", "io", "errors", "package"},
    "importer": {"core", "io", "importer", "errors", "package"},
    "cli": {"core", "io", "outputs", "importer", "cli", "errors", "package"},
    "errors": set(),
    "package": set(),
    "__main__": {"cli"},
}
NO_IO = {"os", "pathlib", "shutil", "tempfile", "subprocess", "socket", "smtplib", "sqlite3", "typer", "click", "rich",
         "yaml", "platformdirs"}
"""Modules that reach the outside: core/ imports none of them, outputs/ none but the formatting libraries."""
FORBIDDEN_OUTSIDE = {"core": NO_IO, "outputs": NO_IO - {"rich"}}


def modules(package: Path) -> dict[str, Path]:
    """Dotted name -> file for every module under `package` (packages by their __init__)."""
    out = {}
    for f in package.rglob("*.py"):
        parts = list(f.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = f
    return out


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The modules `name` imports, anywhere in its file: project modules by dotted name, others by top name."""
    root = name.split(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for a in node.names:  # `from tthc_cli.cli import items` imports the module tthc_cli.cli.items
                sub = f"{node.module}.{a.name}"
                found.add(sub if sub in known else node.module)
    return {m if m.split(".")[0] == root else m.split(".")[0] for m in found}


def layer(name: str) -> str:
    parts = name.split(".")
    if len(parts) == 1:
        return "package"
    return parts[1] if parts[1] in ALLOWED else "package"


def violations(package: Path) -> list[str]:
    """Every import that breaks the layer rules, and every import cycle, as readable lines."""
    known = modules(package)
    root = package.name
    graph = {name: imports(name, path, known) for name, path in known.items()}
    out = []
    for name, targets in sorted(graph.items()):
        here = layer(name)
        for t in sorted(targets):
            if t.split(".")[0] == root:
                if t != root and layer(t) not in ALLOWED[here] | {here} and layer(t) != "package":
                    out.append(f"{name} imports {t}: {here}/ may not import {layer(t)}/")
            elif t in FORBIDDEN_OUTSIDE.get(here, ()):
                out.append(f"{name} imports {t}: {here}/ does no I/O")
    out.extend(f"import cycle: {' -> '.join(c)}" for c in cycles(graph))
    return out


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each as a path."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in graph:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_layers_hold_and_nothing_imports_in_a_circle():
    assert violations(PACKAGE) == []


def test_every_layer_is_a_folder():
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert {"core", "io", "outputs", "importer", "cli"} <= folders
    loose = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert loose == ["__init__.py", "__main__.py", "errors.py"]


def _tree(tmp_path, files: dict[str, str]) -> Path:
    pkg = tmp_path / "tthc_cli"
    for rel, text in {"__init__.py": "", "core/__init__.py": "", "io/__init__.py": "", "outputs/__init__.py": "",
                      "cli/__init__.py": "", **files}.items():
        (pkg / rel).parent.mkdir(parents=True, exist_ok=True)
        (pkg / rel).write_text(text, encoding="utf-8")
    return pkg


def test_the_checker_finds_each_kind_of_break(tmp_path):
    pkg = _tree(tmp_path, {
        "core/a.py": "def f():\n    from tthc_cli.io import store\n",  # inside a function still counts
        "core/b.py": "import os\n",
        "io/store.py": "from tthc_cli.cli import main\n",
        "outputs/c.py": "from tthc_cli.outputs import d\n",
        "outputs/d.py": "def g():\n    from tthc_cli.outputs import c\n",
    })
    assert violations(pkg) == [
        "tthc_cli.core.a imports tthc_cli.io.store: core/ may not import io/",
        "tthc_cli.core.b imports os: core/ does no I/O",
        "tthc_cli.io.store imports tthc_cli.cli: io/ may not import cli/",
        "import cycle: tthc_cli.outputs.c -> tthc_cli.outputs.d",
    ]
