"""The policy: SCORING.md defaults, stored with every ranking, readable back."""

import json

import pytest
from scoring_factories import iv_candidate, iv_facts, r1_candidate, r1_facts

from scoring import Policy, PolicyError, policy_from_dict, policy_to_dict, rank_facts


def test_defaults_are_the_scoring_md_values():
    p = Policy()
    assert p.round1.tasks == {"wechat_share": 100, "survey": 100, "plan": 1, "app_download": 100}
    assert (p.round1.weight_timeliness, p.round1.weight_quality) == (0.4, 0.6)
    assert (p.round1.weight_plan, p.round1.weight_survey) == (0.5, 0.5)
    assert p.round1.shrinkage_k == 2
    assert (p.reviews.min_scores, p.reviews.third_review_gap) == (8, 20)
    r2 = p.round2
    assert (r2.weight_timeliness, r2.weight_operations, r2.weight_activity,
            r2.weight_reports) == (0.2, 0.4, 0.25, 0.15)
    assert (r2.days, r2.message_cap, r2.late_credit, r2.grace_hours) == (7, 50, 0.5, 24)
    assert r2.metrics == ("orders", "sales_yuan", "villagers_served", "app_activations")
    assert (p.round1.advance, p.round2.advance, p.interview.advance) == (400, 240, 160)


def test_policy_round_trips_through_json():
    data = json.loads(json.dumps(policy_to_dict(Policy())))
    assert policy_from_dict(data) == Policy()


def test_partial_policy_keeps_the_other_defaults():
    p = policy_from_dict({"round2": {"message_cap": 30, "metrics": ["orders"]}})
    assert (p.round2.message_cap, p.round2.metrics) == (30, ("orders",))
    assert p.round2.days == 7 and p.round1 == Policy().round1


@pytest.mark.parametrize(("data", "message"), [
    ({"round9": {}}, "policy: unknown key(s) round9"),
    ({"round1": {"weight": 1}}, "policy.round1: unknown key(s) weight"),
    ({"round1": {"shrinkage_k": "2"}}, "policy.round1.shrinkage_k must be a number"),
    ({"reviews": {"min_scores": 8.5}}, "policy.reviews.min_scores must be an integer"),
    ({"round1": {"tasks": {"plan": 0}}}, "every required count must be at least 1"),
    ({"round1": {"tasks": {"plan": 1}}}, "survey_task 'survey' is not a task"),
    ({"interview": {"advance": -1}}, "policy.interview.advance must not be negative"),
    ({"round2": {"metrics": "orders"}}, "policy.round2.metrics must be a list of names"),
    ({"round1": []}, "policy.round1 must be an object"),
    ([], "policy must be an object"),
])
def test_bad_policy_data(data, message):
    with pytest.raises(PolicyError) as caught:
        policy_from_dict(data)
    assert message in str(caught.value)


def test_ranking_stores_its_policy_and_recomputes_from_it():
    custom = {"interview": {"advance": 1}}
    facts = iv_facts(iv_candidate("A", [70]), iv_candidate("B", [90]))
    facts["policy"] = custom
    first = rank_facts(facts)
    assert first["policy"]["interview"]["advance"] == 1
    assert sum(r["advance"] for r in first["ranking"]) == 1
    again = rank_facts({**facts, "policy": first["policy"]})
    assert again == first


def test_an_explicit_policy_wins_over_the_stored_one():
    facts = r1_facts(r1_candidate("A"))
    facts["policy"] = {"round1": {"shrinkage_k": 5}}
    assert rank_facts(facts, Policy())["policy"]["round1"]["shrinkage_k"] == 2.0
