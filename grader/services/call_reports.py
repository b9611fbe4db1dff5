"""Spot-check reports of the surveys page: per candidate (a page at a time), question, caller.

Each is counted in the database, never by loading every call and decoding its JSON.
"""

from dataclasses import dataclass, field

from sqlalchemy import Select, String, case, cast, exists, func, or_, select
from sqlalchemy.orm import Session

from grader.campaign import Campaign
from grader.models import Candidate, SpotCheck, SurveyForm, User
from grader.models.states import CallOutcome
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
    query = select(Candidate).where(or_(
        exists().where(SurveyForm.candidate_id == Candidate.id),
        exists().where(SpotCheck.candidate_id == Candidate.id)))
    if filt.text:
        like = f"%{filt.text}%"
        query = query.where(or_(Candidate.name.like(like), Candidate.reg_no.like(like)))
    if filt.after is not None:
        query = query.where(Candidate.id > filt.after)
    return query.order_by(Candidate.id).limit(filt.limit)


def _cohort_p0(session: Session) -> float:
    """Return p0, the cohort's confirmation rate, from one count per outcome."""
    counts = dict(session.execute(select(SpotCheck.outcome, func.count()).where(
        SpotCheck.outcome.is_not(None)).group_by(SpotCheck.outcome)).all())
    return cohort_rate([CallTally(**counts)])


def candidate_report(session: Session, campaign: Campaign,
                     filt: ReportFilter | None = None) -> list[dict]:
    """Return per candidate: forms, valid, calls by outcome, mismatch rate and S."""
    required = campaign.round1.tasks["survey"].required
    cands = list(session.scalars(_reported(filt or ReportFilter())))
    ids = [c.id for c in cands]
    forms = {cid: (n, int(v or 0)) for cid, n, v in session.execute(
        select(SurveyForm.candidate_id, func.count(),
               func.sum(case((SurveyForm.valid, 1), else_=0)))
        .where(SurveyForm.candidate_id.in_(ids)).group_by(SurveyForm.candidate_id))}
    calls: dict[int, list] = {i: [] for i in ids}
    for cid, outcome, mismatches in session.execute(select(
            SpotCheck.candidate_id, SpotCheck.outcome, SpotCheck.mismatches).where(
            SpotCheck.candidate_id.in_(ids))):
        calls[cid].append((outcome, mismatches))
    p0 = _cohort_p0(session)
    return [_report_row(c, *forms.get(c.id, (0, 0)), calls[c.id], required, p0) for c in cands]


def _report_row(cand: Candidate, forms: int, valid: int, calls: list, required: int,
                p0: float) -> dict:
    """Build one candidate's report line from its (outcome, mismatches) calls."""
    tally = CallTally.of(o for o, _m in calls if o)
    asked = [m for o, m in calls if o == CallOutcome.CONFIRMED]
    wrong = sum(1 for m in asked if m)
    return {"candidate": cand, "forms": forms, "valid": valid, "tally": tally,
            "open": sum(1 for o, _m in calls if o is None),
            "mismatch_rate": round(wrong / len(asked), 3) if asked else None,
            "survey_quality": round(survey_quality(valid, required, tally, p0), 2)}


def question_report(session: Session) -> list[dict]:
    """Return per question how often the villager's answer differed from the survey's."""
    text = cast(SpotCheck.mismatches, String)
    columns = []
    for q in ASKED:  # the answers a call records are these questions' (calls.record, sheets)
        answered = func.coalesce(SpotCheck.answers[q].as_string(), "") != ""
        columns += [func.sum(case((answered, 1), else_=0)),
                    func.sum(case((text.like(f'%"{q}"%'), 1), else_=0))]
    sums = session.execute(select(*columns).where(
        SpotCheck.outcome == CallOutcome.CONFIRMED)).one()
    out = []
    for k, q in enumerate(ASKED):
        n, wrong = int(sums[2 * k] or 0), int(sums[2 * k + 1] or 0)
        if n:
            out.append({"question": q, "asked": n, "differences": wrong,
                        "error_rate": round(wrong / n, 3)})
    return sorted(out, key=lambda r: r["question"])


def caller_report(session: Session) -> list[dict]:
    """Return per caller the calls assigned, made and still open."""
    rows = session.execute(select(User.username, SpotCheck.outcome.is_(None), func.count())
                           .join(User, User.id == SpotCheck.caller_id)
                           .group_by(User.username, SpotCheck.outcome.is_(None))).all()
    out: dict[str, dict] = {}
    for name, is_open, n in rows:
        out.setdefault(name, {"open": 0, "done": 0})["open" if is_open else "done"] += n
    return [{"caller": k, **v, "assigned": v["open"] + v["done"]} for k, v in sorted(out.items())]


def overview(session: Session, campaign: Campaign, after: int | None, text: str | None
             ) -> Overview:
    """Return one page of the per-candidate report and the whole other reports."""
    filt = ReportFilter(after=after, text=text, limit=PAGE + 1)
    rows = candidate_report(session, campaign, filt)
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    return Overview(rows, question_report(session), caller_report(session),
                    rows[-1]["candidate"].id if more else None, filt)
