"""Rankings in the app: build facts from the database, preview, publish, explain."""

from collections import Counter, defaultdict
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from grader.campaign import Campaign
from grader.errors import CodedError
from grader.models import (Appeal, Candidate, EvidenceItem, InterviewScore, Ranking, Review,
                           Signing, SpotCheck, SurveyForm, User)
from grader.models.base import SHANGHAI, utcnow
from grader.models.candidate import STAGES
from grader.models.states import (AppealStatus, RankingRound, RankingStatus, ReviewKind, Stage,
                                  Verdict)
from grader.services import audit, operator_figures
from grader.services.activity import messages_of
from grader.services.rounds import WITHOUT_BODIES, write_entries
from grader.services.trial import FIGURES, reports_of
from grader.services.withdrawals import not_withdrawn
from scoring import needs_third_review, rank_facts
from scoring.errors import FactsError


class RankingError(CodedError):
    """A ranking action refused; `code` is stable."""

NEXT_STAGE = {RankingRound.ROUND1: (Stage.ROUND1, Stage.ROUND2),
              RankingRound.ROUND2: (Stage.ROUND2, Stage.INTERVIEW),
              RankingRound.INTERVIEW: (Stage.INTERVIEW, Stage.SELECTED)}
NEXT_ROUND = {RankingRound.ROUND1: RankingRound.ROUND2, RankingRound.ROUND2: RankingRound.INTERVIEW,
              RankingRound.INTERVIEW: None}


def iso(value: datetime | None) -> str | None:
    """Write a time as ISO 8601 in Asia/Shanghai."""
    return value.astimezone(SHANGHAI).isoformat() if value else None


def completion(times: list[datetime], required: int) -> dict:
    """Return accepted (capped) and the time the required-th one came in."""
    ordered = sorted(times)
    done = ordered[required - 1] if len(ordered) >= required else None
    return {"accepted": min(len(ordered), required), "required": required,
            "completed_at": iso(done)}


def _accepted_times(session: Session, ids: list[int]) -> dict:
    """Map (candidate, task) to the submission times of accepted items."""
    out = defaultdict(list)
    rows = session.execute(select(EvidenceItem.candidate_id, EvidenceItem.task,
                                  EvidenceItem.submitted_at)
                           .where(EvidenceItem.candidate_id.in_(ids),
                                  EvidenceItem.status == Verdict.ACCEPT))
    for cid, task, at in rows:
        out[(cid, task)].append(at)
    for cid, at in session.execute(select(SurveyForm.candidate_id, SurveyForm.created_at).where(
            SurveyForm.candidate_id.in_(ids), SurveyForm.valid)):
        out[(cid, "survey")].append(at)
    return out


def _scored_reviews(session: Session, kind: str, ids: list[int]) -> dict[int, list]:
    """Map candidate to the scored reviews of their plan or daily reports."""
    out = defaultdict(list)
    query = select(Review.candidate_id, Review.reviewer_id, Review.score).where(
        Review.kind == kind, Review.candidate_id.in_(ids), Review.score.is_not(None))
    if kind == ReviewKind.PLAN:  # only the reviews of the plan in force count
        query = query.join(EvidenceItem, EvidenceItem.id == Review.item_id).where(
            EvidenceItem.status != RankingStatus.SUPERSEDED)
    for cid, rid, score in session.execute(query):
        out[cid].append({"reviewer": f"R{rid}", "score": score})
    return out


def _calls(session: Session, ids: list[int]) -> dict[int, Counter]:
    """Map candidate to counts of call outcomes (None for calls not yet made)."""
    out = defaultdict(Counter)
    for cid, outcome in session.execute(select(SpotCheck.candidate_id, SpotCheck.outcome).where(
            SpotCheck.candidate_id.in_(ids))):
        out[cid][outcome] += 1
    return out


