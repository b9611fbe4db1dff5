"""Round 1 rules of SCORING.md, each checked against numbers worked out by hand."""

import json

import pytest
from scoring_factories import LEGACY, at, codes, order, r1_candidate, r1_facts, row

from scoring import policy_from_dict, rank_facts, round_score


def worked_example(policy=LEGACY):
    # A: app_download 97/100, so incomplete. B: complete, latest task at 05-28 12:00.
    a = r1_candidate("A", accepted={"app_download": 97}, reviews=[("R01", 78)], valid=98,
                     calls={"confirmed": 4, "denied": 1, "wrong_number": 0,
                            "unreachable": 1, "refused": 0})
    a["tasks"]["wechat_share"]["completed_at"] = at(5, 27, 18)
    b = r1_candidate("B", reviews=[("R01", 70), ("R02", 80)], valid=100,
                     calls={"confirmed": 2, "wrong_number": 1, "unreachable": 3, "refused": 2})
    b["tasks"]["wechat_share"]["completed_at"] = at(5, 26, 10)
    b["tasks"]["survey"]["completed_at"] = at(5, 28, 12)
    b["tasks"]["plan"]["completed_at"] = at(5, 27, 9)
    b["tasks"]["app_download"]["completed_at"] = at(5, 28, 6)
    return r1_facts(a, b, advance=1, policy=policy)


def test_worked_example_components_under_the_cohort_prior_of_earlier_rankings():
    result = rank_facts(worked_example())
    # p0 = (4 + 2) confirmed / (5 + 3) reached = 0.75 (B: wrong_number reached, rest not).
    assert result["cohort"]["confirmation_rate"] == 0.75
    a = row(result, "A")["components"]
    # C = (1 + 1 + 1 + 0.97) / 4 = 0.9925; incomplete, so no completion time and T = 0.
    assert a["completeness"] == 0.9925
    assert a["completion_time"] is None
    assert a["timeliness"] == 0.0
    # P = 78 (R01 has 2 scores, fewer than 8: raw). V = 0.98. R = (4 + 2×0.75)/(5 + 2) = 5.5/7.
    assert a["plan"] == 78.0
    assert a["survey_valid_rate"] == 0.98
    assert a["confirmation_rate"] == 0.7857
    # S = 100 × 0.98 × 5.5/7 = 539/7 = 77; Q = 0.5×78 + 0.5×77 = 77.5.
    assert a["survey"] == 77.0
    assert a["quality"] == 77.5
    b = row(result, "B")["components"]
    # Latest task 05-28 12:00, 60 h before the end of a 144 h window: T = 100×60/144 = 41.67.
    assert b["completion_time"] == "2016-05-28T12:00:00+08:00"
    assert b["timeliness"] == 41.67
    # P = (70 + 80)/2 = 75; R = (2 + 1.5)/(3 + 2) = 0.7; S = 70; Q = 37.5 + 35 = 72.5.
    assert (b["plan"], b["confirmation_rate"], b["survey"], b["quality"]) == (75, 0.7, 70, 72.5)


def test_worked_example_scores_and_cutoff_under_the_cohort_prior_of_earlier_rankings():
    result = rank_facts(worked_example())
    # A = 0.9925 × (0.4×0 + 0.6×77.5) = 46.15125 → 46.15.
    # B = 1 × (0.4×41.6667 + 0.6×72.5) = 16.6667 + 43.5 = 60.1667 → 60.17.
    assert [(r["id"], r["rank"], r["score"], r["advance"]) for r in result["ranking"]] == [
        ("B", 1, 60.17, True), ("A", 2, 46.15, False)]
    below = row(result, "A")["explain"][-1]
    assert below["code"] == "below_cutoff"
    assert below["args"]["gap"] == 14.02  # 60.17 − 46.15
    assert "60.17" in below["en"] and "60.17" in below["zh"]


def test_explain_lists_every_component_in_both_languages():
    result = rank_facts(worked_example())
    assert codes(result, "A") == ["completeness", "incomplete", "timeliness", "plan", "survey",
                                  "quality", "score", "below_cutoff"]
    for note in row(result, "B")["explain"]:
        assert set(note) == {"code", "args", "en", "zh"} and note["en"] and note["zh"]
    score_note = row(result, "B")["explain"][-2]
    assert score_note["en"] == ("Score = C × (0.4 T + 0.6 Q) = 1.0000 × (0.4 × 41.67 + "
                                "0.6 × 72.50) = 60.17")


