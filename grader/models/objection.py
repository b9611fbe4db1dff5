"""Objections to a public announcement (公示): anyone names an advancing candidate."""

from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grader.db import Base
from grader.models.base import UTCDateTime, utcnow
from grader.models.candidate import Candidate
from grader.models.states import AppealStatus, PublicStage, one_of


class Objection(Base):
    """One objection from the public against a candidate on a 公示 list, and staff's answer."""

    __tablename__ = "objection"
    __table_args__ = (one_of("objection", "stage", PublicStage),
                      one_of("objection", "status", AppealStatus))

    id: Mapped[int] = mapped_column(primary_key=True)
    stage: Mapped[str] = mapped_column(String(16))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), index=True)
    name: Mapped[str] = mapped_column(String(32))
    phone: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    answer: Mapped[Optional[str]] = mapped_column(Text)
    answered_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)

    candidate: Mapped[Candidate] = relationship()
