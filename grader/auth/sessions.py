"""Session cookies: the account's session version, role-based lifetimes, forced changes."""

import time
from datetime import UTC, datetime, timedelta

from flask import Flask, current_app, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from flask_login import current_user, login_user, logout_user

from grader.db import get_session
from grader.models import Candidate, User
from grader.models.states import Role
from grader.services import records

# Pages a user who must change their password may still open.
OPEN_WHILE_CHANGING = {"auth.change_password", "auth.logout", "main.set_language", "static"}
SLIDE_EVERY = 60  # seconds: how often a live session's last-seen time is written again


def load_user(cookie_id: str) -> User | None:
    """Load the account a cookie names, if it is active and the cookie's version is current."""
    user_id, _, version = cookie_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None  # a cookie from before session versions, or forged
    found = records.account(get_session(), int(user_id))
    if found is None or not found[0].active or found[0].session_version != int(version):
        return None
    g.own_registration = found
    return found[0]


def registration_of(user: User) -> Candidate | None:
    """Return a candidate account's registration: the one loaded with it this request."""
    held = g.get("own_registration")
    if held is not None and held[0].id == user.id:
        return held[1]
    return records.candidate_of(get_session(), user)


def start(user: User) -> None:
    """Log the user in with a fresh idle clock (a cookie naming their session version)."""
    end()
    login_user(user)
    session["_seen"] = int(time.time())
    session["_ttl"] = lifetime_for(user).total_seconds()
    session.permanent = True


def end() -> None:
    """Log the user out of this browser and forget the idle clock."""
    logout_user()
    session.pop("_seen", None)
    session.pop("_ttl", None)


def lifetime_for(user: User) -> timedelta:
    """Return how long an idle session of this account lives: short for staff."""
    if user.role == Role.CANDIDATE:
        return timedelta(days=current_app.config["CANDIDATE_SESSION_DAYS"])
    return timedelta(hours=current_app.config["STAFF_SESSION_HOURS"])


# files a page loads beside it: they neither slide nor end a session, so never send its cookie
QUIET_ENDPOINTS = ("static", "main.favicon")


def keep_session():
    """End an idle session, slide a live one, and hold a forced password change."""
    if request.endpoint in QUIET_ENDPOINTS or not current_user.is_authenticated:
        return None
    now, ttl = int(time.time()), lifetime_for(current_user).total_seconds()
    seen = session.get("_seen", now)
    if now - seen > ttl:
        end()
        return redirect(url_for("auth.login"))
    if not session.permanent:  # setting it marks the session changed, even to the same value
        session.permanent = True
    if now - seen >= SLIDE_EVERY or "_seen" not in session or session.get("_ttl") != ttl:
        session["_seen"], session["_ttl"] = now, ttl
    if current_user.must_change_password and request.endpoint not in OPEN_WHILE_CHANGING:
        return redirect(url_for("auth.change_password"))
    return None


class RoleSessionInterface(SecureCookieSessionInterface):
    """Give the cookie the lifetime of its account's role (staff 12 h, candidates 7 days)."""

    def get_expiration_time(self, app: Flask, session: SessionMixin) -> datetime | None:
        """Expire the cookie when its account's idle lifetime runs out."""
        if not session.permanent:
            return None
        ttl = session.get("_ttl", app.permanent_session_lifetime.total_seconds())
        return datetime.now(UTC) + timedelta(seconds=ttl)

    def should_set_cookie(self, app: Flask, session: SessionMixin) -> bool:
        """Send the cookie again only when this request changed the session.

        A page's scripts, styles and icons load beside it with the cookie they started with;
        re-sending that cookie from each of them could undo a login or a language switch
        answered meanwhile. The idle clock is written once a minute (`keep_session`), and
        that write sends the cookie with the new expiry.
        """
        return session.modified


def init_app(app: Flask) -> None:
    """Install the session interface and the per-request check."""
    app.session_interface = RoleSessionInterface()
    app.before_request(keep_session)
