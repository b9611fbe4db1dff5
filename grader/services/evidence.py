"""Screenshot evidence: intake, storage, the checking job, human decisions, counters."""

import errno
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from grader.campaign import Campaign
from grader.errors import CodedError
from grader.models import Candidate, EvidenceItem, User
from grader.models.base import utcnow
from grader.models.states import Stage, Verdict
from grader.services import audit, bulk, check_queue
from grader.services.review_queue import LISTED_STATUSES
from grader.services.rounds import round_published
from uploads.archives import Source, unpack
from uploads.storage import FileStorage, StoredFile
from uploads.validate import DEFAULT_LIMITS, UploadRefused, validate_image

SCREENSHOT_TASKS = ("wechat_share", "app_download")


class EvidenceError(CodedError):
    """A whole submission refused; `code` is stable."""


@dataclass
class Submission:
    """What became of each file in one upload."""

    items: list[EvidenceItem] = field(default_factory=list)
    known: list[EvidenceItem] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


Screened = tuple[str, StoredFile | None, str | None]


def screen(files: list[tuple[str, Source]], storage: FileStorage) -> list[Screened]:
    """Open ZIPs and validate every image without the database, storing the good ones.

    One file (or ZIP member) is in memory at a time; the request's budget of files and
    decompressed bytes refuses the rest, each named with its reason.
    """
    out: list[Screened] = []
    for name, data, refusal in unpack(files, DEFAULT_LIMITS):
        if refusal is None and data is not None:
            try:
                validate_image(data, DEFAULT_LIMITS)
            except UploadRefused as exc:
                refusal = exc.code
        stored = None
        if refusal is None and data is not None:
            stored, refusal = _kept(storage, data)
        out.append((name, stored, refusal))
    return out


def _kept(storage: FileStorage, data: bytes) -> tuple[StoredFile | None, str | None]:
    """Store an image; a full disk refuses this file alone and leaves nothing of it."""
    try:
        return storage.put(data), None
    except OSError as exc:
        if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
            raise
        return None, "disk_full"


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
    return store_screened(session, storage, cand, task, screen(files, storage), now, campaign)


def store_screened(session: Session, storage: FileStorage, cand: Candidate, task: str,
                   screened: list[Screened],
                   now: datetime | None = None, campaign: Campaign | None = None) -> Submission:
    """Store the screened images as pending items; list the refused ones with their reason."""
    result, now = Submission(), now or utcnow()
    admissible(session, cand, task, now, campaign)
    for name, stored, refusal in screened:
        if refusal or stored is None:
            result.refused.append((name, refusal or "unreadable"))
            continue
        _store_one(session, cand, task, name, stored, now, result)
    session.flush()
    check_queue.record(session, result.items)  # queued after the commit, swept if lost
    return result


def _store_one(session, cand, task, name, stored: StoredFile, now, result: Submission) -> None:
    """Record one stored image; the same file again for the task is the known item.

    The same file in two requests at once (a double tap) is found by neither: the later
    insert breaks the unique key, and that request answers with the first one's item.
    """
    known = _known(session, cand.id, task, stored.sha256)
    if known is None:
        item = EvidenceItem(candidate_id=cand.id, task=task, filename=name[-200:],
                            sha256=stored.sha256, size=stored.size, mime=stored.mime,
                            storage_key=stored.key, status=Verdict.PENDING, submitted_at=now)
        try:
            with session.begin_nested():
                session.add(item)
            result.items.append(item)
            return
        except IntegrityError:
            known = _known(session, cand.id, task, stored.sha256)
            if known is None:
                raise
    result.known.append(known)


def _known(session: Session, cand_id: int, task: str, sha256: str) -> EvidenceItem | None:
    """Return the candidate's item of a task with these bytes, if any."""
    return session.scalar(select(EvidenceItem).where(
        EvidenceItem.candidate_id == cand_id, EvidenceItem.task == task,
        EvidenceItem.sha256 == sha256))


@dataclass(frozen=True)
class CheckedFile:
    """A file whose verdict is already known (a rehearsal gives synthetic verdicts)."""

    name: str
    sha256: str
    verdict: str
    reasons: tuple[str, ...]
    submitted_at: datetime
    stored: StoredFile | None = None  # an image to show for it (a rehearsal's generated one)


def submit_checked(session: Session, cand: Candidate, task: str,
                   files: list[CheckedFile]) -> int:
    """Record many already-checked files at once (same rows as the checking job writes)."""
    return submit_checked_many(session, [(cand, task, files)])


def submit_checked_many(session: Session,
                        sets: list[tuple[Candidate, str, list[CheckedFile]]]) -> int:
    """Record the checked files of many candidates and tasks in one bulk insert (COPY)."""
    rows = []
    for cand, task, files in sets:
        if cand.stage != Stage.ROUND1:
            raise EvidenceError("not_in_round1", "only candidates in round 1 submit evidence")
        rows += [{"candidate_id": cand.id, "task": task, "filename": f.name, "sha256": f.sha256,
                  "size": f.stored.size if f.stored else 0,
                  "mime": f.stored.mime if f.stored else "image/png",
                  "storage_key": f.stored.key if f.stored else "", "status": f.verdict,
                  "machine_verdict": f.verdict, "reasons": list(f.reasons), "detail": {},
                  "submitted_at": f.submitted_at, "checked_at": f.submitted_at, "attempts": 1}
                 for f in files]
    return bulk.insert_rows(session, EvidenceItem, rows)


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


def counters(session: Session, cand: Candidate, task: str) -> dict[str, int]:
    """Count a candidate's items of a task by status."""
    rows = session.execute(select(EvidenceItem.status, func.count()).where(
        EvidenceItem.candidate_id == cand.id, EvidenceItem.task == task)
        .group_by(EvidenceItem.status)).all()
    counts = Counter(dict(rows))
    return {s: counts[s] for s in ("accept", "pending", "review", "reject")}


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
                 files: list[tuple[str, Source]], now: datetime, campaign: Campaign,
                 unlocked: Callable[..., Any] = lambda work, *args: work(*args)) -> Submission:
    """Take a batch from the upload page; `unlocked` screens it with no database lock held."""
    admissible(session, cand, task, now, campaign)
    screened = unlocked(screen, files, storage)  # decoding a hundred images takes seconds
    return store_screened(session, storage, cand, task, screened, now, campaign)