def test_accepted_items_are_capped_at_the_required_count():
    # 150 accepted shares count as 100/100; 0 app downloads as 0/100: C = 3/4.
    facts = r1_facts(r1_candidate("A", accepted={"wechat_share": 150, "app_download": 0}))
    assert row(rank_facts(facts), "A")["components"]["completeness"] == 0.75


@pytest.mark.parametrize(("done", "expected"), [
    (at(5, 25), 100.0),        # at the window start: 144/144
    (at(5, 24), 100.0),        # before the start: 168/144 clipped to 100
    (at(5, 29, 12), 25.0),     # 36 h before the end: 36/144
    (at(5, 31), 0.0),          # exactly at the end
    (at(5, 31, 6), 0.0),       # after the end: −6/144 clipped to 0
])
def test_timeliness_is_clipped_to_the_window(done, expected):
    result = rank_facts(r1_facts(r1_candidate("A", done=done)))
    assert row(result, "A")["components"]["timeliness"] == expected
    assert row(result, "A")["components"]["completeness"] == 1.0


def test_completion_time_is_the_latest_task_and_can_be_in_another_offset():
    c = r1_candidate("A", done=at(5, 26))
    c["tasks"]["plan"]["completed_at"] = "2016-05-29T04:00:00+00:00"  # = 05-29 12:00 +08:00
    result = rank_facts(r1_facts(c))
    # 36 h before the end: T = 25.
    assert row(result, "A")["components"]["timeliness"] == 25.0


def test_worked_example_with_the_campaign_prior():
    result = rank_facts(worked_example(policy=None))  # SCORING.md: p0 = 0.9, fixed
    assert result["cohort"]["confirmation_rate"] == 0.9
    a, b = row(result, "A")["components"], row(result, "B")["components"]
    # A: R = (4 + 2×0.9)/(5 + 2) = 5.8/7 = 0.8286; S = 100 × 0.98 × 5.8/7 = 81.2;
    # Q = 0.5×78 + 0.5×81.2 = 79.6; score = 0.9925 × 0.6 × 79.6 = 47.40.
    assert (a["confirmation_rate"], a["survey"], a["quality"]) == (0.8286, 81.2, 79.6)
    # B: R = (2 + 1.8)/(3 + 2) = 0.76; S = 76; Q = 37.5 + 38 = 75.5;
    # score = 0.4×41.6667 + 0.6×75.5 = 61.97.
    assert (b["confirmation_rate"], b["survey"], b["quality"]) == (0.76, 76.0, 75.5)
    assert [(r["id"], r["score"]) for r in result["ranking"]] == [("B", 61.97), ("A", 47.4)]
    assert "预设确认率 p0 = 0.9000" in row(result, "A")["explain"][4]["zh"]


def test_the_prior_is_the_campaigns_while_no_call_reached_anyone():
    # Nobody reached: R = (0 + 2×0.9)/(0 + 2) = 0.9, so S = 100 × V × 0.9.
    a = r1_candidate("A", valid=80, calls={"unreachable": 3, "refused": 1})
    b = r1_candidate("B", valid=100)
    result = rank_facts(r1_facts(a, b))
    assert row(result, "A")["components"]["survey"] == 72.0
    assert row(result, "B")["components"]["survey"] == 90.0


def test_confirmation_rate_is_shrunk_toward_the_campaign_prior():
    # A: R = (1 + 1.8)/(1 + 2) = 0.9333; B: R = (9 + 1.8)/(18 + 2) = 0.54, whatever A's calls.
    b = r1_candidate("B", calls={"confirmed": 9, "denied": 5, "wrong_number": 4})
    for a_calls in ({"confirmed": 1}, {"confirmed": 1, "denied": 30}):
        result = rank_facts(r1_facts(r1_candidate("A", calls=a_calls), b))
        assert row(result, "B")["components"]["confirmation_rate"] == 0.54
    result = rank_facts(r1_facts(r1_candidate("A", calls={"confirmed": 1}), b))
    assert row(result, "A")["components"]["confirmation_rate"] == 0.9333


