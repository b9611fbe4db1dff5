"""Register candidates (online, on-site, WeChat link) and judge their eligibility."""

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from stdnum.cn import ric

from grader import eligibility
from grader.campaign import Campaign
from grader.errors import CodedError
from grader.models import Candidate, Township, User
from grader.models.base import utcnow
from grader.models.states import Role
from grader.services import audit, bulk
from surveys import phone_info


class RegistrationError(CodedError):
    """A registration refused before anything was saved; `field` names the form field."""

    def __init__(self, field_name: str, code: str, **params):
        super().__init__(code, f"{field_name}: {code}", **params)
        self.field = field_name


@dataclass
class RegistrationInput:
    """What a registration form carries."""

    name: str
    id_number: str
    education: str
    township_id: int
    phone: str = ""
    email: str = ""
    declarations: dict = field(default_factory=dict)
    password: str | None = None
    accepts_ineligible: bool = True  # the web form asks first and says what it means


@dataclass
class Registered:
    """A saved registration and, for on-site ones, the initial password to hand over."""

    candidate: Candidate
    initial_password: str | None


def rules_of(campaign: Campaign) -> eligibility.Rules:
    """Build the eligibility rules from the campaign file."""
    low, high = campaign.age_range
    return eligibility.Rules(campaign.registration_end, low, high, campaign.min_education,
                             tuple(campaign.declarations))


def _validated(session: Session, data: RegistrationInput, campaign: Campaign,
               known: set[str] | None = None):
    """Refuse malformed input with a specific code; return the ID check and E.164 phone.

    `known` holds the ID numbers already registered (a batch reads them once); without it
    the database is asked.
    """
    if not data.name.strip() or len(data.name.strip()) > 32:
        raise RegistrationError("name", "name_required")
    check = id_check(session, campaign, data.id_number, known=known)
    phone = contact(data.phone, data.email)
    if data.education not in eligibility.EDUCATION_ORDER:
        raise RegistrationError("education", "invalid_education")
    if session.get(Township, data.township_id) is None:
        raise RegistrationError("township_id", "unknown_township")
    return check, phone


def id_check(session: Session, campaign: Campaign, number: str,
             own_id: int | None = None, known: set[str] | None = None) -> eligibility.IdCheck:
    """Check an ID number: valid, or held for staff (待核实), and not someone else's.

    `known` holds the ID numbers already registered (a batch reads them once); without it
    the database is asked.
    """
    low, high = campaign.age_range
    check = eligibility.check_id(number, campaign.registration_end, low, high)
    if not check.valid:
        check = eligibility.held_id(number, campaign.registration_end, low, high) or check
    if not check.valid:
        raise RegistrationError("id_number", check.reason or "invalid")
    if known is not None:
        if check.number in known:
            raise RegistrationError("id_number", "duplicate_id")
        return check
    other = session.scalar(select(Candidate.id).where(Candidate.id_number == check.number))
    if other is not None and other != own_id:
        raise RegistrationError("id_number", "duplicate_id")
    return check


def contact(raw_phone: str, raw_email: str) -> str | None:
    """Check the phone and email typed; return the mobile in E.164 (None when blank)."""
    phone = _mobile(raw_phone)
    if raw_email.strip() and not eligibility.valid_email(raw_email):
        raise RegistrationError("email", "invalid_email")
    if not phone and not raw_email.strip():
        raise RegistrationError("phone", "phone_or_email_required")
    return phone


def _mobile(raw: str) -> str | None:
    """Return the typed mobile number in E.164 (None when blank); refuse letters and landlines."""
    if not raw.strip():
        return None
    if any(ch.isalpha() for ch in raw):
        raise RegistrationError("phone", "phone_has_letters")
    info = phone_info(raw.strip())
    if info is None:
        raise RegistrationError("phone", "invalid_phone")
    if info.kind != "mobile":
        raise RegistrationError("phone", "phone_not_mobile")
    return info.e164


def register(session: Session, campaign: Campaign, data: RegistrationInput, channel: str,
             actor: User | None = None, now: datetime | None = None) -> Registered:
    """Save a registration with its account and eligibility verdict, or refuse it whole."""
    closed = campaign.window_refusal("registration", now or utcnow())
    if closed:
        raise RegistrationError("form", closed)
    cand, password = _candidate(session, campaign, data, channel, actor)
    session.add(cand)
    flush_or_duplicate(session)
    _numbered(session, campaign, cand, actor)
    return Registered(cand, None if data.password else password)


