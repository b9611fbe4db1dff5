"""Round-1 evidence: screenshots and plan documents, checked by machine and by people."""

from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grader.db import Base
from grader.models.base import UTCDateTime, utcnow
from grader.models.candidate import Candidate
from grader.models.states import AppealStatus, Task, Verdict, one_of

VERDICTS = tuple(Verdict)


class EvidenceItem(Base):
    """One uploaded file for a task; the same file twice for one task is one item."""

    __tablename__ = "evidence_item"
    __table_args__ = (one_of("evidence_item", "task", Task),
                      one_of("evidence_item", "status", Verdict),
                      UniqueConstraint("candidate_id", "task", "sha256"),
                      # the review queue seeks by status in id order; a candidate's page
                      # lists one task newest first
                      Index("ix_evidence_item_status_id", "status", "id"),
                      Index("ix_evidence_item_candidate_task_id", "candidate_id", "task", "id"),
                      Index("ix_evidence_item_candidate_status_id", "candidate_id", "status",
                            "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), index=True)
    task: Mapped[str] = mapped_column(String(20), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int]
    mime: Mapped[str] = mapped_column(String(80))
    storage_key: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    machine_verdict: Mapped[Optional[str]] = mapped_column(String(10))
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    phash: Mapped[Optional[str]] = mapped_column(String(32), index=True)
    content_key: Mapped[Optional[str]] = mapped_column(Text)  # the fields of the post, as JSON
    text: Mapped[Optional[str]] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(default=0)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    checked_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    note: Mapped[Optional[str]] = mapped_column(Text)

    candidate: Mapped[Candidate] = relationship()


class CheckOutbox(Base):
    """An item's check to queue, written in the upload's own transaction.

    `queued_at` is when a job for it was last handed to the queue (None: not yet). A pending
    item with no job queued or begun within the sweep window has lost its job, and the
    sweeper queues it again.
    """

    __tablename__ = "check_outbox"

    item_id: Mapped[int] = mapped_column(ForeignKey("evidence_item.id", ondelete="CASCADE"),
                                         primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    queued_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)


class Appeal(Base):
    """A candidate's appeal against one rejected item, and staff's answer."""

    __tablename__ = "appeal"
    __table_args__ = (one_of("appeal", "status", AppealStatus),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("evidence_item.id"))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="open")
    answer: Mapped[Optional[str]] = mapped_column(Text)
    answered_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)

    item: Mapped[EvidenceItem] = relationship()
