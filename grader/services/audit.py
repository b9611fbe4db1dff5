"""Write the audit log: every change of a stage, eligibility or score."""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import wraps
from datetime import date, datetime, time, timedelta
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import ColumnElement, Row, case, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

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


# an entry as the log page shows it: its columns and who made it (None: the system)
LISTED = (*(c for c in AuditLog.__table__.c), User.username)


def latest(session: Session, before: int | None = None, per_page: int = 100,
           filt: AuditFilter | None = None) -> list[Row]:
    """Return one page of the log, newest first: the entries before an id (keyset), if given.

    Plain rows with the author's `username` joined in: a page of 100 ORM entries and their
    authors cost twice the time.
    """
    query = select(*LISTED).outerjoin(User, User.id == AuditLog.user_id).where(
        *_where(filt or AuditFilter()))
    if before is not None:
        query = query.where(AuditLog.id < before)
    return list(session.execute(query.order_by(AuditLog.id.desc()).limit(per_page)))


def _kth(conds: list, newest_first: bool, k: int):
    """Select the id of the k-th entry from one end of the filtered log (None past the end).

    The k newest (or oldest) ids by the index, then the last of them: no OFFSET, no numbering
    of the whole log.
    """
    order = AuditLog.id.desc() if newest_first else AuditLog.id.asc()
    ends = select(AuditLog.id).where(*conds).order_by(order).limit(k).subquery()
    last = func.min(ends.c.id) if newest_first else func.max(ends.c.id)
    return select(case((func.count() == k, last))).select_from(ends).scalar_subquery()


def _page_starts(session: Session, conds: list, per_page: int, total: int, here: tuple,
                 pages: list[int]) -> dict[int, int]:
    """Return the newest id of each of the given pages of the filtered log, in one query.

    Each is read from the nearest known place: the newest or the oldest entry, or the page
    shown (`here`: its number and its `before`), so a view reads a few hundred index entries
    wherever it is in the log.
    """
    number, before = here
    parts = []
    for n in sorted(set(pages)):
        ways = [((n - 1) * per_page + 1, True, []), (total - (n - 1) * per_page, False, [])]
        if before is not None and n >= number:
            ways.append(((n - number) * per_page + 1, True, [AuditLog.id < before]))
        elif before is not None:
            ways.append(((number - n) * per_page, False, [AuditLog.id >= before]))
        k, newest_first, bound = min(ways, key=lambda w: w[0])
        if k >= 1:
            parts.append(select(literal(n).label("page"),
                                _kth(conds + bound, newest_first, k).label("id")))
    if not parts:
        return {}
    return {n: i for n, i in session.execute(union_all(*parts)) if i is not None}


def used_actions(session: Session) -> list[str]:
    """Return the actions the log holds, in order: a skip scan, one index probe an action."""
    step = select(func.min(AuditLog.action).label("action")).cte("step", recursive=True)
    step = step.union_all(select(select(func.min(AuditLog.action)).where(
        AuditLog.action > step.c.action).scalar_subquery()).where(step.c.action.is_not(None)))
    return list(session.scalars(select(step.c.action).where(step.c.action.is_not(None))
                                .order_by(step.c.action)))


@dataclass
class AuditPage:
    """One page of the filtered log, where it sits among the pages, and the actions to pick."""

    rows: list[Row]
    page: int
    pages: int  # at least one
    starts: dict[int, int]  # the newest id of the pages linked: page k is `before=starts[k] + 1`
    actions: list[str] = field(default_factory=list)


def audit_page(session: Session, filt: AuditFilter, per_page: int, before: int | None = None,
               page: int | None = None,
               linked: Callable[[int, int], Iterable[int | None]] = lambda page, _n: [page]
               ) -> AuditPage:
    """Return a page of the filtered log by keyset: `before` an id, or page `page`'s start.

    `linked(page, pages)` names the pages whose starts the caller links to. Four queries
    whatever the log's size: how many entries (and how many newer than `before`), the start
    of each page linked, the page's rows, the actions to pick from.
    """
    conds = _where(filt)
    total, newer = session.execute(select(
        func.count(), func.count().filter(AuditLog.id >= before) if before is not None
        else literal(0)).select_from(AuditLog).where(*conds)).one()
    pages = max(-(-total // per_page), 1)
    number = min(page, pages) if page is not None else \
        1 if before is None else min(-(-newer // per_page) + 1, pages)
    wanted = [n for n in linked(number, pages) if n and n > 1 and (n != number or page)]
    starts = _page_starts(session, conds, per_page, total, (number, before), wanted)
    if page is not None:
        before = starts[number] + 1 if number in starts else None
    return AuditPage(latest(session, before, per_page, filt), number, pages, starts,
                     used_actions(session))


def history(session: Session, entity: str, entity_id: int) -> list[AuditLog]:
    """Return every entry about one record, oldest first."""
    return list(session.scalars(select(AuditLog).where(
        AuditLog.entity == entity, AuditLog.entity_id == entity_id).order_by(AuditLog.id)))