def _cohort(session: Session, round_name: str, stage: str) -> list[Candidate]:
    """Return who a round ranks: everyone at its stage, or, once published, the same people."""
    current = published(session, round_name)
    query = select(Candidate).where(Candidate.stage == stage, not_withdrawn()) if current is None else \
        select(Candidate).where(Candidate.reg_no.in_([r["id"] for r in current.result["ranking"]]))
    return list(session.scalars(query.order_by(Candidate.id)))


def round1_facts(session: Session, campaign: Campaign) -> tuple[dict, list[dict]]:
    """Build the round-1 facts of everyone in round 1, and warnings on missing inputs."""
    sec = campaign.round1
    cands = _cohort(session, RankingRound.ROUND1, Stage.ROUND1)
    ids = [c.id for c in cands]
    times, plans, calls = _accepted_times(session, ids), _scored_reviews(session, "plan", ids), \
        _calls(session, ids)
    gap = sec.reviews.third_review_gap
    rows, warnings = [], []
    for c in cands:
        tasks = {t: completion(times[(c.id, t)], spec.required)
                 for t, spec in sec.tasks.items()}
        spot = {k: calls[c.id][k] for k in ("confirmed", "denied", "wrong_number",
                                            "unreachable", "refused")}
        rows.append({"id": c.reg_no, "registered_at": iso(c.registered_at), "tasks": tasks,
                     "plan_reviews": plans[c.id], "survey_valid": len(times[(c.id, "survey")]),
                     "spot_checks": spot})
        warnings += _warn(c, plans[c.id], calls[c.id], tasks, gap)
    start, end = campaign.window("round1")  # a bare date in the file is read as Shanghai
    facts = {"round": 1, "window": {"start": iso(start), "end": iso(end)},
             "advance": sec.advance, "policy": campaign.scoring_policy(),
             "candidates": rows}
    return facts, warnings


def _warn(c: Candidate, reviews: list, calls: Counter, tasks: dict, gap: float) -> list[dict]:
    """List what is missing for one candidate before a fair ranking."""
    out = []
    if tasks.get("plan", {}).get("accepted") and len(reviews) < 2:
        out.append({"candidate": c.reg_no, "code": "plan_reviews_missing", "n": len(reviews)})
    elif len(reviews) == 2 and needs_third_review([r["score"] for r in reviews], gap):
        out.append({"candidate": c.reg_no, "code": "third_review_missing", "n": 2})
    if calls[None]:
        out.append({"candidate": c.reg_no, "code": "calls_not_made", "n": calls[None]})
    return out


def round2_facts(session: Session, campaign: Campaign) -> tuple[dict, list[dict]]:
    """Build the round-2 facts: reports, operations figures, group messages, report reviews."""
    sec = campaign.round2
    cands = _cohort(session, RankingRound.ROUND2, Stage.ROUND2)
    ids = [c.id for c in cands]
    reports, msgs = reports_of(session, ids), messages_of(session, ids)
    record = operator_figures.of_record(session, ids)  # the operator's export, where it came
    reviews_by = _scored_reviews(session, "report", ids)
    rows, warnings = [], []
    for c in cands:
        reps = reports[c.id].values()
        rows.append({"id": c.reg_no, "registered_at": iso(c.registered_at),
                     "reports": [{"day": r.day, "submitted_at": iso(r.submitted_at)} for r in reps],
                     "metrics": operator_figures.totals(reports[c.id], record[c.id]),
                     "self_reported": {f: sum(getattr(r, f) for r in reps) for f in FIGURES},
                     "days_of_record": sorted(record[c.id]),
                     "messages": [{"day": d, "count": n} for d, n in sorted(msgs[c.id].items())],
                     "report_reviews": reviews_by[c.id]})
        if len(reviews_by[c.id]) < len(reps):
            warnings.append({"candidate": c.reg_no, "code": "report_reviews_missing",
                             "n": len(reviews_by[c.id])})
    facts = {"round": 2, "window": {"start": iso(campaign.window("round2")[0])},
             "advance": sec.advance, "policy": campaign.scoring_policy(),
             "candidates": rows}
    return facts, warnings


