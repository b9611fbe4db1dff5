"""Appeals: a candidate contests one rejected item within the window; staff answer."""

from datetime import timedelta

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from grader.campaign import Campaign
from grader.errors import CodedError
from grader.models import Appeal, Candidate, EvidenceItem, User
from grader.models.base import utcnow
from grader.models.states import AppealStatus, Verdict
from grader.models.withdrawal import Withdrawal
from grader.services import audit
from grader.services.own_lists import ITEM_SHOWN
from grader.services.rounds import first_published_at


class AppealError(CodedError):
    """An appeal that cannot be filed or answered; `code` is stable."""

def window_open(session: Session, campaign: Campaign) -> bool:
    """Say whether round 1's results are still open to appeals (from their first publication)."""
    days = campaign.round1.reviews.appeal_days
    first = first_published_at(session, "1")
    return first is not None and utcnow() <= first + timedelta(days=days)


def file_appeal(session: Session, campaign: Campaign, cand: Candidate, item_id: int,
                text: str) -> Appeal:
    """File the candidate's one appeal against a rejected item of theirs."""
    item = session.get(EvidenceItem, item_id)
    if item is None or item.candidate_id != cand.id:
        raise AppealError("not_your_item")
    if item.status != Verdict.REJECT:
        raise AppealError("not_rejected")
    if not window_open(session, campaign):
        raise AppealError("window_closed")
    if session.scalar(select(Withdrawal.id).where(Withdrawal.candidate_id == cand.id)):
        raise AppealError("withdrawn")  # out of the recruitment: nothing an appeal could change
    if session.scalar(select(Appeal.id).where(Appeal.candidate_id == cand.id)):
        raise AppealError("already_appealed")
    if not text.strip():
        raise AppealError("reason_required")
    appeal = Appeal(candidate_id=cand.id, item_id=item.id, text=text.strip()[:2000])
    session.add(appeal)
    session.flush()
    return appeal


def answer_appeal(session: Session, appeal: Appeal, actor: User, upheld: bool,
                  answer: str) -> None:
    """Answer an appeal; an upheld one accepts the item, audited."""
    if appeal.status != AppealStatus.OPEN:
        raise AppealError("already_answered")
    appeal.status = AppealStatus.UPHELD if upheld else AppealStatus.REJECTED
    appeal.answer, appeal.answered_by_id, appeal.answered_at = answer.strip(), actor.id, utcnow()
    if upheld:
        item = appeal.item
        item.decided_by_id, item.decided_at = actor.id, utcnow()
        session.flush()
        audit.record(session, actor, "appeal_upheld", "candidate", appeal.candidate_id,
                     f"item:{item.id}", item.status, "accept", answer.strip() or None)
        item.status = Verdict.ACCEPT
    else:
        audit.record(session, actor, "appeal_rejected", "candidate", appeal.candidate_id,
                     f"item:{appeal.item_id}", appeal.item.status, appeal.item.status,
                     answer.strip() or None)
    session.flush()


def of_candidate(session: Session, cand: Candidate) -> list[Appeal]:
    """Return the candidate's appeals."""
    return list(session.scalars(select(Appeal).where(Appeal.candidate_id == cand.id)))


def rejected_items(session: Session, cand: Candidate) -> list[Row]:
    """Return the candidate's rejected items, the ones an appeal may name (as listed rows)."""
    return list(session.execute(select(*ITEM_SHOWN).where(
        EvidenceItem.candidate_id == cand.id, EvidenceItem.status == Verdict.REJECT)
        .order_by(EvidenceItem.id)))


def all_appeals(session: Session) -> list[Appeal]:
    """Return every appeal, open ones first."""
    return list(session.scalars(select(Appeal).order_by(Appeal.status != AppealStatus.OPEN, Appeal.id)))
