"""Withdrawals (退出), replacement offers (递补) and notices to candidates."""

from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grader.db import Base
from grader.models.base import UTCDateTime, utcnow
from grader.models.candidate import Candidate
from grader.models.states import (Audience, NoticeKind, OfferStatus, Stage, WithdrawReason,
                                  one_of)
from grader.models.user import User


class Withdrawal(Base):
    """A candidate leaving the funnel: who, when, why and at which stage (once a candidate)."""

    __tablename__ = "withdrawal"
    __table_args__ = (one_of("withdrawal", "stage", Stage),
                      one_of("withdrawal", "reason", WithdrawReason))

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), unique=True)
    stage: Mapped[str] = mapped_column(String(16), index=True)
    reason: Mapped[str] = mapped_column(String(16))
    note: Mapped[Optional[str]] = mapped_column(Text)
    by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    candidate: Mapped[Candidate] = relationship()
    by: Mapped[Optional[User]] = relationship()


class ReplacementOffer(Base):
    """A place at a stage offered to the next of that stage's published ranking (递补)."""

    __tablename__ = "replacement_offer"
    __table_args__ = (one_of("replacement_offer", "stage", Stage),
                      one_of("replacement_offer", "status", OfferStatus),
                      UniqueConstraint("stage", "candidate_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    stage: Mapped[str] = mapped_column(String(16), index=True)  # the stage offered
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), index=True)
    ranking_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ranking.id"))  # None: exam
    rank: Mapped[int]
    withdrawal_id: Mapped[Optional[int]] = mapped_column(ForeignKey("withdrawal.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    offered_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[Optional[str]] = mapped_column(Text)

    candidate: Mapped[Candidate] = relationship()
    withdrawal: Mapped[Optional[Withdrawal]] = relationship()


class Notice(Base):
    """A notice staff sent to a stage's candidates: on /me and in the SMS list."""

    __tablename__ = "notice"
    __table_args__ = (one_of("notice", "kind", NoticeKind),
                      one_of("notice", "audience", Audience))

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    audience: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    sent_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recipients: Mapped[int] = mapped_column(default=0)

    sent_by: Mapped[Optional[User]] = relationship()


class NoticeRecipient(Base):
    """One candidate a notice went to, with the phone number it was sent to."""

    __tablename__ = "notice_recipient"
    __table_args__ = (UniqueConstraint("notice_id", "candidate_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), index=True)
    phone: Mapped[Optional[str]] = mapped_column(String(20))

    candidate: Mapped[Candidate] = relationship()
    notice: Mapped[Notice] = relationship()
