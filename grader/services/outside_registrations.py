"""Registrations from the platform operator's own recruitment site, read from its export.

The file's columns are mapped to our fields (guessed from common Chinese headers); each row
becomes a new registration (channel `operator`), is merged with the county's registration of
the same ID number (ours is kept: the operator's channel is recorded and our empty fields are
filled), or is refused with its reason.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from grader import eligibility
from grader.campaign import Campaign
from grader.models import Candidate, ChannelRecord, Township, User
from grader.models.states import Channel, Role
from grader.services import audit
from grader.services.registration import RegistrationError, _mobile, rules_of
from grader.services.tables import TableError, read_table

FIELDS = ("name", "id_number", "phone", "township", "education", "email")
REQUIRED = ("name", "id_number", "township")
HEADER_GUESSES = {
    "姓名": "name", "名字": "name", "真实姓名": "name", "name": "name",
    "身份证号": "id_number", "身份证号码": "id_number", "身份证": "id_number",
    "证件号码": "id_number", "id_number": "id_number",
    "手机号": "phone", "手机号码": "phone", "手机": "phone", "联系电话": "phone",
    "电话": "phone", "phone": "phone",
    "乡镇": "township", "乡镇/街道": "township", "所属乡镇": "township", "乡镇街道": "township",
    "镇": "township", "township": "township",
    "学历": "education", "文化程度": "education", "最高学历": "education",
    "education": "education",
    "邮箱": "email", "电子邮箱": "email", "email": "email",
}
EDUCATION_WORDS = {
    "小学": "primary", "初中": "junior", "高中": "high", "中专": "vocational", "职高": "vocational",
    "中专/职高": "vocational", "技校": "vocational", "大专": "college", "专科": "college",
    "本科": "bachelor", "大学本科": "bachelor", "研究生": "master", "硕士": "master",
    "博士": "master", "研究生及以上": "master", **{k: k for k in eligibility.EDUCATION_ORDER},
}
NEW, MERGED, REFUSED = "new", "merged", "refused"


@dataclass
class RowPlan:
    """What one row of the export would do: a new registration, a merge, or a refusal."""

    row: int
    outcome: str
    name: str
    id_number: str
    reasons: list[str] = field(default_factory=list)  # refusal, or new and ineligible
    fills: dict[str, str] = field(default_factory=dict)  # merged: our empty fields filled
    values: dict = field(default_factory=dict)  # new: the checked values to save
    candidate_id: int | None = None


@dataclass
class RegistrationPlan:
    """The preview of an import: every row's plan."""

    rows: list[RowPlan]

    def count(self, outcome: str) -> int:
        """Count the rows with this outcome."""
        return sum(r.outcome == outcome for r in self.rows)

    def fingerprint(self) -> str:
        """Return a sha256 of what confirming would do, row by row."""
        text = ";".join(f"{r.row},{r.outcome},{r.id_number},{sorted(r.fills.items())},"
                        f"{r.reasons}" for r in self.rows)
        return hashlib.sha256(text.encode()).hexdigest()


def file_headers(filename: str, data: bytes, max_bytes: int) -> list[str]:
    """Return the header cells of an export (refusing an unreadable file)."""
    return read_table(filename, data, {}, max_bytes).fields


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """Guess our field for each header of the file; one column per field, the first wins."""
    taken, out = set(), {}
    for header in headers:
        guess = HEADER_GUESSES.get(header.strip()) or HEADER_GUESSES.get(header.strip().lower())
        if guess and guess not in taken:
            out[header] = guess
            taken.add(guess)
    return out


def _read(filename: str, data: bytes, mapping: dict[str, str], max_bytes: int):
    """Read the export with the mapping; refuse one without a required field mapped."""
    unknown = sorted(set(mapping.values()) - set(FIELDS) - {""})
    if unknown:
        raise TableError("unknown_field", f"no such field: {', '.join(unknown)}")
    missing = [f for f in REQUIRED if f not in mapping.values()]
    if missing:
        raise TableError("missing_column", f"map a column to: {', '.join(missing)}")
    aliases = {h: f for h, f in mapping.items() if f}
    headers = file_headers(filename, data, max_bytes)
    aliases |= {h: "" for h in headers if h not in aliases}  # unmapped columns are not read
    return read_table(filename, data, aliases, max_bytes, unique=True)


