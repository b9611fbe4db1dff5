"""Invariants of the ranking: improving any single input never costs a candidate rank.

Reviews are generated with at most two scores per reviewer, so they stay raw: under
reviewer normalisation (8+ scores) a reviewer's own scores move their mean and sd, the one
coupling SCORING.md keeps (test_scoring_reviews.py). The confirmation prior p0 is the
campaign's, fixed, so a candidate's calls move nobody else; rankings published before
that rule used the cohort's rate, and there a confirmed call could cost rank
(test_a_confirmed_call_could_cost_rank_under_the_earlier_cohort_prior).
"""

import copy
from datetime import datetime, timedelta

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scoring_factories import LEGACY, METRICS, TASKS, WINDOW1, WINDOW2, r1_candidate, r1_facts, row

from scoring import rank_facts

START1 = datetime.fromisoformat(WINDOW1["start"])
START2 = datetime.fromisoformat(WINDOW2["start"])
REGISTRATIONS = ["2016-05-03T08:00:00+08:00", "2016-05-04T09:00:00+08:00"]
FAST = settings(max_examples=50, deadline=None)


def rank_of(facts, cid):
    return row(rank_facts(facts), cid)["rank"]


@st.composite
def r1_candidates(draw, index):
    tasks = {}
    for name, required in TASKS.items():
        accepted = draw(st.sampled_from([required, required, required - 1, 0]))
        hours = draw(st.integers(0, 16)) * 10  # 0..160 h after the start, past the end too
        tasks[name] = {"accepted": accepted, "required": required,
                       "completed_at": (START1 + timedelta(hours=hours)).isoformat()}
    reviews = draw(st.lists(st.integers(0, 10).map(lambda s: s * 10), max_size=2))
    counts = st.integers(0, 3)
    return {"id": f"C{index}", "registered_at": draw(st.sampled_from(REGISTRATIONS)),
            "tasks": tasks, "survey_valid": draw(st.integers(0, 12)) * 10,
            "plan_reviews": [{"reviewer": f"R{index}", "score": s} for s in reviews],
            "spot_checks": {k: draw(counts) for k in ("confirmed", "denied", "unreachable")}}


@st.composite
def r1_cohorts(draw):
    n = draw(st.integers(2, 5))
    cands = [draw(r1_candidates(i)) for i in range(n)]
    return {"round": 1, "window": dict(WINDOW1), "advance": 1, "candidates": cands}


@st.composite
def r2_cohorts(draw):
    cands = []
    for i in range(draw(st.integers(2, 5))):
        reports = [{"day": d, "submitted_at": (START2 + timedelta(days=d, hours=h)).isoformat()}
                   for d in range(1, 8)
                   if (h := draw(st.sampled_from([None, -3, 0, 12, 24, 30]))) is not None]
        scores = draw(st.lists(st.integers(0, 10).map(lambda s: s * 10), max_size=2))
        cands.append({
            "id": f"C{i}", "registered_at": draw(st.sampled_from(REGISTRATIONS)),
            "reports": reports, "metrics": {m: draw(st.integers(0, 4)) for m in METRICS},
            "messages": [{"day": d, "count": draw(st.sampled_from([0, 10, 50, 70]))}
                         for d in draw(st.sets(st.integers(1, 7), max_size=4))],
            "report_reviews": [{"reviewer": f"R{i}", "score": s} for s in scores]})
    return {"round": 2, "window": dict(WINDOW2), "advance": 1, "candidates": cands}


def improved(facts, change):
    better = copy.deepcopy(facts)
    change(better["candidates"][0])
    return better


def assert_no_worse(facts, change):
    assert rank_of(improved(facts, change), "C0") <= rank_of(facts, "C0")


@FAST
@given(r1_cohorts(), st.sampled_from(sorted(TASKS)), st.integers(1, 100), st.integers(0, 150))
def test_more_accepted_items(facts, task, more, hours):
    def change(c):
        t = c["tasks"][task]
        t["accepted"] = min(t["accepted"] + more, t["required"])
        t["completed_at"] = (START1 + timedelta(hours=hours)).isoformat()
    first = facts["candidates"][0]["tasks"][task]
    assume(first["accepted"] < first["required"])
    assert_no_worse(facts, change)


@FAST
@given(r1_cohorts(), st.sampled_from(sorted(TASKS)), st.integers(1, 60))
def test_earlier_completion(facts, task, hours):
    def change(c):
        done = datetime.fromisoformat(c["tasks"][task]["completed_at"])
        c["tasks"][task]["completed_at"] = (done - timedelta(hours=hours)).isoformat()
    assert_no_worse(facts, change)


@FAST
@given(r1_cohorts(), st.integers(1, 100))
def test_higher_plan_review(facts, more):
    def change(c):
        if c["plan_reviews"]:
            c["plan_reviews"][0]["score"] = min(100, c["plan_reviews"][0]["score"] + more)
    assert_no_worse(facts, change)


@FAST
@given(r1_cohorts(), st.integers(1, 50))
def test_more_valid_surveys(facts, more):
    assert_no_worse(facts, lambda c: c.update(survey_valid=c["survey_valid"] + more))


