"""The document model every reader produces and every extractor consumes.

A plan document is a sequence of blocks: paragraphs and tables. Readers
(`textsource` for .txt/.md exports, `docxsource` for Word files) turn their
format into this model; `tables`, `metadata` and `prose` only ever see it, so
a .docx and its text export import to the same plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tthc_cli.errors import ImportError_  # noqa: F401 - the importer's error, where its readers look for it


@dataclass
class Paragraph:
    """A paragraph of running text, with where it came from."""

    text: str
    where: str  # "dòng 12" (text line) or "đoạn 12" (Word paragraph)


@dataclass
class Row:
    """A table row as the reader saw it.

    `cells` hold the cell texts; within a cell, separate paragraphs or list
    items are separated by "\\n" (the text export has them on one line; both
    forms mean the same to the extractors). A cell that continues a vertically
    merged cell of the row above is "" (as in the text export).
    """

    cells: list[str]
    where: str  # "dòng 57" or "bảng 2, hàng 14"
    after_break: bool = False  # a page break (blank line in a text export) came just before


@dataclass
class Table:
    rows: list[Row] = field(default_factory=list)


@dataclass
class Document:
    """What a reader found in a source file, in document order."""

    source: str
    blocks: list[Paragraph | Table] = field(default_factory=list)
    review_note: str | None = None  # text read by OCR: every task is marked for review with this note

    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


