"""What a staff member's dashboard counts: candidates per stage and the work waiting."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from grader.models import Candidate, EvidenceItem, Review, User
from grader.models.states import Stage, Verdict


def stage_counts(session: Session, township_id: int | None) -> dict[str, int]:
    """Count candidates per stage (of one township when given)."""
    query = select(Candidate.stage, func.count()).group_by(Candidate.stage)
    if township_id is not None:
        query = query.where(Candidate.township_id == township_id)
    return {stage: n for stage, n in session.execute(query)}


def waiting_work(session: Session, user: User) -> dict[str, int]:
    """Count what waits for the user: reviews, screenshots to decide, interviews."""
    open_reviews = {kind: n for kind, n in session.execute(
        select(Review.kind, func.count()).where(Review.reviewer_id == user.id,
                                                Review.score.is_(None)).group_by(Review.kind))}
    return {"plan": open_reviews.get("plan", 0), "report": open_reviews.get("report", 0),
            "screenshots": session.scalar(select(func.count()).select_from(EvidenceItem).where(
                EvidenceItem.status == Verdict.REVIEW)) or 0,
            "interview": session.scalar(select(func.count()).select_from(Candidate).where(
                Candidate.stage == Stage.INTERVIEW)) or 0}
