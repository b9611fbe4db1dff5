"""Interview panels, slots and scores; signing and each partner's support schedule."""

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from grader.campaign import Campaign
from grader.errors import CodedError
from grader.models import (Candidate, InterviewPanel, InterviewPanelMember, InterviewScore,
                           InterviewSlot, Signing, Township, User)
from grader.models.base import SHANGHAI, utcnow
from grader.models.states import RankingRound, Role, SigningStatus, Stage
from grader.services import audit
from grader.services.rounds import round_published
from grader.services.withdrawals import not_withdrawn, withdrawal_of


class InterviewError(CodedError):
    """An interview action refused; `code` is stable."""


def schedule(session: Session, campaign: Campaign, panels: list[InterviewPanel],
             minutes: int = 20) -> int:
    """Give every interview-stage candidate without a slot one, panels taking turns."""
    if not panels:
        raise InterviewError("no_panels", "create at least one interview panel first")
    first_day = interview_days(campaign)[0]
    taken = set(session.scalars(select(InterviewSlot.candidate_id)))
    todo = [c for c in session.scalars(select(Candidate).where(
        Candidate.stage == Stage.INTERVIEW, not_withdrawn()).order_by(Candidate.id))
        if c.id not in taken]
    counts = defaultdict(int, {p.id: 0 for p in panels})
    for slot in session.scalars(select(InterviewSlot)):
        counts[slot.panel_id] += 1
    towns = _panel_townships(session, [p.id for p in panels])
    for cand in todo:
        fits = [p for p in panels if cand.township_id not in towns[p.id]]
        panel = min(fits or panels, key=lambda p: (counts[p.id], p.id))  # no local panel
        at = slot_time(first_day, counts[panel.id], minutes)
        session.add(InterviewSlot(panel_id=panel.id, candidate_id=cand.id, starts_at=at))
        counts[panel.id] += 1
    session.flush()
    return len(todo)


def _panel_townships(session: Session, panel_ids: list[int]) -> dict[int, set[int | None]]:
    """Map each panel to the townships its interviewers come from."""
    out: dict[int, set[int | None]] = defaultdict(set)
    for panel_id, town in session.execute(select(InterviewPanelMember.panel_id, User.township_id)
                                          .join(User, User.id == InterviewPanelMember.user_id)
                                          .where(InterviewPanelMember.panel_id.in_(panel_ids))):
        out[panel_id].add(town)
    return out


def create_panel(session: Session, name: str, member_ids: list[int],
                 actor: User | None = None) -> InterviewPanel:
    """Create a panel of the given interviewers (other accounts are left out), audited."""
    members = session.scalars(select(User).where(User.id.in_(member_ids),
                                                 User.role == Role.INTERVIEWER)).all()
    panel = InterviewPanel(name=name.strip()[:64], members=list(members))
    session.add(panel)
    session.flush()
    audit.record(session, actor, "create_panel", "interview_panel", panel.id, "members", None,
                 sorted(m.id for m in members), panel.name)
    return panel


SESSIONS = ((time(8, 30), time(12, 0)), (time(14, 0), time(17, 30)))  # office hours


def slots_per_day(minutes: int = 20) -> int:
    """Return how many interviews one panel holds in a day of office hours."""
    return sum((end.hour * 60 + end.minute - begin.hour * 60 - begin.minute) // minutes
               for begin, end in SESSIONS)


def interview_days(campaign: Campaign) -> tuple[date, date]:
    """Return the first and last interview day of the campaign."""
    return campaign.interview.start, campaign.interview.end


def overrun(session: Session, campaign: Campaign) -> datetime | None:
    """Return the last interview's time when it falls after the interview days, else None."""
    last = session.scalar(select(func.max(InterviewSlot.starts_at)))
    if last is None or last.astimezone(SHANGHAI).date() <= interview_days(campaign)[1]:
        return None
    return last


