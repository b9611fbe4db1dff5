"""Service-station sites (选点) per township and the confirmed allocation of partners to them."""

from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grader.db import Base
from grader.models.base import UTCDateTime, utcnow
from grader.models.candidate import Candidate
from grader.models.states import StationOutcome, one_of
from grader.models.township import Township


class StationSite(Base):
    """A site a township chose for service stations, with how many partners it takes."""

    __tablename__ = "station_site"

    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(ForeignKey("township.id"), index=True)
    name: Mapped[str] = mapped_column(String(64), default="")
    address: Mapped[str] = mapped_column(String(128), default="")
    slots: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    township: Mapped[Township] = relationship()

    @property
    def label(self) -> str:
        """Name the site as staff know it: its name, else the township's station number."""
        return self.name or f"{self.township.name}#{self.id}"


class StationAllocation(Base):
    """One partner's confirmed place: a site of their township, another one, or none."""

    __tablename__ = "station_allocation"
    __table_args__ = (one_of("station_allocation", "outcome", StationOutcome),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), unique=True)
    site_id: Mapped[Optional[int]] = mapped_column(ForeignKey("station_site.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str] = mapped_column(String(20), default="")
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))

    candidate: Mapped[Candidate] = relationship()
    site: Mapped[Optional[StationSite]] = relationship()
