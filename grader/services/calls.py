"""Phone spot-checks: call lists, outcomes, replacements, extra calls and the reports."""

from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from grader.campaign import Campaign
from grader.models import Candidate, SpotCheck, SurveyForm, User
from grader.models.base import utcnow
from grader.models.states import CallOutcome, Role
from grader.services import audit, bulk
from grader.services.call_reports import (  # noqa: F401  (the reports' old home)
    ASKED, candidate_report, question_report)
from grader.services.survey_forms import SurveyError, _values, candidates_by_reg, recheck
from surveys import (OUTCOMES, RowResult, Tolerance, compare_answers, extra_calls_needed,
                     next_replacement, sample_spot_checks)




def stored_results(session: Session, cand_ids: list[int] | None = None) -> list[RowResult]:
    """Return the stored verdicts of forms as the package's results (row = form id)."""
    query = select(SurveyForm.id, Candidate.reg_no, SurveyForm.phone_e164, SurveyForm.valid,
                   SurveyForm.flags).join(Candidate, Candidate.id == SurveyForm.candidate_id)
    if cand_ids is not None:
        query = query.where(SurveyForm.candidate_id.in_(cand_ids))
    return [RowResult(i, reg, phone, valid, tuple(flags or ()))
            for i, reg, phone, valid, flags in session.execute(query.order_by(SurveyForm.id))]


def draw_sample(session: Session, campaign: Campaign, seed: str, per_candidate: int) -> int:
    """Draw the spot-check sample for candidates without one yet; return calls added."""
    recheck(session, campaign)
    results = stored_results(session)
    have = set(session.scalars(select(Candidate.reg_no).join(
        SpotCheck, SpotCheck.candidate_id == Candidate.id)))
    by_reg = candidates_by_reg(session, {r.candidate for r in results})
    return bulk.insert_rows(session, SpotCheck, [
        {"candidate_id": by_reg[pick.candidate].id, "survey_form_id": pick.row,
         "draw_rank": pick.draw, "seed": str(seed), "reason": "sample"}
        for pick in sample_spot_checks(results, per_candidate, seed)
        if pick.candidate not in have])

def tolerances(campaign: Campaign) -> dict[str, Tolerance]:
    """Return per-question tolerances from the campaign (household size ±1 by default)."""
    spec = campaign.round1.spot_check.tolerances
    return {q: Tolerance(absolute=float(v)) for q, v in spec.items()}


def assign(session: Session, callers: list[User]) -> int:
    """Share unassigned calls among callers, fewest open calls first."""
    if not callers:
        raise SurveyError("no_callers", "choose at least one caller")
    load = Counter(dict(session.execute(select(SpotCheck.caller_id, func.count()).where(
        SpotCheck.outcome.is_(None), SpotCheck.caller_id.is_not(None))
        .group_by(SpotCheck.caller_id)).all()))
    todo = session.scalars(select(SpotCheck).where(SpotCheck.caller_id.is_(None))
                           .order_by(SpotCheck.candidate_id, SpotCheck.draw_rank)).all()
    for call in todo:
        caller = min(callers, key=lambda u: (load[u.id], u.id))
        call.caller_id = caller.id
        load[caller.id] += 1
    session.flush()
    return len(todo)


def open_calls(session: Session, caller_id: int | None) -> list[SpotCheck]:
    """Return the calls not yet made, of one caller or (None) of everyone, by caller."""
    query = select(SpotCheck).where(SpotCheck.outcome.is_(None)).options(
        selectinload(SpotCheck.candidate), selectinload(SpotCheck.form))  # the list shows both
    if caller_id is not None:
        query = query.where(SpotCheck.caller_id == caller_id)
    return list(session.scalars(query.order_by(SpotCheck.caller_id.is_(None),
                                               SpotCheck.caller_id, SpotCheck.id)))


def callers(session: Session) -> list[User]:
    """Return the users who have calls assigned, by name."""
    return list(session.scalars(select(User).where(User.id.in_(
        select(SpotCheck.caller_id).where(SpotCheck.caller_id.is_not(None))))
        .order_by(User.username)))


