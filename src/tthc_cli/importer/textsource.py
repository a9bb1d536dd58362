"""Reading a text export (.txt/.md) of a plan: tab-separated lines are table rows."""

from __future__ import annotations

from tthc_cli.importer.document import Document, Paragraph, Row, Table


def read_text(text: str, source: str) -> Document:
    """Blocks of a text export: runs of lines with tabs are tables; other
    non-blank lines are paragraphs. A blank line between two table lines (a
    page break in the export) does not end the table."""
    doc = Document(source)
    table: Table | None = None
    blank = False
    for n, line in enumerate(text.splitlines(), start=1):
        if "\t" in line:
            if table is None:
                table = Table()
                doc.blocks.append(table)
            table.rows.append(Row(line.split("\t"), f"dòng {n}", after_break=blank and bool(table.rows)))
            blank = False
            continue
        if not line.strip():
            blank = True
            continue
        blank = False
        table = None
        doc.blocks.append(Paragraph(line.strip(), f"dòng {n}"))
    return doc
