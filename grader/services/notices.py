"""Notices to candidates: exam times, venues, results, offers, signing appointments.

Staff pick an audience (everyone at a stage, those with an open offer, those still to sign),
see how many it reaches, and send; each recipient is kept with the number it went to, the
notice shows on their /me page and the SMS list goes to the county's SMS gateway.
"""

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from grader.errors import CodedError
from grader.models import Candidate, User
from grader.models.base import utcnow
from grader.models.states import Audience, NoticeKind, OfferStatus, Stage
from grader.models.withdrawal import Notice, NoticeRecipient, ReplacementOffer
from grader.services import audit
from grader.services.withdrawals import not_withdrawn

TEXT_MAX = 500  # a long SMS is split by the gateway; a notice is a few sentences


class NoticeError(CodedError):
    """A notice refused; `code` is stable."""


def audience_query(audience: str):
    """Return the query of the candidates an audience names (withdrawn ones never)."""
    query = select(Candidate).where(not_withdrawn())
    if audience == Audience.OPEN_OFFERS:
        return query.where(Candidate.id.in_(select(ReplacementOffer.candidate_id).where(
            ReplacementOffer.status == OfferStatus.OPEN)))
    if audience == Audience.SIGNING:
        return query.where(Candidate.stage == Stage.SELECTED)
    if audience not in Stage.__members__.values():
        raise NoticeError("bad_audience", f"unknown audience {audience}")
    return query.where(Candidate.stage == audience)


def audience_size(session: Session, audience: str) -> int:
    """Count the candidates a notice to this audience would reach."""
    sub = audience_query(audience).subquery()
    return session.scalar(select(func.count()).select_from(sub)) or 0


def send_notice(session: Session, actor: User | None, kind: str, audience: str, text: str,
                expected: int | None = None) -> Notice:
    """Send a notice to an audience and keep who got it; audited.

    `expected` is the count the sender was shown: when the audience changed since, nothing
    is sent.
    """
    if kind not in NoticeKind.__members__.values():
        raise NoticeError("bad_notice_kind", f"unknown kind {kind}")
    text = text.strip()
    if not text or len(text) > TEXT_MAX:
        raise NoticeError("notice_text", f"a notice is 1..{TEXT_MAX} characters", n=TEXT_MAX)
    cands = session.scalars(audience_query(audience).order_by(Candidate.id)).all()
    if not cands:
        raise NoticeError("no_recipients", "nobody is in this audience")
    if expected is not None and expected != len(cands):
        raise NoticeError("audience_changed", "the audience changed since the preview",
                          n=len(cands))
    notice = Notice(kind=kind, audience=audience, text=text, sent_at=utcnow(),
                    sent_by_id=actor.id if actor else None, recipients=len(cands))
    session.add(notice)
    session.flush()
    session.add_all(NoticeRecipient(notice_id=notice.id, candidate_id=c.id, phone=c.phone)
                    for c in cands)
    session.flush()
    audit.record(session, actor, "send_notice", "notice", notice.id, "recipients", None,
                 len(cands))
    return notice


def notices_of(session: Session, cand: Candidate) -> list[Notice]:
    """Return the notices sent to the candidate, newest first."""
    return list(session.scalars(select(Notice).join(
        NoticeRecipient, NoticeRecipient.notice_id == Notice.id).where(
        NoticeRecipient.candidate_id == cand.id).order_by(Notice.id.desc())))


def all_notices(session: Session, limit: int = 200) -> list[Notice]:
    """Return the latest notices with their senders, newest first."""
    return list(session.scalars(select(Notice).options(selectinload(Notice.sent_by))
                                .order_by(Notice.id.desc()).limit(limit)))


def recipients(session: Session, notice: Notice) -> list[NoticeRecipient]:
    """Return who a notice went to, with their candidates and townships."""
    return list(session.scalars(select(NoticeRecipient).options(
        selectinload(NoticeRecipient.candidate).selectinload(Candidate.township))
        .where(NoticeRecipient.notice_id == notice.id).order_by(NoticeRecipient.id)))
