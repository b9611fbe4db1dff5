"""Accounts and roles."""

from contextlib import contextmanager
from datetime import datetime
from typing import Optional

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from grader.db import Base
from grader.models.base import UTCDateTime, utcnow
from grader.models.states import Role, one_of
from grader.models.township import Township

ROLES = tuple(Role)
STAFF_ROLES = (Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF, Role.ADMIN)
# Rehearsals (grader simulate) swap in a cheap hash for thousands of synthetic accounts.
HASHING = {"method": "scrypt"}


@contextmanager
def cheap_hashing():
    """Hash passwords cheaply while synthetic accounts are made (demo and rehearsals)."""
    before = HASHING["method"]
    HASHING["method"] = "pbkdf2:sha256:1000"
    try:
        yield
    finally:
        HASHING["method"] = before


class User(UserMixin, Base):
    """A person who logs in; township staff are bound to one township."""

    __tablename__ = "user_account"
    __table_args__ = (one_of("user_account", "role", Role),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(20))
    display_name: Mapped[str] = mapped_column(String(64), default="")
    township_id: Mapped[Optional[int]] = mapped_column(ForeignKey("township.id"))
    active: Mapped[bool] = mapped_column(default=True)
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    township: Mapped[Optional[Township]] = relationship()

    def set_password(self, password: str) -> None:
        """Hash and store the password."""
        self.password_hash = generate_password_hash(password, method=HASHING["method"])

    def check_password(self, password: str) -> bool:
        """Compare a password with the stored hash."""
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        """Name the account and its session version in the cookie (Flask-Login's id)."""
        return f"{self.id}:{self.session_version}"

    def end_sessions(self) -> None:
        """Make every session cookie issued so far stop working."""
        self.session_version += 1

    @property
    def is_active(self) -> bool:
        """Let Flask-Login refuse disabled accounts."""
        return self.active

    def has_role(self, *roles: str) -> bool:
        """Say whether the user holds one of the roles (admin passes any check naming a staff role).

        A route open to candidates and staff alike (a file, a report photo) lets admins in too;
        only a candidate's own pages (roles = candidate alone) keep them out.
        """
        return self.role in roles or (self.role == Role.ADMIN
                                      and any(r != Role.CANDIDATE for r in roles))
