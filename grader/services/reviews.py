"""Reviewer assignment, rubric scoring and third reviews, for plans and daily reports."""

from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from grader.campaign import Campaign
from grader.errors import CodedError
from grader.models import Appeal, Candidate, DailyReport, EvidenceItem, Review, User
from grader.models.base import utcnow
from grader.models.states import AppealStatus, ReviewKind, Role, Stage, Task, Verdict
from grader.services import audit, bulk
from grader.services.rounds import round_published
from scoring import needs_third_review

RUBRICS = {"plan": ("round1", "plan_rubric"), "report": ("round2", "report_rubric")}
ROUND_OF = {"plan": "1", "report": "2"}  # the ranking each kind of review counts towards


class ReviewError(CodedError):
    """A review that cannot be saved as given; `code` is stable."""

@dataclass(frozen=True)
class Item:
    """Something to review: its id, its candidate and the candidate's township."""

    item_id: int
    candidate_id: int
    township_id: int


def rubric(campaign: Campaign, kind: str) -> list[dict]:
    """Return the criteria (key, name, weight) of a kind of review."""
    section, key = RUBRICS[kind]
    return [c.model_dump() for c in getattr(getattr(campaign, section), key)]


def plan_assignments(items: list[Item], reviewers: list[User], per_item: int,
                     load: Counter, taken: set[tuple[int, int]]) -> list[tuple[Item, User]]:
    """Pair each item with the least-loaded reviewers not from its township."""
    pairs = []
    had = Counter(i for (i, _r) in taken)  # reviewers each item has (one pass, not per item)
    for item in items:
        fits = [r for r in reviewers if r.township_id != item.township_id
                and (item.item_id, r.id) not in taken]
        have = had[item.item_id]
        for reviewer in sorted(fits, key=lambda r: (load[r.id], r.id))[:max(per_item - have, 0)]:
            load[reviewer.id] += 1
            had[item.item_id] += 1
            taken.add((item.item_id, reviewer.id))
            pairs.append((item, reviewer))
    return pairs


def _reviewers(session: Session) -> list[User]:
    """Return the active reviewers."""
    return list(session.scalars(select(User).where(User.role == Role.REVIEWER, User.active)
                                .order_by(User.id)))


def _state(session: Session, kind: str, item_ids: list[int]) -> tuple[Counter, set]:
    """Return the current load per reviewer and the (item, reviewer) pairs made for these items.

    The load is counted in the database and only these items' pairs are read: one plan sent
    at a time no longer reads every review of the campaign.
    """
    load = Counter(dict(session.execute(select(
        Review.reviewer_id, func.count(func.distinct(Review.item_id))).where(Review.kind == kind)
        .group_by(Review.reviewer_id)).all()))
    taken = set()
    for chunk in _chunks(sorted(set(item_ids))):
        taken |= {(i, r) for i, r in session.execute(select(Review.item_id, Review.reviewer_id)
                                                     .where(Review.kind == kind,
                                                            Review.item_id.in_(chunk)))}
    return load, taken


def assign(session: Session, kind: str, items: list[Item], per_item: int) -> int:
    """Give every item at least `per_item` reviewers with balanced load; return new ones."""
    load, taken = _state(session, kind, [i.item_id for i in items])
    pairs = plan_assignments(items, _reviewers(session), per_item, load, taken)
    return bulk.insert_rows(session, Review, [
        {"kind": kind, "item_id": item.item_id, "candidate_id": item.candidate_id,
         "reviewer_id": reviewer.id} for item, reviewer in pairs])


def next_review(session: Session, reviewer: User, kind: str) -> Review | None:
    """Return the reviewer's oldest unscored assignment of a kind."""
    return session.scalar(select(Review).where(
        Review.reviewer_id == reviewer.id, Review.kind == kind, Review.score.is_(None))
        .order_by(Review.id).limit(1))


def queue_size(session: Session, reviewer: User, kind: str) -> tuple[int, int]:
    """Return (open, done) counts of a reviewer's assignments."""
    rows = dict(session.execute(select(Review.score.is_(None), func.count()).where(
        Review.reviewer_id == reviewer.id, Review.kind == kind).group_by(Review.score.is_(None))
    ).all())
    return rows.get(True, 0), rows.get(False, 0)


