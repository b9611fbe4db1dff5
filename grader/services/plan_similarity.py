"""Plan plagiarism in the app: similar pairs over all plans, cached per set of plans."""

from markupsafe import Markup, escape
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from grader.auth.permissions import blind_text, judged_elsewhere
from grader.models import Candidate, EvidenceItem, Township, User
from grader.models.states import Task
from grader.services.plans import plan_texts
from scoring import shared_passages, similar_pairs

THRESHOLD = 0.6
_cache: dict = {}


def all_pairs(session: Session, threshold: float = THRESHOLD) -> list:
    """Return the similar plan pairs, recomputed only when the plans change."""
    stamp = session.execute(select(func.count(), func.max(EvidenceItem.id)).where(
        EvidenceItem.task == Task.PLAN)).one()
    key = (tuple(stamp), threshold, str(session.get_bind().engine.url))
    if key not in _cache:
        texts = {str(k): v for k, v in plan_texts(session).items()}
        _cache.clear()
        _cache[key] = similar_pairs(texts, threshold=threshold) if len(texts) > 1 else []
    return _cache[key]


def similar_to(session: Session, item_id: int, reviewer: User | None = None) -> list[dict]:
    """Return the plans similar to one, with the shared passages, for the side-by-side view.

    For a reviewer: only plans their queue could hold (never their own township's), every
    text blinded (names, ID and phone numbers hidden).
    """
    texts = plan_texts(session)
    others = {int(p.a) if int(p.b) == item_id else int(p.b): p.similarity
              for p in all_pairs(session) if item_id in (int(p.a), int(p.b))}
    if reviewer is not None:
        authors = _authors(session, {item_id, *others})
        others = {o: s for o, s in others.items()
                  if authors[o].township_id != judged_elsewhere(reviewer)}
        texts = {i: blind_text(texts[i], authors[i].name) for i in (item_id, *others)}
    return [_side_by_side(texts[item_id], texts[other], other, sim)
            for other, sim in others.items()]


def _side_by_side(mine: str, theirs: str, other: int, similarity: float) -> dict:
    """Return one similar plan: its id, similarity, shared passages and both texts marked."""
    passages = shared_passages(mine, theirs)
    return {"other": other, "similarity": similarity, "passages": passages,
            "mine": mark_spans(mine, [(p.a_start, p.size) for p in passages]),
            "theirs": mark_spans(theirs, [(p.b_start, p.size) for p in passages])}


def _authors(session: Session, item_ids: set[int]) -> dict[int, Candidate]:
    """Map plan items to their authors."""
    return dict(session.execute(select(EvidenceItem.id, Candidate).join(
        Candidate, Candidate.id == EvidenceItem.candidate_id)
        .where(EvidenceItem.id.in_(item_ids))).all())


def pair_view(session: Session, a: int, b: int) -> dict | None:
    """Return two plans' texts with their shared passages marked, or None if not a pair."""
    texts = plan_texts(session)
    if a not in texts or b not in texts or a == b:
        return None
    passages = shared_passages(texts[a], texts[b])
    pair = next((p for p in all_pairs(session) if {int(p.a), int(p.b)} == {a, b}), None)
    return {"a": a, "b": b, "similarity": pair.similarity if pair else None,
            "passages": passages, "shared": sum(p.size for p in passages),
            "text_a": mark_spans(texts[a], [(p.a_start, p.size) for p in passages]),
            "text_b": mark_spans(texts[b], [(p.b_start, p.size) for p in passages])}


def mark_spans(text: str, spans: list[tuple[int, int]]) -> Markup:
    """Escape text and wrap the (start, length) spans in <mark>; overlaps are merged."""
    out, at = [], 0
    for start, size in sorted(spans):
        start, end = max(start, at), min(len(text), start + size)
        if end > start:
            out += [escape(text[at:start]), Markup("<mark>"), escape(text[start:end]),
                    Markup("</mark>")]
            at = end
    out.append(escape(text[at:]))
    return Markup("").join(out)


def plan_owners(session: Session, item_ids: set[int]) -> dict[int, tuple[str, str, str]]:
    """Map plan items to their authors: registration number, name, township."""
    if not item_ids:
        return {}
    return {item_id: (reg, name, town) for item_id, reg, name, town in session.execute(
        select(EvidenceItem.id, Candidate.reg_no, Candidate.name, Township.name)
        .join(Candidate, Candidate.id == EvidenceItem.candidate_id)
        .join(Township, Township.id == Candidate.township_id)
        .where(EvidenceItem.id.in_(item_ids)))}
