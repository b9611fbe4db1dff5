"""Imports of exam score files and stage advancements."""

from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from grader.db import Base
from grader.models.base import UTCDateTime, utcnow
from grader.models.states import ExamKind, one_of


class ExamImport(Base):
    """A score file that was imported: which exam, how many rows, by whom."""

    __tablename__ = "exam_import"
    __table_args__ = (one_of("exam_import", "kind", ExamKind),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    filename: Mapped[str] = mapped_column(String(200))
    rows: Mapped[int] = mapped_column(default=0)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
