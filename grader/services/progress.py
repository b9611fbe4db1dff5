"""Where a candidate stands at every step of the funnel, for their own page (/me).

Each step is reached, passed, or not passed with its reason: not eligible, no exam score,
below the cut-off (their rank against the cut-off rank), withdrawn; or still in progress,
with a replacement offer when one is open.
"""

from dataclasses import dataclass, field

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from grader.models import AuditLog, Candidate, Ranking, RankingEntry
from grader.models.states import OfferStatus, RankingRound, RankingStatus, Stage
from grader.models.withdrawal import ReplacementOffer, Withdrawal

# each step: its name, the stage that sits it, the stage reached by passing, how it is decided
STEPS = (
    ("online_exam", Stage.REGISTERED, Stage.ONSITE_TEST, "online_exam"),
    ("onsite_test", Stage.ONSITE_TEST, Stage.ROUND1, "onsite_test"),
    ("round1", Stage.ROUND1, Stage.ROUND2, RankingRound.ROUND1),
    ("round2", Stage.ROUND2, Stage.INTERVIEW, RankingRound.ROUND2),
    ("interview", Stage.INTERVIEW, Stage.SELECTED, RankingRound.INTERVIEW),
    ("signing", Stage.SELECTED, Stage.SIGNED, None),
)
EXAM_SCORES = {"online_exam": Candidate.online_exam_score,
               "onsite_test": Candidate.onsite_test_score}


@dataclass
class Step:
    """One step: `state` is passed, failed, current, offer or later; why it failed, in words."""

    name: str
    state: str
    reason: str | None = None
    params: dict = field(default_factory=dict)
    replacement: bool = False  # reached through an accepted replacement offer


def timeline(session: Session, cand: Candidate,
             known: tuple[Withdrawal | None, list[ReplacementOffer]] | None = None) -> list[Step]:
    """Return the candidate's steps in funnel order (eligibility first).

    `known`: the candidate's withdrawal and offers when the caller read them already.
    """
    gone, offered = known if known is not None else (
        session.scalar(select(Withdrawal).where(Withdrawal.candidate_id == cand.id)),
        list(session.scalars(select(ReplacementOffer).where(
            ReplacementOffer.candidate_id == cand.id))))
    offers = {o.stage: o for o in sorted(offered, key=lambda o: o.id)}
    steps = [Step("eligibility", "passed") if cand.eligible else
             Step("eligibility", "failed", "not_eligible")]
    if not cand.eligible:
        return steps + [Step(name, "later") for name, *_rest in STEPS]
    out = False
    for name, sits, reaches, decided_by in STEPS:
        offer = offers.get(reaches)
        if cand.reached(reaches):
            steps.append(Step(name, "passed", replacement=offer is not None
                              and offer.status == OfferStatus.ACCEPTED))
        elif out or cand.stage != sits:
            steps.append(Step(name, "later"))
        elif gone is not None:
            steps.append(Step(name, "failed", f"withdrawn_{gone.reason}", {"why": gone.reason}))
            out = True
        else:
            step = _decided(session, cand, name, decided_by)
            if offer is not None and offer.status == OfferStatus.OPEN:
                step.state, step.params["deadline"] = "offer", offer.deadline
            steps.append(step)
            out = step.state == "failed"
    return steps


def _decided(session: Session, cand: Candidate, name: str, decided_by: str | None) -> Step:
    """Say how a step the candidate sits now went: not yet decided, or not passed and why."""
    if decided_by in EXAM_SCORES:
        return _exam_step(session, cand, name, decided_by)
    if decided_by is None:
        return Step(name, "current")
    found = session.execute(  # the candidate's rank and how many advanced (not the 4 MB body)
        select(Ranking.size, func.max(case((RankingEntry.candidate_id == cand.id,
                                            RankingEntry.rank))),
               func.count(RankingEntry.id).filter(RankingEntry.advance))
        .outerjoin(RankingEntry, RankingEntry.ranking_id == Ranking.id)
        .where(Ranking.round == decided_by, Ranking.status == RankingStatus.PUBLISHED)
        .group_by(Ranking.id, Ranking.size).order_by(Ranking.id.desc()).limit(1)).first()
    if found is None:
        return Step(name, "current")
    size, rank, cut = found
    if rank is None:
        return Step(name, "failed", "not_ranked")
    return Step(name, "failed", "below_cut_off", {"rank": rank, "cut": cut, "of": size})


def _exam_step(session: Session, cand: Candidate, name: str, kind: str) -> Step:
    """Say how an exam went once its advancement was applied: no score, or rank below the cut."""
    moved = session.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.action == f"advance_{kind}", AuditLog.entity == "candidate"))
    if not moved:
        return Step(name, "current")
    score = getattr(cand, EXAM_SCORES[kind].key)
    if score is None:
        return Step(name, "failed", "no_exam_score")
    col = EXAM_SCORES[kind]
    ahead = session.scalar(select(func.count()).select_from(Candidate).where(
        col.is_not(None), or_(col > score, and_(col == score, or_(
            Candidate.registered_at < cand.registered_at,
            and_(Candidate.registered_at == cand.registered_at, Candidate.id < cand.id))))))
    of = session.scalar(select(func.count()).select_from(Candidate).where(col.is_not(None)))
    return Step(name, "failed", "below_cut_off", {"rank": ahead + 1, "cut": moved, "of": of})