def test_p0_is_one_while_no_call_reached_anyone():
    # Nobody reached: p0 = 1, R = (0 + 2×1)/(0 + 2) = 1, so S = 100 × V = 80.
    a = r1_candidate("A", valid=80, calls={"unreachable": 3, "refused": 1})
    b = r1_candidate("B", valid=100)
    result = rank_facts(r1_facts(a, b, policy=LEGACY))  # the cohort's rate, before 2026-11
    assert result["cohort"]["confirmation_rate"] == 1.0
    assert row(result, "A")["components"]["survey"] == 80.0
    assert row(result, "B")["components"]["survey"] == 100.0


def test_confirmation_rate_was_shrunk_toward_the_cohort_in_earlier_rankings():
    # p0 = (1 + 9)/(1 + 18) = 10/19.
    # A: R = (1 + 20/19)/(1 + 2) = 13/19 = 0.6842; B: R = (9 + 20/19)/(18 + 2) = 191/380 = 0.5026.
    a = r1_candidate("A", calls={"confirmed": 1})
    b = r1_candidate("B", calls={"confirmed": 9, "denied": 5, "wrong_number": 4})
    result = rank_facts(r1_facts(a, b, policy=LEGACY))
    assert result["cohort"]["confirmation_rate"] == 0.5263
    assert row(result, "A")["components"]["confirmation_rate"] == 0.6842
    assert row(result, "B")["components"]["confirmation_rate"] == 0.5026
    assert row(result, "A")["components"]["survey"] == 68.42  # 100 × 1 × 13/19


def test_valid_surveys_are_capped_at_the_required_count():
    result = rank_facts(r1_facts(r1_candidate("A", valid=130)))
    assert row(result, "A")["components"]["survey_valid_rate"] == 1.0


def test_plan_is_zero_without_reviews_and_flags_a_third_review():
    a = r1_candidate("A")
    b = r1_candidate("B", reviews=[("R01", 50), ("R02", 71)])  # 21 apart: more than 20
    c = r1_candidate("C", reviews=[("R01", 50), ("R02", 70)])  # 20 apart: not more than 20
    result = rank_facts(r1_facts(a, b, c))
    assert row(result, "A")["components"]["plan"] == 0.0
    assert row(result, "B")["components"]["plan_needs_third_review"] is True
    assert "third_review" in codes(result, "B")
    assert row(result, "C")["components"]["plan_needs_third_review"] is False


def test_plan_reviews_are_normalised_for_reviewers_with_eight_scores():
    # Reviewer RA: 65/75 four times each (mean 70, sd 5); RB: 35/65 (mean 50, sd 15).
    # Cohort of 16 scores: mean 60, sd 15. RA's 75 → 60 + 5×15/5 = 75; RB's 65 → 60 + 15 = 75;
    # RA's 65 → 45; RB's 35 → 45.
    cands = [r1_candidate(f"A{i}", reviews=[("RA", 65 if i % 2 else 75)]) for i in range(8)]
    cands += [r1_candidate(f"B{i}", reviews=[("RB", 35 if i % 2 else 65)]) for i in range(8)]
    result = rank_facts(r1_facts(*cands))
    assert [row(result, c)["components"]["plan"] for c in ("A0", "A1", "B0", "B1")] == [
        75.0, 45.0, 75.0, 45.0]
    assert "cohort sd 15.00 / reviewer sd 5.00" in row(result, "A0")["explain"][3]["en"]


def test_policy_weights_change_the_arithmetic():
    policy = policy_from_dict({"round1": {"weight_timeliness": 1.0, "weight_quality": 0.0}})
    result = rank_facts(r1_facts(r1_candidate("A", done=at(5, 29, 12))), policy)
    assert row(result, "A")["score"] == 25.0  # C × T = 1 × 25
    assert result["policy"]["round1"]["weight_timeliness"] == 1.0


@pytest.mark.parametrize(("value", "expected"), [
    (2.675, 2.68), (1.005, 1.01), (46.15125, 46.15), (0.125, 0.13), (60.166666, 60.17),
    (49.99999999999, 50.0), (0.0, 0.0),
])
def test_scores_round_half_up_to_two_decimals(value, expected):
    assert round_score(value) == expected


def test_output_scores_have_two_decimals():
    result = rank_facts(worked_example())
    for r in result["ranking"]:
        assert r["score"] == round(r["score"], 2)
    assert order(result) == ["B", "A"]


def test_output_is_plain_json_and_the_facts_are_left_alone():
    facts = worked_example()
    before = json.dumps(facts, sort_keys=True)
    result = rank_facts(facts)
    assert json.loads(json.dumps(result, ensure_ascii=False)) == result
    assert json.dumps(facts, sort_keys=True) == before
