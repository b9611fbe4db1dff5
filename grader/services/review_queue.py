"""The review queue: items for people to decide, filtered, paged by keyset."""

from dataclasses import dataclass

from sqlalchemy import func, literal, select, tuple_
from sqlalchemy.orm import Session, defer, selectinload

from grader.models import Candidate, EvidenceItem
from grader.models.states import Task, Verdict
from grader.services.records import MAX_ID

SCREENSHOT_TASKS = (Task.WECHAT_SHARE, Task.APP_DOWNLOAD)

REVIEW_TASKS = (*SCREENSHOT_TASKS, Task.PLAN)
LISTED_STATUSES = (Verdict.REVIEW, Verdict.ACCEPT, Verdict.REJECT)
COUNT_CAP = 1000  # past this many matches the page says "1000+": counting 100,000 rows costs


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
    """One page of the review queue, how many items match in all, and whether more follow.

    `capped`: more than `total` items match (the count stopped there), and `pages` is a floor.
    """

    items: list[EvidenceItem]
    total: int
    page: int
    pages: int
    more: bool = False
    capped: bool = False


def _queue_query(filt: QueueFilter, after: int = 0, before: int = MAX_ID):
    """Select the items a queue filter matches between two ids (exclusive), and their order.

    An item id finds the item whatever its status. One status is a range of the (status, id)
    index: told `status = 'review' ORDER BY id`, PostgreSQL walks the primary key through
    every older item first (the items waiting for review are the newest).
    """
    query = select(EvidenceItem).where(EvidenceItem.task.in_(filt.tasks))
    if filt.not_township is not None or filt.reg_no:  # the join only when a filter needs it
        query = query.join(Candidate, Candidate.id == EvidenceItem.candidate_id)
    if filt.not_township is not None:
        query = query.where(Candidate.township_id != filt.not_township)
    if filt.task:
        query = query.where(EvidenceItem.task == filt.task)
    if filt.reg_no:
        query = query.where(Candidate.reg_no == filt.reg_no)
    if filt.item_id is not None or filt.status not in LISTED_STATUSES:
        query = query.where(EvidenceItem.status.in_(LISTED_STATUSES))  # never superseded/pending
        query = query.where(EvidenceItem.id == filt.item_id) if filt.item_id is not None \
            else query.where(EvidenceItem.id > after, EvidenceItem.id < before)
        return query, (EvidenceItem.id,)
    # SQLite plans by the plain terms, PostgreSQL by the row comparison (same rows either way)
    key = tuple_(EvidenceItem.status, EvidenceItem.id)
    return (query.where(EvidenceItem.status == filt.status, EvidenceItem.id > after,
                        EvidenceItem.id < before,
                        key > tuple_(literal(filt.status), literal(after)),
                        key < tuple_(literal(filt.status), literal(before))),
            (EvidenceItem.status, EvidenceItem.id))


def count_matches(session: Session, query, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """Count a query's items up to `cap`; return the count and whether more match."""
    ids = query.with_only_columns(EvidenceItem.id).limit(cap + 1).subquery()
    n = session.scalar(select(func.count()).select_from(ids)) or 0
    return min(n, cap), n > cap


def review_queue(session: Session, filt: QueueFilter, page: int = 1, per_page: int = 30,
                 after: int | None = None, before: int | None = None,
                 cap: int = COUNT_CAP) -> QueuePage:
    """Return a page (oldest first) of the filter's items, the total, and whether more follow.

    Pages link by keyset, `after` or `before` an id (the (status, id) index); `page` numbers it.
    The total is exact up to `cap` items; past it the page says "cap+" and pages are not clamped.
    """
    total, capped = count_matches(session, _queue_query(filt)[0], cap)
    pages = max((total + per_page - 1) // per_page, 1)
    page = max(page, 1) if capped else min(max(page, 1), pages)
    pages = max(pages, page)
    if before is not None:
        query, order = _queue_query(filt, before=before)
        items = session.scalars(_loaded(query).order_by(*(c.desc() for c in order))
                                .limit(per_page)).all()
        return QueuePage(list(reversed(items)), total, page, pages, bool(items), capped)
    query, order = _queue_query(filt, after=after or 0)
    if after is None:
        query = query.offset((page - 1) * per_page)
    items = session.scalars(_loaded(query).order_by(*order).limit(per_page + 1)).all()
    return QueuePage(list(items[:per_page]), total, page, pages, len(items) > per_page, capped)


def _loaded(query):
    """Load each item's candidate with the page (one query, not one per item).

    Only the columns the queue shows and judges by, not the whole registration.
    """
    return query.options(selectinload(EvidenceItem.candidate).load_only(
        Candidate.id, Candidate.reg_no, Candidate.township_id),
        defer(EvidenceItem.content_key), defer(EvidenceItem.phash))