def interview_facts(session: Session, campaign: Campaign) -> tuple[dict, list[dict]]:
    """Build the interview facts: each interviewer's score and the reassignment answer."""
    cands = _cohort(session, "interview", "interview")
    ids = [c.id for c in cands]
    scores = defaultdict(list)
    for cid, uid, score in session.execute(select(InterviewScore.candidate_id,
                                                  InterviewScore.interviewer_id,
                                                  InterviewScore.score).where(
            InterviewScore.candidate_id.in_(ids))):
        scores[cid].append({"interviewer": f"I{uid}", "score": score})
    accepts = dict(session.execute(select(Signing.candidate_id, Signing.accepts_reassignment)
                                   .where(Signing.candidate_id.in_(ids))).all())
    rows = [{"id": c.reg_no, "registered_at": iso(c.registered_at),
             "interview_scores": scores[c.id], "accepts_reassignment": accepts.get(c.id)}
            for c in cands]
    warnings = [{"candidate": c.reg_no, "code": "interview_scores_missing", "n": 0}
                for c in cands if not scores[c.id]]
    facts = {"round": "interview", "advance": campaign.advance("interview"),
             "policy": campaign.scoring_policy(), "candidates": rows}
    return facts, warnings


FACTS = {RankingRound.ROUND1: round1_facts, RankingRound.ROUND2: round2_facts,
         RankingRound.INTERVIEW: interview_facts}


def preview(session: Session, campaign: Campaign, round_name: str, actor: User | None,
            facts: dict | None = None, warnings: list | None = None) -> Ranking:
    """Compute a draft ranking and keep it with its facts and policy."""
    if facts is None:
        facts, warnings = FACTS[round_name](session, campaign)
    try:
        result = rank_facts(facts)
    except FactsError as exc:
        raise RankingError("facts_unusable", str(exc)) from exc
    ranking = Ranking(round=round_name, status=RankingStatus.DRAFT, policy=result["policy"], facts=facts,
                      result=result, size=len(result["ranking"]), warnings=warnings or [],
                      created_by_id=actor.id if actor else None)
    session.add(ranking)
    session.flush()
    return ranking


@audit.in_bulk
def publish(session: Session, ranking: Ranking, actor: User | None) -> int:
    """Freeze a draft, advance its best N, audit every score and stage; return advanced.

    A round is published once. The one exception is an amendment (更正): after an appeal
    of that round was upheld, a new draft built from the corrected facts replaces the
    published ranking; whoever it moves across the cut-off moves stage, audited.
    """
    if ranking.status != RankingStatus.DRAFT:
        raise RankingError("not_a_draft", "only a draft ranking can be published")
    session.execute(select(Ranking.id).where(Ranking.round == ranking.round)
                    .with_for_update())  # two publishers of one round go one after the other
    session.refresh(ranking)
    if ranking.status != RankingStatus.DRAFT:
        raise RankingError("not_a_draft", "only a draft ranking can be published")
    current = published(session, ranking.round)
    if current is not None and not amendable(session, current, ranking):
        raise RankingError("round_published", f"round {ranking.round} is already published")
    for other in session.scalars(select(Ranking).options(*WITHOUT_BODIES).where(
            Ranking.round == ranking.round, Ranking.status == RankingStatus.DRAFT,
            Ranking.id != ranking.id)):
        other.status = RankingStatus.SUPERSEDED
    if current is not None:
        current.status = RankingStatus.AMENDED
        audit.record(session, actor, "amend_ranking", "ranking", current.id, "status",
                     "published", "amended", f"replaced by ranking #{ranking.id}")
    ranking.status, ranking.published_at = RankingStatus.PUBLISHED, utcnow()
    ranking.published_by_id = actor.id if actor else None
    audit.record(session, actor, "publish_ranking", "ranking", ranking.id, "status", "draft",
                 "published", f"round {ranking.round}"
                 + (f", amends ranking #{current.id}" if current is not None else ""))
    return _move_stages(session, ranking, actor, current)


