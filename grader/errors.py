"""The error every service raises when it refuses: a stable code and an English message."""


class CodedError(ValueError):
    """A refusal the UI translates by `code`; `str()` is the English message for the CLI."""

    def __init__(self, code: str, message: str = ""):
        super().__init__(message or code)
        self.code = code