def weighted(criteria: list[dict], scores: dict[str, float]) -> float:
    """Combine criterion scores (0..100) with the rubric's weights."""
    total = sum(float(c["weight"]) for c in criteria)
    return round(sum(float(c["weight"]) * scores[c["key"]] for c in criteria) / total, 2)


def score_review(session: Session, campaign: Campaign, review: Review, reviewer: User,
                 scores: dict[str, float], note: str = "") -> Review:
    """Save a reviewer's rubric scores, audit it, and ask for a third review if needed."""
    if review.reviewer_id != reviewer.id:
        raise ReviewError("not_yours", "this review is assigned to another reviewer")
    if round_published(session, ROUND_OF[review.kind]) and not _appeal_upheld(session, review):
        raise ReviewError("scores_closed", "the round is published: scores change only "
                                             "through an upheld appeal")
    _set_scores(session, campaign, review, reviewer, scores, note)
    session.flush()
    _maybe_third(session, campaign, review)
    return review


@audit.in_bulk
def score_many(session: Session, campaign: Campaign, scored: list[tuple[Review, dict]],
               by_id: dict[int, User]) -> int:
    """Save many reviews' rubric scores at once (a rehearsal's reviewers), as score_review does.

    The rules are score_review's: each reviewer scores their own reviews, scores close when
    the round is published, every score is audited, and two scores far apart call a third.
    """
    kinds = {review.kind for review, _s in scored}
    closed = {k for k in kinds if round_published(session, ROUND_OF[k])}
    for review, scores in scored:
        if review.kind in closed and not _appeal_upheld(session, review):
            raise ReviewError("scores_closed", "the round is published: scores change only "
                                                 "through an upheld appeal")
        _set_scores(session, campaign, review, by_id[review.reviewer_id], scores)
    session.flush()
    for kind in kinds:
        _thirds(session, campaign, kind, {r.item_id for r, _s in scored if r.kind == kind})
    return len(scored)


def _set_scores(session: Session, campaign: Campaign, review: Review, reviewer: User,
                scores: dict[str, float], note: str | None = None) -> None:
    """Check and set one review's scores (and note, when given) and add its audit row.

    Flushed by the caller.
    """
    criteria = rubric(campaign, review.kind)
    bad = [c["key"] for c in criteria if not 0 <= scores.get(c["key"], -1) <= 100]
    if bad:
        raise ReviewError("bad_score", f"scores must be 0..100: {', '.join(bad)}")
    before = review.score
    review.criteria = {c["key"]: scores[c["key"]] for c in criteria}
    review.score, review.scored_at = weighted(criteria, scores), utcnow()
    if note is not None:
        review.note = note
    audit.record(session, reviewer, f"review_{review.kind}", "candidate", review.candidate_id,
                 "review_score", before, review.score, f"{review.kind}#{review.item_id}")


def _thirds(session: Session, campaign: Campaign, kind: str, item_ids: set[int]) -> int:
    """Assign a third reviewer to each of these items whose two scores differ past the gap."""
    scores: dict[int, list] = defaultdict(list)
    cand_of: dict[int, int] = {}
    for chunk in _chunks(sorted(item_ids)):
        for item_id, cand_id, score in session.execute(select(
                Review.item_id, Review.candidate_id, Review.score).where(
                Review.kind == kind, Review.item_id.in_(chunk))):
            scores[item_id].append(score)
            cand_of[item_id] = cand_id
    far = [i for i, got in scores.items() if len(got) == 2 and None not in got
           and needs_third_review(got, _gap(campaign))]
    towns = dict(session.execute(select(Candidate.id, Candidate.township_id).where(
        Candidate.id.in_({cand_of[i] for i in far}))).all()) if far else {}
    return assign(session, kind, [Item(i, cand_of[i], towns[cand_of[i]]) for i in sorted(far)],
                  3) if far else 0


def _chunks(ids: list[int], size: int = 5000):
    """Yield ids in chunks small enough for one IN list."""
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def _appeal_upheld(session: Session, review: Review) -> bool:
    """Say whether an upheld appeal reopened the reviewed plan (the ranking is then amended)."""
    return review.kind == ReviewKind.PLAN and session.scalar(select(Appeal.id).where(
        Appeal.item_id == review.item_id, Appeal.status == AppealStatus.UPHELD).limit(1)
    ) is not None


