"""Migration 0008 keeps earlier rankings recomputable under the rule they were published with."""

import json
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from grader import migrate
from helpers import database_at
from scoring import rank_facts

AT = datetime(2016, 6, 1, 2, 0, tzinfo=UTC)
WINDOW = {"start": "2016-05-25T00:00:00+08:00", "end": "2016-05-31T00:00:00+08:00"}
EARLIER = {"survey_prior": None}, {"clip_normalised": False}  # round1, reviews


def candidate(cid: str, review: int, valid: int, calls: dict) -> dict:
    done = "2016-05-28T00:00:00+08:00"
    tasks = {t: {"accepted": n, "required": n, "completed_at": done}
             for t, n in (("wechat_share", 100), ("survey", 100), ("plan", 1),
                          ("app_download", 100))}
    return {"id": cid, "registered_at": "2016-05-04T09:00:00+08:00", "tasks": tasks,
            "plan_reviews": [{"reviewer": f"R{cid}", "score": review}], "survey_valid": valid,
            "spot_checks": calls}


@pytest.fixture(params=["sqlite", "postgresql"])
def db_at_0007(request, tmp_path):
    """A database migrated to 0007 only; dropped afterwards."""
    with database_at(request.param, tmp_path, "0007") as eng:
        yield eng


def earlier_facts() -> dict:
    """Round-1 facts as the app stored them before 2026-11: the campaign's policy, no prior."""
    return {"round": 1, "window": WINDOW, "advance": 1,
            "policy": {"round1": {"weight_quality": 0.6}},
            "candidates": [candidate("X", 80, 50, {"denied": 2}),
                           candidate("Y", 70, 100, {"confirmed": 1})]}


def under_the_earlier_rule(facts: dict) -> dict:
    """Rank the facts as the app did before 2026-11 (cohort prior, no clipping)."""
    policy = {"round1": {**facts["policy"]["round1"], **EARLIER[0]}, "reviews": EARLIER[1]}
    return rank_facts({**facts, "policy": policy})


def loaded(value):
    return value if isinstance(value, dict) else json.loads(value)


def stored_ranking(conn, facts: dict, published: dict) -> None:
    ranking = sa.Table("ranking", sa.MetaData(), autoload_with=conn)
    policy = {k: v for k, v in published["policy"].items()}
    policy["round1"] = {k: v for k, v in policy["round1"].items() if k != "survey_prior"}
    policy["reviews"] = {k: v for k, v in policy["reviews"].items() if k != "clip_normalised"}
    conn.execute(ranking.insert().values(
        id=1, round="1", status="published", policy=policy, facts=facts, result=published,
        size=len(published["ranking"]), warnings=[], created_at=AT, published_at=AT))


def test_earlier_rankings_recompute_exactly_after_the_upgrade(db_at_0007):
    facts = earlier_facts()
    published = under_the_earlier_rule(facts)
    assert rank_facts(facts)["ranking"] != published["ranking"]  # today's rule differs
    with db_at_0007.begin() as conn:
        stored_ranking(conn, facts, published)
    migrate.upgrade(db_at_0007)
    with db_at_0007.connect() as conn:
        row = conn.execute(sa.text("SELECT facts, policy FROM ranking")).one()
    stored_facts, policy = (loaded(v) for v in row)
    assert stored_facts["policy"]["round1"] == {"weight_quality": 0.6, "survey_prior": None}
    assert policy["reviews"]["clip_normalised"] is False
    assert rank_facts(stored_facts)["ranking"] == published["ranking"]


def test_the_downgrade_takes_the_marks_away(db_at_0007):
    facts = earlier_facts()
    published = under_the_earlier_rule(facts)
    with db_at_0007.begin() as conn:
        stored_ranking(conn, facts, published)
    migrate.upgrade(db_at_0007)
    migrate.downgrade(db_at_0007, "0007")
    with db_at_0007.connect() as conn:
        stored = conn.execute(sa.text("SELECT facts FROM ranking")).scalar_one()
    assert loaded(stored)["policy"] == {"round1": {"weight_quality": 0.6}}
