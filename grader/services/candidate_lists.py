"""The staff's list of candidates: filters, the township scope and one page of rows."""

from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, joinedload

from grader.models import Candidate


@dataclass(frozen=True)
class CandidateFilter:
    """What the list shows: one township (township staff), a name or number, a stage."""

    township_id: int | None = None
    text: str | None = None
    stage: str | None = None
    eligible: bool | None = None


def _filtered(filt: CandidateFilter) -> Select:
    """Return the query of the candidates the filter admits."""
    query = select(Candidate)
    if filt.township_id is not None:
        query = query.where(Candidate.township_id == filt.township_id)
    if filt.text:
        like = f"%{filt.text}%"
        query = query.where(or_(Candidate.name.like(like), Candidate.reg_no.like(like)))
    if filt.stage:
        query = query.where(Candidate.stage == filt.stage)
    if filt.eligible is not None:
        query = query.where(Candidate.eligible == filt.eligible)
    return query


def candidate_page(session: Session, filt: CandidateFilter, page: int, per_page: int
                   ) -> tuple[list[Candidate], int]:
    """Return one page of the filtered candidates (townships loaded with them) and the total."""
    base = _filtered(filt)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = session.scalars(base.options(joinedload(Candidate.township)).order_by(Candidate.id)
                           .offset((page - 1) * per_page).limit(per_page)).all()
    return list(rows), total
