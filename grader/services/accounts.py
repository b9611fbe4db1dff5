"""Create and manage accounts: logins, logouts, roles and deactivation, all audited."""

import secrets

from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from grader.campaign import Campaign
from grader.errors import CodedError
from grader.models import ROLES, Township, User
from grader.models.states import Role
from grader.models.user import HASHING
from grader.services import audit
from grader.services.reviews import top_up_all

TOWNSHIP_ROLES = (Role.TOWNSHIP_STAFF, Role.REVIEWER, Role.INTERVIEWER)  # reviewers skip their own
STAFF_ROLE_CHOICES = tuple(r for r in Role if r != Role.CANDIDATE)
_DUMMY_HASHES: dict[str, str] = {}  # per hashing method: what an unknown name is checked against


class AccountError(CodedError):
    """An account that cannot be created as asked; `code` is stable, the message English."""


def create_user(session: Session, username: str, password: str, role: str,
                township: str | None = None, display_name: str = "",
                actor: User | None = None) -> User:
    """Create an account, audited; township staff must name their township."""
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
    audit.record(session, actor, "create_account", "user_account", user.id, "role", None, role,
                 username)
    return user


def create_staff(session: Session, campaign: Campaign, username: str, password: str, role: str,
                 township: str | None, display_name: str, actor: User | None = None) -> int:
    """Create a staff account from the admin page; a new reviewer takes waiting reviews.

    Return how many reviews the new reviewer was given (0 for other roles).
    """
    user = create_user(session, username, password, role, township, display_name, actor)
    return top_up_all(session, campaign) if user.role == Role.REVIEWER else 0


def staff_accounts(session: Session) -> list[User]:
    """Return every account but candidates', oldest first."""
    return list(session.scalars(select(User).where(User.role != Role.CANDIDATE).order_by(User.id)))


def authenticate(session: Session, username: str, password: str) -> User | None:
    """Return the active account of this name (an ID's x in either case) and password.

    An unknown name is checked against a dummy hash, so it costs the time a known one does
    and the answer's delay does not tell which names exist.
    """
    name = username.strip()
    user = session.scalar(select(User).where(User.username.in_([name, name.upper()])))
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    matches = user.check_password(password)
    return user if matches and user.active else None


def _dummy_hash() -> str:
    """Return a hash of a random password made with the method real accounts use."""
    method = HASHING["method"]
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash(secrets.token_hex(16), method=method)
    return _DUMMY_HASHES[method]


def log_in(session: Session, username: str, password: str, address: str | None) -> User | None:
    """Check a login and audit it; a failure records the name tried, never the password."""
    user = authenticate(session, username, password)
    if user is None:
        name = username.strip()
        known = session.scalar(select(User.id).where(User.username.in_([name, name.upper()])))
        audit.record(session, None, "login_failed", "user_account", known or 0, "username",
                     None, name[:64], f"ip {address}")
        return None
    audit.record(session, user, "login", "user_account", user.id, "session", None,
                 user.session_version, f"ip {address}")
    return user


def log_out(session: Session, user: User) -> None:
    """End every session of the account (a copied cookie dies too), audited."""
    before = user.session_version
    user.end_sessions()
    audit.record(session, user, "logout", "user_account", user.id, "session_version", before,
                 user.session_version)


def set_role(session: Session, actor: User, user: User, role: str) -> None:
    """Change a staff account's role; its sessions end, so the new role starts fresh."""
    _refuse_own_or_candidate(actor, user)
    if role not in STAFF_ROLE_CHOICES:
        raise AccountError("unknown_role", f"unknown role {role!r}")
    if role == Role.TOWNSHIP_STAFF and user.township_id is None:
        raise AccountError("township_required", "township staff need a township")
    if role not in TOWNSHIP_ROLES:
        audit.change(session, actor, user, "township_id", None, "change_role")
    if audit.change(session, actor, user, "role", role, "change_role"):
        user.end_sessions()


def set_active(session: Session, actor: User, user: User, active: bool) -> None:
    """Deactivate or reactivate a staff account, audited; its sessions end."""
    _refuse_own_or_candidate(actor, user)
    if audit.change(session, actor, user, "active", active,
                    "reactivate" if active else "deactivate"):
        user.end_sessions()


def _refuse_own_or_candidate(actor: User, user: User) -> None:
    """Refuse changing one's own account (no admin locks themselves out) or a candidate's."""
    if user.id == actor.id:
        raise AccountError("own_account", "you cannot change your own role or status")
    if user.role == Role.CANDIDATE:
        raise AccountError("not_staff", "candidate accounts are not managed here")
