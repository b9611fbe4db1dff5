"""Survey forms in the app: entry, import, checks across everyone, and the call sample."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, object_session

from grader.campaign import Campaign
from grader.errors import CodedError
from grader.models import Candidate, SharedPhoneDecision, SurveyForm
from grader.models.base import utcnow
from grader.models.states import FormSource, Stage
from grader.services import bulk
from grader.services.rounds import round_published
from surveys import (CellError, CheckConfig, RowResult, SheetError, SurveyRow, all_questions,
                     check_rows, import_sheet, parse_record)
from surveys.checks import OTHER_CANDIDATE
from surveys.schema import Question

FIELDS = ("name", "phone", "village", "household_size", "shops_online", "surveyed_at")


class SurveyError(CodedError):
    """A survey action refused; `code` is stable."""


def extra_questions(campaign: Campaign) -> tuple[Question, ...]:
    """Return the campaign's extra survey questions."""
    return tuple(q.question() for q in campaign.round1.survey_questions)


def questions(campaign: Campaign):
    """Return every question of the form, base ones first."""
    return all_questions(extra_questions(campaign))


def check_config(campaign: Campaign) -> CheckConfig:
    """Return the checks' settings: extra questions, round 1's days, the per-day limit."""
    limit = campaign.round1.tasks["survey"].max_forms_per_day
    extra = {} if limit is None else {"max_forms_per_day": int(limit)}
    return CheckConfig(extra_questions=extra_questions(campaign),
                       period=round1_days(campaign), **extra)


def round1_days(campaign: Campaign) -> tuple[date, date]:
    """Return round 1's first and last calendar day (an end at 00:00 closes the day before)."""
    start, end = campaign.window("round1")
    return start.date(), (end - timedelta(microseconds=1)).date()


def _values(form: SurveyForm, reg_no: str) -> dict:
    """Return a stored form as the survey package's raw values."""
    values = {"candidate": reg_no, "name": form.name, "phone": form.phone_raw,
              "village": form.village, "household_size": form.household_size,
              "shops_online": form.shops_online, "surveyed_at": form.surveyed_at}
    values.update(form.answers or {})
    return values


def _apply(form: SurveyForm, values: dict) -> None:
    """Copy parsed values onto a form row."""
    form.name = str(values.get("name") or "")[:64]
    form.phone_raw = str(values.get("phone") or "")[:40]
    form.village = str(values.get("village") or "")[:64]
    form.household_size = values.get("household_size")
    form.shops_online = values.get("shops_online")
    when = values.get("surveyed_at")
    form.surveyed_at = when.date() if isinstance(when, datetime) else when
    form.answers = {k: _plain(v) for k, v in values.items()
                    if k not in FIELDS and k != "candidate"}


def _plain(value):
    """Make a parsed value JSON-friendly."""
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def save_form(session: Session, campaign: Campaign, cand: Candidate, raw: dict,
              client_key: str | None = None, now: datetime | None = None
              ) -> tuple[SurveyForm | None, list[CellError]]:
    """Save one household's form from the phone page; a retried post is saved once."""
    if cand.stage != Stage.ROUND1:
        raise SurveyError("not_in_round1", "only candidates in round 1 submit surveys")
    if round_published(session, "1"):
        raise SurveyError("round_closed", "round 1 is published; submissions are closed")
    if client_key:  # a retry of a form saved before the deadline is still that form
        known = _with_key(session, client_key)
        if known is not None and known.candidate_id == cand.id:
            return known, []
        if known is not None:
            client_key = None  # another candidate's key: never show them their form
    closed = campaign.window_refusal("round1", now or utcnow())
    if closed:
        raise SurveyError(closed, "round 1 takes submissions only inside its window")
    parsed = parse_record(2, {**raw, "candidate": cand.reg_no}, questions(campaign))
    if parsed.errors:
        return None, list(parsed.errors)
    form = SurveyForm(candidate_id=cand.id, client_key=client_key, source=FormSource.FORM)
    if now is not None:
        form.created_at = now
    _apply(form, parsed.values)
    session.add(form)
    session.flush()
    recheck(session, campaign, touching=[form])
    return form, []


