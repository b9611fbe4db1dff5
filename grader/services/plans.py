"""Business plans (项目计划书): upload, text extraction and reviewer assignment."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from grader.campaign import Campaign
from grader.errors import CodedError
from grader.models import Candidate, EvidenceItem, Review
from grader.models.base import utcnow
from grader.models.states import ReviewKind, Stage, Task, Verdict
from grader.services import bulk, check_queue, reviews
from grader.services.rounds import round_published
from uploads.documents import extract_text, photos_to_pdf
from uploads.storage import FileStorage
from uploads.validate import IMAGE_KINDS, UploadRefused, sniff

MIN_TEXT = 200  # characters; a shorter extraction goes to a person


class PlanError(CodedError):
    """A plan file refused before anything was saved; `code` is stable."""


@dataclass
class PlanResult:
    """The saved plan item and how much text was extracted."""

    item: EvidenceItem
    chars: int
    pending: bool = False  # photos or a scanned PDF: a job reads the text


def _extract(data: bytes, ocr: bool = True) -> str:
    """Extract the plan's text with the uploads package, or refuse the file."""
    try:
        return extract_text(data, ocr=ocr).text
    except UploadRefused as refusal:
        code = "plan_wrong_type" if refusal.code in ("not_an_image", "unsupported_type") \
            else refusal.code
        raise PlanError(code, f"the plan cannot be read: {refusal.code}") from refusal


MAX_PHOTOS = 30  # photographed pages in one plan


def admissible(session: Session, campaign: Campaign, cand: Candidate,
                now: datetime | None) -> None:
    """Refuse a plan from someone not in an open round 1 (before the slow reading, too)."""
    if cand.stage != Stage.ROUND1:
        raise PlanError("not_in_round1", "only candidates in round 1 submit a plan")
    if round_published(session, "1"):
        raise PlanError("round_closed", "round 1 is published; submissions are closed")
    closed = campaign.window_refusal("round1", now or utcnow())
    if closed:
        raise PlanError(closed, "round 1 takes submissions only inside its window")


def _sized(data: bytes, max_bytes: int) -> bytes:
    """Refuse an empty or oversized file."""
    if not data:
        raise PlanError("empty_file", "the file is empty")
    if len(data) > max_bytes:
        raise PlanError("file_too_large", "the plan is larger than 20 MB")
    return data


@dataclass(frozen=True)
class ReadPlan:
    """A plan read without the database: the file to store and its text."""

    filename: str
    data: bytes
    text: str
    unread: bool = False  # read without OCR: its text is left to a job


MAX_BYTES = 20 * 1024 * 1024


def read_plan(files: list[tuple[str, bytes]], max_bytes: int = MAX_BYTES,
              ocr: bool = True) -> ReadPlan:
    """Read one document, or bind photos of pages into one PDF in order.

    Without `ocr` the files are checked but photos and scanned pages are not read: the page
    answers at once and a job reads them (`read_text`).
    """
    if not files:
        raise PlanError("empty_file", "no file was sent")
    if len(files) == 1:
        name, data = files[0]
        text = _extract(_sized(data, max_bytes), ocr)
        return ReadPlan(name, data, text, unread=not ocr and not text.strip())
    if len(files) > MAX_PHOTOS:
        raise PlanError("too_many_pages", f"at most {MAX_PHOTOS} photographed pages")
    texts = []
    for _name, data in files:
        if sniff(_sized(data, max_bytes)) not in IMAGE_KINDS:
            raise PlanError("pages_must_be_photos", "several files must all be page photos")
        texts.append(_extract(data, ocr).strip())
    try:
        pdf = photos_to_pdf([data for _name, data in files])
    except UploadRefused as refusal:
        raise PlanError(refusal.code, f"a page cannot be read: {refusal.code}") from refusal
    stem = files[0][0].rsplit(".", 1)[0][:80] or "plan"
    return ReadPlan(f"{stem}-{len(files)}p.pdf", pdf, "\n\n".join(texts), unread=not ocr)


def submit_plan(session: Session, storage: FileStorage, campaign: Campaign, cand: Candidate,
                filename: str, data: bytes, max_bytes: int = 20 * 1024 * 1024,
                now: datetime | None = None) -> PlanResult:
    """Store a plan, extract its text, and give it to reviewers; a new plan replaces the old."""
    return submit_plan_pages(session, storage, campaign, cand, [(filename, data)], max_bytes,
                             now)


def submit_plan_pages(session: Session, storage: FileStorage, campaign: Campaign,
                      cand: Candidate, files: list[tuple[str, bytes]],
                      max_bytes: int = 20 * 1024 * 1024, now: datetime | None = None
                      ) -> PlanResult:
    """Take a plan as one document, or as photos of its pages bound into one PDF in order."""
    admissible(session, campaign, cand, now)
    return save_plan(session, storage, campaign, cand, read_plan(files, max_bytes), now)