def plan_registrations(session: Session, campaign: Campaign, filename: str, data: bytes,
                       mapping: dict[str, str], max_bytes: int,
                       declared: bool = False) -> RegistrationPlan:
    """Sort every row of the export into new, merged or refused (with the reason).

    `declared` says the operator's site asked for the campaign's declarations (承诺) on its
    own form; without it a new registration fails the declaration rules.
    """
    table = _read(filename, data, mapping, max_bytes)
    towns = _townships(session)
    ids = [eligibility.ID_SEPARATORS.sub("", r.get("id_number", "")).upper()
           for _, r in table.rows]
    ours = {c.id_number: c for c in session.scalars(
        select(Candidate).where(Candidate.id_number.in_([i for i in ids if i])))}
    seen: set[str] = set()
    plans = []
    for n, row in table.rows:
        plan = _plan_row(campaign, n, row, towns, ours, seen, declared)
        seen.add(plan.id_number)
        plans.append(plan)
    return RegistrationPlan(plans)


def _townships(session: Session) -> dict[str, int]:
    """Map every township name and code to its id."""
    out = {}
    for tid, name, code in session.execute(select(Township.id, Township.name, Township.code)):
        out[name], out[code] = tid, tid
    return out


def _plan_row(campaign: Campaign, n: int, row: dict, towns: dict, ours: dict, seen: set,
              declared: bool) -> RowPlan:
    """Plan one row."""
    name, raw_id = row.get("name", "").strip(), row.get("id_number", "")
    low, high = campaign.age_range
    check = eligibility.check_id(raw_id, campaign.registration_end, low, high)
    plan = RowPlan(n, REFUSED, name[:32], check.number[:18])
    if not check.valid:
        plan.reasons = [check.reason or "invalid"]
    elif check.number in seen:
        plan.reasons = ["duplicate_row"]
    elif check.number in ours:
        return _merge_row(plan, row, ours[check.number])
    else:
        _new_row(plan, campaign, row, check, towns, declared)
    return plan


def _merge_row(plan: RowPlan, row: dict, cand: Candidate) -> RowPlan:
    """Keep our registration; fill only the fields we lack with the operator's valid values."""
    plan.outcome, plan.candidate_id, plan.name = MERGED, cand.id, cand.name
    phone = _valid_phone(row.get("phone", ""))
    if not cand.phone and phone:
        plan.fills["phone"] = phone
    email = row.get("email", "").strip()
    if not cand.email and email and eligibility.valid_email(email):
        plan.fills["email"] = email
    return plan


def _valid_phone(raw: str) -> str | None:
    """Return a mobile number in E.164, or None when blank or no mobile number."""
    try:
        return _mobile(raw)
    except RegistrationError:
        return None


def _new_row(plan: RowPlan, campaign: Campaign, row: dict, check, towns: dict,
             declared: bool) -> None:
    """Check a row that would be a new registration; set its values or its refusal."""
    education = EDUCATION_WORDS.get(row.get("education", "").strip())
    town = towns.get(row.get("township", "").strip())
    email = row.get("email", "").strip()
    refusals = []
    if not plan.name:
        refusals.append("name_required")
    if town is None:
        refusals.append("unknown_township")
    if education is None:
        refusals.append("invalid_education")
    try:
        phone = _mobile(row.get("phone", ""))
    except RegistrationError as err:
        phone, refusals = None, refusals + [err.code]
    if email and not eligibility.valid_email(email):
        refusals.append("invalid_email")
    if not phone and not email and not refusals:
        refusals.append("phone_or_email_required")
    if refusals:
        plan.reasons = refusals
        return
    declarations = {d: True for d in campaign.declarations} if declared else {}
    plan.outcome = NEW
    plan.reasons = eligibility.failed_rules(rules_of(campaign), check, education, declarations)
    plan.values = {"township_id": town, "education": education, "phone": phone,
                   "email": email or None, "sex": check.sex, "declarations": declarations,
                   "birthdate": check.birthdate}


@dataclass
class RegistrationImport:
    """What an import did: counts per outcome."""

    new: int
    merged: int
    refused: int

    def to_dict(self) -> dict:
        """Return the JSON shape the CLI prints."""
        return {"new": self.new, "merged": self.merged, "refused": self.refused}