@dataclass
class SheetImport:
    """How an import went: forms saved and every cell error."""

    saved: int
    errors: list[CellError] = field(default_factory=list)


def import_forms(session: Session, campaign: Campaign, data: bytes, keep_valid: bool,
                 only: Candidate | None = None, now: datetime | None = None,
                 max_bytes: int = 20 << 20, dated: dict[int, datetime] | None = None
                 ) -> SheetImport:
    """Import a sheet of forms; all or nothing unless keep_valid; a candidate imports own.

    The forms are checked before they are stored (with the stored forms they touch) and go
    in one bulk insert; `dated` gives a candidate's forms their sending time (a rehearsal).
    """
    if len(data) > max_bytes:
        raise SurveyError("file_too_large", f"the sheet is larger than {max_bytes >> 20} MB")
    if round_published(session, "1"):
        raise SurveyError("round_closed", "round 1 is published; submissions are closed")
    closed = campaign.window_refusal("round1", now or utcnow()) if only is not None else None
    if closed:  # a candidate's own sheet; staff may still key in paper forms afterwards
        raise SurveyError(closed, "round 1 takes submissions only inside its window")
    try:
        result = import_sheet(data, extra_questions(campaign), keep_valid=keep_valid)
    except SheetError as exc:  # the file itself cannot be read as a survey sheet
        raise SurveyError(exc.code, exc.en, **exc.params) from exc
    errors = list(result.errors)
    by_reg = candidates_by_reg(session, {r.candidate for r in result.rows if r.candidate})
    rows = []
    for row in result.rows:
        cand = by_reg.get(row.candidate)
        if cand is None or (only is not None and cand.id != only.id) or cand.stage != Stage.ROUND1:
            errors.append(_unknown(row))
        elif row.valid:
            rows.append((cand, row))
    if errors and not keep_valid:
        return SheetImport(0, sorted(errors, key=lambda e: e.row))
    saved = _insert_checked(session, campaign, [(cand, row.values) for cand, row in rows],
                            now, dated or {})
    return SheetImport(saved, sorted(errors, key=lambda e: e.row))


def _insert_checked(session: Session, campaign: Campaign, rows: list[tuple[Candidate, dict]],
                    now: datetime | None, dated: dict[int, datetime]) -> int:
    """Check new forms with the stored ones they touch, then insert them with their flags.

    The same verdicts as inserting first and then running recheck(touching=...): the new
    forms come after the stored ones (as their ids would) and no staff decision covers a
    new form by itself (it inherits the one on its candidate's earlier forms with the number).
    """
    if not rows:
        return 0
    new = []
    for cand, values in rows:
        form = SimpleNamespace(candidate_id=cand.id)
        _apply(form, values)
        new.append((form, cand.reg_no))
    cands = {f.candidate_id for f, _reg in new}
    phones = _phones_of([f for f, _reg in new]) | set(session.scalars(
        select(SurveyForm.phone_e164).where(SurveyForm.candidate_id.in_(cands),
                                            SurveyForm.phone_e164.is_not(None))))
    session.flush()
    stored = list(session.execute(select(SurveyForm, Candidate.reg_no).join(
        Candidate, Candidate.id == SurveyForm.candidate_id).where(or_(
            bulk.among(session, SurveyForm.candidate_id, cands),
            bulk.among(session, SurveyForm.phone_e164, phones))).order_by(SurveyForm.id)))
    after = (session.scalar(select(func.max(SurveyForm.id))) or 0) + 1
    checked = [SurveyRow(f.id, _values(f, reg)) for f, reg in stored] + [
        SurveyRow(after + i, _values(f, reg)) for i, (f, reg) in enumerate(new)]
    results = check_rows(checked, check_config(campaign))
    marked = decisions_of(session, [f for f, _reg in stored])
    decisions = _decisions(results, marked)
    lifted = [_lift(res) if decisions.get(res.row) in ("keep", "shared") else res
              for res in results]
    for (form, _reg), res in zip(stored, lifted[:len(stored)], strict=True):
        if (form.phone_e164, form.valid, form.flags, form.hints) != (
                res.phone_e164, res.valid, list(res.flags), list(res.hints)):
            form.phone_e164, form.valid = res.phone_e164, res.valid
            form.flags, form.hints = list(res.flags), list(res.hints)
    when = now or utcnow()
    out = [{"candidate_id": f.candidate_id, "client_key": None, "name": f.name,
            "phone_raw": f.phone_raw, "phone_e164": res.phone_e164, "village": f.village,
            "household_size": f.household_size, "shops_online": f.shops_online,
            "surveyed_at": f.surveyed_at, "answers": f.answers, "flags": list(res.flags),
            "hints": list(res.hints), "valid": res.valid, "source": FormSource.IMPORT.value,
            "created_at": dated.get(f.candidate_id, when)}
           for (f, _reg), res in zip(new, lifted[len(stored):], strict=True)]
    bulk.insert_rows(session, SurveyForm, out)
    session.flush()
    return len(out)


