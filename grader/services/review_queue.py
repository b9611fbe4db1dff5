"""The review queue: items for people to decide, filtered, paged by keyset."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from grader.models import Candidate, EvidenceItem
from grader.models.states import Task, Verdict

SCREENSHOT_TASKS = (Task.WECHAT_SHARE, Task.APP_DOWNLOAD)

REVIEW_TASKS = (*SCREENSHOT_TASKS, Task.PLAN)
LISTED_STATUSES = (Verdict.REVIEW, Verdict.ACCEPT, Verdict.REJECT)


@dataclass(frozen=True)
class QueueFilter:
    """What the review queue lists: a status ("all" for any), a task, a candidate, an item.

    `not_township` leaves out that township's candidates (a reviewer's own).
    """

    status: str = "review"
    task: str | None = None
    reg_no: str | None = None
    item_id: int | None = None
    tasks: tuple[str, ...] = REVIEW_TASKS
    not_township: int | None = None


@dataclass
class QueuePage:
    """One page of the review queue, how many items match in all, and whether more follow."""

    items: list[EvidenceItem]
    total: int
    page: int
    pages: int
    more: bool = False


def _queue_query(filt: QueueFilter):
    """Select the items a queue filter matches (an item id finds the item whatever its status)."""
    query = select(EvidenceItem).where(EvidenceItem.task.in_(filt.tasks))
    if filt.not_township is not None or filt.reg_no:  # the join only when a filter needs it
        query = query.join(Candidate, Candidate.id == EvidenceItem.candidate_id)
    if filt.not_township is not None:
        query = query.where(Candidate.township_id != filt.not_township)
    query = query.where(EvidenceItem.status.in_(LISTED_STATUSES))  # never superseded/pending
    if filt.item_id is not None:
        return query.where(EvidenceItem.id == filt.item_id)
    if filt.status in LISTED_STATUSES:
        query = query.where(EvidenceItem.status == filt.status)
    if filt.task:
        query = query.where(EvidenceItem.task == filt.task)
    if filt.reg_no:
        query = query.where(Candidate.reg_no == filt.reg_no)
    return query


def review_queue(session: Session, filt: QueueFilter, page: int = 1, per_page: int = 30,
                 after: int | None = None, before: int | None = None) -> QueuePage:
    """Return a page (oldest first) of the filter's items, the total, and whether more follow.

    Pages link by keyset, `after` or `before` an id (the (status, id) index); `page` numbers it.
    """
    query = _queue_query(filt)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max((total + per_page - 1) // per_page, 1)
    page = min(max(page, 1), pages)
    query = query.options(selectinload(EvidenceItem.candidate))
    if before is not None:
        items = session.scalars(query.where(EvidenceItem.id < before)
                                .order_by(EvidenceItem.id.desc()).limit(per_page)).all()
        return QueuePage(list(reversed(items)), total, page, pages, bool(items))
    query = query.where(EvidenceItem.id > after) if after is not None else \
        query.offset((page - 1) * per_page)
    items = session.scalars(query.order_by(EvidenceItem.id).limit(per_page + 1)).all()
    return QueuePage(list(items[:per_page]), total, page, pages, len(items) > per_page)
