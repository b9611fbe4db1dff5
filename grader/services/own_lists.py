"""A candidate's own screenshots and survey forms, a page at a time (newest first).

A candidate sends 100 or more of each, with OCR text: their pages show the counts (one
aggregate query: `evidence.counters`, `form_counts`), what needs them first (rejected items, invalid forms) and a page of the
latest, linked to older pages by keyset on the (candidate, task, id) index.
"""

from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import Row, case, func, select
from sqlalchemy.orm import Session

from grader.models import Candidate, EvidenceItem, SharedPhoneDecision, SurveyForm
from grader.models.states import Verdict
from grader.services import survey_forms
from grader.services.records import MAX_ID

PER_PAGE = 20  # rows a page: a phone scrolls through them, a weak connection loads them fast
ATTENTION = 5  # the newest rejected items (invalid forms) shown above the list
T = TypeVar("T")
# what a list row shows, read as plain rows (not the OCR text, the fields read, the copy keys
# or a form's answers, and no ORM objects: a third of a query's time on a page of 20)
ITEM_SHOWN = (EvidenceItem.id, EvidenceItem.candidate_id, EvidenceItem.task,
              EvidenceItem.filename, EvidenceItem.status, EvidenceItem.reasons,
              EvidenceItem.decided_by_id, EvidenceItem.note, EvidenceItem.submitted_at)
FORM_SHOWN = (SurveyForm.id, SurveyForm.candidate_id, SurveyForm.name, SurveyForm.phone_raw,
              SurveyForm.phone_e164, SurveyForm.village, SurveyForm.flags, SurveyForm.hints,
              SurveyForm.valid, SurveyForm.created_at,
              # staff's decision on the form's number, if any, read with the row
              SharedPhoneDecision.keeper_id.label("decision_keeper"),
              SharedPhoneDecision.last_form_id.label("decision_last"),
              SharedPhoneDecision.id.label("decision_id"))


@dataclass
class OwnPage(Generic[T]):
    """A page of a candidate's rows: `older` is the `before` of the next page, if any."""

    rows: list[T]
    older: int | None
    first: bool  # the newest page (no `before`)


def _page(session: Session, query, key, before: int | None, per_page: int) -> OwnPage:
    """Run a newest-first query for one page, keyed by its id column `key`.

    One row more than the page tells whether older ones exist.
    """
    rows = list(session.execute(query.where(key < (before or MAX_ID))
                                .order_by(key.desc()).limit(per_page + 1)))
    older = rows[per_page - 1].id if len(rows) > per_page else None
    return OwnPage(rows[:per_page], older, before is None)


def item_page(session: Session, cand: Candidate, task: str, before: int | None = None,
              status: str | None = None, per_page: int = PER_PAGE) -> OwnPage[Row]:
    """Return a page of a candidate's items of a task, newest first, of one status if given."""
    query = select(*ITEM_SHOWN).where(EvidenceItem.candidate_id == cand.id,
                                      EvidenceItem.task == task)
    if status is not None:
        query = query.where(EvidenceItem.status == status)
    return _page(session, query, EvidenceItem.id, before, per_page)


def rejected_items(session: Session, cand: Candidate, task: str, limit: int = ATTENTION
                   ) -> list[Row]:
    """Return the newest rejected items of a task: the ones to take again and upload."""
    return item_page(session, cand, task, status=Verdict.REJECT, per_page=limit).rows


def form_counts(session: Session, cand: Candidate) -> dict[str, int]:
    """Count a candidate's forms and the valid ones, in one query."""
    total, valid = session.execute(select(
        func.count(), func.coalesce(func.sum(case((SurveyForm.valid.is_(True), 1), else_=0)), 0))
        .where(SurveyForm.candidate_id == cand.id)).one()
    return {"total": total, "valid": valid, "invalid": total - valid}


def form_page(session: Session, cand: Candidate, before: int | None = None,
              invalid_only: bool = False, per_page: int = PER_PAGE) -> OwnPage[Row]:
    """Return a page of a candidate's forms, newest first (only the invalid ones if asked)."""
    query = select(*FORM_SHOWN).outerjoin(
        SharedPhoneDecision, SharedPhoneDecision.phone_e164 == SurveyForm.phone_e164).where(
        SurveyForm.candidate_id == cand.id)
    if invalid_only:
        query = query.where(SurveyForm.valid.is_(False))
    return _page(session, query, SurveyForm.id, before, per_page)


def form_decisions(session: Session, rows: list[Row]) -> dict[int, str | None]:
    """Map listed forms to the staff decision on their shared number, as `decisions_of` does.

    The decision came with each row; only a page holding a decided number reads when each
    candidate first sent it (most pages: no query at all).
    """
    first = survey_forms.first_sent(
        session, {r.phone_e164 for r in rows if r.decision_id is not None})
    return {r.id: None if r.decision_id is None else survey_forms.decision_word(
        r.decision_keeper, r.decision_last, first.get((r.phone_e164, r.candidate_id)),
        r.candidate_id) for r in rows}
