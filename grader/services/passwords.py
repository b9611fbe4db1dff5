"""Passwords: a user's own change, the strength rule, and a staff reset for candidates."""

import secrets
import string

from sqlalchemy import select
from sqlalchemy.orm import Session

from grader.auth.permissions import can_view_candidate
from grader.errors import CodedError, Forbidden
from grader.models import Candidate, User
from grader.models.states import Role
from grader.services import audit

MIN_LENGTH = 8
RESETTERS = (Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF, Role.ADMIN)
ONE_TIME_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread


class PasswordError(CodedError):
    """A password change refused; `params["field"]` names the form field it concerns."""


def check_strength(session: Session, user: User, password: str) -> None:
    """Refuse a password under 8 characters, all digits, or the username or ID number."""
    if len(password) < MIN_LENGTH:
        raise PasswordError("password_too_short", "at least 8 characters", field="new",
                            n=MIN_LENGTH)
    if password.isdigit():
        raise PasswordError("password_all_digits", "not only digits", field="new")
    own = {user.username.lower()} | {n.lower() for n in session.scalars(
        select(Candidate.id_number).where(Candidate.user_id == user.id)) if n}
    if password.lower() in own:
        raise PasswordError("password_is_name", "not the username or ID number", field="new")


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """Change the user's own password; every other session of theirs ends, audited."""
    if not user.check_password(current):
        raise PasswordError("wrong_password", "the current password is wrong", field="current")
    if new == current:
        raise PasswordError("password_unchanged", "the new password is the old one", field="new")
    check_strength(session, user, new)
    user.set_password(new)
    user.must_change_password = False
    user.end_sessions()
    audit.record(session, user, "password_change", "user_account", user.id, "password",
                 None, None)


def reset_password(session: Session, actor: User, cand: Candidate) -> str:
    """Give a candidate in the actor's scope a one-time password to change at next login."""
    if actor.role not in RESETTERS or not can_view_candidate(actor, cand):
        raise Forbidden("not_in_scope", "this candidate is outside your township")
    user = cand.user
    if user is None:
        raise PasswordError("no_account", "this candidate has no account", field="")
    letters = ONE_TIME_ALPHABET.rstrip(string.digits)
    one_time = secrets.choice(letters) + "".join(  # a letter first: never all digits
        secrets.choice(ONE_TIME_ALPHABET) for _ in range(9))
    user.set_password(one_time)
    user.must_change_password = True
    user.end_sessions()
    audit.record(session, actor, "password_reset", "candidate", cand.id, "password", None, None,
                 user.username)
    return one_time
