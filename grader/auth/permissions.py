"""Permissions in two layers: a route decorator and object-level checks."""

from collections.abc import Callable
from functools import lru_cache, wraps

import re

import phonenumbers
from flask import abort, redirect, request, url_for
from flask_login import current_user

from grader.models import Candidate, EvidenceItem, User
from grader.models.states import Role, Task

PII_ROLES = ("county_staff", "admin")
# An 18-character ID number and a mainland mobile (spaces, dashes or +86 allowed) in free text
ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
MOBILE_IN_TEXT = re.compile(r"(?<!\d)(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d){8}(?!\d)")


def roles_required(*roles: str) -> Callable:
    """Let only users holding one of the roles through (admin passes staff checks).

    The route table (`grader.auth.routes`) enforces the same roles for every endpoint before
    any view runs; this decorator stays as the view's documentation and a second check.
    """
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                if request.accept_mimetypes.best == "application/json":
                    abort(401)
                return redirect(url_for("auth.login", next=request.full_path))
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)
        wrapped.roles = roles  # the route matrix test holds these equal to grader.auth.routes
        return wrapped
    return decorator


def can_view_candidate(user: User, cand: Candidate) -> bool:
    """Say whether the user may see the candidate's record at all."""
    if user.role in (Role.COUNTY_STAFF, Role.ADMIN):
        return True
    if user.role == Role.TOWNSHIP_STAFF:
        return user.township_id is not None and user.township_id == cand.township_id
    return user.role == Role.CANDIDATE and cand.user_id == user.id


def judged_elsewhere(user: User) -> int | None:
    """Return the township whose items the user must not judge (a reviewer's own), if any."""
    return user.township_id if user.role == Role.REVIEWER else None


def may_judge_item(user: User, item: EvidenceItem) -> bool:
    """Say whether the user may decide an item: reviewers never plans, nor their own township's."""
    if user.role == Role.REVIEWER and item.task == Task.PLAN:
        return False  # plans are scored blind in the reviewer's own queue, never decided here
    own = judged_elsewhere(user)
    return own is None or item.candidate.township_id != own


def may_see_item(user: User, item: EvidenceItem) -> bool:
    """Say whether the user may open an item's file: plans are judged blind from their text."""
    if user.role == Role.REVIEWER:
        return may_judge_item(user, item)
    return can_view_candidate(user, item.candidate)


def can_see_pii(user: User, cand: Candidate) -> bool:
    """Say whether the user may see the full ID and phone number of the candidate."""
    if user.role in PII_ROLES:
        return True
    return user.role == Role.TOWNSHIP_STAFF and user.township_id == cand.township_id


def can_override_eligibility(user: User) -> bool:
    """Only county staff and admins may override an eligibility rule."""
    return user.role in (Role.COUNTY_STAFF, Role.ADMIN)


def mask_id(number: str | None) -> str:
    """Show the first 3 and last 4 characters of an ID number."""
    if not number:
        return ""
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_phone(e164: str | None) -> str:
    """Show a mainland mobile as 138****8000."""
    if not e164:
        return ""
    national = e164[3:] if e164.startswith("+86") else e164
    return national[:3] + "****" + national[-4:] if len(national) >= 8 else "****"


@lru_cache(maxsize=8192)  # a list page formats 50 at a time; the numbers recur
def display_phone(e164: str | None) -> str:
    """Show a stored E.164 number the way people in China write it."""
    if not e164:
        return ""
    try:
        parsed = phonenumbers.parse(e164, "CN")
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)


def mask_email(email: str | None) -> str:
    """Show the first character and the domain of an email."""
    if not email or "@" not in email:
        return ""
    local, domain = email.split("@", 1)
    return local[:1] + "***@" + domain


def _star_digits(match: re.Match) -> str:
    """Hide a phone number found in text, keeping its first 3 and last 4 digits."""
    digits = [i for i, ch in enumerate(match.group()) if ch.isdigit()]
    hidden = set(digits[3:-4]) if len(digits) > 7 else set(digits)
    return "".join("*" if i in hidden else ch for i, ch in enumerate(match.group()))


def blind_text(text: str | None, name: str = "") -> str:
    """Hide the author's name and every ID or mobile number in a text a blind reviewer reads.

    Masks keep the text's length, so marked passages (offsets) still fall in place.
    """
    out = ID_IN_TEXT.sub(lambda m: mask_id(m.group()), text or "")
    out = MOBILE_IN_TEXT.sub(_star_digits, out)
    return out.replace(name, "*" * len(name)) if len(name) >= 2 else out
