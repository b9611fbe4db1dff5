"""The state of a round: whether its ranking is published, which closes its submissions."""

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, defer

from grader.models import Candidate, Ranking, RankingEntry
from grader.models.states import RankingStatus

# a ranking's JSON bodies (megabytes for a full campaign): left unread by list pages
WITHOUT_BODIES = (defer(Ranking.policy), defer(Ranking.facts), defer(Ranking.result),
                  defer(Ranking.warnings))


def round_published(session: Session, round_name: str) -> bool:
    """Say whether a round's ranking was published (its submissions are closed then)."""
    return session.scalar(select(Ranking.id).where(Ranking.round == round_name,
                                                   Ranking.status == RankingStatus.PUBLISHED).limit(1)
                          ) is not None


def first_published_at(session: Session, round_name: str):
    """Return when the round was first published (amendments keep that date)."""
    return session.scalar(select(Ranking.published_at).where(
        Ranking.round == round_name, Ranking.status.in_([RankingStatus.PUBLISHED, RankingStatus.AMENDED]))
        .order_by(Ranking.published_at).limit(1))


def published_entry(session: Session, cand: Candidate) -> list[tuple[Ranking, dict]]:
    """Return the candidate's rows in every published ranking, newest first."""
    rows = session.execute(select(Ranking, RankingEntry.row).options(*WITHOUT_BODIES)
                           .join(RankingEntry, RankingEntry.ranking_id == Ranking.id)
                           .where(RankingEntry.candidate_id == cand.id,
                                  Ranking.status == RankingStatus.PUBLISHED)
                           .order_by(Ranking.id.desc()))
    return [(ranking, row) for ranking, row in rows]


def write_entries(session: Session, ranking: Ranking, ids: dict[str, int]) -> None:
    """Keep one row per candidate of a ranking being published (`ids`: reg_no to id)."""
    rows = [{"ranking_id": ranking.id, "candidate_id": ids[r["id"]], "rank": r["rank"],
             "score": r["score"], "advance": bool(r["advance"]), "row": r}
            for r in ranking.result["ranking"]]
    if rows:
        session.execute(insert(RankingEntry), rows)
