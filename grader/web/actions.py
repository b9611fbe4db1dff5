"""Run one service action for a view: its writes kept on success, undone on a refusal."""

from collections.abc import Callable
from typing import TypeVar

from flask import flash

from grader.db import get_session
from grader.errors import CodedError
from grader.i18n import error_text

T = TypeVar("T")


def attempt(action: Callable[[], T], success: str | None = None) -> T | None:
    """Run a service call in a savepoint; flash its refusal (or `success`) and return None then.

    The request commits once at its end (`grader.db`): a refused action's writes are rolled
    back here, to the savepoint, so nothing else the request did is lost with them.
    """
    try:
        with get_session().begin_nested():
            result = action()
    except CodedError as err:
        flash(error_text(err), "error")
        return None
    if success:
        flash(success, "success")
    return result


def refusal(action: Callable[[], T]) -> tuple[T | None, str | None]:
    """Run a service call in a savepoint; return (result, None) or (None, the refusal's text)."""
    try:
        with get_session().begin_nested():
            return action(), None
    except CodedError as err:
        return None, error_text(err)
