"""Phone numbers several candidates submitted: who keeps each, decided by staff, audited."""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from grader.campaign import Campaign
from grader.models import SurveyForm, User
from grader.services import audit
from grader.services.rounds import round_published
from grader.services.survey_forms import DECIDED, SurveyError, decision_of, recheck
from surveys.checks import OTHER_CANDIDATE


@dataclass
class SharedNumber:
    """A number more than one candidate submitted, its forms, and whether staff decided."""

    phone_e164: str
    forms: list[SurveyForm]

    @property
    def decided(self) -> bool:
        """Say whether a decision holds: only rows decided for another still carry the flag."""
        return all(decision_of(f) and (OTHER_CANDIDATE not in (f.flags or ())
                                       or decision_of(f) == "other") for f in self.forms)


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
    found = [SharedNumber(n, forms[n]) for n in sorted(numbers)]
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
    before = {f.id: {"valid": f.valid, "decision": decision_of(f)} for f in forms}
    for form in forms:
        mine = "shared" if keeper_id is None else (
            "keep" if form.candidate_id == keeper_id else "other")
        form.hints = [h for h in form.hints or () if not h.startswith(DECIDED)] + [DECIDED + mine]
    recheck(session, campaign, touching=forms)
    for form in forms:
        audit.record(session, actor, "resolve_shared_phone", "candidate", form.candidate_id,
                     f"survey_form:{form.id}", before[form.id],
                     {"valid": form.valid, "decision": decision_of(form)}, reason.strip())
    session.flush()
    return forms
