"""Order, ties at every tie-break level, and exact cut-offs."""

import pytest
from scoring_factories import (LEGACY, at, iv_candidate, iv_facts, order, r1_candidate, r1_facts,
                               r2_candidate, r2_facts, row)

from scoring import rank_facts

EARLY = "2016-05-03T08:00:00+08:00"  # registered earlier than the factories' default


def tie_note(result, cid):
    return next(n for n in row(result, cid)["explain"] if n["code"] == "tie_above")


def test_round1_equal_scores_go_to_the_earlier_completion_time():
    # X: T = 50 (05-28 00:00, 72 of 144 h left), P = 50, V = 0.5, R = 1 → Q = 50; 20 + 30 = 50.
    # Y: T = 20 (05-29 19:12, 28.8 h left), P = 70, V = 0.7 → Q = 70; 8 + 42 = 50.
    x = r1_candidate("X", done=at(5, 28), reviews=[("R", 50)], valid=50)
    y = r1_candidate("A", done=at(5, 29, 19, 12), reviews=[("R", 70)], valid=70,
                     registered=EARLY)
    result = rank_facts(r1_facts(x, y, policy=LEGACY))
    assert [r["score"] for r in result["ranking"]] == [50.0, 50.0]
    assert order(result) == ["X", "A"]
    assert tie_note(result, "A")["args"]["criterion"] == "completion_time"


def test_round1_incomplete_candidates_go_last_on_equal_scores():
    # X complete at the window end: T = 0, Q = 45 → 0.6 × 45 = 27.
    # Y: app_download 0/100, C = 0.75, Q = 60 → 0.75 × 0.6 × 60 = 27.
    x = r1_candidate("X", done=at(5, 31), reviews=[("R", 45)], valid=45)
    y = r1_candidate("A", accepted={"app_download": 0}, reviews=[("R", 60)], valid=60,
                     registered=EARLY)
    result = rank_facts(r1_facts(x, y, policy=LEGACY))
    assert [r["score"] for r in result["ranking"]] == [27.0, 27.0]
    assert order(result) == ["X", "A"]


def test_round1_same_completion_goes_to_the_higher_quality():
    # Both T = 50. X: Q = 70 → 62.000. Y: P = 70.01, Q = 70.005 → 62.003, also 62.00 rounded.
    x = r1_candidate("A", reviews=[("R", 70)], valid=70, registered=EARLY)
    y = r1_candidate("Y", reviews=[("R", 70.01)], valid=70)
    result = rank_facts(r1_facts(x, y, policy=LEGACY))
    assert [r["score"] for r in result["ranking"]] == [62.0, 62.0]
    assert order(result) == ["Y", "A"]
    assert tie_note(result, "A")["args"]["criterion"] == "quality"


def test_round1_rounded_score_comes_before_the_tie_breaks():
    # X: T = 50, Q = 70.01 → 62.006 → 62.01. Y one minute earlier: T = 50.0116, Q = 70 → 62.00.
    x = r1_candidate("X", reviews=[("R", 70.02)], valid=70)
    y = r1_candidate("A", done=at(5, 27, 23, 59), reviews=[("R", 70)], valid=70,
                     registered=EARLY)
    result = rank_facts(r1_facts(x, y, policy=LEGACY))
    assert [(r["id"], r["score"]) for r in result["ranking"]] == [("X", 62.01), ("A", 62.0)]


def test_round1_then_earlier_registration_then_id():
    later = r1_candidate("A")
    earlier = r1_candidate("Z", registered=EARLY)
    twin = r1_candidate("B")
    result = rank_facts(r1_facts(later, earlier, twin))
    assert order(result) == ["Z", "A", "B"]
    assert tie_note(result, "A")["args"]["criterion"] == "registered_at"
    assert tie_note(result, "B")["args"]["criterion"] == "id"