def slot_time(first_day: date, index: int, minutes: int = 20) -> datetime:
    """Return when a panel's index-th interview starts: office hours, day after day."""
    per = [(end.hour * 60 + end.minute - begin.hour * 60 - begin.minute) // minutes
           for begin, end in SESSIONS]
    day, left = divmod(index, sum(per))
    for (begin, _end), n in zip(SESSIONS, per, strict=True):
        if left < n:
            return datetime.combine(first_day + timedelta(days=day), begin, SHANGHAI) + \
                timedelta(minutes=minutes * left)
        left -= n
    raise AssertionError("unreachable: left is below the day's slots")


def can_score(session: Session, interviewer: User, cand: Candidate) -> bool:
    """Say whether the interviewer may score the candidate.

    They must sit on the candidate's panel (any panel while unscheduled) and not come from
    the candidate's township.
    """
    if interviewer.township_id is not None and interviewer.township_id == cand.township_id:
        return False
    slot = session.scalar(select(InterviewSlot).where(InterviewSlot.candidate_id == cand.id))
    return slot is None or session.get(InterviewPanelMember, (slot.panel_id, interviewer.id)) \
        is not None


def score(session: Session, interviewer: User, cand: Candidate, value: float,
          note: str = "") -> InterviewScore:
    """Enter or correct one interviewer's score, audited."""
    if cand.stage != Stage.INTERVIEW:
        raise InterviewError("not_in_interview", "the candidate is not at the interview stage")
    if round_published(session, RankingRound.INTERVIEW):  # no appeal reopens an interview
        raise InterviewError("scores_closed", "the interview ranking is published")
    if not 0 <= value <= 100:
        raise InterviewError("bad_score", "an interview score is 0..100")
    if interviewer.township_id is not None and interviewer.township_id == cand.township_id:
        raise InterviewError("own_township", "interviewers never score their own township")
    if not can_score(session, interviewer, cand):
        raise InterviewError("not_on_panel", "the interviewer is not on this candidate's panel")
    row = session.scalar(select(InterviewScore).where(
        InterviewScore.candidate_id == cand.id, InterviewScore.interviewer_id == interviewer.id))
    before = row.score if row else None
    if row is None:
        row = InterviewScore(candidate_id=cand.id, interviewer_id=interviewer.id, score=value)
        session.add(row)
    row.score, row.note, row.scored_at = value, note.strip() or None, utcnow()
    session.flush()
    audit.record(session, interviewer, "interview_score", "candidate", cand.id,
                 "interview_score", before, value)
    return row


@audit.in_bulk
def score_many(session: Session, entries: list[tuple[User, Candidate, float]]) -> int:
    """Enter many interviewers' scores at once (a rehearsal's panels), with score's rules.

    One query each for the slots, the panels' members and the scores already there, instead
    of four round trips a score.
    """
    if round_published(session, RankingRound.INTERVIEW):
        raise InterviewError("scores_closed", "the interview ranking is published")
    ids = list({cand.id for _u, cand, _v in entries})
    panel_of = dict(session.execute(select(InterviewSlot.candidate_id, InterviewSlot.panel_id)
                                    .where(InterviewSlot.candidate_id.in_(ids))).all())
    seats = set(session.execute(select(InterviewPanelMember.panel_id,
                                       InterviewPanelMember.user_id)).all())
    rows = {(s.candidate_id, s.interviewer_id): s for s in session.scalars(
        select(InterviewScore).where(InterviewScore.candidate_id.in_(ids)))}
    for user, cand, value in entries:
        if cand.stage != Stage.INTERVIEW:
            raise InterviewError("not_in_interview", "the candidate is not at the interview stage")
        if not 0 <= value <= 100:
            raise InterviewError("bad_score", "an interview score is 0..100")
        if user.township_id is not None and user.township_id == cand.township_id:
            raise InterviewError("own_township", "interviewers never score their own township")
        panel = panel_of.get(cand.id)
        if panel is not None and (panel, user.id) not in seats:
            raise InterviewError("not_on_panel", "the interviewer is not on this candidate's panel")
        row = rows.get((cand.id, user.id))
        before = row.score if row else None
        if row is None:
            row = rows[(cand.id, user.id)] = InterviewScore(candidate_id=cand.id,
                                                            interviewer_id=user.id, score=value)
            session.add(row)
        row.score, row.note, row.scored_at = value, None, utcnow()
        audit.record(session, user, "interview_score", "candidate", cand.id, "interview_score",
                     before, value)
    session.flush()
    return len(entries)


