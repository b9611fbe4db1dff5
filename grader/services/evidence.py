"""Screenshot evidence: intake, storage, the checking job, human decisions, counters."""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, selectinload

from grader.campaign import Campaign
from grader.errors import CodedError
from grader.models import Candidate, EvidenceItem, User
from grader.models.base import utcnow
from grader.models.states import Stage, Verdict
from grader.services import audit
from grader.services.rounds import round_published
from uploads.storage import FileStorage
from uploads.validate import DEFAULT_LIMITS, UploadRefused, iter_zip, sniff, validate_image

SCREENSHOT_TASKS = ("wechat_share", "app_download")


class EvidenceError(CodedError):
    """A whole submission refused; `code` is stable."""


@dataclass
class Submission:
    """What became of each file in one upload."""

    items: list[EvidenceItem] = field(default_factory=list)
    known: list[EvidenceItem] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


def _expand(files: list[tuple[str, bytes]]) -> list[tuple[str, bytes | None, str | None]]:
    """Open ZIP uploads into their members; a bad member or archive is refused alone."""
    out = []
    for name, data in files:
        if sniff(data) != "zip":
            out.append((name, data, None))
            continue
        try:
            out += [(f"{name}/{m.name}", m.data, m.refusal) for m in iter_zip(data)]
        except UploadRefused as refusal:
            out.append((name, None, refusal.code))
    return out


def screen(files: list[tuple[str, bytes]]) -> list[tuple[str, bytes | None, str | None]]:
    """Open ZIPs and validate every image, without the database: (name, data, refusal)."""
    out = []
    for name, data, refusal in _expand(files):
        if refusal is None:
            try:
                validate_image(data, DEFAULT_LIMITS)
            except UploadRefused as exc:
                refusal = exc.code
        out.append((name, None if refusal else data, refusal))
    return out


def admissible(session: Session, cand: Candidate, task: str, now: datetime,
               campaign: Campaign | None = None) -> None:
    """Refuse an upload from someone not in an open round 1 (before the slow screening, too)."""
    if task not in SCREENSHOT_TASKS:
        raise EvidenceError("unknown_task", f"unknown task {task!r}")
    if cand.stage != Stage.ROUND1:
        raise EvidenceError("not_in_round1", "only candidates in round 1 submit evidence")
    if round_published(session, "1"):
        raise EvidenceError("round_closed", "round 1 is published; submissions are closed")
    closed = campaign.window_refusal("round1", now) if campaign is not None else None
    if closed:
        raise EvidenceError(closed, "round 1 takes submissions only inside its window")


def submit_screenshots(session: Session, storage: FileStorage, cand: Candidate, task: str,
                       files: list[tuple[str, bytes]], now: datetime | None = None,
                       campaign: Campaign | None = None) -> Submission:
    """Validate and store screenshots as pending items; the checking job decides them.

    With the campaign given, its round-1 window is enforced when the file says so.
    """
    now = now or utcnow()
    admissible(session, cand, task, now, campaign)
    return store_screened(session, storage, cand, task, screen(files), now, campaign)


def store_screened(session: Session, storage: FileStorage, cand: Candidate, task: str,
                   screened: list[tuple[str, bytes | None, str | None]],
                   now: datetime | None = None, campaign: Campaign | None = None) -> Submission:
    """Store the screened images as pending items; list the refused ones with their reason."""
    result, now = Submission(), now or utcnow()
    admissible(session, cand, task, now, campaign)
    for name, data, refusal in screened:
        if refusal:
            result.refused.append((name, refusal))
            continue
        _store_one(session, storage, cand, task, name, data, now, result)
    session.flush()
    return result


def _store_one(session, storage, cand, task, name, data, now, result: Submission) -> None:
    """Store one valid image; the same file again for the task is the known item."""
    stored = storage.put(data)
    item = session.scalar(select(EvidenceItem).where(
        EvidenceItem.candidate_id == cand.id, EvidenceItem.task == task,
        EvidenceItem.sha256 == stored.sha256))
    if item is not None:
        result.known.append(item)
        return
    item = EvidenceItem(candidate_id=cand.id, task=task, filename=name[-200:],
                        sha256=stored.sha256, size=stored.size, mime=stored.mime,
                        storage_key=stored.key, status=Verdict.PENDING, submitted_at=now)
    session.add(item)
    result.items.append(item)


@dataclass(frozen=True)
class CheckedFile:
    """A file whose verdict is already known (a rehearsal gives synthetic verdicts)."""

    name: str
    sha256: str
    verdict: str
    reasons: tuple[str, ...]
    submitted_at: datetime


def submit_checked(session: Session, cand: Candidate, task: str,
                   files: list[CheckedFile]) -> int:
    """Record many already-checked files at once (same rows as the checking job writes)."""
    if cand.stage != Stage.ROUND1:
        raise EvidenceError("not_in_round1", "only candidates in round 1 submit evidence")
    rows = [{"candidate_id": cand.id, "task": task, "filename": f.name, "sha256": f.sha256,
             "size": 0, "mime": "image/png", "storage_key": "", "status": f.verdict,
             "machine_verdict": f.verdict, "reasons": list(f.reasons), "detail": {},
             "submitted_at": f.submitted_at, "checked_at": f.submitted_at, "attempts": 1}
            for f in files]
    if rows:
        session.execute(insert(EvidenceItem), rows)
    return len(rows)


