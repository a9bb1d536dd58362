"""Errors the CLI turns into a Vietnamese message and an exit code, in one place.

Exit codes (the README has the same table):

| code | meaning |
| --- | --- |
| 0 | done |
| 1 | an error: a plan, the config, the progress store or a file that cannot be used |
| 2 | a command line that cannot be used; for `digest --send`: some mail not delivered |
| 3 | `check`: some items are overdue |
| 4 | the answer is incomplete: some plan files could not be read and were left out (named on stderr) |
| 70 | an unforeseen error inside tthc (a crash report file is named on stderr) |
| 75 | `digest --send`: another run is sending now |
| 130 | stopped (Ctrl+C) |
"""

EXIT_OK = 0
EXIT_OVERDUE = 3
EXIT_PARTIAL = 4
EXIT_INTERNAL = 70


class TthcError(Exception):
    """Base of every error a user can cause; carries its exit code."""

    exit_code = 1

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class UsageError(TthcError):
    """A command-line value that cannot be used."""

    exit_code = 2


class PlanPathError(TthcError):
    """A plans path that does not exist."""

    exit_code = 2


class PlanError(TthcError):
    """Plan files that cannot be loaded at all."""

    exit_code = 1


class UnknownUnitError(TthcError):
    """A --unit that names no unit of the registry."""

    exit_code = 2


class TaskNotFoundError(TthcError):
    """A task reference that matches no task, or several."""

    exit_code = 2