def submit_many(session: Session, storage: FileStorage, campaign: Campaign,
                sent: list[tuple[Candidate, str, bytes, datetime]]) -> int:
    """Take many candidates' plans at once (a rehearsal's documents), as submit_plan does.

    Candidates sending their first plan, read at once, go in one insert and one share-out to
    reviewers; anyone else (a plan to replace, pages for a job to read) goes through
    save_plan one by one. Returns how many plans were taken.
    """
    for cand, _name, _data, now in sent:  # all refused before anything is stored
        admissible(session, campaign, cand, now)
    earlier = set(session.scalars(select(EvidenceItem.candidate_id).where(
        bulk.among(session, EvidenceItem.candidate_id, {c.id for c, *_ in sent}),
        EvidenceItem.task == Task.PLAN)))
    rows = []
    for cand, filename, data, now in sent:
        plan = read_plan([(filename, data)], MAX_BYTES)
        if cand.id in earlier or plan.unread:
            save_plan(session, storage, campaign, cand, plan, now)
            continue
        stored, (status, reasons) = storage.put(plan.data), read_verdict(plan.text)
        rows.append({"candidate_id": cand.id, "task": Task.PLAN, "filename": plan.filename[:200],
                     "sha256": stored.sha256, "size": stored.size, "mime": stored.mime,
                     "storage_key": stored.key, "submitted_at": now, "status": status,
                     "machine_verdict": status, "text": plan.text,
                     "reasons": reasons})
    items = bulk.insert_loaded(session, EvidenceItem, rows, ("candidate_id", "sha256"),
                               EvidenceItem.task == Task.PLAN)
    townships = {c.id: c.township_id for c, *_ in sent}
    reviews.assign(session, "plan", [reviews.Item(i.id, i.candidate_id, townships[i.candidate_id])
                                     for i in items], campaign.round1.reviews.per_item)
    return len(sent)


def submit(session: Session, storage: FileStorage, campaign: Campaign, cand: Candidate,
           files: list[tuple[str, bytes]], now: datetime,
           unlocked: Callable[..., ReadPlan] = lambda work, *args: work(*args)) -> PlanResult:
    """Take a plan sent from the page; photos and scans are read later, by a job.

    `unlocked` checks the files with no database lock held.
    """
    admissible(session, campaign, cand, now)
    read = unlocked(read_plan, files, MAX_BYTES, False)
    return save_plan(session, storage, campaign, cand, read, now)


def versions(session: Session, cand: Candidate) -> list[EvidenceItem]:
    """Return every plan the candidate sent, in the order sent."""
    return list(session.scalars(select(EvidenceItem).where(
        EvidenceItem.candidate_id == cand.id, EvidenceItem.task == Task.PLAN)
        .order_by(EvidenceItem.id)))


def save_plan(session: Session, storage: FileStorage, campaign: Campaign, cand: Candidate,
              plan: ReadPlan, now: datetime | None = None) -> PlanResult:
    """Store a plan read by read_plan and give it to reviewers; the new replaces the old."""
    admissible(session, campaign, cand, now)
    stored = storage.put(plan.data)
    item = _upsert_item(session, cand, plan.filename, stored, now or utcnow())
    if plan.unread:  # a job reads it (the same file sent again keeps what was read)
        check_queue.record(session, [item])
        return PlanResult(item, len(item.text or ""), pending=item.status == Verdict.PENDING)
    finish_reading(session, campaign, item, plan.text)
    return PlanResult(item, len(plan.text))


def read_verdict(text: str, problem: str | None = None) -> tuple[str, list[str]]:
    """Return a read plan's status and reasons: accepted, or to people when short or badly read."""
    if problem is None and len(text.strip()) >= MIN_TEXT:
        return Verdict.ACCEPT, []
    return Verdict.REVIEW, [problem or "plan_text_too_short"]


def finish_reading(session: Session, campaign: Campaign, item: EvidenceItem, text: str,
                   problem: str | None = None) -> None:
    """Keep a plan's text and give the plan to reviewers (people check a short or bad read)."""
    if item.decided_by_id is not None or item.status == Verdict.SUPERSEDED:
        return  # a person's decision stands; an old version stays old
    item.status, item.reasons = read_verdict(text, problem)
    item.text, item.machine_verdict = text, item.status
    session.flush()
    cand = item.candidate
    reviews.assign(session, "plan", [reviews.Item(item.id, cand.id, cand.township_id)],
                   campaign.round1.reviews.per_item)


def _upsert_item(session: Session, cand: Candidate, filename: str, stored, now: datetime):
    """Add the plan item, waiting to be read (the same file again is the same item)."""
    item = session.scalar(select(EvidenceItem).where(
        EvidenceItem.candidate_id == cand.id, EvidenceItem.task == Task.PLAN,
        EvidenceItem.sha256 == stored.sha256))
    if item is None:
        _supersede(session, cand)
        item = EvidenceItem(candidate_id=cand.id, task=Task.PLAN, filename=filename[:200],
                            sha256=stored.sha256, size=stored.size, mime=stored.mime,
                            storage_key=stored.key, submitted_at=now, status=Verdict.PENDING)
        session.add(item)
        session.flush()
    return item


def _supersede(session: Session, cand: Candidate) -> None:
    """Retire the candidate's earlier plans and their unscored reviews."""
    old = list(session.scalars(select(EvidenceItem).where(
        EvidenceItem.candidate_id == cand.id, EvidenceItem.task == Task.PLAN,
        EvidenceItem.status != Verdict.SUPERSEDED)))
    for item in old:
        item.status = Verdict.SUPERSEDED
    if old:
        session.execute(delete(Review).where(
            Review.kind == ReviewKind.PLAN, Review.score.is_(None),
            Review.item_id.in_([i.id for i in old])))


def plan_texts(session: Session) -> dict[int, str]:
    """Return the text of every plan, by item id."""
    rows = session.execute(select(EvidenceItem.id, EvidenceItem.text).where(
        EvidenceItem.task == Task.PLAN, EvidenceItem.text.is_not(None),
        EvidenceItem.status != Verdict.SUPERSEDED))
    return {i: t for i, t in rows}
