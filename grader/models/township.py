"""Townships (乡镇/街道) and their registration targets."""

from typing import Optional

from sqlalchemy import Float, String
from sqlalchemy.orm import Mapped, mapped_column

from grader.db import Base


class Township(Base):
    """A township with its registration target from the quota table."""

    __tablename__ = "township"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    target: Mapped[int] = mapped_column(default=0)
    responsible: Mapped[str] = mapped_column(String(64), default="")  # 第一责任人, by name
    # the township seat, entered by staff: station allocation reassigns to the nearest first
    lat: Mapped[Optional[float]] = mapped_column(Float)
    lng: Mapped[Optional[float]] = mapped_column(Float)

    def __repr__(self) -> str:
        return f"<Township {self.code} {self.name}>"
