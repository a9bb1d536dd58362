"""Errors the CLI turns into a Vietnamese message and an exit code, in one place."""


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
