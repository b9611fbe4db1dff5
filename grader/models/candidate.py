"""Candidates (报名应聘者) and their place in the funnel."""

from datetime import date, datetime
from typing import Optional

from sqlalchemy import JSON, Date, Float, ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grader.db import Base
from grader.models.base import UTCDateTime, utcnow
from grader.models.states import Channel, Stage, one_of
from grader.models.township import Township
from grader.models.user import User

# The furthest stage a candidate has reached, in funnel order.
STAGES = tuple(Stage)  # in funnel order
CHANNELS = tuple(Channel)


class Candidate(Base):
    """One registration: identity, contact, eligibility and stage."""

    __tablename__ = "candidate"
    __table_args__ = (one_of("candidate", "stage", Stage), one_of("candidate", "channel", Channel))

    id: Mapped[int] = mapped_column(primary_key=True)
    reg_no: Mapped[str] = mapped_column(String(20), unique=True)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"), index=True)
    township_id: Mapped[int] = mapped_column(ForeignKey("township.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    id_number: Mapped[str] = mapped_column(String(18), unique=True)
    sex: Mapped[str] = mapped_column(String(1))
    birthdate: Mapped[date] = mapped_column(Date)
    phone: Mapped[Optional[str]] = mapped_column(String(20))
    email: Mapped[Optional[str]] = mapped_column(String(120))
    education: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(10))
    declarations: Mapped[dict] = mapped_column(JSON, default=dict)
    eligible: Mapped[bool] = mapped_column(default=False, index=True)
    eligibility_reasons: Mapped[list] = mapped_column(JSON, default=list)
    override_reason: Mapped[Optional[str]] = mapped_column(Text)
    # a valid checksum whose region code stdnum does not know for the birth year: 待核实
    id_pending: Mapped[bool] = mapped_column(default=False, server_default=false())
    stage: Mapped[str] = mapped_column(String(16), default="registered", index=True)
    online_exam_score: Mapped[Optional[float]] = mapped_column(Float)
    onsite_test_score: Mapped[Optional[float]] = mapped_column(Float)
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    registered_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))

    township: Mapped[Township] = relationship()
    user: Mapped[Optional[User]] = relationship(foreign_keys=[user_id])

    def reached(self, stage: str) -> bool:
        """Say whether the candidate has reached the given stage."""
        return STAGES.index(self.stage) >= STAGES.index(stage)
