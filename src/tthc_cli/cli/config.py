"""`config check` and `config show`: the configuration file."""

from __future__ import annotations

import sys

import typer

from tthc_cli.cli.app import RUN, PlansOpt, config_app
from tthc_cli.errors import ConfigError


@config_app.command("check")
def config_check(plans: PlansOpt = None):
    """Kiểm tra tệp cấu hình: khóa lạ, địa chỉ thư sai, đơn vị không có, mật khẩu."""
    from tthc_cli.io.config import check_all
    from tthc_cli.io.session import Session

    problems, source = check_all(RUN["config"], lambda path: Session(plans, config_path=str(path)).workspace)
    if source is None:
        typer.echo("Không có tệp cấu hình (dùng giá trị mặc định).")
    for p in problems:
        typer.echo(f"lỗi: {p}")
    if problems:
        raise typer.Exit(ConfigError.exit_code)
    if source is not None:
        typer.echo(f"{source}: cấu hình hợp lệ.")


@config_app.command("show")
def config_show():
    """In cấu hình đang dùng (mật khẩu được che)."""
    from tthc_cli.io.config import load, show_text

    sys.stdout.write(show_text(load(RUN["config"])))
