"""Load one record by its id for a page that names it (the views never query themselves)."""

from typing import TypeVar

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload

from grader.db import Base
from grader.models import Candidate, User

M = TypeVar("M", bound=Base)
MAX_ID = 2**31 - 1  # the largest id a 32-bit INTEGER column holds (PostgreSQL, SQLite alike)


def get(session: Session, model: type[M], record_id: int | None) -> M | None:
    """Return the record of this id, or None for no id or no such record."""
    if not record_id or not 0 < record_id <= MAX_ID:  # past any id: no such record, no 500
        return None
    return session.get(model, record_id)


# an account with its registration (None for staff) and the registration's township, in one
# query: the logged-in user is loaded this way on every request (`auth.sessions.load_user`)
ACCOUNT = (select(User, Candidate).outerjoin(Candidate, Candidate.user_id == User.id)
           .options(joinedload(Candidate.township)).where(User.id == bindparam("user_id"))
           .order_by(Candidate.id).limit(1))


def account(session: Session, user_id: int) -> tuple[User, Candidate | None] | None:
    """Return an account and its registration (the first, if ever more), or None."""
    found = session.execute(ACCOUNT, {"user_id": user_id}).first()
    return (found[0], found[1]) if found is not None else None


def candidate_of(session: Session, user: User) -> Candidate | None:
    """Return the registration of a candidate's account (as `account` reads it)."""
    found = account(session, user.id)
    return found[1] if found is not None else None


def small_id(raw: str) -> int | None:
    """Read a row id typed by a person: ASCII digits, at most nine of them."""
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else None