def _unknown(row: SurveyRow) -> CellError:
    """Return the error for a row whose candidate is unknown or not in round 1."""
    return CellError(row.row, "candidate", "unknown_candidate",
                     f"第{row.row}行「报名编号」：找不到该报名编号，或其不在第一轮",
                     f"row {row.row}, candidate: unknown or not in round 1")


def candidates_by_reg(session: Session, reg_nos: set) -> dict[str, Candidate]:
    """Load candidates by registration number."""
    return {c.reg_no: c for c in session.scalars(select(Candidate).where(
        Candidate.reg_no.in_(reg_nos)))}


def recheck(session: Session, campaign: Campaign, touching: list[SurveyForm] | None = None
            ) -> int:
    """Re-run the checks; with `touching`, only on forms sharing their candidates or numbers."""
    query = select(SurveyForm, Candidate.reg_no).join(
        Candidate, Candidate.id == SurveyForm.candidate_id)
    if touching is not None:
        cands = {f.candidate_id for f in touching}
        phones = _phones_of(touching) | set(session.scalars(select(SurveyForm.phone_e164).where(
            SurveyForm.candidate_id.in_(cands), SurveyForm.phone_e164.is_not(None))))
        query = query.where(or_(bulk.among(session, SurveyForm.candidate_id, cands),
                                bulk.among(session, SurveyForm.phone_e164, phones)))
    pairs = list(session.execute(query.order_by(SurveyForm.id)))
    rows = [SurveyRow(f.id, _values(f, reg)) for f, reg in pairs]
    results = check_rows(rows, check_config(campaign))
    marked = decisions_of(session, [f for f, _reg in pairs])
    decisions = _decisions(results, marked)
    for (form, _reg), res in zip(pairs, results, strict=True):
        res = _lift(res) if decisions.get(res.row) in ("keep", "shared") else res
        form.phone_e164, form.valid = res.phone_e164, res.valid
        form.flags, form.hints = list(res.flags), list(res.hints)
    session.flush()
    return len(rows)


def decisions_of(session: Session, forms: list[SurveyForm]) -> dict[int, str | None]:
    """Map each form to the staff decision on its shared number that covers its candidate.

    keep (this candidate keeps it), other (another candidate does), shared (a family phone);
    None when no decision covers the candidate (a decision made before they sent the number).
    """
    phones = {f.phone_e164 for f in forms if f.phone_e164}
    held = {d.phone_e164: d for d in session.scalars(select(SharedPhoneDecision).where(
        bulk.among(session, SharedPhoneDecision.phone_e164, phones)))} if phones else {}
    first = first_sent(session, held)
    out: dict[int, str | None] = {}
    for form in forms:
        dec = held.get(form.phone_e164 or "")
        out[form.id] = None if dec is None else decision_word(
            dec.keeper_id, dec.last_form_id, first.get((form.phone_e164, form.candidate_id)),
            form.candidate_id)
    return out


