"""The state of a round: whether its ranking is published, which closes its submissions."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from grader.models import Ranking


def round_published(session: Session, round_name: str) -> bool:
    """Say whether a round's ranking was published (its submissions are closed then)."""
    return session.scalar(select(Ranking.id).where(Ranking.round == round_name,
                                                   Ranking.status == "published").limit(1)
                          ) is not None
