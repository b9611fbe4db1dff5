"""Withdrawals (退出) and replacements (递补): a place left short goes to the next ranked.

A candidate leaves the funnel at any stage, by their own wish or by staff with a named
reason (`withdraw`). A stage with a target (round 1 from the on-site test's best N, round 2,
the interview and the selected partners from the published rankings) that falls short is
offered, one place at a time, to the next candidate of the ranking that filled it
(`offer_next`), with a deadline to answer. Accepting moves the candidate into the stage;
declining, withdrawing or letting the deadline pass (`run_lapsed`) offers the next. Published
rankings keep their order: every offer and withdrawal is an audited amendment beside them.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from grader.errors import CodedError, Forbidden
from grader.models import AuditLog, Candidate, Ranking, RankingEntry, User
from grader.models.base import utcnow
from grader.models.candidate import STAGES
from grader.models.states import (OfferStatus, RankingRound, RankingStatus, Role, Stage,
                                  WithdrawReason)
from grader.models.withdrawal import ReplacementOffer, Withdrawal
from grader.services import audit, bulk
from grader.services.rounds import WITHOUT_BODIES

OFFER_DAYS = 2  # the default time a candidate has to answer an offer
EXAM = "onsite_test"  # round 1 is filled by the on-site test's best N, not by a ranking
# the stage offered: the source of its places, the stage its candidates wait at, and the
# ranking whose publication closes it (after that a newcomer could not be ranked)
PLACES = {
    Stage.ROUND1: (EXAM, Stage.ONSITE_TEST, RankingRound.ROUND1),
    Stage.ROUND2: (RankingRound.ROUND1, Stage.ROUND1, RankingRound.ROUND2),
    Stage.INTERVIEW: (RankingRound.ROUND2, Stage.ROUND2, RankingRound.INTERVIEW),
    Stage.SELECTED: (RankingRound.INTERVIEW, Stage.INTERVIEW, None),
}
STAFF_REASONS = tuple(r for r in WithdrawReason if r != WithdrawReason.OWN_REQUEST)


class WithdrawalError(CodedError):
    """A withdrawal or replacement refused; `code` is stable."""


def not_withdrawn():
    """Return the condition that keeps withdrawn candidates out of a query."""
    return Candidate.id.not_in(select(Withdrawal.candidate_id))


def place_of(stage: str) -> str:
    """Return the stage whose place a candidate at `stage` holds (a signed partner: selected)."""
    return Stage.SELECTED if stage == Stage.SIGNED else stage


def withdrawal_of(session: Session, cand: Candidate) -> Withdrawal | None:
    """Return the candidate's withdrawal, if they withdrew."""
    return session.scalar(select(Withdrawal).where(Withdrawal.candidate_id == cand.id))


def withdraw(session: Session, cand: Candidate, actor: User | None, reason: str,
             note: str = "", now: datetime | None = None) -> Withdrawal:
    """Take the candidate out of the funnel at their stage, audited; end any open offer.

    The place they held is left short; staff (or the caller, e.g. stations) offer it on with
    `offer_next`. An open offer of theirs counts as declined and moves on to the next.
    """
    if reason not in WithdrawReason.__members__.values():
        raise WithdrawalError("bad_withdraw_reason", f"unknown reason {reason}")
    if withdrawal_of(session, cand) is not None:
        raise WithdrawalError("already_withdrawn", "the candidate has already withdrawn")
    row = Withdrawal(candidate_id=cand.id, stage=cand.stage, reason=reason,
                     note=note.strip()[:500] or None, by_id=actor.id if actor else None,
                     at=now or utcnow())
    session.add(row)
    session.flush()
    audit.record(session, actor, "withdraw", "candidate", cand.id, "withdrawn", None,
                 reason, note.strip()[:500] or None)
    for offer in session.scalars(select(ReplacementOffer).where(
            ReplacementOffer.candidate_id == cand.id,
            ReplacementOffer.status == OfferStatus.OPEN)):
        _close(session, offer, actor, OfferStatus.DECLINED, now, "withdrawn")
    return row


@dataclass
class PlaceState:
    """One stage's places: target, holders, withdrawn, open offers and who is next."""

    stage: str
    target: int
    holders: int
    withdrawn: int
    offers: list[ReplacementOffer] = field(default_factory=list)
    next_rank: int | None = None
    next_candidate: Candidate | None = None
    closed: bool = False
    ranking_id: int | None = None

    @property
    def short(self) -> int:
        """Return how many places are neither held nor on offer."""
        return max(self.target - self.holders - len(self.offers), 0)


def _source(session: Session, stage: str) -> Ranking | None:
    """Return the published ranking whose best filled the stage (None for the exam)."""
    src = PLACES[stage][0]
    if src == EXAM:
        return None
    return session.scalar(select(Ranking).options(*WITHOUT_BODIES).where(
        Ranking.round == src, Ranking.status == RankingStatus.PUBLISHED))


