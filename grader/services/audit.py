"""Write the audit log: every change of a stage, eligibility or score."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import wraps
from datetime import date, datetime, time, timedelta
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, selectinload

from grader.models import AuditLog, User
from grader.models.base import SHANGHAI
from grader.services import bulk


P = ParamSpec("P")
R = TypeVar("R")
BATCH = "grader.audit_batch"  # session.info key of the rows a `batched` block holds back


def record(session: Session, actor: User | None, action: str, entity: str, entity_id: int,
           field: str, before: Any, after: Any, reason: str | None = None) -> None:
    """Add one audit row (flushed with the change it describes, or at the end of `batched`)."""
    row = {"user_id": actor.id if actor else None, "action": action, "entity": entity,
           "entity_id": entity_id, "field": field, "before": before, "after": after,
           "reason": reason}
    held = session.info.get(BATCH)
    if held is not None:
        held.append(row)
    else:
        session.add(AuditLog(**row))


@contextmanager
def batched(session: Session) -> Iterator[None]:
    """Hold back the audit rows of a batch and write them in one bulk insert at its end.

    For the functions that change hundreds of rows at once (a score import, a rehearsal's
    reviews): one COPY on PostgreSQL instead of an INSERT of every row returning its id.
    Nothing inside the block reads the audit log; an error inside writes nothing.
    """
    if session.info.get(BATCH) is not None:  # already inside a batch: its end writes these too
        yield
        return
    session.info[BATCH] = held = []
    try:
        yield
    finally:
        del session.info[BATCH]
    bulk.insert_rows(session, AuditLog, held)


def in_bulk(fn: Callable[P, R]) -> Callable[P, R]:
    """Run a batch function (its first argument the session) inside `batched`."""
    @wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        session = args[0]
        assert isinstance(session, Session)
        with batched(session):
            return fn(*args, **kwargs)
    return run


def change(session: Session, actor: User | None, obj: Any, field: str, value: Any,
           action: str, reason: str | None = None) -> bool:
    """Set an attribute and audit it when the value really changes.

    Only an object not yet written is flushed (for its id); a change to a stored row goes out
    with the next flush, so a thousand changes are a few batched statements, not 2,000 trips.
    """
    before = getattr(obj, field)
    if before == value:
        return False
    setattr(obj, field, value)
    if obj.id is None:
        session.flush()
    record(session, actor, action, obj.__tablename__, obj.id, field, before, value, reason)
    return True


@dataclass(frozen=True)
class AuditFilter:
    """Which entries the log shows: by whom (part of a name), which action, which local days."""

    person: str | None = None
    action: str | None = None
    since: date | None = None  # first Shanghai day shown
    until: date | None = None  # last Shanghai day shown


def _day_start(day: date) -> datetime:
    """Return the UTC instant a Shanghai day begins."""
    return datetime.combine(day, time(), SHANGHAI)


def _where(filt: AuditFilter) -> list[ColumnElement[bool]]:
    """Return the conditions of a filter."""
    conds = []
    if filt.person:
        conds.append(AuditLog.user_id.in_(select(User.id).where(or_(
            User.username.contains(filt.person, autoescape=True),
            User.display_name.contains(filt.person, autoescape=True)))))
    if filt.action:
        conds.append(AuditLog.action == filt.action)
    if filt.since:
        conds.append(AuditLog.at >= _day_start(filt.since))
    if filt.until:
        conds.append(AuditLog.at < _day_start(filt.until + timedelta(days=1)))
    return conds


def latest(session: Session, before: int | None = None, per_page: int = 100,
           filt: AuditFilter | None = None) -> list[AuditLog]:
    """Return one page of the log, newest first: the entries before an id (keyset), if given."""
    query = select(AuditLog).options(selectinload(AuditLog.user)).where(
        *_where(filt or AuditFilter()))
    if before is not None:
        query = query.where(AuditLog.id < before)
    return list(session.scalars(query.order_by(AuditLog.id.desc()).limit(per_page)))


def page_starts(session: Session, filt: AuditFilter, per_page: int) -> list[int]:
    """Return the newest id of every page of the filtered log, in one pass and no OFFSET."""
    numbered = select(AuditLog.id, func.row_number().over(order_by=AuditLog.id.desc())
                      .label("n")).where(*_where(filt)).subquery()
    return list(session.scalars(select(numbered.c.id).where((numbered.c.n - 1) % per_page == 0)
                                .order_by(numbered.c.id.desc())))


@dataclass
class AuditPage:
    """One page of the filtered log, where it sits among the pages, and the actions to pick."""

    rows: list[AuditLog]
    page: int
    starts: list[int]  # the newest id of each page: page k is `before=starts[k-1] + 1`
    actions: list[str] = field(default_factory=list)

    @property
    def pages(self) -> int:
        """Return how many pages the filtered log has (at least one)."""
        return max(len(self.starts), 1)


def audit_page(session: Session, filt: AuditFilter, per_page: int, before: int | None = None,
               page: int | None = None) -> AuditPage:
    """Return a page of the filtered log by keyset: `before` an id, or page `page`'s start."""
    starts = page_starts(session, filt, per_page)
    if page is not None and starts:
        before = starts[min(page, len(starts)) - 1] + 1
    number = 1 if before is None else sum(s >= before for s in starts) + 1
    actions = list(session.scalars(select(AuditLog.action).distinct().order_by(AuditLog.action)))
    return AuditPage(latest(session, before, per_page, filt), min(number, max(len(starts), 1)),
                     starts, actions)


def history(session: Session, entity: str, entity_id: int) -> list[AuditLog]:
    """Return every entry about one record, oldest first."""
    return list(session.scalars(select(AuditLog).where(
        AuditLog.entity == entity, AuditLog.entity_id == entity_id).order_by(AuditLog.id)))
