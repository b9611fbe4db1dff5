"""Corrections of a registration: the candidate's own until registration closes, staff's after.

A candidate corrects their name, contact, education and declarations while registration is
open and they have not moved on; the ID number is their identity (their login too), so only
staff change it. Staff correct any field later with a reason: township staff their own
township's candidates, county staff everyone (and the township). Every changed field is
audited with its before and after; eligibility is judged again from the corrected record.
"""

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from grader import eligibility
from grader.auth.permissions import can_view_candidate
from grader.campaign import Campaign
from grader.errors import Forbidden
from grader.models import AuditLog, Candidate, Township, User
from grader.models.base import utcnow
from grader.models.states import Role, Stage
from grader.services import audit
from grader.services.registration import (RegistrationError, contact, flush_or_duplicate,
                                          id_check, rules_of)


@dataclass
class Correction:
    """The fields a correction form carries; None leaves a field as it is."""

    name: str
    phone: str
    email: str
    education: str
    declarations: dict | None = None
    id_number: str | None = None  # staff only
    township_id: int | None = None  # county staff only


def self_correction_refusal(campaign: Campaign, cand: Candidate, now: datetime) -> str | None:
    """Say why the candidate may not correct their registration now, or None when they may."""
    if campaign.window_refusal("registration", now) or cand.stage != Stage.REGISTERED:
        return "registration_correction_closed"
    return None


def correct_own(session: Session, campaign: Campaign, cand: Candidate, data: Correction,
                now: datetime | None = None) -> list[str]:
    """Apply the candidate's own correction; return the names of the fields that changed."""
    refused = self_correction_refusal(campaign, cand, now or utcnow())
    if refused:
        raise RegistrationError("form", refused)
    changed = _apply(session, cand.user, cand, _values(campaign, data), "correct_self", None)
    reassess(session, campaign, cand, cand.user, "correct_self", None)
    return changed


def correct_by_staff(session: Session, campaign: Campaign, cand: Candidate, actor: User,
                     data: Correction, reason: str) -> list[str]:
    """Apply a staff correction with its reason; return the names of the fields that changed."""
    if not can_view_candidate(actor, cand) or actor.role == Role.CANDIDATE:
        raise Forbidden("not_in_scope")
    if not reason.strip():
        raise RegistrationError("reason", "reason_required")
    values = _values(campaign, data)
    if data.township_id is not None and actor.has_role(Role.COUNTY_STAFF):
        if session.get(Township, data.township_id) is None:
            raise RegistrationError("township_id", "unknown_township")
        values["township_id"] = data.township_id
    changed = _apply(session, actor, cand, values, "correct_staff", reason.strip())
    if data.id_number and data.id_number.strip() != cand.id_number:
        changed += _new_identity(session, campaign, cand, actor, data.id_number, reason.strip())
    reassess(session, campaign, cand, actor, "correct_staff", reason.strip())
    return changed


def accept_id(session: Session, campaign: Campaign, cand: Candidate, actor: User,
              reason: str) -> None:
    """Accept an ID number held as 待核实 after staff saw the card, with a reason (audited)."""
    if not can_view_candidate(actor, cand) or actor.role == Role.CANDIDATE:
        raise Forbidden("not_in_scope")
    if not cand.id_pending:
        raise RegistrationError("form", "id_not_pending")
    if not reason.strip():
        raise RegistrationError("reason", "reason_required")
    audit.change(session, actor, cand, "id_pending", False, "accept_id", reason.strip())
    reassess(session, campaign, cand, actor, "accept_id", reason.strip())


def current_check(campaign: Campaign, cand: Candidate) -> eligibility.IdCheck:
    """Check the stored ID number; a held one counts as valid once staff accepted it."""
    low, high = campaign.age_range
    check = eligibility.check_id(cand.id_number, campaign.registration_end, low, high)
    held = None if check.valid else eligibility.held_id(cand.id_number, campaign.registration_end,
                                                         low, high)
    if held is None:
        return check
    return held if cand.id_pending else replace(held, reason=None)


def reassess(session: Session, campaign: Campaign, cand: Candidate, actor: User | None,
             action: str, reason: str | None) -> None:
    """Judge eligibility again from the record; a county override stands until changed."""
    reasons = eligibility.failed_rules(rules_of(campaign), current_check(campaign, cand),
                                       cand.education, cand.declarations or {})
    audit.change(session, actor, cand, "eligibility_reasons", reasons, action, reason)
    if cand.override_reason is None:
        audit.change(session, actor, cand, "eligible", not reasons, action, reason)


CORRECTIONS = ("correct_self", "correct_staff", "accept_id")


def history(session: Session, cand: Candidate) -> list[AuditLog]:
    """Return the corrections of a registration, oldest first, as the candidate sees them."""
    return list(session.scalars(select(AuditLog).where(
        AuditLog.entity == "candidate", AuditLog.entity_id == cand.id,
        AuditLog.action.in_(CORRECTIONS)).order_by(AuditLog.id)))


def _values(campaign: Campaign, data: Correction) -> dict:
    """Check the correctable fields; return them as they are stored."""
    name = data.name.strip()
    if not name or len(name) > 32:
        raise RegistrationError("name", "name_required")
    phone = contact(data.phone, data.email)
    if data.education not in eligibility.EDUCATION_ORDER:
        raise RegistrationError("education", "invalid_education")
    out = {"name": name, "phone": phone, "email": data.email.strip() or None,
           "education": data.education}
    if data.declarations is not None:
        out["declarations"] = {d: bool(data.declarations.get(d)) for d in campaign.declarations}
    return out


def _apply(session: Session, actor: User | None, cand: Candidate, values: dict, action: str,
           reason: str | None) -> list[str]:
    """Set each value, auditing the ones that change; keep the account's name in step."""
    changed = [f for f, v in values.items() if audit.change(session, actor, cand, f, v, action,
                                                            reason)]
    if "name" in changed and cand.user is not None:
        cand.user.display_name = cand.name
    return changed


def _new_identity(session: Session, campaign: Campaign, cand: Candidate, actor: User,
                  number: str, reason: str) -> list[str]:
    """Give the candidate another ID number: birth date, sex and login name follow it."""
    check = id_check(session, campaign, number, own_id=cand.id)
    if check.number == cand.id_number:
        return []
    audit.change(session, actor, cand, "id_number", check.number, "correct_staff", reason)
    cand.birthdate, cand.sex = date.fromisoformat(check.birthdate or ""), check.sex or cand.sex
    audit.change(session, actor, cand, "id_pending", check.reason == "region_unverified",
                 "correct_staff", reason)
    if cand.user is not None:
        audit.change(session, actor, cand.user, "username", check.number, "correct_staff", reason)
    flush_or_duplicate(session)
    return ["id_number"]