def _maybe_third(session: Session, campaign: Campaign, review: Review) -> None:
    """Assign one more reviewer when the scores so far differ by more than the gap."""
    scores = session.scalars(select(Review.score).where(
        Review.kind == review.kind, Review.item_id == review.item_id)).all()
    done = [s for s in scores if s is not None]
    if len(scores) == 2 and len(done) == 2 and needs_third_review(done, _gap(campaign)):
        cand = session.get(Candidate, review.candidate_id)
        assign(session, review.kind, [Item(review.item_id, cand.id, cand.township_id)], 3)


def per_item(campaign: Campaign, kind: str) -> int:
    """Return how many reviewers each item of a kind should have."""
    if kind == ReviewKind.PLAN:
        return campaign.round1.reviews.per_item
    return campaign.round2.reviews_per_report


def open_items(session: Session, kind: str) -> list[Item]:
    """Return the items of a kind that are still being reviewed (their round is open)."""
    if kind == ReviewKind.PLAN:
        query = select(EvidenceItem.id, Candidate.id, Candidate.township_id).join(
            Candidate, Candidate.id == EvidenceItem.candidate_id).where(
            EvidenceItem.task == Task.PLAN, EvidenceItem.status.in_([Verdict.ACCEPT, Verdict.REVIEW]),
            Candidate.stage == Stage.ROUND1)
    else:
        query = select(DailyReport.id, Candidate.id, Candidate.township_id).join(
            Candidate, Candidate.id == DailyReport.candidate_id).where(Candidate.stage == Stage.ROUND2)
    # in id order: the share-out gives the least-loaded reviewers to the items met first, and
    # PostgreSQL returns an unordered scan in whatever order updates left the rows
    return [Item(*row) for row in session.execute(query.order_by(query.selected_columns[0]))]


def _gap(campaign: Campaign) -> float:
    """Return the score gap past which two reviews call for a third."""
    return campaign.round1.reviews.third_review_gap


def targets(session: Session, campaign: Campaign, kind: str, items: list[Item]
            ) -> dict[int, int]:
    """Return how many reviewers each item needs: the usual count, three when two disagree."""
    scores: dict[int, list] = defaultdict(list)
    ids = [i.item_id for i in items]
    if ids:
        for item_id, score in session.execute(select(Review.item_id, Review.score).where(
                Review.kind == kind, Review.item_id.in_(ids))):
            scores[item_id].append(score)
    base = per_item(campaign, kind)
    return {i.item_id: max(base, 3) if None not in scores[i.item_id]
            and needs_third_review(scores[i.item_id], _gap(campaign)) else base for i in items}


def top_up(session: Session, campaign: Campaign, kind: str) -> int:
    """Give every open item the reviewers it still lacks (reviewers who joined late help)."""
    items = open_items(session, kind)
    want = targets(session, campaign, kind, items)
    return sum(assign(session, kind, [i for i in items if want[i.item_id] == n], n)
               for n in sorted(set(want.values())))


def progress(session: Session, campaign: Campaign, kind: str) -> dict:
    """Count a kind's open items, those short of reviewers, and each reviewer's load."""
    items = open_items(session, kind)
    ids = [i.item_id for i in items]
    have = Counter(session.scalars(select(Review.item_id).where(
        Review.kind == kind, Review.item_id.in_(ids))).all()) if ids else Counter()
    want = targets(session, campaign, kind, items)
    load = session.execute(select(User.username, func.count(Review.id),
                                  func.count(Review.score)).join(
        Review, Review.reviewer_id == User.id).where(Review.kind == kind)
        .group_by(User.username).order_by(User.username)).all()
    return {"items": len(items), "short": sum(1 for i in ids if have[i] < want[i]),
            "want": per_item(campaign, kind),
            "reviewers": [{"name": n, "assigned": a, "done": d} for n, a, d in load]}


def top_up_all(session: Session, campaign: Campaign) -> int:
    """Top up plans and daily reports alike; return the reviews assigned."""
    return sum(top_up(session, campaign, kind) for kind in RUBRICS)


def reviewed_item(session: Session, kind: str, review: Review | None
                  ) -> EvidenceItem | DailyReport | None:
    """Load what a review is about: a plan item or a daily report."""
    if review is None:
        return None
    return session.get(EvidenceItem if kind == ReviewKind.PLAN else DailyReport, review.item_id)
