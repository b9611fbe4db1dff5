"""The state of a round: whether its ranking is published, which closes its submissions."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from grader.models import Candidate, Ranking
from grader.models.states import RankingStatus


def round_published(session: Session, round_name: str) -> bool:
    """Say whether a round's ranking was published (its submissions are closed then)."""
    return session.scalar(select(Ranking.id).where(Ranking.round == round_name,
                                                   Ranking.status == RankingStatus.PUBLISHED).limit(1)
                          ) is not None


def first_published_at(session: Session, round_name: str):
    """Return when the round was first published (amendments keep that date)."""
    return session.scalar(select(Ranking.published_at).where(
        Ranking.round == round_name, Ranking.status.in_([RankingStatus.PUBLISHED, RankingStatus.AMENDED]))
        .order_by(Ranking.published_at).limit(1))


def published_entry(session: Session, cand: Candidate) -> list[tuple[Ranking, dict]]:
    """Return the candidate's rows in every published ranking, newest first."""
    out = []
    for ranking in session.scalars(select(Ranking).where(Ranking.status == RankingStatus.PUBLISHED)
                                   .order_by(Ranking.id.desc())):
        row = next((r for r in ranking.result["ranking"] if r["id"] == cand.reg_no), None)
        if row is not None:
            out.append((ranking, row))
    return out
