"""Round 2 (7-day trial operation), interview and signing."""

from datetime import date, datetime
from typing import Optional

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grader.db import Base
from grader.models.base import UTCDateTime, utcnow
from grader.models.candidate import Candidate
from grader.models.states import Lateness, SigningStatus, one_of
from grader.models.user import User


class DailyReport(Base):
    """One trial day's report (日报) with that day's figures."""

    __tablename__ = "daily_report"
    __table_args__ = (one_of("daily_report", "lateness", Lateness),
                      UniqueConstraint("candidate_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), index=True)
    day: Mapped[int]
    text: Mapped[str] = mapped_column(Text, default="")
    orders: Mapped[int] = mapped_column(default=0)
    sales_yuan: Mapped[float] = mapped_column(default=0.0)
    villagers_served: Mapped[int] = mapped_column(default=0)
    app_activations: Mapped[int] = mapped_column(default=0)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lateness: Mapped[str] = mapped_column(String(8), default="on_time")

    candidate: Mapped[Candidate] = relationship()
    photos: Mapped[list["ReportPhoto"]] = relationship(
        back_populates="report", order_by="ReportPhoto.position", cascade="all, delete-orphan")


class ReportPhoto(Base):
    """One photo of a daily report: the stored file's record, in the order it was added."""

    __tablename__ = "report_photo"
    __table_args__ = (UniqueConstraint("report_id", "position"),
                      UniqueConstraint("report_id", "sha256"))

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("daily_report.id"), index=True)
    position: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    # Unknown (None) for photos filed before 0004 kept bare storage keys.
    size: Mapped[Optional[int]]
    mime: Mapped[Optional[str]] = mapped_column(String(80))
    storage_key: Mapped[str] = mapped_column(String(100))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    report: Mapped[DailyReport] = relationship(back_populates="photos")


class GroupActivity(Base):
    """Messages one group member sent on one trial day, from an import."""

    __tablename__ = "group_activity"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[Optional[int]] = mapped_column(ForeignKey("candidate.id"), index=True)
    member: Mapped[str] = mapped_column(String(64))
    day: Mapped[int]
    count: Mapped[int]
    source: Mapped[str] = mapped_column(String(10))
    batch: Mapped[str] = mapped_column(String(40), index=True)


class GroupMemberLink(Base):
    """Staff's word on a group member: they are this candidate, or (`linked` False) they are not.

    Imports read it: a linked member's messages count for the candidate; an unlinked pair is
    never matched again by name or phone.
    """

    __tablename__ = "group_member_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    member: Mapped[str] = mapped_column(String(64), unique=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), index=True)
    linked: Mapped[bool] = mapped_column(default=True)
    linked_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    candidate: Mapped[Candidate] = relationship()


class InterviewPanel(Base):
    """A panel of interviewers (county office and Alibaba staff)."""

    __tablename__ = "interview_panel"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))

    members: Mapped[list[User]] = relationship(secondary="interview_panel_member",
                                               order_by=User.id)


class InterviewPanelMember(Base):
    """An interviewer sitting on a panel."""

    __tablename__ = "interview_panel_member"

    panel_id: Mapped[int] = mapped_column(ForeignKey("interview_panel.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True,
                                         index=True)


class InterviewSlot(Base):
    """When and before which panel a candidate is interviewed."""

    __tablename__ = "interview_slot"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("interview_panel.id"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), unique=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)

    candidate: Mapped[Candidate] = relationship()
    panel: Mapped[InterviewPanel] = relationship()


class InterviewScore(Base):
    """One interviewer's score of one candidate."""

    __tablename__ = "interview_score"
    __table_args__ = (UniqueConstraint("candidate_id", "interviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), index=True)
    interviewer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    score: Mapped[float]
    note: Mapped[Optional[str]] = mapped_column(Text)
    scored_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Signing(Base):
    """Whether a selected candidate accepts reassignment, and the signing."""

    __tablename__ = "signing"
    __table_args__ = (one_of("signing", "status", SigningStatus),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), unique=True)
    accepts_reassignment: Mapped[Optional[bool]]
    status: Mapped[str] = mapped_column(String(10), default="pending")
    signed_on: Mapped[Optional[date]] = mapped_column(Date)
    site: Mapped[str] = mapped_column(String(64), default="")

    candidate: Mapped[Candidate] = relationship()