def _signing_row(session: Session, cand: Candidate) -> Signing:
    """Return the candidate's signing row, created on first use."""
    row = session.scalar(select(Signing).where(Signing.candidate_id == cand.id))
    if row is None:
        row = Signing(candidate_id=cand.id)
        session.add(row)
    return row


def record_reassignment(session: Session, actor: User, cand: Candidate,
                        accepts: bool | None) -> Signing:
    """Record whether the candidate accepts reassignment (服从调剂), asked at interview."""
    if cand.stage not in (Stage.INTERVIEW, Stage.SELECTED, Stage.SIGNED):
        raise InterviewError("not_interviewed", "only candidates at interview are asked")
    row = _signing_row(session, cand)
    if row.accepts_reassignment != accepts:
        audit.record(session, actor, "reassignment", "candidate", cand.id,
                     "accepts_reassignment", row.accepts_reassignment, accepts)
        row.accepts_reassignment = accepts
    session.flush()
    return row


def signing_days(campaign: Campaign) -> tuple[date, date]:
    """Return the first and last day a partner may sign: interview start to the deadline."""
    return (interview_days(campaign)[0],
            campaign.signing.deadline)


def record_signing(session: Session, actor: User, cand: Candidate, accepts: bool | None,
                   signed_on: date | None, site: str = "",
                   campaign: Campaign | None = None) -> Signing:
    """Record reassignment and signing; a signing moves a selected candidate to signed.

    With the campaign given, the signing date must lie between the interview and the deadline.
    """
    if signed_on is not None and campaign is not None:
        first, last = signing_days(campaign)
        if not first <= signed_on <= last:
            raise InterviewError("signing_date", f"a signing date lies in {first}..{last}")
    row = record_reassignment(session, actor, cand, accepts) if accepts is not None else \
        _signing_row(session, cand)
    row.site = site.strip()[:64]
    if signed_on is not None:
        if cand.stage != Stage.SELECTED or withdrawal_of(session, cand) is not None:
            raise InterviewError("not_selected", "only candidates selected at interview sign")
        row.status, row.signed_on = SigningStatus.SIGNED, signed_on
        session.flush()
        audit.change(session, actor, cand, "stage", Stage.SIGNED, "sign", signed_on.isoformat())
    session.flush()
    return row


def support_schedule(campaign: Campaign) -> list[dict]:
    """Return the county's support for one partner, year by year (PROCESS.md)."""
    sup = campaign.support
    training = sup.training_cost_per_year
    years = []
    for i, monthly in enumerate(sup.living_subsidy_by_year):
        first = i == 0
        row = {"year": i + 1, "fitout": sup.fitout_subsidy if first else 0,
               "living": monthly * 12,
               "goods": sup.opening_goods if first else 0, "training": training}
        row["total"] = row["fitout"] + row["living"] + row["goods"] + row["training"]
        years.append(row)
    return years


def support_parts(campaign: Campaign) -> list[tuple[str, int]]:
    """Return one partner's support as (part, yuan): fit-out, living per year, goods, training."""
    years = support_schedule(campaign)
    return [("fitout", sum(y["fitout"] for y in years)),
            *[(f"living_{y['year']}", y["living"]) for y in years],
            ("goods", sum(y["goods"] for y in years)),
            ("training", sum(y["training"] for y in years))]


def operator_parts(campaign: Campaign) -> list[tuple[str, int]]:
    """Return the operator's part for one partner: computers, signs, fit-outs, the loan (yuan)."""
    op = campaign.support.operator
    return [("computers", op.computers), ("signs", op.signs), ("fitouts", 1),
            ("loan", op.startup_loan), ("loan_max", op.startup_loan_max)]


