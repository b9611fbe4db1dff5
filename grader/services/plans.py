"""Business plans (项目计划书): upload, text extraction and reviewer assignment."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from grader.errors import CodedError
from grader.campaign import Campaign
from grader.models import Candidate, EvidenceItem, Review
from grader.models.base import utcnow
from grader.services import reviews
from grader.services.rankings import round_published
from uploads.documents import extract_text
from uploads.storage import FileStorage
from uploads.validate import UploadRefused

MIN_TEXT = 200  # characters; a shorter extraction goes to a person


class PlanError(CodedError):
    """A plan file refused before anything was saved; `code` is stable."""


@dataclass
class PlanResult:
    """The saved plan item and how much text was extracted."""

    item: EvidenceItem
    chars: int


def _extract(data: bytes) -> str:
    """Extract the plan's text with the uploads package, or refuse the file."""
    try:
        return extract_text(data).text
    except UploadRefused as refusal:
        code = "wrong_type" if refusal.code in ("not_an_image", "unsupported_type") \
            else refusal.code
        raise PlanError(code, f"the plan cannot be read: {refusal.code}") from refusal


def submit_plan(session: Session, storage: FileStorage, campaign: Campaign, cand: Candidate,
                filename: str, data: bytes, max_bytes: int = 20 * 1024 * 1024,
                now: datetime | None = None) -> PlanResult:
    """Store a plan, extract its text, and give it to reviewers; a new plan replaces the old."""
    if cand.stage != "round1":
        raise PlanError("not_in_round1", "only candidates in round 1 submit a plan")
    if round_published(session, "1"):
        raise PlanError("round_closed", "round 1 is published; submissions are closed")
    if not data:
        raise PlanError("empty_file", "the file is empty")
    if len(data) > max_bytes:
        raise PlanError("file_too_large", "the plan is larger than 20 MB")
    text = _extract(data)
    stored = storage.put(data)
    item = _upsert_item(session, cand, filename, stored, text, now or utcnow())
    sec = campaign.section("round1").get("reviews", {})
    reviews.assign(session, "plan", [reviews.Item(item.id, cand.id, cand.township_id)],
                   int(sec.get("per_item", 2)))
    return PlanResult(item, len(text))


def _upsert_item(session: Session, cand: Candidate, filename: str, stored, text: str,
                 now: datetime):
    """Add the plan item (the same file again is the same item)."""
    item = session.scalar(select(EvidenceItem).where(
        EvidenceItem.candidate_id == cand.id, EvidenceItem.task == "plan",
        EvidenceItem.sha256 == stored.sha256))
    if item is None:
        _supersede(session, cand)
        item = EvidenceItem(candidate_id=cand.id, task="plan", filename=filename[:200],
                            sha256=stored.sha256, size=stored.size, mime=stored.mime,
                            storage_key=stored.key, submitted_at=now)
        session.add(item)
    elif item.decided_by_id is not None or item.status == "superseded":
        return item  # a person's decision stands; an old version stays old
    enough = len(text.strip()) >= MIN_TEXT
    item.text, item.status = text, "accept" if enough else "review"
    item.machine_verdict = item.status
    item.reasons = [] if enough else ["plan_text_too_short"]
    session.flush()
    return item


def _supersede(session: Session, cand: Candidate) -> None:
    """Retire the candidate's earlier plans and their unscored reviews."""
    old = list(session.scalars(select(EvidenceItem).where(
        EvidenceItem.candidate_id == cand.id, EvidenceItem.task == "plan",
        EvidenceItem.status != "superseded")))
    for item in old:
        item.status = "superseded"
    if old:
        session.execute(delete(Review).where(Review.kind == "plan", Review.score.is_(None),
                                             Review.item_id.in_([i.id for i in old])))


def plan_texts(session: Session) -> dict[int, str]:
    """Return the text of every plan, by item id."""
    rows = session.execute(select(EvidenceItem.id, EvidenceItem.text).where(
        EvidenceItem.task == "plan", EvidenceItem.text.is_not(None),
        EvidenceItem.status != "superseded"))
    return {i: t for i, t in rows}
