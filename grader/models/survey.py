"""Villager survey forms (村民信息调研表) and phone spot-checks (电话抽查)."""

from datetime import date, datetime
from typing import Optional

from sqlalchemy import JSON, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grader.db import Base
from grader.models.base import UTCDateTime, utcnow
from grader.models.candidate import Candidate
from grader.models.states import CallOutcome, FormSource, one_of

OUTCOMES = tuple(CallOutcome)


class SurveyForm(Base):
    """One household's survey as the candidate submitted it, with the checks' flags."""

    __tablename__ = "survey_form"
    __table_args__ = (one_of("survey_form", "source", FormSource),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), index=True)
    client_key: Mapped[Optional[str]] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(64), default="")
    phone_raw: Mapped[str] = mapped_column(String(40), default="")
    phone_e164: Mapped[Optional[str]] = mapped_column(String(20), index=True)
    village: Mapped[str] = mapped_column(String(64), default="")
    household_size: Mapped[Optional[int]]
    shops_online: Mapped[Optional[bool]]
    surveyed_at: Mapped[Optional[date]] = mapped_column(Date)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    flags: Mapped[list] = mapped_column(JSON, default=list)
    hints: Mapped[list] = mapped_column(JSON, default=list)
    valid: Mapped[bool] = mapped_column(default=False, index=True)
    source: Mapped[str] = mapped_column(String(10), default="form")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    candidate: Mapped[Candidate] = relationship()


class SharedPhoneDecision(Base):
    """Staff's decision on a number several candidates submitted: who keeps it (None: all).

    It covers the candidates who had sent the number by form `last_form_id`; a candidate who
    sends it later reopens the question.
    """

    __tablename__ = "shared_phone_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone_e164: Mapped[str] = mapped_column(String(20), unique=True)
    keeper_id: Mapped[Optional[int]] = mapped_column(ForeignKey("candidate.id"))
    last_form_id: Mapped[int]
    decided_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SpotCheck(Base):
    """One drawn villager to phone, who calls, and what the call found."""

    __tablename__ = "spot_check"
    __table_args__ = (one_of("spot_check", "outcome", CallOutcome),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), index=True)
    survey_form_id: Mapped[int] = mapped_column(ForeignKey("survey_form.id"))
    draw_rank: Mapped[int]
    seed: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(String(12), default="sample")
    caller_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"), index=True)
    outcome: Mapped[Optional[str]] = mapped_column(String(14))
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    mismatches: Mapped[list] = mapped_column(JSON, default=list)
    note: Mapped[Optional[str]] = mapped_column(Text)
    called_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)

    form: Mapped[SurveyForm] = relationship()
    candidate: Mapped[Candidate] = relationship()