def comparison(call: SpotCheck) -> list[dict]:
    """Return per asked question the survey's answer, the villager's and whether they agree."""
    survey = _values(call.form, call.candidate.reg_no)
    rows = []
    for question in ASKED:
        heard = (call.answers or {}).get(question)
        state = ("not_asked" if heard in (None, "") else
                 "differs" if question in (call.mismatches or ()) else "agrees")
        rows.append({"question": question, "survey": survey.get(question), "heard": heard,
                     "state": state})
    return rows


def next_call(session: Session, caller: User) -> SpotCheck | None:
    """Return the caller's next call not yet made."""
    return session.scalar(select(SpotCheck).where(SpotCheck.caller_id == caller.id,
                                                  SpotCheck.outcome.is_(None))
                          .order_by(SpotCheck.id).limit(1))


def record(session: Session, campaign: Campaign, call: SpotCheck, caller: User, outcome: str,
           answers: dict[str, Any], note: str = "") -> SpotCheck:
    """Record a call's outcome and answers; replace unreachable villagers; add extra calls."""
    if outcome not in OUTCOMES:
        raise SurveyError("bad_outcome", f"outcome must be one of {', '.join(OUTCOMES)}")
    before = call.outcome
    _set_outcome(session, campaign, call, caller, outcome, answers, note)
    session.flush()
    if outcome in (CallOutcome.UNREACHABLE, CallOutcome.REFUSED) and before is None:
        _draw_more(session, campaign, call, 1, "replace")
    _maybe_extra(session, campaign, call)
    return call


@audit.in_bulk
def record_many(session: Session, campaign: Campaign, caller: User,
                made: list[tuple[SpotCheck, str, dict[str, Any]]]) -> int:
    """Record many calls at once (a rehearsal's caller), with record's rules, in a few queries.

    Each call is compared and audited as record does; then, per candidate, unreachable or
    refusing villagers are replaced and extra calls added once the denials pass the threshold
    (judged on the candidate's calls after the batch, as a re-imported sheet would be).
    """
    ids = [call.id for call, _o, _a in made]
    session.execute(select(SpotCheck).where(SpotCheck.id.in_(ids)).options(
        selectinload(SpotCheck.form), selectinload(SpotCheck.candidate))).all()
    replace: Counter = Counter()
    for call, outcome, answers in made:
        if outcome not in OUTCOMES:
            raise SurveyError("bad_outcome", f"outcome must be one of {', '.join(OUTCOMES)}")
        if call.outcome is None and outcome in (CallOutcome.UNREACHABLE, CallOutcome.REFUSED):
            replace[call.candidate_id] += 1
        _set_outcome(session, campaign, call, caller, outcome, answers)
    session.flush()
    firsts = {call.candidate_id: call for call, _o, _a in made}
    _more_for(session, campaign, firsts, replace)
    return len(made)


def _set_outcome(session: Session, campaign: Campaign, call: SpotCheck, caller: User,
                 outcome: str, answers: dict[str, Any], note: str = "") -> None:
    """Compare the villager's answers, set the call's outcome and add its audit row."""
    before = call.outcome
    survey = _values(call.form, call.candidate.reg_no)
    checks = compare_answers(survey, {k: v for k, v in answers.items() if v not in (None, "")},
                             tolerances(campaign)) if outcome == CallOutcome.CONFIRMED else []
    call.outcome, call.answers, call.called_at = outcome, answers, utcnow()
    call.mismatches = [c.question for c in checks if not c.match]
    call.note, call.caller_id = note.strip() or None, call.caller_id or caller.id
    audit.record(session, caller, "spot_check", "candidate", call.candidate_id,
                 f"call:{call.id}", before, outcome, note.strip() or None)