def support_totals(session: Session, campaign: Campaign) -> dict:
    """Return the support owed to signed partners per township (all of them) and the county.

    `operator` holds the operator's part beside the county's money: things counted, loans in yuan.
    """
    parts, ops = support_parts(campaign), operator_parts(campaign)
    per_partner = sum(yuan for _part, yuan in parts)
    partners = defaultdict(int, {t: 0 for t in session.scalars(
        select(Township.name).order_by(Township.code))})
    for name in session.scalars(select(Township.name).join(
            Candidate, Candidate.township_id == Township.id).where(Candidate.stage == Stage.SIGNED,
                                                                   not_withdrawn())):
        partners[name] += 1
    towns = [{"township": t, "partners": n, "total": n * per_partner,
              "parts": {part: n * yuan for part, yuan in parts},
              "operator": {part: n * x for part, x in ops}} for t, n in partners.items()]
    county = sum(partners.values())
    return {"per_partner": per_partner, "townships": towns,
            "county": {"partners": county, "total": per_partner * county,
                       "parts": {part: county * yuan for part, yuan in parts},
                       "operator": {part: county * x for part, x in ops}}}


def signed_partners(session: Session) -> list[tuple[Candidate, Signing | None]]:
    """Return every signed partner with the signing record, by township and registration."""
    rows = session.execute(select(Candidate, Signing).outerjoin(
        Signing, Signing.candidate_id == Candidate.id).join(
        Township, Township.id == Candidate.township_id).where(Candidate.stage == Stage.SIGNED,
                                                              not_withdrawn())
        .order_by(Township.code, Candidate.reg_no))
    return [(cand, signing) for cand, signing in rows]


def candidate(session: Session, cand_id: int | None) -> Candidate | None:
    """Return the candidate of an id from a form, if there is one."""
    return session.get(Candidate, cand_id) if cand_id else None


def schedule_all(session: Session, campaign: Campaign) -> tuple[int, datetime | None]:
    """Schedule everyone waiting with every panel; return how many, and the overrun if any."""
    panels = list(session.scalars(select(InterviewPanel).order_by(InterviewPanel.id)))
    return schedule(session, campaign, panels), overrun(session, campaign)


def record_reassignments(session: Session, actor: User, answers: dict[int, bool | None]) -> int:
    """Record each interviewed candidate's answer on reassignment; return how many."""
    cands = session.scalars(select(Candidate).where(Candidate.id.in_(list(answers)))).all()
    for cand in cands:
        record_reassignment(session, actor, cand, answers[cand.id])
    return len(cands)


def scores_page(session: Session, interviewer: User) -> dict:
    """Return what the interviewer's page shows: whom they score, their scores, the slots."""
    cands = [c for c in session.scalars(select(Candidate).where(Candidate.stage == Stage.INTERVIEW)
                                        .order_by(Candidate.id))
             if can_score(session, interviewer, c)]
    mine = dict(session.execute(select(InterviewScore.candidate_id, InterviewScore.score).where(
        InterviewScore.interviewer_id == interviewer.id)).all())
    slots = {s.candidate_id: s for s in session.scalars(select(InterviewSlot))}
    return {"cands": cands, "mine": mine, "slots": slots}


def interviewers(session: Session) -> list[User]:
    """Return the interviewers' accounts, for making panels."""
    return list(session.scalars(select(User).where(User.role == Role.INTERVIEWER)
                                .order_by(User.id)))


def manage_page(session: Session) -> dict:
    """Return what the management page shows: panels, slots, who is at which step, signings."""
    def at(*stages: str) -> list[Candidate]:
        return list(session.scalars(select(Candidate).where(Candidate.stage.in_(stages),
                                                            not_withdrawn())
                                    .order_by(Candidate.id)))

    panels = select(InterviewPanel).options(selectinload(InterviewPanel.members))
    slots = select(InterviewSlot).options(selectinload(InterviewSlot.candidate),
                                          selectinload(InterviewSlot.panel))
    return {"panels": session.scalars(panels.order_by(InterviewPanel.id)).all(),
            "interviewers": interviewers(session), "selected": at(Stage.SELECTED, Stage.SIGNED),
            "interviewed": at(Stage.INTERVIEW),
            "slots": session.scalars(slots.order_by(InterviewSlot.starts_at,
                                                    InterviewSlot.id)).all(),
            "signings": {s.candidate_id: s for s in session.scalars(select(Signing))}}
