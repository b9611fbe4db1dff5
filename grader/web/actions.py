"""Run one service action for a view: its writes kept on success, undone on a refusal."""

from collections.abc import Callable
from typing import TypeVar

from flask import abort, flash
from flask_wtf import FlaskForm

from grader.db import undo_request
from grader.errors import CodedError, Forbidden
from grader.i18n import describe, error_text

T = TypeVar("T")


def outcome(action: Callable[[], T]) -> tuple[T | None, CodedError | None]:
    """Run one service call; return (result, None), or (None, its refusal) with writes undone.

    The request commits once at its end (`grader.db`); a refused action leaves nothing
    behind. An action on an object out of the user's scope (`Forbidden`) answers 403.
    """
    try:
        return action(), None
    except Forbidden:
        abort(403)
    except CodedError as err:
        undo_request()
        return None, err


def attempt(action: Callable[[], T], success: str | None = None) -> T | None:
    """Run one service call; flash its refusal (and a sheet's bad rows) or `success`."""
    result, err = outcome(action)
    if err is not None:
        flash(error_text(err), "error")
        for entry in getattr(err, "rows", [])[:50]:  # a sheet's bad rows, each named
            flash(describe(entry), "error")
        return None
    if success:
        flash(success, "success")
    return result


def refusal(action: Callable[[], T]) -> tuple[T | None, str | None]:
    """Run one service call; return (result, None), or (None, the refusal's text) undone."""
    result, err = outcome(action)
    return result, None if err is None else error_text(err)


def found(obj: T | None) -> T:
    """Return the object a route named, or answer 404."""
    if obj is None:
        abort(404)
    return obj


def flash_invalid(form: FlaskForm) -> None:
    """Flash the errors of a posted form that has no page of its own (a row's inline form)."""
    for errors in form.errors.values():
        for message in errors:
            flash(str(message), "error")