def _pool(session: Session, stage: str, ranking: Ranking | None) -> list[tuple[int, int, bool]]:
    """Return the source list in its published order: (candidate id, rank, advanced)."""
    if ranking is not None:
        return list(session.execute(select(RankingEntry.candidate_id, RankingEntry.rank,
                                           RankingEntry.advance)
                                    .where(RankingEntry.ranking_id == ranking.id)
                                    .order_by(RankingEntry.rank, RankingEntry.id)).all())
    moved = set(session.scalars(select(AuditLog.entity_id).where(
        AuditLog.action == f"advance_{EXAM}", AuditLog.entity == "candidate")))
    if not moved:
        return []
    ids = session.scalars(select(Candidate.id).where(Candidate.onsite_test_score.is_not(None))
                          .order_by(Candidate.onsite_test_score.desc(), Candidate.registered_at,
                                    Candidate.id))
    return [(cid, n, cid in moved) for n, cid in enumerate(ids, 1)]


def _closed(session: Session, stage: str) -> bool:
    """Say whether the stage's next ranking is out (no newcomer could be ranked any more)."""
    closer = PLACES[stage][2]
    return closer is not None and session.scalar(select(Ranking.id).where(
        Ranking.round == closer, Ranking.status == RankingStatus.PUBLISHED).limit(1)) is not None


def place_state(session: Session, stage: str) -> PlaceState:
    """Count a stage's places and find the next candidate of its ranking."""
    if stage not in PLACES:
        raise WithdrawalError("no_places", f"stage {stage} has no ranked places")
    ranking = _source(session, stage)
    pool = _pool(session, stage, ranking)
    ids = [cid for cid, _rank, _adv in pool]
    where = {cid: (at, ok) for cid, at, ok in session.execute(select(  # not whole registrations
        Candidate.id, Candidate.stage, Candidate.eligible).where(
        bulk.among(session, Candidate.id, ids)))}
    out = set(session.scalars(select(Withdrawal.candidate_id).where(
        bulk.among(session, Withdrawal.candidate_id, ids))))
    offered = set(session.scalars(select(ReplacementOffer.candidate_id).where(
        ReplacementOffer.stage == stage)))
    holders = sum(1 for cid, (at, _ok) in where.items()
                  if STAGES.index(at) >= STAGES.index(stage) and cid not in out)
    state = PlaceState(stage, sum(adv for _c, _r, adv in pool), holders,
                       session.scalar(select(func.count()).select_from(Withdrawal).where(
                           Withdrawal.stage.in_(_holding(stage)))) or 0,
                       open_offers(session, stage), closed=_closed(session, stage),
                       ranking_id=ranking.id if ranking else None)
    waits = PLACES[stage][1]
    for cid, rank, _adv in pool:
        at, ok = where[cid]
        if at == waits and ok and cid not in out and cid not in offered:
            state.next_rank, state.next_candidate = rank, session.get(Candidate, cid)
            break
    return state


def _holding(stage: str) -> tuple[str, ...]:
    """Return the stages whose candidates hold a place at `stage`."""
    return (Stage.SELECTED, Stage.SIGNED) if stage == Stage.SELECTED else (stage,)


def open_offers(session: Session, stage: str | None = None) -> list[ReplacementOffer]:
    """Return the open offers (of one stage), oldest first."""
    query = select(ReplacementOffer).options(selectinload(ReplacementOffer.candidate)).where(
        ReplacementOffer.status == OfferStatus.OPEN)
    if stage is not None:
        query = query.where(ReplacementOffer.stage == stage)
    return list(session.scalars(query.order_by(ReplacementOffer.id)))


def _vacancy(session: Session, stage: str) -> Withdrawal | None:
    """Return the oldest withdrawal at the stage that no open or accepted offer fills yet."""
    filled = select(ReplacementOffer.withdrawal_id).where(
        ReplacementOffer.withdrawal_id.is_not(None),
        ReplacementOffer.status.in_([OfferStatus.OPEN, OfferStatus.ACCEPTED]))
    return session.scalar(select(Withdrawal).where(
        Withdrawal.stage.in_(_holding(stage)), Withdrawal.id.not_in(filled))
        .order_by(Withdrawal.at, Withdrawal.id).limit(1))


def offer_next(session: Session, stage: str, actor: User | None, days: float = OFFER_DAYS,
               now: datetime | None = None) -> ReplacementOffer:
    """Offer one place of a short stage to the next of its ranking, with a deadline; audited."""
    if stage in PLACES and (src := _source(session, stage)) is not None:
        session.execute(select(Ranking.id).where(Ranking.id == src.id).with_for_update())
    state = place_state(session, stage)  # two staff offering at once go one after the other
    if state.closed:
        raise WithdrawalError("places_closed", "the next ranking is out; no place is offered")
    if state.short <= 0:
        raise WithdrawalError("places_full", "the stage is at its target", target=state.target)
    if state.next_candidate is None:
        raise WithdrawalError("ranking_exhausted", "nobody is left in the ranking to offer")
    now = now or utcnow()
    vacancy = _vacancy(session, stage)
    offer = ReplacementOffer(stage=stage, candidate_id=state.next_candidate.id,
                             ranking_id=state.ranking_id, rank=state.next_rank,
                             withdrawal_id=vacancy.id if vacancy else None,
                             status=OfferStatus.OPEN, offered_by_id=actor.id if actor else None,
                             offered_at=now, deadline=now + timedelta(days=days))
    session.add(offer)
    session.flush()
    audit.record(session, actor, "offer_place", "candidate", offer.candidate_id, "offer",
                 None, stage, f"rank {offer.rank}, offer #{offer.id}")
    return offer


