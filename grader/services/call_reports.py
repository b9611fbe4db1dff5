"""Spot-check reports of the surveys page: per candidate (a page at a time), question, caller.

Each is counted in the database, never by loading every call and decoding its JSON.
"""

from dataclasses import dataclass, field

from sqlalchemy import Select, String, case, cast, exists, func, or_, select
from sqlalchemy.orm import Session, load_only

from grader.campaign import Campaign
from grader.models import Candidate, SpotCheck, SurveyForm, User
from grader.models.states import CallOutcome
from grader.services import bulk
from surveys import CallTally, cohort_rate, survey_quality

ASKED = ("household_size", "shops_online", "village")
PAGE = 50  # candidates a page of the report


@dataclass(frozen=True)
class ReportFilter:
    """Which candidates the report lists: after an id (keyset), matching a name or number."""

    after: int | None = None
    text: str | None = None
    limit: int | None = None  # None: every candidate (the CLI and tests)


@dataclass
class Overview:
    """Everything the surveys page shows, and where its next page starts."""

    by_candidate: list[dict]
    by_question: list[dict]
    by_caller: list[dict]
    next_after: int | None = None
    filt: ReportFilter = field(default_factory=ReportFilter)


def _reported(filt: ReportFilter) -> Select:
    """Select the candidates with forms or calls that the filter admits, in id order."""
    query = select(Candidate).options(load_only(Candidate.id, Candidate.reg_no, Candidate.name)
                                      ).where(or_(
        exists().where(SurveyForm.candidate_id == Candidate.id),
        exists().where(SpotCheck.candidate_id == Candidate.id)))
    if filt.text:
        like = f"%{filt.text}%"
        query = query.where(or_(Candidate.name.like(like), Candidate.reg_no.like(like)))
    if filt.after is not None:
        query = query.where(Candidate.id > filt.after)
    return query.order_by(Candidate.id).limit(filt.limit)


@dataclass(frozen=True)
class CallTotals:
    """The campaign-wide figures of the calls, from one grouped pass over them."""

    p0: float  # the cohort's confirmation rate
    by_question: list[dict]
    by_caller: list[dict]


def call_totals(session: Session) -> CallTotals:
    """Count the calls once, per caller and outcome: p0, the question and the caller reports.

    The three were three scans of the calls on every view of the surveys page; a group's
    question sums count confirmed calls only (the answers a call records, `calls.record`).
    """
    confirmed, text = SpotCheck.outcome == CallOutcome.CONFIRMED, cast(SpotCheck.mismatches, String)
    sums = []
    for q in ASKED:  # a CASE within a CASE: only confirmed calls' JSON is read (AND may not)
        answered = func.coalesce(SpotCheck.answers[q].as_string(), "") != ""
        sums += [func.sum(case((confirmed, case((answered, 1), else_=0)), else_=0)),
                 func.sum(case((confirmed, case((text.like(f'%"{q}"%'), 1), else_=0)),
                               else_=0))]
    groups = session.execute(
        select(User.username, SpotCheck.outcome, func.count(), *sums)
        .outerjoin(User, User.id == SpotCheck.caller_id)
        .group_by(User.username, SpotCheck.outcome)).all()
    outcomes: dict[str, int] = {}
    asked = [0] * (2 * len(ASKED))
    callers: dict[str, dict] = {}
    for caller, outcome, n, *qs in groups:
        if outcome is not None:
            outcomes[outcome] = outcomes.get(outcome, 0) + n
        asked = [a + int(x or 0) for a, x in zip(asked, qs, strict=True)]
        if caller is not None:
            callers.setdefault(caller, {"open": 0, "done": 0})["open" if outcome is None
                                                              else "done"] += n
    by_question = [{"question": q, "asked": asked[2 * k], "differences": asked[2 * k + 1],
                    "error_rate": round(asked[2 * k + 1] / asked[2 * k], 3)}
                   for k, q in enumerate(ASKED) if asked[2 * k]]
    return CallTotals(cohort_rate([CallTally(**outcomes)]),
                      sorted(by_question, key=lambda r: r["question"]),
                      [{"caller": k, **v, "assigned": v["open"] + v["done"]}
                       for k, v in sorted(callers.items())])


def candidate_report(session: Session, campaign: Campaign,
                     filt: ReportFilter | None = None, p0: float | None = None) -> list[dict]:
    """Return per candidate: forms, valid, calls by outcome, mismatch rate and S.

    `p0`: the cohort's confirmation rate when the caller counted it already.
    """
    required = campaign.round1.tasks["survey"].required
    cands = list(session.scalars(_reported(filt or ReportFilter())))
    ids = [c.id for c in cands]
    forms = {cid: (n, int(v or 0)) for cid, n, v in session.execute(
        select(SurveyForm.candidate_id, func.count(),
               func.sum(case((SurveyForm.valid, 1), else_=0)))
        .where(bulk.among(session, SurveyForm.candidate_id, ids)).group_by(SurveyForm.candidate_id))}
    calls: dict[int, dict] = {i: {} for i in ids}  # per outcome: (calls, with a mismatch)
    for cid, outcome, n, wrong in session.execute(
            select(SpotCheck.candidate_id, SpotCheck.outcome, func.count(),
                   func.sum(case((func.json_array_length(SpotCheck.mismatches) > 0, 1),
                                 else_=0)))
            .where(bulk.among(session, SpotCheck.candidate_id, ids))
            .group_by(SpotCheck.candidate_id, SpotCheck.outcome)):
        calls[cid][outcome] = (n, int(wrong or 0))
    if p0 is None:
        p0 = call_totals(session).p0
    return [_report_row(c, *forms.get(c.id, (0, 0)), calls[c.id], required, p0) for c in cands]


def _report_row(cand: Candidate, forms: int, valid: int, calls: dict, required: int,
                p0: float) -> dict:
    """Build one candidate's report line from its calls counted per outcome (None: open)."""
    tally = CallTally(**{o: n for o, (n, _w) in calls.items() if o})
    asked, wrong = calls.get(CallOutcome.CONFIRMED, (0, 0))
    return {"candidate": cand, "forms": forms, "valid": valid, "tally": tally,
            "open": calls.get(None, (0, 0))[0],
            "mismatch_rate": round(wrong / asked, 3) if asked else None,
            "survey_quality": round(survey_quality(valid, required, tally, p0), 2)}


def question_report(session: Session) -> list[dict]:
    """Return per question how often the villager's answer differed from the survey's."""
    return call_totals(session).by_question


def overview(session: Session, campaign: Campaign, after: int | None, text: str | None
             ) -> Overview:
    """Return one page of the per-candidate report and the whole other reports."""
    filt = ReportFilter(after=after, text=text, limit=PAGE + 1)
    totals = call_totals(session)
    rows = candidate_report(session, campaign, filt, totals.p0)
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    return Overview(rows, totals.by_question, totals.by_caller,
                    rows[-1]["candidate"].id if more else None, filt)
