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


EXIT_CODES: tuple[tuple[int, str, str], ...] = (
    (EXIT_OK, "EXIT_OK", "done"),
    (TthcError.exit_code, "FileError", "a file or document that cannot be used: unreadable, not importable, or "
                                       "existing without `--force`"),
    (UsageError.exit_code, "UsageError", "a bad command line: unknown option, unit, date, path or task, a value out "
                                         "of range"),
    (EXIT_OVERDUE, "EXIT_OVERDUE", "`check`: something is overdue"),
    (EXIT_PARTIAL, "EXIT_PARTIAL", "the answer is **incomplete**: plan files that could not be read were left out; "
                                   "stderr names each and why, the digest says it at its top and the report in its "
                                   "header. Replaces 0 and 3, so cron notices"),
    (PlanError.exit_code, "PlanError", "plans with errors (`validate`; warnings too with `--strict`), or no plan "
                                       "file could be loaded at all"),
    (StoreError.exit_code, "StoreError", "the progress store cannot be opened, read or written"),
    (ConfigError.exit_code, "ConfigError", "the configuration file cannot be used"),
    (DeliveryError.exit_code, "DeliveryError", "`digest --send`: some mail was not delivered after retries "
                                               "(a second run sends only those)"),
    (EXIT_INTERNAL, "EXIT_INTERNAL", "an error tthc did not foresee: one line on stderr naming a crash report file "
                                     "(the traceback is there, never on the terminal or in mail)"),
    (LockedError.exit_code, "LockedError", "`digest --send`: another run is sending right now (the lock)"),
    (EXIT_INTERRUPTED, "EXIT_INTERRUPTED", "stopped with Ctrl+C"),
)
"""The exit-code table: (code, the class or constant that carries it, what it means). The README shows it
row for row (tests/test_errors.py)."""
