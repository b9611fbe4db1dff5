"""Phone numbers several candidates submitted: who keeps each, decided by staff, audited."""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from grader.campaign import Campaign
from grader.models import SharedPhoneDecision, SurveyForm, User
from grader.models.base import utcnow
from grader.services import audit
from grader.services.rounds import round_published
from grader.services.survey_forms import SurveyError, decisions_of, recheck
from surveys.checks import OTHER_CANDIDATE


@dataclass
class SharedNumber:
    """A number more than one candidate submitted, its forms, and whether staff decided."""

    phone_e164: str
    forms: list[SurveyForm]

    decisions: dict[int, str | None]

    @property
    def decided(self) -> bool:
        """Say whether a decision holds: only rows decided for another still carry the flag."""
        return all(self.decisions[f.id] and (OTHER_CANDIDATE not in (f.flags or ())
                                             or self.decisions[f.id] == "other")
                   for f in self.forms)


def shared_numbers(session: Session) -> list[SharedNumber]:
    """List the numbers several candidates submitted, undecided first."""
    numbers = session.scalars(select(SurveyForm.phone_e164).where(
        SurveyForm.phone_e164.is_not(None)).group_by(SurveyForm.phone_e164).having(
        func.count(func.distinct(SurveyForm.candidate_id)) > 1)).all()
    forms = defaultdict(list)
    for form in session.scalars(select(SurveyForm).where(SurveyForm.phone_e164.in_(numbers))
                                .options(selectinload(SurveyForm.candidate))
                                .order_by(SurveyForm.id)) if numbers else ():
        forms[form.phone_e164].append(form)
    decided = decisions_of(session, [f for group in forms.values() for f in group])
    found = [SharedNumber(n, forms[n], decided) for n in sorted(numbers)]
    return sorted(found, key=lambda s: s.decided)


def resolve_shared_number(session: Session, campaign: Campaign, actor: User, phone_e164: str,
                          keeper_id: int | None, reason: str) -> list[SurveyForm]:
    """Decide which candidate keeps a shared number (None: valid for all); audit each row."""
    if round_published(session, "1"):
        raise SurveyError("round_closed", "round 1 is published; its forms are final")
    if not (reason or "").strip():
        raise SurveyError("reason_required", "give a reason for the decision")
    forms = list(session.scalars(select(SurveyForm).where(SurveyForm.phone_e164 == phone_e164)
                                 .order_by(SurveyForm.id)))
    owners = {f.candidate_id for f in forms}
    if len(owners) < 2 or (keeper_id is not None and keeper_id not in owners):
        raise SurveyError("not_shared", f"{phone_e164} is not shared by that candidate")
    earlier = decisions_of(session, forms)
    before = {f.id: {"valid": f.valid, "decision": earlier[f.id]} for f in forms}
    _decide(session, actor, phone_e164, keeper_id, forms[-1].id, reason.strip())
    recheck(session, campaign, touching=forms)
    now = decisions_of(session, forms)
    for form in forms:
        audit.record(session, actor, "resolve_shared_phone", "candidate", form.candidate_id,
                     f"survey_form:{form.id}", before[form.id],
                     {"valid": form.valid, "decision": now[form.id]}, reason.strip())
    session.flush()
    return forms


def _decide(session: Session, actor: User, phone_e164: str, keeper_id: int | None,
            last_form_id: int, reason: str) -> SharedPhoneDecision:
    """Record (or replace) the decision on a number, covering its forms up to `last_form_id`."""
    row = session.scalar(select(SharedPhoneDecision).where(
        SharedPhoneDecision.phone_e164 == phone_e164))
    if row is None:
        row = SharedPhoneDecision(phone_e164=phone_e164)
        session.add(row)
    row.keeper_id, row.last_form_id, row.reason = keeper_id, last_form_id, reason
    row.decided_by_id, row.decided_at = actor.id, utcnow()
    session.flush()
    return row
