"""Reviewer scores (plans, daily reports) and published rankings."""

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
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
    size: Mapped[int] = mapped_column(Integer, default=0)  # rows in result, read without it
    warnings: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    published_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    published_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))


class RankingEntry(Base):
    """One candidate's row of a published ranking, so a result is one indexed read.

    The ranking's `result` JSON stays the record; this is its per-candidate copy, written
    when the ranking is published.
    """

    __tablename__ = "ranking_entry"
    __table_args__ = (UniqueConstraint("ranking_id", "candidate_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ranking_id: Mapped[int] = mapped_column(ForeignKey("ranking.id"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), index=True)
    rank: Mapped[int]
    score: Mapped[float] = mapped_column(Float)
    advance: Mapped[bool] = mapped_column(Boolean)
    row: Mapped[dict[str, Any]] = mapped_column(JSON)  # the result's row: components, reasons
