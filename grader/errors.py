"""The one error every service raises when it refuses: a stable code and its parameters."""

from typing import Any


class CodedError(ValueError):
    """A refusal the UI translates by `code` and `params`; `str()` is English for the CLI.

    Views never branch on the code: `grader.i18n.error_text(err)` says it in the user's
    language, filling the message's `%(name)s` places from `params`.
    """

    def __init__(self, code: str, message: str = "", **params: Any):
        super().__init__(message or code)
        self.code = code
        self.params = params


class Forbidden(CodedError):
    """An action on an object outside the user's scope: the page answers 403."""
