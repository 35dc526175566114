"""Exceptions that carry a message meant for a person, and the exit code the CLI uses for them."""

from __future__ import annotations

__all__ = ["XborderError", "BadInputError", "NotFoundError"]


class XborderError(Exception):
    """Base class of errors whose message is written for the user (no traceback needed)."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n{self.hint}"


class BadInputError(XborderError):
    """The user's input (file, option, value) is wrong; the message says what to do. Exit code 2."""

    exit_code = 2


class NotFoundError(BadInputError):
    """A named thing (product, market, run, file) does not exist."""