def apply_registrations(session: Session, campaign: Campaign, plan: RegistrationPlan,
                        actor: User | None, upload_id: int | None = None) -> RegistrationImport:
    """Save the new registrations and the merges of a plan, each audited; skip refused rows."""
    added = [(row, _new_candidate(session, row, actor))
             for row in plan.rows if row.outcome == NEW]
    session.flush()  # one flush for every new row: their ids give the registration numbers
    for row, cand in added:
        cand.reg_no = f"{campaign.registration_end.year}{cand.id:05d}"
        session.add(ChannelRecord(candidate_id=cand.id, channel=Channel.OPERATOR,
                                  upload_id=upload_id))
        audit.record(session, actor, "import_registration", "candidate", cand.id, "eligible",
                     None, cand.eligible, ",".join(row.reasons) or None)
    for row in plan.rows:
        if row.outcome == MERGED:
            _save_merge(session, row, actor, upload_id)
    session.flush()
    return RegistrationImport(plan.count(NEW), plan.count(MERGED), plan.count(REFUSED))


def _new_candidate(session: Session, row: RowPlan, actor: User | None) -> Candidate:
    """Add the candidate and an account that staff open with a one-time password."""
    v = row.values
    user = User(username=row.id_number, role=Role.CANDIDATE, display_name=row.name,
                password_hash="!", must_change_password=True)  # no password until staff set one
    cand = Candidate(
        reg_no=f"op{row.id_number}", user=user, township_id=v["township_id"], name=row.name,
        id_number=row.id_number, sex=v["sex"], birthdate=date.fromisoformat(v["birthdate"]),
        phone=v["phone"], email=v["email"], education=v["education"], channel=Channel.OPERATOR,
        declarations=v["declarations"], eligible=not row.reasons,
        eligibility_reasons=row.reasons, registered_by_id=actor.id if actor else None)
    session.add(cand)
    return cand


def _save_merge(session: Session, row: RowPlan, actor: User | None,
                upload_id: int | None) -> None:
    """Record the operator's channel for our registration and fill our empty fields."""
    cand = session.get(Candidate, row.candidate_id)
    known = session.scalar(select(ChannelRecord.id).where(
        ChannelRecord.candidate_id == cand.id, ChannelRecord.channel == Channel.OPERATOR))
    if known is None:
        session.add(ChannelRecord(candidate_id=cand.id, channel=Channel.OPERATOR,
                                  upload_id=upload_id))
        audit.record(session, actor, "merge_registration", "candidate", cand.id, "channel",
                     cand.channel, Channel.OPERATOR)
    for name, value in row.fills.items():
        audit.change(session, actor, cand, name, value, "merge_registration", "operator")


def stage_export(session: Session, storage, filename: str, data: bytes, actor: User | None,
                 max_bytes: int):
    """Keep an uploaded export for its mapping and preview; return it and its headers."""
    from grader.services import staged

    headers = file_headers(filename, data, max_bytes)
    upload = staged.stage(session, storage, "registrations", filename, data, actor)
    return upload, headers


def preview_staged(session: Session, storage, campaign: Campaign, upload_id: int | None,
                   mapping: dict[str, str], declared: bool, max_bytes: int):
    """Plan a staged export under a mapping, keeping the mapping for the confirmation."""
    from grader.services import staged

    upload, data = staged.waiting(session, storage, upload_id, "registrations")
    plan = plan_registrations(session, campaign, upload.filename, data, mapping, max_bytes,
                              declared)
    upload.mapping = {"columns": mapping, "declared": declared}
    return upload, plan


def confirm_staged(session: Session, storage, campaign: Campaign, upload_id: int | None,
                   actor: User | None, expected: str, max_bytes: int) -> RegistrationImport:
    """Apply a previewed export, if confirming now does what the preview showed."""
    from grader.services import staged
    from grader.services.staged import StagedError

    upload, data = staged.waiting(session, storage, upload_id, "registrations")
    if not upload.mapping:
        raise StagedError("upload_unknown", "the export was never previewed")
    plan = plan_registrations(session, campaign, upload.filename, data,
                              upload.mapping["columns"], max_bytes, upload.mapping["declared"])
    if plan.fingerprint() != expected:
        raise StagedError("import_changed", "the rows changed since the preview; review it again")
    done = apply_registrations(session, campaign, plan, actor, upload.id)
    staged.applied(upload, done.new + done.merged)
    return done


def other_channels(session: Session, cand: Candidate) -> list[str]:
    """Return the channels recorded for a candidate besides the one they first came through."""
    return [c for c in session.scalars(select(ChannelRecord.channel).where(
        ChannelRecord.candidate_id == cand.id).order_by(ChannelRecord.id)) if c != cand.channel]
