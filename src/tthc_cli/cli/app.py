"""The typer app, its shared options (declared once) and the state of one run.

Options turn text into domain values with callbacks where that is cheap; the days and windows a user types
are read by core.dates, so the same strict rules hold on the command line and in the config.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Optional

import typer

from tthc_cli import __version__
from tthc_cli.cli import completion
from tthc_cli.cli.guard import RUN, Format, Role, resolve_today  # noqa: F401 (the options' values)

def _vietnamese_help() -> None:
    """Help in Vietnamese: click's and typer's own words ("Usage:", "Options", "Show this message and exit.",
    "[default: …]", "[required]") through a formatter of our own, for every command of this app."""
    from typer import _click as click

    words = {"Options": "Tùy chọn", "Commands": "Lệnh", "Arguments": "Tham số"}
    phrases = (("Show this message and exit.", "Hiện trợ giúp này rồi thoát."), ("[default: ", "[mặc định: "),
               ("Install completion for the current shell.",
                "Cài gợi ý lệnh (phím Tab) cho shell đang dùng: bash, zsh, fish, PowerShell."),
               ("Show completion for the current shell, to copy it or customize the installation.",
                "In đoạn mã gợi ý lệnh của shell đang dùng, để tự chép vào tệp cấu hình shell."),
               ("[required]", "[bắt buộc]"), ("[env var: ", "[biến môi trường: "))
    usage = (("[OPTIONS]", "[TÙY_CHỌN]"), ("COMMAND [ARGS]...", "LỆNH [THAM_SỐ]..."))

    class VietnameseHelp(click.formatting.HelpFormatter):
        def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
            for en, vi in usage:
                args = args.replace(en, vi)
            super().write_usage(prog, args, "Cách dùng: " if prefix is None else prefix)

        def write_heading(self, heading: str) -> None:
            super().write_heading(words.get(heading, heading))

        def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
            def vi(text: str) -> str:
                for en, out in phrases:
                    text = text.replace(en, out)
                return text

            super().write_dl([(term, vi(text)) for term, text in rows], col_max, col_spacing)

    click.core.Context.formatter_class = VietnameseHelp


_vietnamese_help()


def _vietnamese_install() -> None:
    """`--install-completion` says what it did in Vietnamese (typer's own callback speaks English)."""
    import sys

    import typer.completion
    from typer._completion_shared import install

    shells = ("bash", "zsh", "fish", "powershell", "pwsh")

    def install_callback(ctx, param, value):
        if not value or ctx.resilient_parsing:
            return value
        from tthc_cli.errors import UsageError

        from typer._completion_shared import _get_shell_name

        shell = getattr(value, "value", value)  # a shell's name, or True: the shell running tthc
        shell = shell if isinstance(shell, str) else _get_shell_name()
        if shell not in shells:
            raise UsageError(f"không cài được gợi ý lệnh cho shell {shell or '(không rõ)'}; tthc hỗ trợ bash, zsh, "
                             f"fish và PowerShell (ví dụ: tthc --install-completion bash)")
        shell, path = install(shell=shell)
        typer.echo(f"Đã cài gợi ý lệnh cho {shell} vào {path}; mở cửa sổ dòng lệnh mới để dùng (phím Tab).")
        sys.exit(0)

    # typer binds its callback as the default of two placeholder functions' options; those options are ours now
    for placeholder in (typer.completion._install_completion_placeholder_function,
                        typer.completion._install_completion_no_auto_placeholder_function):
        placeholder.__defaults__[0].callback = install_callback


_vietnamese_install()

APP_SETTINGS = dict(
    name="tthc",
    help="tthc: theo dõi thời hạn các nhiệm vụ trong kế hoạch CCHC, kiểm soát TTHC của xã.",
    add_completion=True,  # --install-completion, --show-completion; values completed by cli/completion.py
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app = typer.Typer(**APP_SETTINGS)
config_app = typer.Typer(help="Kiểm tra và xem tệp cấu hình.", no_args_is_help=True)
app.add_typer(config_app, name="config")
store_app = typer.Typer(help="Sổ tiến độ: chép giữa tệp SQLite và PostgreSQL.", no_args_is_help=True)
app.add_typer(store_app, name="store")

COMMAND_ORDER = ("due", "overdue", "list", "show", "done", "progress", "extend", "undo", "trigger", "history", "check", "report", "validate",
                 "resolve", "units", "import", "digest", "ics", "schema")
"""The order `tthc --help` lists the commands in: the daily ones first, as an official meets them."""

class TextFormat(str, Enum):
    text = "text"
    json = "json"


class TableFormat(str, Enum):
    table = "table"
    json = "json"


class ReportFormat(str, Enum):
    table = "table"
    md = "md"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


PlansOpt = Annotated[Optional[list[str]], typer.Option(
    "--plans", "-p", metavar="ĐƯỜNG_DẪN", help="Tệp hoặc thư mục kế hoạch (lặp lại được; biến TTHC_PLANS; mặc định ./plans).",
    show_default=False)]
UnitOpt = Annotated[Optional[str], typer.Option(
    "--unit", "-u", metavar="ĐƠN_VỊ", help="Đơn vị: mã (TTPVHCC) hoặc tên như trong kế hoạch.", show_default=False,
    autocompletion=completion.units)]
CommuneOpt = Annotated[Optional[list[str]], typer.Option(
    "--commune", "-c", metavar="XÃ", help='Chỉ kế hoạch của xã này: "Xuân Trường", "xa xuan truong", "UBND xã Xuân '
    'Trường" (lặp lại được; mặc định commune: trong tệp cấu hình; "tất cả": mọi xã).', show_default=False,
    autocompletion=completion.communes)]
RoleOpt = Annotated[Role, typer.Option("--role", help="Vai trò của đơn vị: lead (chủ trì), support (phối hợp), any.")]
WithinOpt = Annotated[Optional[str], typer.Option(
    "--within", "-w", metavar="KHOẢNG", help="Cửa sổ sắp đến hạn: 14d, 2w, 1m, 10wd (ngày làm việc); mặc định 14d.", show_default=False)]
TodayOpt = Annotated[Optional[str], typer.Option(
    "--today", metavar="NGÀY", help="Ngày tính hạn (mặc định hôm nay; biến TTHC_TODAY).", show_default=False)]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Định dạng: table, json, csv.")]
AllOpt = Annotated[bool, typer.Option("--all", "-a", help="Gồm cả nhiệm vụ thường xuyên, chờ điều kiện, chưa xác định.")]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Không dùng bộ nhớ đệm kế hoạch đã đọc.")]
DbOpt = Annotated[Optional[str], typer.Option(
    "--db", metavar="TỆP|URL", help=("Sổ tiến độ: tệp SQLite (mặc định .tthc/progress.db cạnh thư mục kế hoạch) hoặc "
                                    "địa chỉ PostgreSQL postgresql://…; biến TTHC_DB."), show_default=False)]
StatusOpt = Annotated[Optional[list[str]], typer.Option(
    "--status", "-s", metavar="TRẠNG_THÁI", help='Lọc theo trạng thái, ví dụ "Quá hạn" (lặp lại được).', show_default=False)]
RollOpt = Annotated[Optional[bool], typer.Option(
    "--roll-forward/--no-roll-forward",
    help="Thời hạn là một khoảng (quý, tháng …) kết thúc vào ngày nghỉ thì lùi sang ngày làm việc kế tiếp.",
    show_default=False)]
ForceOpt = Annotated[bool, typer.Option("--force", help="Ghi đè tệp đã có.")]
TaskArg = Annotated[str, typer.Argument(metavar="NHIỆM_VỤ", help="Mã nhiệm vụ, kế-hoạch:mã, hoặc vài chữ trong tên.",
                                        autocompletion=completion.tasks)]
MilestoneOpt = Annotated[Optional[str], typer.Option(
    "--milestone", "-m", metavar="MỐC", help='Mốc của nhiệm vụ, ví dụ "Kế hoạch kiểm tra".', show_default=False)]
OccurrenceOpt = Annotated[Optional[str], typer.Option(
    "--occurrence", "-k", metavar="KỲ", help='Kỳ: "Quý II/2026", "Tháng 5/2026" hoặc ngày hạn 2026-06-30.', show_default=False)]
NoteOpt = Annotated[Optional[str], typer.Option("--note", metavar="GHI_CHÚ", help="Ghi chú.", show_default=False)]


def _version(value: bool):
    if value:
        typer.echo(f"tthc {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                help="In phiên bản rồi thoát.")] = False,
          config: Annotated[Optional[str], typer.Option(
              "--config", metavar="TỆP", help="Tệp cấu hình (mặc định TTHC_CONFIG, ./tthc.yaml, ~/.config/tthc/tthc.yaml).",
              show_default=False)] = None):
    """tthc: theo dõi thời hạn các nhiệm vụ trong kế hoạch của xã."""
    RUN["config"] = config
