"""Plan plagiarism in the app: similar pairs over all plans, cached per set of plans."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from grader.models import EvidenceItem
from grader.services.plans import plan_texts
from scoring import shared_passages, similar_pairs

THRESHOLD = 0.6
_cache: dict = {}


def all_pairs(session: Session, threshold: float = THRESHOLD) -> list:
    """Return the similar plan pairs, recomputed only when the plans change."""
    stamp = session.execute(select(func.count(), func.max(EvidenceItem.id)).where(
        EvidenceItem.task == "plan")).one()
    key = (tuple(stamp), threshold, str(session.get_bind().engine.url))
    if key not in _cache:
        texts = {str(k): v for k, v in plan_texts(session).items()}
        _cache.clear()
        _cache[key] = similar_pairs(texts, threshold=threshold) if len(texts) > 1 else []
    return _cache[key]


def similar_to(session: Session, item_id: int) -> list[dict]:
    """Return the plans similar to one, with the shared passages, for the side-by-side view."""
    texts = plan_texts(session)
    out = []
    for pair in all_pairs(session):
        ids = {int(pair.a), int(pair.b)}
        if item_id in ids:
            other = (ids - {item_id}).pop()
            passages = shared_passages(texts[item_id], texts[other])
            out.append({"other": other, "similarity": pair.similarity, "passages": passages})
    return out
