"""`store copy`: the progress store moved between a SQLite file and PostgreSQL."""

from __future__ import annotations

from typing import Annotated

import typer

from tthc_cli.cli.app import store_app


@store_app.command("copy")
def store_copy(source: Annotated[str, typer.Argument(metavar="NGUỒN", help="Sổ nguồn: tệp SQLite hoặc postgresql://…")],
               target: Annotated[str, typer.Argument(metavar="ĐÍCH", help="Sổ đích (trống, hoặc đã có đúng các bản ghi đó).")]):
    """Chép mọi bản ghi tiến độ và nhật ký gửi thư từ sổ này sang sổ kia (SQLite ↔ PostgreSQL), rồi kiểm tra."""
    from tthc_cli.io.storecopy import copy

    for line in copy(source, target):
        typer.echo(line)