def answer_offer(session: Session, offer: ReplacementOffer, actor: User | None, accept: bool,
                 note: str = "", now: datetime | None = None) -> ReplacementOffer:
    """Accept (moving the candidate into the stage) or decline an open offer; audited.

    A candidate answers their own offers; staff record an answer given by phone. A decline
    offers the next place at once while the stage is still short.
    """
    if actor is not None and actor.role == Role.CANDIDATE and offer.candidate.user_id != actor.id:
        raise Forbidden("not_your_offer")
    session.refresh(offer, with_for_update=True)  # two answers at once: one after the other
    if offer.status != OfferStatus.OPEN:
        raise WithdrawalError("offer_closed", "the offer was already answered or has lapsed")
    now = now or utcnow()
    if now > offer.deadline:
        raise WithdrawalError("offer_lapsed", "the deadline to answer has passed")
    cand = offer.candidate
    if accept and (cand.stage != PLACES[offer.stage][1] or withdrawal_of(session, cand)):
        raise WithdrawalError("offer_void", "the candidate can no longer take the place")
    if accept and _closed(session, offer.stage):
        raise WithdrawalError("places_closed", "the next ranking is out; no place is offered")
    if accept:
        offer.status, offer.answered_at, offer.note = OfferStatus.ACCEPTED, now, note or None
        offer.answered_by_id = actor.id if actor else None
        session.flush()
        audit.record(session, actor, "accept_offer", "replacement_offer", offer.id, "status",
                     OfferStatus.OPEN, OfferStatus.ACCEPTED, note.strip() or None)
        audit.change(session, actor, cand, "stage", offer.stage, "accept_offer",
                     f"offer #{offer.id}, rank {offer.rank}")
        return offer
    _close(session, offer, actor, OfferStatus.DECLINED, now, note.strip() or None)
    return offer


def _close(session: Session, offer: ReplacementOffer, actor: User | None, status: str,
           now: datetime | None, note: str | None) -> ReplacementOffer | None:
    """End an offer without the place taken, audited, and offer the next while short."""
    offer.status, offer.answered_at = status, now or utcnow()
    offer.answered_by_id, offer.note = (actor.id if actor else None), note
    session.flush()
    audit.record(session, actor, f"{status}_offer", "replacement_offer", offer.id, "status",
                 OfferStatus.OPEN, status, note)
    try:
        return offer_next(session, offer.stage, None, now=now)
    except WithdrawalError:
        return None  # the stage is full, closed or its ranking exhausted: nothing to offer


def run_lapsed(session: Session, now: datetime | None = None) -> dict:
    """Lapse every open offer past its deadline and offer the next place for each."""
    now = now or utcnow()
    lapsed, offered = 0, 0
    # two sweeps at once (workers on two machines) each take the offers the other has not
    for offer in session.scalars(select(ReplacementOffer).where(
            ReplacementOffer.status == OfferStatus.OPEN, ReplacementOffer.deadline < now)
            .order_by(ReplacementOffer.id).with_for_update(skip_locked=True)).all():
        lapsed += 1
        offered += _close(session, offer, None, OfferStatus.LAPSED, now, None) is not None
    return {"lapsed": lapsed, "offered": offered}


def offers_of(session: Session, cand: Candidate) -> list[ReplacementOffer]:
    """Return the candidate's offers, newest first."""
    return list(session.scalars(select(ReplacementOffer).where(
        ReplacementOffer.candidate_id == cand.id).order_by(ReplacementOffer.id.desc())))


def amendments(session: Session, ranking: Ranking) -> dict[str, dict]:
    """Map each amended row of a published ranking (by reg_no): withdrawn, offered, replaced by."""
    regs = dict(session.execute(select(Candidate.id, Candidate.reg_no).join(
        RankingEntry, RankingEntry.candidate_id == Candidate.id).where(
        RankingEntry.ranking_id == ranking.id)).all())
    out: dict[str, dict] = {}
    for w in session.scalars(select(Withdrawal).where(Withdrawal.candidate_id.in_(list(regs)))):
        out.setdefault(regs[w.candidate_id], {})["withdrawal"] = w
    offers = session.scalars(select(ReplacementOffer).options(
        selectinload(ReplacementOffer.candidate), selectinload(ReplacementOffer.withdrawal))
        .where(ReplacementOffer.ranking_id == ranking.id).order_by(ReplacementOffer.id)).all()
    for o in offers:
        out.setdefault(o.candidate.reg_no, {})["offer"] = o
        gone = o.withdrawal.candidate_id if o.withdrawal is not None else None
        if gone in regs and o.status == OfferStatus.ACCEPTED:
            out.setdefault(regs[gone], {})["replaced_by"] = o.candidate
    return out
