"""The staff's list of candidates: filters, the township scope and one page of rows."""

import re
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session, joinedload

from grader.models import Candidate

NUMBER = re.compile(r"\d{4,18}|\d{4,17}X")  # a typed ID number (or its end) or phone digits
ID_LENGTH = 18


@dataclass(frozen=True)
class CandidateFilter:
    """What the list shows: one township (township staff), a name, number, ID or phone, a stage."""

    township_id: int | None = None
    text: str | None = None
    stage: str | None = None
    eligible: bool | None = None


def number_key(text: str) -> str | None:
    """Return typed ID or phone digits as stored (spaces, dashes, +86 dropped), or None."""
    raw = re.sub(r"[\s\-()]", "", text).upper()
    if raw.startswith("+86"):
        raw = raw[3:]
    elif len(raw) == 13 and raw.startswith("86"):
        raw = raw[2:]
    return raw if NUMBER.fullmatch(raw) else None


def _text_match(text: str) -> ColumnElement[bool]:
    """Match a name or registration number anywhere, an ID number or phone exactly or by its end."""
    terms = [Candidate.name.contains(text, autoescape=True),
             Candidate.reg_no.contains(text, autoescape=True)]
    key = number_key(text)
    if key is not None and len(key) == ID_LENGTH:
        terms.append(Candidate.id_number == key)  # the unique index answers it
    elif key is not None:  # digits only: no LIKE wildcard can come in
        terms += [Candidate.id_number.like(f"%{key}"), Candidate.phone.like(f"%{key}")]
    return or_(*terms)


def _filtered(filt: CandidateFilter) -> Select:
    """Return the query of the candidates the filter admits (always within the township scope)."""
    query = select(Candidate)
    if filt.township_id is not None:
        query = query.where(Candidate.township_id == filt.township_id)
    if filt.text:
        query = query.where(_text_match(filt.text))
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


def candidate_rows(session: Session, filt: CandidateFilter, limit: int) -> list[Candidate]:
    """Return up to `limit` filtered candidates, townships loaded, for an export."""
    return list(session.scalars(_filtered(filt).options(joinedload(Candidate.township))
                                .order_by(Candidate.id).limit(limit)))
