"""Township publicity duties: villages and the photos proving each duty done."""

from datetime import datetime
from typing import Optional

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grader.db import Base
from grader.models.base import UTCDateTime, utcnow
from grader.models.states import DutyKind, one_of
from grader.models.township import Township


class Village(Base):
    """A village of a township; a large village paints more slogans."""

    __tablename__ = "village"
    __table_args__ = (UniqueConstraint("township_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(ForeignKey("township.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    large: Mapped[bool] = mapped_column(Boolean, default=False)

    township: Mapped[Township] = relationship()


class DutyPhoto(Base):
    """One photo proving a village's duty (a slogan, a banner, the notice, a QR code)."""

    __tablename__ = "duty_photo"
    __table_args__ = (one_of("duty_photo", "duty", DutyKind),)

    id: Mapped[int] = mapped_column(primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id"), index=True)
    duty: Mapped[str] = mapped_column(String(10))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)  # one photo proves one thing
    size: Mapped[int]
    mime: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(100))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))

    village: Mapped[Village] = relationship()