def _more_for(session: Session, campaign: Campaign, firsts: dict[int, SpotCheck],
              replace: Counter) -> None:
    """Add each candidate's replacements and, once, extra calls, from one load of their forms."""
    spec, cand_ids = campaign.round1.spot_check, list(firsts)
    results = defaultdict(list)
    for res in stored_results(session, cand_ids):
        results[res.candidate].append(res)
    taken, rows = defaultdict(list), defaultdict(list)
    for cand_id, phone in session.execute(select(SpotCheck.candidate_id, SurveyForm.phone_e164)
                                          .join(SurveyForm, SpotCheck.survey_form_id == SurveyForm.id)
                                          .where(SpotCheck.candidate_id.in_(cand_ids))):
        taken[cand_id].append(phone)
    for cand_id, outcome, reason in session.execute(select(
            SpotCheck.candidate_id, SpotCheck.outcome, SpotCheck.reason).where(
            SpotCheck.candidate_id.in_(cand_ids))):
        rows[cand_id].append((outcome, reason))
    for cand_id, call in firsts.items():
        reg = call.candidate.reg_no
        _add_calls(session, call, results[reg], taken[cand_id], replace[cand_id], "replace")
        if any(reason == "extra" for _o, reason in rows[cand_id]):
            continue
        needed = extra_calls_needed({reg: [o for o, _r in rows[cand_id] if o]},
                                    spec.extra_threshold, spec.extra_calls)
        _add_calls(session, call, results[reg], taken[cand_id], needed.get(reg, 0), "extra")
    session.flush()


def _add_calls(session: Session, call: SpotCheck, results: list[RowResult], taken: list[str],
               n: int, reason: str) -> None:
    """Add up to n calls for the call's candidate from the same seeded draw order."""
    for _ in range(n):
        pick = next_replacement(results, call.candidate.reg_no, call.seed, taken)
        if pick is None:
            return
        taken.append(pick.phone_e164)
        session.add(SpotCheck(candidate_id=call.candidate_id, survey_form_id=pick.row,
                              draw_rank=pick.draw, seed=call.seed, reason=reason,
                              caller_id=call.caller_id))


def _taken(session: Session, cand_id: int) -> list[str]:
    """Return the numbers already drawn for a candidate."""
    return list(session.scalars(select(SurveyForm.phone_e164).join(
        SpotCheck, SpotCheck.survey_form_id == SurveyForm.id).where(
        SpotCheck.candidate_id == cand_id)))


def _draw_more(session: Session, campaign: Campaign, call: SpotCheck, n: int,
               reason: str) -> int:
    """Add up to n more calls for the candidate from the same seeded draw order."""
    results = stored_results(session, [call.candidate_id])
    added = 0
    for _ in range(n):
        pick = next_replacement(results, call.candidate.reg_no, call.seed,
                                _taken(session, call.candidate_id))
        if pick is None:
            break
        session.add(SpotCheck(candidate_id=call.candidate_id, survey_form_id=pick.row,
                              draw_rank=pick.draw, seed=call.seed, reason=reason,
                              caller_id=call.caller_id))
        session.flush()
        added += 1
    return added


def _maybe_extra(session: Session, campaign: Campaign, call: SpotCheck) -> None:
    """Give a candidate extra calls once when the share of denials passes the threshold."""
    spec = campaign.round1.spot_check
    rows = session.execute(select(SpotCheck.outcome, SpotCheck.reason).where(
        SpotCheck.candidate_id == call.candidate_id)).all()
    if any(reason == "extra" for _o, reason in rows):
        return
    outcomes = {call.candidate.reg_no: [o for o, _r in rows if o]}
    needed = extra_calls_needed(outcomes, spec.extra_threshold, spec.extra_calls)
    if needed:
        _draw_more(session, campaign, call, needed[call.candidate.reg_no], "extra")


def active_callers(session: Session) -> list[User]:
    """Return the county staff who may be given calls."""
    return list(session.scalars(select(User).where(User.role == Role.COUNTY_STAFF, User.active)))


def assign_to(session: Session, caller_ids: list[int]) -> int:
    """Share the open calls among the callers of these ids; return the calls assigned."""
    users = session.scalars(select(User).where(User.id.in_(caller_ids))).all()
    return assign(session, list(users))
