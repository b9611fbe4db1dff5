"""Create and manage accounts."""

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from grader.campaign import Campaign
from grader.errors import CodedError
from grader.models import ROLES, Township, User
from grader.models.states import Role
from grader.services.reviews import top_up_all

TOWNSHIP_ROLES = (Role.TOWNSHIP_STAFF, Role.REVIEWER, Role.INTERVIEWER)  # reviewers skip their own


class AccountError(CodedError):
    """An account that cannot be created as asked; `code` is stable, the message English."""


def create_user(session: Session, username: str, password: str, role: str,
                township: str | None = None, display_name: str = "") -> User:
    """Create an account; township staff must name their township."""
    if role not in ROLES:
        raise AccountError("unknown_role", f"unknown role {role!r}; one of {', '.join(ROLES)}")
    if len(password) < 6:
        raise AccountError("short_password", "password must be at least 6 characters")
    if session.scalar(select(User).where(User.username == username)):
        raise AccountError("user_exists", f"user {username!r} already exists")
    town = None
    if role == Role.TOWNSHIP_STAFF and not township:
        raise AccountError("township_required", "township staff need --township")
    if township and role in TOWNSHIP_ROLES:
        town = session.scalar(select(Township).where(
            or_(Township.name == township, Township.code == township)))
        if town is None:
            raise AccountError("unknown_township", f"unknown township {township!r}")
    elif township:
        raise AccountError("township_not_used",
                           f"a {role} account has no township; only {', '.join(TOWNSHIP_ROLES)}")
    user = User(username=username, role=role, township=town, display_name=display_name)
    user.set_password(password)
    session.add(user)
    session.flush()
    return user


def create_staff(session: Session, campaign: Campaign, username: str, password: str, role: str,
                 township: str | None, display_name: str) -> int:
    """Create a staff account from the admin page; a new reviewer takes waiting reviews.

    Return how many reviews the new reviewer was given (0 for other roles).
    """
    user = create_user(session, username, password, role, township, display_name)
    return top_up_all(session, campaign) if user.role == Role.REVIEWER else 0


def staff_accounts(session: Session) -> list[User]:
    """Return every account but candidates', oldest first."""
    return list(session.scalars(select(User).where(User.role != Role.CANDIDATE).order_by(User.id)))


def authenticate(session: Session, username: str, password: str) -> User | None:
    """Return the active account of this name (an ID's x in either case) and password."""
    name = username.strip()
    user = session.scalar(select(User).where(User.username.in_([name, name.upper()])))
    if user is not None and user.active and user.check_password(password):
        return user
    return None