def _move_stages(session: Session, ranking: Ranking, actor: User | None,
                 amended: Ranking | None) -> int:
    """Record every score; move the advancing up and, on an amendment, the dropped back."""
    from_stage, to_stage = NEXT_STAGE[ranking.round]
    by_reg = {c.reg_no: c for c in session.scalars(select(Candidate).where(
        Candidate.reg_no.in_([r["id"] for r in ranking.result["ranking"]])))}
    write_entries(session, ranking, {reg: c.id for reg, c in by_reg.items()})
    before = {r["id"]: r for r in amended.result["ranking"]} if amended is not None else {}
    moved = 0
    for row in ranking.result["ranking"]:
        cand, old = by_reg[row["id"]], before.get(row["id"])
        if old is None or (old["score"], old["rank"]) != (row["score"], row["rank"]):
            audit.record(session, actor, "publish_ranking", "candidate", cand.id,
                         f"round{ranking.round}_score", old["score"] if old else None,
                         row["score"], f"rank {row['rank']}")
        if row["advance"] and cand.stage == from_stage:
            audit.change(session, actor, cand, "stage", to_stage, "advance_ranking",
                         f"ranking #{ranking.id}")
            moved += 1
        elif not row["advance"] and old and old["advance"] and cand.stage == to_stage:
            audit.change(session, actor, cand, "stage", from_stage, "amend_ranking",
                         f"ranking #{ranking.id} amends #{amended.id}")
    return moved


def published(session: Session, round_name: str, bodies: bool = True) -> Ranking | None:
    """Return the round's published ranking, if any (without `bodies`: its JSON left unread)."""
    return session.scalar(select(Ranking).options(*(() if bodies else WITHOUT_BODIES)).where(
        Ranking.round == round_name, Ranking.status == RankingStatus.PUBLISHED).limit(1))


def amendable(session: Session, current: Ranking, draft: Ranking | None = None) -> bool:
    """Say whether a draft may replace the published ranking of its round.

    Only after an appeal was upheld since publication, only with a draft built after the
    last such appeal, and only while nobody of the cohort has gone past the next stage and
    the next round has no ranking (else exactly N could no longer advance).
    """
    if current.round != RankingRound.ROUND1:
        return False
    upheld = session.scalar(select(func.max(Appeal.answered_at)).where(
        Appeal.status == AppealStatus.UPHELD, Appeal.answered_at >= current.published_at))
    if upheld is None or (draft is not None and draft.created_at < upheld):
        return False
    _from, to_stage = NEXT_STAGE[current.round]
    later = STAGES[STAGES.index(to_stage) + 1:]
    ids = [r["id"] for r in current.result["ranking"]]
    moved_on = session.scalar(select(Candidate.id).where(
        Candidate.reg_no.in_(ids), Candidate.stage.in_(later)).limit(1))
    next_round = session.scalar(select(Ranking.id).where(
        Ranking.round == NEXT_ROUND[current.round], Ranking.status.in_([RankingStatus.DRAFT, RankingStatus.PUBLISHED]))
        .limit(1))
    return moved_on is None and next_round is None


def all_rankings(session: Session) -> list[Ranking]:
    """Return every ranking, newest first, without reading its JSON (the list shows sizes)."""
    return list(session.scalars(select(Ranking).options(*WITHOUT_BODIES)
                                .order_by(Ranking.id.desc())))


def names_of(session: Session, reg_nos: list[str]) -> dict[str, str]:
    """Map registration numbers to candidates' names."""
    return dict(session.execute(select(Candidate.reg_no, Candidate.name).where(
        Candidate.reg_no.in_(reg_nos))).all())