def record_verdict(session: Session, item: EvidenceItem, verdict: dict) -> None:
    """Store the checker's verdict on an item that nobody has decided yet."""
    if item.decided_by_id is not None:
        return
    item.status = item.machine_verdict = verdict["verdict"]
    item.reasons = list(verdict["reasons"])
    item.phash, item.content_key = verdict.get("phash"), verdict.get("content_key")
    item.text = verdict.get("ocr_text") or ""
    item.detail = {k: verdict.get(k) for k in ("keywords", "timestamp", "nickname", "phone",
                                                "tier", "grid", "checker_version")}
    item.checked_at = utcnow()
    session.flush()


def decide(session: Session, item: EvidenceItem, actor: User, verdict: str,
           note: str = "") -> None:
    """Record a person's decision on an item (overturning the machine if need be), audited."""
    if verdict not in ("accept", "reject"):
        raise EvidenceError("bad_verdict", "a decision is accept or reject")
    if item.status not in LISTED_STATUSES:  # a replaced plan or an item still being checked
        raise EvidenceError("not_decidable", f"an item that is {item.status} is not decided")
    before = item.status
    item.status, item.decided_by_id, item.decided_at = verdict, actor.id, utcnow()
    item.note = note.strip() or None
    session.flush()
    audit.record(session, actor, "decide_evidence", "candidate", item.candidate_id,
                 f"item:{item.id}", before, verdict, item.note)


REVIEW_TASKS = (*SCREENSHOT_TASKS, "plan")
LISTED_STATUSES = ("review", "accept", "reject")


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
    """One page of the review queue and how many items match in all."""

    items: list[EvidenceItem]
    total: int
    page: int
    pages: int


def _queue_query(filt: QueueFilter):
    """Select the items a queue filter matches (an item id finds the item whatever its status)."""
    query = select(EvidenceItem).join(Candidate, Candidate.id == EvidenceItem.candidate_id) \
        .where(EvidenceItem.task.in_(filt.tasks))
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


def review_queue(session: Session, filt: QueueFilter, page: int = 1,
                 per_page: int = 30) -> QueuePage:
    """Return one page (oldest first) of the items the filter matches, with the total."""
    query = _queue_query(filt)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max((total + per_page - 1) // per_page, 1)
    page = min(max(page, 1), pages)
    query = query.options(selectinload(EvidenceItem.candidate)).order_by(EvidenceItem.id)
    items = session.scalars(query.offset((page - 1) * per_page).limit(per_page)).all()
    return QueuePage(list(items), total, page, pages)


def counters(session: Session, cand: Candidate, task: str) -> dict[str, int]:
    """Count a candidate's items of a task by status."""
    rows = session.execute(select(EvidenceItem.status, func.count()).where(
        EvidenceItem.candidate_id == cand.id, EvidenceItem.task == task)
        .group_by(EvidenceItem.status)).all()
    counts = Counter(dict(rows))
    return {s: counts[s] for s in ("accept", "pending", "review", "reject")}


def stale_items(session: Session, older_than: timedelta = timedelta(minutes=5),
                lost_after: timedelta = timedelta(hours=1), max_attempts: int = 5) -> list[int]:
    """Return pending items a worker started and died on, or whose queue message was lost.

    Items that ran out of attempts go to people instead, as `check_failed`.
    """
    now = utcnow()
    pending = (EvidenceItem.status == Verdict.PENDING, EvidenceItem.task.in_(SCREENSHOT_TASKS))
    for item in session.scalars(select(EvidenceItem).where(
            *pending, EvidenceItem.attempts >= max_attempts)):
        item.status, item.reasons = Verdict.REVIEW, [*item.reasons, "check_failed"]
    started = (EvidenceItem.attempts > 0) & (EvidenceItem.checked_at < now - older_than)
    lost = (EvidenceItem.attempts == 0) & (EvidenceItem.submitted_at < now - lost_after)
    return list(session.scalars(select(EvidenceItem.id).where(
        *pending, EvidenceItem.attempts < max_attempts, started | lost)))


def index_rows(session: Session, task: str, since: datetime | None = None) -> list[tuple]:
    """Return (item_id, sha256, phash, content_key, checked_at, grid) of items checked since."""
    query = select(EvidenceItem.id, EvidenceItem.sha256, EvidenceItem.phash,
                   EvidenceItem.content_key, EvidenceItem.checked_at, EvidenceItem.detail).where(
        EvidenceItem.task == task, EvidenceItem.phash.is_not(None))
    if since is not None:
        query = query.where(EvidenceItem.checked_at >= since)
    return [(str(i), s, p, k, at, (d or {}).get("grid")) for i, s, p, k, at, d in
            session.execute(query.order_by(EvidenceItem.checked_at))]


def rules_for(campaign: Campaign, task: str):
    """Build the checker's rules for a task from the campaign file."""
    from uploads.rules import build_rules

    r1 = campaign.round1
    return build_rules(task, r1.tasks[task].model_dump(exclude_none=True), r1.start, r1.end)


def items_of(session: Session, cand: Candidate, task: str, limit: int | None = None
             ) -> list[EvidenceItem]:
    """Return a candidate's items of a task, newest first."""
    return list(session.scalars(select(EvidenceItem).where(
        EvidenceItem.candidate_id == cand.id, EvidenceItem.task == task)
        .order_by(EvidenceItem.id.desc()).limit(limit)))


def submit_batch(session: Session, storage: FileStorage, cand: Candidate, task: str,
                 files: list[tuple[str, bytes]], now: datetime, campaign: Campaign,
                 unlocked: Callable[..., Any] = lambda work, *args: work(*args)) -> Submission:
    """Take a batch from the upload page; `unlocked` screens it with no database lock held."""
    admissible(session, cand, task, now, campaign)
    screened = unlocked(screen, files)  # decoding a hundred images takes seconds
    return store_screened(session, storage, cand, task, screened, now, campaign)