@audit.in_bulk
def register_many(session: Session, campaign: Campaign,
                  entries: list[tuple[RegistrationInput, str]], now: datetime | None = None
                  ) -> list[Registered | RegistrationError]:
    """Save many registrations with register's rules in a few statements (a rehearsal's).

    The ID numbers already registered are read once; each entry gets its registration or
    the refusal it met (a refused one saves nothing), in order.
    """
    closed = campaign.window_refusal("registration", now or utcnow())
    if closed:
        raise RegistrationError("form", closed)
    known = set(session.scalars(select(Candidate.id_number).where(Candidate.id_number.in_(
        [ric.compact(e.id_number) for e, _c in entries]))))
    out: list[Registered | RegistrationError] = []
    for data, channel in entries:
        try:
            cand, password = _candidate(session, campaign, data, channel, None, known)
        except RegistrationError as err:
            out.append(err)
            continue
        known.add(cand.id_number)
        out.append(Registered(cand, None if data.password else password))
    made = [r for r in out if isinstance(r, Registered)]
    users = bulk.insert_loaded(session, User, [_row(r.candidate.user) for r in made],
                               ("username",))
    saved = bulk.insert_loaded(session, Candidate, [
        _row(r.candidate) | {"user_id": user.id} for r, user in zip(made, users, strict=True)],
        ("id_number",))
    for r, cand in zip(made, saved, strict=True):  # the stored rows stand for what was built
        r.candidate = cand
        _numbered(session, campaign, cand, None)
    session.flush()
    return out


def _row(obj) -> dict:
    """Return the columns set on a new object, as a row to insert (the rest: their defaults)."""
    return {c.name: getattr(obj, c.key) for c in obj.__table__.columns
            if c.name != "id" and getattr(obj, c.key) is not None}


def _numbered(session: Session, campaign: Campaign, cand: Candidate, actor: User | None) -> None:
    """Give a saved registration its number and audit its eligibility."""
    cand.reg_no = f"{campaign.registration_end.year}{cand.id:05d}"
    audit.record(session, actor, "register", "candidate", cand.id, "eligible", None,
                 cand.eligible, ",".join(cand.eligibility_reasons or []) or None)


def _candidate(session: Session, campaign: Campaign, data: RegistrationInput, channel: str,
               actor: User | None, known: set[str] | None = None) -> tuple[Candidate, str]:
    """Check a registration and build its candidate and account (not yet added)."""
    check, phone = _validated(session, data, campaign, known)
    reasons = eligibility.failed_rules(rules_of(campaign), check, data.education,
                                       data.declarations)
    if set(reasons) - {"id_unverified"} and not data.accepts_ineligible:  # 待核实 is not a verdict
        raise RegistrationError("accept_ineligible", "ineligible_unconfirmed", reasons=reasons)
    password = data.password or secrets.token_urlsafe(6)
    user = User(username=check.number, role=Role.CANDIDATE, display_name=data.name.strip())
    user.set_password(password)
    cand = Candidate(
        reg_no=secrets.token_hex(8), user=user, township_id=data.township_id,
        name=data.name.strip(), id_number=check.number, sex=check.sex,
        birthdate=date.fromisoformat(check.birthdate), phone=phone,
        email=data.email.strip() or None, education=data.education, channel=channel,
        declarations=dict(data.declarations), eligible=not reasons,
        id_pending=check.reason == "region_unverified",
        eligibility_reasons=reasons, registered_by_id=actor.id if actor else None)
    return cand, password


def flush_or_duplicate(session: Session) -> None:
    """Flush, turning a race on the unique ID number into the duplicate error."""
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise RegistrationError("id_number", "duplicate_id") from exc


def override_eligibility(session: Session, cand: Candidate, actor: User, eligible: bool,
                         reason: str) -> None:
    """Let county staff set eligibility against the rules, with a recorded reason."""
    if not reason.strip():
        raise RegistrationError("reason", "reason_required")
    before, cand.override_reason = cand.override_reason, reason.strip()
    if not audit.change(session, actor, cand, "eligible", eligible, "override_eligibility",
                        reason.strip()) and before != cand.override_reason:
        audit.record(session, actor, "override_reason", "candidate", cand.id,
                     "override_reason", before, cand.override_reason)