@FAST
@given(r1_cohorts(), st.sampled_from(["denied", "unreachable", None]))
def test_more_confirmed_calls_never_lower_own_survey_score(facts, source):
    def change(c):
        calls = c["spot_checks"]
        if source is not None and calls[source] > 0:
            calls[source] -= 1  # that call now confirmed
        calls["confirmed"] += 1
    before = row(rank_facts(facts), "C0")["components"]
    after = row(rank_facts(improved(facts, change)), "C0")["components"]
    assert after["confirmation_rate"] >= before["confirmation_rate"]
    assert after["survey"] >= before["survey"]


@FAST
@given(r1_cohorts(), st.sampled_from(["denied", "unreachable", None]))
def test_a_confirmed_call_never_costs_rank(facts, source):
    def change(c):
        calls = c["spot_checks"]
        if source is not None and calls[source] > 0:
            calls[source] -= 1  # that call now confirmed
        calls["confirmed"] += 1
    assert_no_worse(facts, change)


@FAST
@given(r1_cohorts(), st.sampled_from(["confirmed", "denied", "unreachable"]))
def test_one_candidates_calls_move_nobody_elses_survey_score(facts, outcome):
    def change(c):
        c["spot_checks"][outcome] += 3
    before, after = rank_facts(facts), rank_facts(improved(facts, change))
    for other in facts["candidates"][1:]:
        assert row(after, other["id"])["components"]["survey"] == \
            row(before, other["id"])["components"]["survey"]


def test_a_confirmed_call_could_cost_rank_under_the_earlier_cohort_prior():
    # Both complete at 05-28 (T = 50). X: P 80, V 0.5, 2 denied; Y: P 70, V 1, no calls.
    # Before: p0 = 0/2 = 0, so R = 0 and S = 0 for both: X = 20 + 0.6×40 = 44, Y = 20 + 0.6×35 = 41.
    # X turns one denial into a confirmation: p0 = 1/2. X: R = (1 + 1)/(2 + 2) = 0.5,
    # S = 25, Q = 52.5, score 51.5. Y: R = (0 + 1)/(0 + 2) = 0.5, S = 50, Q = 60, score 56.
    x = r1_candidate("X", reviews=[("R1", 80)], valid=50, calls={"denied": 2})
    y = r1_candidate("Y", reviews=[("R2", 70)], valid=100)
    before = rank_facts(r1_facts(x, y, policy=LEGACY))
    x["spot_checks"] = {"confirmed": 1, "denied": 1}
    after = rank_facts(r1_facts(x, y, policy=LEGACY))
    assert [(r["id"], r["score"]) for r in before["ranking"]] == [("X", 44.0), ("Y", 41.0)]
    assert [(r["id"], r["score"]) for r in after["ranking"]] == [("Y", 56.0), ("X", 51.5)]


@FAST
@given(r2_cohorts(), st.sampled_from(METRICS), st.integers(1, 5))
def test_higher_metric(facts, metric, more):
    assert_no_worse(facts, lambda c: c["metrics"].update({metric: c["metrics"][metric] + more}))


@FAST
@given(r2_cohorts(), st.integers(1, 7), st.integers(1, 80))
def test_more_messages(facts, day, more):
    assert_no_worse(facts, lambda c: c["messages"].append({"day": day, "count": more}))


@FAST
@given(r2_cohorts(), st.integers(1, 7), st.integers(1, 40))
def test_earlier_report(facts, day, hours):
    def change(c):
        mine = [r for r in c["reports"] if r["day"] == day]
        if not mine:
            late = START2 + timedelta(days=day, hours=48 - hours)
            c["reports"].append({"day": day, "submitted_at": late.isoformat()})
        for r in mine:
            sent = datetime.fromisoformat(r["submitted_at"]) - timedelta(hours=hours)
            r["submitted_at"] = sent.isoformat()
    assert_no_worse(facts, change)


@FAST
@given(r2_cohorts(), st.integers(1, 100))
def test_higher_report_review(facts, more):
    def change(c):
        if c["report_reviews"]:
            c["report_reviews"][0]["score"] = min(100, c["report_reviews"][0]["score"] + more)
    assert_no_worse(facts, change)


@FAST
@given(st.lists(st.lists(st.integers(0, 20).map(lambda s: s * 5), min_size=1, max_size=3),
                min_size=2, max_size=6),
       st.integers(1, 100), st.lists(st.sampled_from(REGISTRATIONS), min_size=6, max_size=6))
def test_higher_interview_score(scores, more, registered):
    facts = {"round": "interview", "advance": 1, "candidates": [
        {"id": f"C{i}", "registered_at": registered[i],
         "interview_scores": [{"interviewer": f"I{j}", "score": s} for j, s in enumerate(ss)]}
        for i, ss in enumerate(scores)]}

    def change(c):
        c["interview_scores"][0]["score"] = min(100, c["interview_scores"][0]["score"] + more)
    assert_no_worse(facts, change)


@FAST
@given(r1_cohorts(), st.integers(0, 6))
def test_exactly_n_advance_and_ranks_are_a_permutation(facts, advance):
    facts["advance"] = advance
    ranking = rank_facts(facts)["ranking"]
    assert sorted(r["rank"] for r in ranking) == list(range(1, len(ranking) + 1))
    assert sum(r["advance"] for r in ranking) == min(advance, len(ranking))
    assert all(r["advance"] == (r["rank"] <= advance) for r in ranking)
    assert [r["score"] for r in ranking] == sorted((r["score"] for r in ranking), reverse=True)
