"""Every error a user can meet, with its exit code, in one table; the CLI's boundary (cli/boundary.py) turns
each into one Vietnamese line on stderr and its code. The README's exit-code table is checked against
EXIT_CODES by tests/test_errors.py.

Classes carry their code, so tests assert `r.code == StoreError.exit_code`, never a bare number.
"""

EXIT_OK = 0
EXIT_OVERDUE = 3
EXIT_PARTIAL = 4
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130


class TthcError(Exception):
    """Base of every error a user can cause: a file or document that cannot be used (exit 1)."""

    exit_code = 1

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class FileError(TthcError):
    """A file that must not be read or written as asked (missing, a folder, a FIFO, exists without --force)."""


class ImportError_(FileError):  # noqa: N801 - not the built-in ImportError
    """A document that cannot be imported; the message says what to do."""


class UsageError(TthcError):
    """A command-line value that cannot be used (an unknown option, date, unit, task, a value out of range)."""

    exit_code = 2


class PlanPathError(UsageError):
    """A plans path that does not exist."""


class UnknownUnitError(UsageError):
    """A --unit that names no unit of the registry."""


class TaskNotFoundError(UsageError):
    """A task reference that matches no task, or several."""


class PlanError(TthcError):
    """Plan files with errors (`validate`), or none that could be loaded at all."""

    exit_code = 5


class StoreError(TthcError):
    """The progress store cannot be opened, read or written."""

    exit_code = 6


class Conflict(StoreError):
    """Another process recorded an event of the same task between the check and the write."""


class ConfigError(TthcError):
    """A configuration file that cannot be used."""

    exit_code = 7


class UnitDataError(ConfigError):
    """A unit table (the bundled one or the config's `units:`) with an entry that cannot be used."""

    def __init__(self, message: str, problems: tuple[str, ...] = ()):
        super().__init__(message)
        self.problems = problems  # each "units[2].members: …", for a caller that lists them


class DeliveryError(TthcError):
    """`digest --send`: some mail was not delivered after retries (running again sends only those)."""

    exit_code = 8


class LockedError(TthcError):
    """`digest --send`: another run is sending right now (it holds the lock)."""

    exit_code = 75


EXIT_CODES: tuple[tuple[int, str], ...] = (
    (EXIT_OK, "xong"),
    (TthcError.exit_code, "không dùng được một tệp hay tài liệu: không đọc được, không nhập được, hoặc đã có mà "
                          "không có --force"),
    (UsageError.exit_code, "dòng lệnh sai: tùy chọn, ngày, đơn vị, đường dẫn, nhiệm vụ không có hoặc ngoài khoảng"),
    (EXIT_OVERDUE, "`check`: có việc quá hạn"),
    (EXIT_PARTIAL, "kết quả THIẾU: có tệp kế hoạch không đọc được và bị bỏ qua (stderr nêu từng tệp); thay cho 0 và 3"),
    (PlanError.exit_code, "kế hoạch có lỗi (`validate`; với --strict cả cảnh báo), hoặc không đọc được kế hoạch nào"),
    (StoreError.exit_code, "kho tiến độ không mở, đọc hay ghi được"),
    (ConfigError.exit_code, "tệp cấu hình không dùng được"),
    (DeliveryError.exit_code, "`digest --send`: có thư chưa gửi được sau khi thử lại"),
    (EXIT_INTERNAL, "lỗi ngoài dự kiến của tthc (stderr nêu tệp báo cáo lỗi)"),
    (LockedError.exit_code, "`digest --send`: một lượt gửi khác đang chạy"),
    (EXIT_INTERRUPTED, "đã dừng (Ctrl+C)"),
)
"""The exit-code table, as the README shows it."""
