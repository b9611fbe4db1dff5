"""Data from outside the platform: staged tables, channel records, operator figures.

Uploaded tables are kept for their confirmation; a candidate may have come through more than
one channel; the operator's daily export gives the trial's figures of record.
"""

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from grader.db import Base
from grader.models.base import UTCDateTime, utcnow
from grader.models.states import Channel, ImportPurpose, one_of


class TableUpload(Base):
    """An uploaded table, stored between its preview and the confirmation that applies it."""

    __tablename__ = "table_upload"
    __table_args__ = (one_of("table_upload", "purpose", ImportPurpose),)

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(200))
    storage_key: Mapped[str] = mapped_column(String(100))
    mapping: Mapped[Optional[Any]] = mapped_column(JSON)  # the file's header -> our field
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    applied_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    applied_rows: Mapped[Optional[int]]


class ChannelRecord(Base):
    """A channel a candidate registered through; the candidate's own `channel` is the first."""

    __tablename__ = "channel_record"
    __table_args__ = (one_of("channel_record", "channel", Channel),
                      UniqueConstraint("candidate_id", "channel"))

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), index=True)
    channel: Mapped[str] = mapped_column(String(10))
    upload_id: Mapped[Optional[int]] = mapped_column(ForeignKey("table_upload.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OperatorFigure(Base):
    """One trial day's figures from the operator's daily export: the figures of record."""

    __tablename__ = "operator_figure"
    __table_args__ = (UniqueConstraint("candidate_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), index=True)
    day: Mapped[int]
    orders: Mapped[int] = mapped_column(default=0)
    sales_yuan: Mapped[float] = mapped_column(default=0.0)
    villagers_served: Mapped[int] = mapped_column(default=0)
    app_activations: Mapped[int] = mapped_column(default=0)
    upload_id: Mapped[Optional[int]] = mapped_column(ForeignKey("table_upload.id"))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
