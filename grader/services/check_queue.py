"""The outbox of checks: what to queue, which job may run, and what the sweeper re-queues.

An upload writes one `CheckOutbox` row per pending item in its own transaction; after the
commit the job is queued and `queued_at` set. A pending item has a live job when one was
queued or began within the window (`attempts`/`checked_at` record a begun attempt); the
sweeper queues the others again. A job runs only when no other attempt is live, and the
verdict is recorded only on a pending item, so however often a job runs the verdict is
recorded once.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, or_, select, update
from sqlalchemy.orm import Session

from grader.models import CheckOutbox, EvidenceItem
from grader.models.base import utcnow
from grader.models.states import Task, Verdict

WAITING_TASKS = (Task.WECHAT_SHARE, Task.APP_DOWNLOAD, Task.PLAN)  # plans wait to be read
MAX_ATTEMPTS = 5


def record(session: Session, items: Iterable[EvidenceItem]) -> None:
    """Write the outbox rows of new pending items (in the caller's transaction)."""
    for item in items:
        if item.status == Verdict.PENDING and session.get(CheckOutbox, item.id) is None:
            session.add(CheckOutbox(item_id=item.id, created_at=item.submitted_at))
    session.flush()


def mark_queued(session: Session, ids: list[int], now: datetime | None = None) -> None:
    """Record that jobs for these items were just handed to the queue."""
    if ids:
        session.execute(update(CheckOutbox).where(CheckOutbox.item_id.in_(ids))
                        .values(queued_at=now or utcnow()))


def claim(session: Session, item_id: int, seen: int | None, lease: timedelta,
          now: datetime | None = None) -> int | None:
    """Return the item's attempt count if a job may check it now, else None.

    Locks the item's row until the caller commits (the job's own attempt is counted in
    the same transaction). `seen` is the count a retried job began at: it carries on unless
    another job has begun since. A fresh job (`seen` None) waits while another is live.
    """
    item = session.get(EvidenceItem, item_id, with_for_update=True)
    if item is None or item.status != Verdict.PENDING:
        return None
    if seen is not None:  # our own attempt may or may not have been counted
        return item.attempts if item.attempts in (seen, seen + 1) else None
    started = item.checked_at
    if item.attempts and started is not None and started >= (now or utcnow()) - lease:
        return None
    return item.attempts


def stale(session: Session, window: timedelta, now: datetime | None = None,
          max_attempts: int = MAX_ATTEMPTS) -> list[int]:
    """Return pending items with no job queued or begun within the window, oldest first.

    Items that ran out of attempts go to people instead, as `check_failed`. The query walks
    the (status, id) index of pending items; the outbox joins on its key.
    """
    cutoff = (now or utcnow()) - window
    pending = (EvidenceItem.status == Verdict.PENDING, EvidenceItem.task.in_(WAITING_TASKS))
    for item in session.scalars(select(EvidenceItem).where(
            *pending, EvidenceItem.attempts >= max_attempts)):
        item.status, item.reasons = Verdict.REVIEW, [*item.reasons, "check_failed"]
    return list(session.scalars(
        select(EvidenceItem.id)
        .outerjoin(CheckOutbox, CheckOutbox.item_id == EvidenceItem.id)
        .where(*pending, EvidenceItem.attempts < max_attempts,
               or_(CheckOutbox.queued_at.is_(None), CheckOutbox.queued_at < cutoff),
               or_(EvidenceItem.checked_at.is_(None), EvidenceItem.checked_at < cutoff),
               EvidenceItem.submitted_at < cutoff)
        .order_by(EvidenceItem.id)))


def requeued(session: Session, ids: list[int], now: datetime | None = None) -> None:
    """Record the sweeper's re-queued items (an item from before the outbox gets its row)."""
    have = set(session.scalars(select(CheckOutbox.item_id).where(CheckOutbox.item_id.in_(ids))))
    for item_id in ids:
        if item_id not in have:
            session.add(CheckOutbox(item_id=item_id, created_at=now or utcnow()))
    session.flush()
    mark_queued(session, ids, now)


def forget_done(session: Session) -> int:
    """Drop the outbox rows of items no longer pending; return how many."""
    done = exists().where(EvidenceItem.id == CheckOutbox.item_id,
                          EvidenceItem.status != Verdict.PENDING)
    return session.execute(delete(CheckOutbox).where(done)).rowcount