def test_round2_equal_scores_go_to_the_higher_report_timeliness():
    # Metrics and message totals equal (O = 50, message percentile 50 each), no reviews.
    # X: 7 on time (T2 = 100), one active day of 100 messages capped to 50:
    #    A = 25 + 50 × 1/7; score = 20 + 20 + 0.25 × 32.142857 = 48.035714.
    # Y: 2 on time + 5 late (T2 = 100 × 4.5/7 = 64.285714), 5 days × 10 messages:
    #    A = 25 + 50 × 5/7 = 60.714286; score = 12.857143 + 20 + 15.178571 = 48.035714.
    x = r2_candidate("X", messages=[(1, 100)])
    late = [{"day": d, "submitted_at": at(6, 2 + d, 12)} for d in range(3, 8)]
    y = r2_candidate("A", reports=[{"day": 1, "submitted_at": at(6, 2, 20)},
                                   {"day": 2, "submitted_at": at(6, 3, 20)}, *late],
                     messages=[(d, 10) for d in range(1, 6)], registered=EARLY)
    result = rank_facts(r2_facts(x, y))
    assert [r["score"] for r in result["ranking"]] == [48.04, 48.04]
    assert order(result) == ["X", "A"]
    assert tie_note(result, "A")["args"]["criterion"] == "timeliness"


def test_round2_same_timeliness_goes_to_the_higher_operations_score():
    # X orders 10 vs 5: O = (100 + 50 + 50 + 50)/4 = 62.5 against 37.5; A = 25 each (no messages).
    # X = 20 + 25 + 6.25 = 51.25; Y = 20 + 15 + 6.25 + 0.15 × 66.67 = 51.2505 → 51.25.
    x = r2_candidate("X", metrics={"orders": 10})
    y = r2_candidate("A", metrics={"orders": 5}, reviews=[("R", 66.67)], registered=EARLY)
    result = rank_facts(r2_facts(x, y))
    assert [r["score"] for r in result["ranking"]] == [51.25, 51.25]
    assert order(result) == ["X", "A"]
    assert tie_note(result, "A")["args"]["criterion"] == "operations"


def test_round2_then_earlier_registration_then_id():
    result = rank_facts(r2_facts(r2_candidate("B"), r2_candidate("C", registered=EARLY),
                                 r2_candidate("A")))
    assert order(result) == ["C", "A", "B"]


def test_interview_ties_go_to_registration_then_id():
    result = rank_facts(iv_facts(iv_candidate("B", [80]), iv_candidate("C", [70, 90]),
                                 iv_candidate("A", [80], registered=EARLY),
                                 iv_candidate("D", [85])))
    assert order(result) == ["D", "A", "B", "C"]


def five_interviews(advance):
    # Scores 90, 80, 70, 70, 60; the two 70s tie and T4 registered earlier than T3.
    return iv_facts(iv_candidate("T1", [90]), iv_candidate("T2", [80]),
                    iv_candidate("T3", [70]), iv_candidate("T4", [70], registered=EARLY),
                    iv_candidate("T5", [60]), advance=advance)


def test_exactly_n_advance_even_with_a_tie_at_the_cut_off():
    result = rank_facts(five_interviews(3))
    assert [(r["id"], r["rank"], r["advance"]) for r in result["ranking"]] == [
        ("T1", 1, True), ("T2", 2, True), ("T4", 3, True), ("T3", 4, False), ("T5", 5, False)]
    last = row(result, "T3")["explain"]
    assert last[-2]["code"] == "tie_above" and last[-2]["args"]["criterion"] == "registered_at"
    assert last[-1]["code"] == "below_cutoff" and last[-1]["args"]["gap"] == 0.0
    assert row(result, "T5")["explain"][-1]["args"]["gap"] == 10.0


@pytest.mark.parametrize(("advance", "expected"), [(0, 0), (1, 1), (5, 5), (9, 5)])
def test_never_more_than_n_advance(advance, expected):
    result = rank_facts(five_interviews(advance))
    assert sum(r["advance"] for r in result["ranking"]) == expected
    assert result["advance"] == advance


def test_nobody_advances_when_n_is_zero():
    result = rank_facts(five_interviews(0))
    assert row(result, "T1")["explain"][-1]["code"] == "below_cutoff"
    assert row(result, "T1")["explain"][-1]["args"]["cutoff"] is None


def test_default_cut_offs_come_from_the_policy():
    assert rank_facts(iv_facts(iv_candidate("A", [1])))["advance"] == 160
    facts = r1_facts(r1_candidate("A"))
    del facts["advance"]
    assert rank_facts(facts)["advance"] == 400
    facts = r2_facts(r2_candidate("A"))
    del facts["advance"]
    assert rank_facts(facts)["advance"] == 240


def test_empty_cohort_ranks_nobody():
    assert rank_facts(r1_facts())["ranking"] == []
