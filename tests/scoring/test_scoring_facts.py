"""Malformed facts raise FactsError naming the candidate and the field."""

import copy

import pytest
from scoring_factories import at, iv_candidate, iv_facts, r1_candidate, r1_facts, r2_candidate, r2_facts

from scoring import FactsError, rank_facts


def r1_with(change):
    facts = r1_facts(r1_candidate("C0001"), r1_candidate("C0002"))
    change(facts["candidates"][1])
    return facts


def r2_with(change):
    facts = r2_facts(r2_candidate("C0001"), r2_candidate("C0002"))
    change(facts["candidates"][1])
    return facts


@pytest.mark.parametrize(("facts", "message"), [
    (r1_with(lambda c: c.pop("registered_at")), "candidate C0002: registered_at is missing"),
    (r1_with(lambda c: c.update(registered_at="2016-05-04 09:00")),
     "candidate C0002: registered_at must include a UTC offset"),
    (r1_with(lambda c: c.update(registered_at="yesterday")),
     "candidate C0002: registered_at is not an ISO 8601 datetime"),
    (r1_with(lambda c: c["tasks"]["survey"].update(accepted=-1)),
     "candidate C0002: tasks.survey.accepted must be a non-negative integer, got -1"),
    (r1_with(lambda c: c["tasks"]["survey"].update(accepted=True)),
     "tasks.survey.accepted must be a non-negative integer"),
    (r1_with(lambda c: c["tasks"].pop("plan")), "candidate C0002: tasks.plan is missing"),
    (r1_with(lambda c: c["tasks"].update(video={"accepted": 1})),
     "candidate C0002: tasks has unknown task(s) video"),
    (r1_with(lambda c: c["tasks"]["plan"].update(required=2)),
     "candidate C0002: tasks.plan.required is 2 but the policy requires 1"),
    (r1_with(lambda c: c["tasks"]["plan"].update(completed_at=None)),
     "candidate C0002: tasks.plan.completed_at is missing although the task is complete"),
    (r1_with(lambda c: c.update(plan_reviews=[{"reviewer": "R1", "score": 101}])),
     "candidate C0002: plan_reviews.0.score must be between 0 and 100, got 101"),
    (r1_with(lambda c: c.update(plan_reviews=[{"score": 80}])),
     "candidate C0002: plan_reviews.0.reviewer must be a non-empty string"),
    (r1_with(lambda c: c.update(plan_reviews={"R1": 80})),
     "candidate C0002: plan_reviews must be a list"),
    (r1_with(lambda c: c.update(spot_checks={"confirmed": 1, "maybe": 2})),
     "candidate C0002: spot_checks has unknown outcome(s) maybe"),
    (r1_with(lambda c: c.update(spot_checks={"confirmed": 1.5})),
     "candidate C0002: spot_checks.confirmed must be a non-negative integer"),
    (r1_with(lambda c: c.pop("survey_valid")), "candidate C0002: survey_valid is missing"),
    (r1_with(lambda c: c.update(id="C0001")), "candidate C0001: id appears more than once"),
    (r1_with(lambda c: c.update(id="")), "candidates[1]: id must be a non-empty string"),
    (r2_with(lambda c: c["reports"].append({"day": 8, "submitted_at": at(6, 9)})),
     "candidate C0002: reports.7.day must be a day number from 1 to 7, got 8"),
    (r2_with(lambda c: c["reports"][0].pop("submitted_at")),
     "candidate C0002: reports.0.submitted_at is missing"),
    (r2_with(lambda c: c["metrics"].pop("orders")), "candidate C0002: metrics.orders is missing"),
    (r2_with(lambda c: c["metrics"].update(likes=3)),
     "candidate C0002: metrics has unknown metric(s) likes"),
    (r2_with(lambda c: c["metrics"].update(sales_yuan=float("nan"))),
     "candidate C0002: metrics.sales_yuan must be between 0 and inf"),
    (r2_with(lambda c: c.update(messages=[{"day": 0, "count": 3}])),
     "candidate C0002: messages.0.day must be a day number from 1 to 7, got 0"),
    (r2_with(lambda c: c.update(messages=[{"day": 1, "count": -3}])),
     "candidate C0002: messages.0.count must be a non-negative integer, got -3"),
    (r2_with(lambda c: c.update(messages=["x"])), "candidate C0002: messages.0 must be an object"),
])
def test_malformed_candidate_facts(facts, message):
    with pytest.raises(FactsError) as caught:
        rank_facts(facts)
    assert message in str(caught.value)


def test_malformed_interview_facts():
    facts = iv_facts(iv_candidate("C7", [80]))
    facts["candidates"][0]["accepts_reassignment"] = "yes"
    with pytest.raises(FactsError, match="candidate C7: accepts_reassignment must be true"):
        rank_facts(facts)


@pytest.mark.parametrize(("change", "message"), [
    (lambda f: f.update(round=4), "facts: round must be 1, 2, 3 or \"interview\", got 4"),
    (lambda f: f.update(round=True), "round must be 1, 2, 3"),
    (lambda f: f.pop("window"), "facts: window is missing"),
    (lambda f: f["window"].pop("end"), "facts: window.end is missing"),
    (lambda f: f["window"].update(end=f["window"]["start"]), "window.end must be after"),
    (lambda f: f.update(advance=-1), "facts: advance must be a non-negative integer"),
    (lambda f: f.update(candidates={}), "facts: candidates must be a list"),
    (lambda f: f.pop("candidates"), "facts: candidates is missing"),
])
def test_malformed_round_facts(change, message):
    facts = copy.deepcopy(r1_facts(r1_candidate("A")))
    change(facts)
    with pytest.raises(FactsError) as caught:
        rank_facts(facts)
    assert message in str(caught.value)


def test_facts_must_be_an_object():
    with pytest.raises(FactsError, match="facts must be a JSON object"):
        rank_facts([])  # type: ignore[arg-type]


def test_unfinished_task_may_carry_a_stale_completion_time():
    facts = r1_facts(r1_candidate("A", accepted={"plan": 0}))
    facts["candidates"][0]["tasks"]["plan"]["completed_at"] = at(5, 26)
    assert rank_facts(facts)["ranking"][0]["components"]["completion_time"] is None


def test_facts_error_is_a_value_error():
    assert issubclass(FactsError, ValueError)
