"""The screenshot-checking job body: one item at a time, idempotent, safe to retry."""

import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from grader.campaign import Campaign
from grader.models import EvidenceItem
from grader.models.base import utcnow
from grader.models.states import Task, Verdict
from grader.services import evidence
from uploads.checker import BatchState, check_screenshot, late_copy
from uploads.dupindex import DupIndex
from uploads.storage import FileStorage

_lock = threading.Lock()
_indexes: dict[tuple[str, str], "_Shared"] = {}
OVERLAP = timedelta(minutes=2)  # other workers' clocks and commits may lag a little
RECENT = 20_000  # items remembered in order: more than all workers store while one image is read


@dataclass
class _Shared:
    """One task's index in this process, the ids in it and how far it was topped up."""

    index: DupIndex = field(default_factory=DupIndex)
    ids: set[str] = field(default_factory=set)
    since: datetime | None = None
    added: int = 0  # items added so far: a check notes it before reading its image
    recent: deque = field(default_factory=lambda: deque(maxlen=RECENT))

    def add(self, item_id: str, sha256: str, phash: str, key: str | None,
            grid: str | None = None) -> None:
        """Add an item once (with its post grid, for copies under another name)."""
        if item_id not in self.ids:
            self.ids.add(item_id)
            self.index.add(item_id, sha256, phash, key, grid)
            self.added += 1
            self.recent.append((self.added, (item_id, sha256, phash, key, grid)))

    def since_mark(self, mark: int, but: str) -> DupIndex:
        """Return the items added after a mark (but one), as an index of their own."""
        rows = []
        for n, row in reversed(self.recent):
            if n <= mark:
                break
            if row[0] != but:
                rows.append(row)
        return DupIndex.from_rows(reversed(rows))


def _shared(session: Session, task: str) -> _Shared:
    """Return this process's index of a task, topped up with items checked anywhere since."""
    key = (str(session.get_bind().engine.url), task)
    with _lock:
        return _top_up(session, task, _indexes.setdefault(key, _Shared()))


def _top_up(session: Session, task: str, shared: _Shared) -> _Shared:
    """Add the items checked anywhere since the index was last topped up (lock held)."""
    rows = evidence.index_rows(session, task, shared.since)
    for item_id, sha, phash, content, _at, grid in rows:
        shared.add(item_id, sha, phash, content, grid)
    if rows:
        shared.since = rows[-1][4] - OVERLAP
    return shared


def shared_index(session: Session, task: str) -> DupIndex:
    """Return this process's duplicate index of a task, topped up from the database."""
    return _shared(session, task).index


def _stored_since(session: Session, task: str, shared: _Shared, mark: int, but: str
                  ) -> DupIndex:
    """Return the task's items stored anywhere since a mark (but one), topped up first."""
    with _lock:
        return _top_up(session, task, shared).since_mark(mark, but)


def _shared_now(session: Session, task: str) -> _Shared:
    """Return the task's index without topping it up (the caller holds the lock)."""
    return _indexes.setdefault((str(session.get_bind().engine.url), task), _Shared())


def forget_indexes() -> None:
    """Drop the cached indexes (tests start from a clean slate)."""
    with _lock:
        _indexes.clear()


COPY_REASONS = ("duplicate_of", "copied_from")  # an item that is someone else's post


def person_of(task: str, detail: dict | None) -> str | None:
    """Return who a screenshot names: the nickname of a share, the phone of a download."""
    return (detail or {}).get("nickname" if task == Task.WECHAT_SHARE else "phone")


def _batch_of(session: Session, item: EvidenceItem) -> BatchState:
    """Return the people already seen in the candidate's other items of the task."""
    batch = BatchState()
    for other in session.scalars(select(EvidenceItem).where(
            EvidenceItem.candidate_id == item.candidate_id, EvidenceItem.task == item.task,
            EvidenceItem.id != item.id, EvidenceItem.checked_at.is_not(None))):
        person = person_of(item.task, other.detail)
        if person and not any(r.startswith(COPY_REASONS) for r in other.reasons):
            batch.people.setdefault(person, []).append(str(other.id))
    return batch


def run_check(session: Session, storage: FileStorage, campaign: Campaign, item_id: int) -> str:
    """Check one pending item and store the verdict; return it (or 'skipped')."""
    item = session.get(EvidenceItem, item_id)
    if item is None or item.status != Verdict.PENDING:
        return "skipped"
    item.attempts += 1
    item.checked_at = utcnow()  # when this attempt started; the verdict overwrites it
    session.commit()  # a crash below still counts the attempt
    batch, shared = _batch_of(session, item), _shared(session, item.task)
    rules, task, submitted_at = evidence.rules_for(campaign, item.task), item.task, item.submitted_at
    mark = shared.added
    session.commit()  # OCR takes seconds: hold no lock while it runs
    verdict = check_screenshot(storage.read(item.storage_key), task, rules, submitted_at,
                               shared.index, batch, str(item.id))
    session.refresh(item, with_for_update=True)  # a reviewer's click waits for this verdict
    if item.status != Verdict.PENDING:  # a person decided it meanwhile; their word stands
        return "skipped"
    _one_at_a_time(session, task)  # then whatever was stored while this one was read:
    verdict = late_copy(verdict, _stored_since(session, task, shared, mark, str(item.id)))
    evidence.record_verdict(session, item, verdict.to_dict())
    _flag_first_repeat(session, item, batch)
    session.commit()
    if item.phash:
        with _lock:
            _shared_now(session, item.task).add(str(item.id), item.sha256, item.phash,
                                                item.content_key, item.detail.get("grid"))
    return item.status


LOCKS = {Task.WECHAT_SHARE: 7_101, Task.APP_DOWNLOAD: 7_102}  # advisory lock keys per task


def _one_at_a_time(session: Session, task: str) -> None:
    """Let one worker at a time store a task's verdict, until it commits.

    So the last look for copies stored meanwhile sees every verdict stored before this one.
    PostgreSQL takes an advisory lock for the transaction; SQLite's write transaction (begun
    IMMEDIATE outside page views) already holds the only write lock.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCKS[task]})


def _flag_first_repeat(session: Session, item: EvidenceItem, batch: BatchState) -> None:
    """Send the earlier item of a repeated person to review as well, unless decided."""
    code = "repeated_nickname" if item.task == Task.WECHAT_SHARE else "repeated_phone"
    if code not in item.reasons:
        return
    person = person_of(item.task, item.detail)
    for other_id in batch.people.get(person, [])[:1]:
        other = session.get(EvidenceItem, int(other_id))
        if other.decided_by_id is None and code not in other.reasons:
            other.reasons = [*other.reasons, code]
            if other.status == Verdict.ACCEPT:
                other.status = Verdict.REVIEW
