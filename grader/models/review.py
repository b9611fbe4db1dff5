"""Reviewer scores (plans, daily reports) and published rankings."""

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from grader.db import Base
from grader.models.base import UTCDateTime, utcnow
from grader.models.states import RankingRound, RankingStatus, ReviewKind, one_of


class Review(Base):
    """One reviewer's assignment to an item and, once done, the rubric scores."""

    __tablename__ = "review"
    __table_args__ = (one_of("review", "kind", ReviewKind),
                      UniqueConstraint("kind", "item_id", "reviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    item_id: Mapped[int] = mapped_column(index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    score: Mapped[Optional[float]]
    criteria: Mapped[dict] = mapped_column(JSON, default=dict)
    note: Mapped[Optional[str]] = mapped_column(Text)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    scored_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)


class Ranking(Base):
    """A ranking computed from facts with a policy; frozen once published."""

    __tablename__ = "ranking"
    __table_args__ = (one_of("ranking", "round", RankingRound), one_of("ranking", "status", RankingStatus))

    id: Mapped[int] = mapped_column(primary_key=True)
    round: Mapped[str] = mapped_column(String(10), index=True)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    policy: Mapped[dict[str, Any]] = mapped_column(JSON)
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    warnings: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    published_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    published_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
