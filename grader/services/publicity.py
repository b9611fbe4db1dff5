"""The public announcement (公示) of each published stage, and the public's objections to it.

A stage is announced once it is published: a ranking round when its ranking is published, an
exam when its best were moved on. The list shows the advancing candidates with the name and
ID number masked the usual way (张*伟, 522424********1234), township, score and rank; nothing
on it links a row to a registration number, a full ID or a phone. An objection names a row by
its place on the list and lands with county staff, who answer it (audited).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from grader.campaign import Campaign
from grader.errors import CodedError
from grader.models import AuditLog, Candidate, Objection, Ranking, RankingEntry, Township, User
from grader.models.base import utcnow
from grader.models.states import AppealStatus, PublicStage, RankingStatus
from grader.services import audit
from grader.services.exams import EXAMS
from grader.services.rounds import first_published_at
from surveys import phone_info

ORDER = tuple(PublicStage)


class ObjectionError(CodedError):
    """An objection that cannot be filed or answered; `code` is stable."""


def mask_name(name: str) -> str:
    """Mask a name as a 公示 does: 张*, 张*伟, and the first and last of longer names."""
    name = name.strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_public_id(number: str) -> str:
    """Mask an ID number as a 公示 does: the first 6 and the last 4 (522424********1234)."""
    return number[:6] + "*" * max(len(number) - 10, 0) + number[-4:] if len(number) > 10 else "*" * len(number)


@dataclass(frozen=True)
class PublicRow:
    """One line of an announcement, already masked: nothing more reaches the page."""

    position: int  # the line's number on the whole list; an objection names it
    name: str
    id_number: str
    township_id: int
    township: str
    score: float | None
    rank: int


@dataclass(frozen=True)
class Notice:
    """One stage's announcement: when it began, when objections close, and its lines."""

    stage: str
    published_at: datetime
    ends_at: datetime
    rows: list[PublicRow]

    def open_at(self, now: datetime) -> bool:
        """Say whether objections are still taken."""
        return now <= self.ends_at


def published_at(session: Session, stage: str) -> datetime | None:
    """Return when a stage's result was first made known, or None before."""
    if stage in EXAMS:
        return session.scalar(select(func.min(AuditLog.at)).where(
            AuditLog.action == f"advance_{stage}"))
    return first_published_at(session, stage)


def announced(session: Session, campaign: Campaign) -> list[tuple[str, datetime, datetime]]:
    """Return (stage, published, objections close) of every announced stage, in funnel order."""
    days = timedelta(days=campaign.publicity.days)
    out = []
    for stage in ORDER:
        at = published_at(session, stage)
        if at is not None:
            out.append((stage, at, at + days))
    return out


def _exam_lines(session: Session, stage: str) -> list[tuple]:
    """Return (candidate, score, rank, name, ID, township id and name) of those moved on."""
    score = getattr(Candidate, EXAMS[stage][0])
    moved = select(AuditLog.entity_id).where(AuditLog.action == f"advance_{stage}",
                                             AuditLog.entity == "candidate")
    rows = session.execute(
        select(Candidate.id, score, Candidate.name, Candidate.id_number, Township.id,
               Township.name).join(Township, Township.id == Candidate.township_id)
        .where(Candidate.id.in_(moved)).order_by(score.desc(), Candidate.registered_at,
                                                  Candidate.id))
    return [(cid, s, n, name, number, tid, town)
            for n, (cid, s, name, number, tid, town) in enumerate(rows, 1)]


def _ranking_lines(session: Session, stage: str) -> list[tuple]:
    """Return the advancing rows of the stage's ranking in force, in rank order."""
    ranking = select(Ranking.id).where(Ranking.round == stage,
                                       Ranking.status == RankingStatus.PUBLISHED).scalar_subquery()
    rows = session.execute(
        select(Candidate.id, RankingEntry.score, RankingEntry.rank, Candidate.name,
               Candidate.id_number, Township.id, Township.name)
        .join(Candidate, Candidate.id == RankingEntry.candidate_id)
        .join(Township, Township.id == Candidate.township_id)
        .where(RankingEntry.ranking_id == ranking, RankingEntry.advance)
        .order_by(RankingEntry.rank, Candidate.id))
    return [tuple(r) for r in rows]


def _lines(session: Session, stage: str) -> list[tuple]:
    """Return the stage's announced lines with the candidate's id first."""
    return _exam_lines(session, stage) if stage in EXAMS else _ranking_lines(session, stage)


def notice(session: Session, campaign: Campaign, stage: str,
           township_id: int | None = None) -> Notice | None:
    """Return a stage's announcement (one township's lines, if asked), or None before it."""
    at = published_at(session, stage) if stage in ORDER else None
    if at is None:
        return None
    rows = [PublicRow(n, mask_name(name), mask_public_id(number), tid, town, score, rank)
            for n, (_cid, score, rank, name, number, tid, town)
            in enumerate(_lines(session, stage), 1)
            if township_id is None or tid == township_id]
    return Notice(stage, at, at + timedelta(days=campaign.publicity.days), rows)


def file_objection(session: Session, campaign: Campaign, stage: str, position: int, name: str,
                   phone: str, text: str, now: datetime | None = None) -> Objection:
    """Take an objection to one line of an announcement while its period runs."""
    at = published_at(session, stage) if stage in ORDER else None
    if at is None:
        raise ObjectionError("no_notice")
    if (now or utcnow()) > at + timedelta(days=campaign.publicity.days):
        raise ObjectionError("objection_closed")
    lines = _lines(session, stage)
    if not 1 <= position <= len(lines):
        raise ObjectionError("objection_unknown_line")
    info = phone_info(phone.strip()) if phone.strip() else None
    if info is None or info.kind != "mobile":
        raise ObjectionError("objection_phone")
    if not name.strip() or not text.strip():
        raise ObjectionError("objection_incomplete")
    obj = Objection(stage=stage, candidate_id=lines[position - 1][0], name=name.strip()[:32],
                    phone=info.e164, text=text.strip()[:2000])
    session.add(obj)
    session.flush()
    audit.record(session, None, "objection_filed", "candidate", obj.candidate_id,
                 f"objection:{obj.id}", None, AppealStatus.OPEN)
    return obj


def answer_objection(session: Session, obj: Objection, actor: User, upheld: bool,
                     answer: str) -> None:
    """Record county staff's answer to an objection, with its reasons (audited)."""
    if obj.status != AppealStatus.OPEN:
        raise ObjectionError("objection_answered")
    if not answer.strip():
        raise ObjectionError("reason_required")
    obj.status = AppealStatus.UPHELD if upheld else AppealStatus.REJECTED
    obj.answer, obj.answered_by_id, obj.answered_at = answer.strip(), actor.id, utcnow()
    audit.record(session, actor, f"objection_{obj.status}", "candidate", obj.candidate_id,
                 f"objection:{obj.id}", AppealStatus.OPEN.value, obj.status, answer.strip())
    session.flush()


def all_objections(session: Session, limit: int = 500) -> list[Objection]:
    """Return objections for the staff queue, open ones first, each with its candidate."""
    return list(session.scalars(
        select(Objection).options(joinedload(Objection.candidate).joinedload(Candidate.township))
        .order_by(Objection.status != AppealStatus.OPEN, Objection.id).limit(limit)))
