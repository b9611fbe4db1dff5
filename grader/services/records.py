"""Load one record by its id for a page that names it (the views never query themselves)."""

from typing import TypeVar

from sqlalchemy import select
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


def candidate_of(session: Session, user: User) -> Candidate | None:
    """Return the registration of a candidate's account."""
    return session.scalar(select(Candidate).options(joinedload(Candidate.township))
                          .where(Candidate.user_id == user.id).order_by(Candidate.id).limit(1))


def small_id(raw: str) -> int | None:
    """Read a row id typed by a person: ASCII digits, at most nine of them."""
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else None
