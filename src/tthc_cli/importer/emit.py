"""Writing a plan file the way a person would: stable key order, Vietnamese
text exactly as in the document (NFC), and a comment on every task saying
where in the source it came from, so a reviewer can check it quickly."""

from __future__ import annotations

import json
import re
import unicodedata

from tthc_cli.importer.tables import Node

_PLAIN_START = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`]")
_SPECIAL = re.compile(r"(: |\s#|^\s|\s$|[\t\n])")
_YAML_WORDS = re.compile(r"^(?:true|false|yes|no|on|off|null|~|y|n)$", re.I)
_NUMBERISH = re.compile(r"^[-+]?(?:\d[\d_]*(?:\.\d*)?(?:e[-+]?\d+)?|\.\d+|0x[0-9a-f]+|0o[0-7]+)$", re.I)
_DATEISH = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}")


def scalar(value) -> str:
    """A YAML scalar that reads back as exactly `value`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    s = unicodedata.normalize("NFC", str(value))
    if (s and _PLAIN_START.match(s) and not _SPECIAL.search(s) and not _YAML_WORDS.match(s)
            and not _NUMBERISH.match(s) and not _DATEISH.match(s) and not s.endswith(":")):
        return s
    return json.dumps(s, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def _names(out: list[str], indent: str, key: str, names: list[str]) -> None:
    if not names:
        return
    if len(names) == 1:
        out.append(f"{indent}{key}: {scalar(names[0])}")
        return
    out.append(f"{indent}{key}:")
    out.extend(f"{indent}  - {scalar(n)}" for n in names)


def task_lines(node: Node, indent: str, split_units) -> list[str]:
    """YAML lines of one node and its children (a list item at `indent`)."""
    out = []
    where = ", ".join(node.where[:3]) + (" …" if len(node.where) > 3 else "")
    if where:
        out.append(f"{indent}# {where}")
    out.append(f"{indent}- id: {scalar(node.id)}")
    inner = indent + "  "
    if node.title:
        out.append(f"{inner}title: {scalar(node.title)}")
    if node.product:
        out.append(f"{inner}product: {scalar(node.product)}")
    if node.lead:
        _names(out, inner, "lead", split_units(node.lead))
    if node.support:
        support = split_units(node.support)
        if len(support) == 1:  # a list even for one name: it may hold commas
            out.append(f"{inner}support:")
            out.append(f"{inner}  - {scalar(support[0])}")
        else:
            _names(out, inner, "support", support)
    if node.deadline:
        out.append(f"{inner}deadline: {scalar(node.deadline)}")
    if node.review:
        out.append(f"{inner}review: true")
    notes = list(node.notes)
    if node.sentence:
        notes.insert(0, f"Câu trong văn bản: {node.sentence}")
    if notes:
        out.append(f"{inner}notes: {scalar(' / '.join(notes))}")
    if node.children:
        out.append(f"{inner}tasks:")
        for child in node.children:
            out.extend(task_lines(child, inner + "  ", split_units))
    return out


def plan_yaml(header_comment: list[str], plan: dict, roots: list[Node], split_units) -> str:
    """The whole plan file as text."""
    out = [f"# {line}" if line else "#" for line in header_comment]
    out.append("plan:")
    for key in ("id", "title", "issuer", "document", "period", "source"):
        value = plan.get(key)
        if value is not None and value != "":
            out.append(f"  {key}: {scalar(value)}")
    out.append("tasks:")
    for node in roots:
        out.extend(task_lines(node, "  ", split_units))
    return "\n".join(out) + "\n"
