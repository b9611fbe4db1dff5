"""The plan-reading job: OCR of photographed or scanned plans, out of the request."""

from sqlalchemy.orm import Session

from grader.campaign import Campaign
from grader.models import EvidenceItem
from grader.models.base import utcnow
from grader.models.states import Task, Verdict
from grader.services import plans
from uploads.documents import extract_text
from uploads.storage import FileStorage
from uploads.validate import UploadRefused


def is_plan(session: Session, item_id: int) -> bool:
    """Say whether a queued item is a business plan (else it is a screenshot)."""
    item = session.get(EvidenceItem, item_id)
    return item is not None and item.task == Task.PLAN


def read_text(session: Session, storage: FileStorage, campaign: Campaign, item_id: int) -> str:
    """Read a waiting plan's text and give it to reviewers; return its status (or 'skipped')."""
    item = session.get(EvidenceItem, item_id)
    if item is None or item.status != Verdict.PENDING:
        return "skipped"
    item.attempts += 1
    item.checked_at = utcnow()
    key = item.storage_key
    session.commit()  # a crash below still counts the attempt; OCR holds no lock
    try:
        text, problem = extract_text(storage.read(key)).text, None
    except UploadRefused as refusal:
        text, problem = "", refusal.code
    session.refresh(item, with_for_update=True)
    if item.status != Verdict.PENDING:  # replaced or decided meanwhile
        return "skipped"
    plans.finish_reading(session, campaign, item, text, problem)
    session.commit()
    return item.status