def first_sent(session: Session, phones: Iterable[str]) -> dict[tuple[str, int], int]:
    """Return the first form each candidate sent with each of these numbers."""
    return {(p, c): i for p, c, i in session.execute(
        select(SurveyForm.phone_e164, SurveyForm.candidate_id, func.min(SurveyForm.id))
        .where(bulk.among(session, SurveyForm.phone_e164, phones))
        .group_by(SurveyForm.phone_e164, SurveyForm.candidate_id))} if phones else {}


def decision_word(keeper_id: int | None, last_form_id: int, since: int | None,
                  candidate_id: int) -> str | None:
    """Say a decision on a shared number for a candidate who first sent it in form `since`.

    keep, other or shared; None when the decision was made before they sent the number.
    """
    if since is None or since > last_form_id:
        return None
    return "shared" if keeper_id is None else "keep" if keeper_id == candidate_id else "other"


def decision_of(form: SurveyForm) -> str | None:
    """Return the staff decision on a form's shared number covering its candidate, if any."""
    session = object_session(form)
    return decisions_of(session, [form])[form.id] if session is not None else None


def _decisions(results: list[RowResult], marked: dict[int, str | None]) -> dict[int, str]:
    """Return each shared-number row's decision; void for a number a new candidate sent."""
    by_owner: dict[tuple, str] = {}
    for res in results:
        if marked.get(res.row):
            by_owner.setdefault((res.phone_e164, res.candidate), marked[res.row])
    shared = defaultdict(list)
    for res in results:
        if OTHER_CANDIDATE in res.flags:
            shared[res.phone_e164].append(res)
    out = {}
    for rows in shared.values():
        # a candidate's later row with the number inherits the decision on its earlier ones
        found = [by_owner.get((r.phone_e164, r.candidate)) for r in rows]
        if None not in found:
            out.update((r.row, d) for r, d in zip(rows, found, strict=True))
    return out


def _lift(res: RowResult) -> RowResult:
    """Drop the other-candidate flag staff cleared; the row is valid when nothing is left."""
    flags = tuple(f for f in res.flags if f != OTHER_CANDIDATE)
    return res._replace(flags=flags, valid=not flags)


def _phones_of(forms: list[SurveyForm]) -> set[str]:
    """Return the E.164 numbers of freshly saved forms (normalised on the way)."""
    from surveys import normalise_phone

    return {p for p in (normalise_phone(f.phone_raw) for f in forms) if p}


def forms_of(session: Session, cand: Candidate) -> list[SurveyForm]:
    """Return a candidate's forms, newest first."""
    return list(session.scalars(select(SurveyForm).where(SurveyForm.candidate_id == cand.id)
                                .order_by(SurveyForm.id.desc())))


def save_household(session: Session, campaign: Campaign, cand: Candidate, raw: dict,
                   client_key: str | None) -> tuple[SurveyForm | None, list[CellError]]:
    """Save one household from the phone page; nothing is kept when an answer is wrong.

    The same form posted twice at once (a double tap) is saved by the first post; the
    second breaks the unique key and answers with the first one's form.
    """
    savepoint = session.begin_nested()
    try:
        saved, errors = save_form(session, campaign, cand, raw, client_key)
    except IntegrityError:
        savepoint.rollback()
        known = _with_key(session, client_key) if client_key else None
        if known is None or known.candidate_id != cand.id:
            raise
        return known, []
    savepoint.rollback() if errors else savepoint.commit()
    return saved, errors


def _with_key(session: Session, client_key: str) -> SurveyForm | None:
    """Return the form posted with a page's one-time key, if any."""
    return session.scalar(select(SurveyForm).where(SurveyForm.client_key == client_key))


def import_own_sheet(session: Session, campaign: Campaign, cand: Candidate, data: bytes,
                     keep_valid: bool, max_bytes: int) -> SheetImport:
    """Import a candidate's own sheet; nothing is kept when no row could be saved."""
    savepoint = session.begin_nested()
    result = import_forms(session, campaign, data, keep_valid, only=cand, max_bytes=max_bytes)
    savepoint.rollback() if result.errors and not result.saved else savepoint.commit()
    return result
