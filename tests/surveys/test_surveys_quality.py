from datetime import date

import pytest

from surveys import (CallTally, SheetError, Tolerance, all_questions, answers_agree, check_rows,
                     cohort_rate, compare_answers, confirmation_rate, parse_record,
                     sample_spot_checks, survey_qualities, survey_quality)


def test_tally_counts_outcomes():
    tally = CallTally.of(["confirmed", "confirmed", "denied", "wrong_number", "unreachable",
                          "refused"])
    assert tally == CallTally(2, 1, 1, 1, 1)
    assert tally.reached == 4
    with pytest.raises(SheetError, match="unknown call outcome"):
        CallTally.of(["maybe"])


def test_hand_computed_scores():
    a = CallTally.of(["confirmed"] * 4 + ["denied", "unreachable"])  # reached 5
    b = CallTally.of(["confirmed"] * 2 + ["wrong_number", "refused", "refused"])  # reached 3
    p0 = cohort_rate([a, b])
    assert p0 == pytest.approx(6 / 8)
    assert confirmation_rate(a, p0) == pytest.approx((4 + 2 * 0.75) / (5 + 2))
    scores = survey_qualities({"A": (98, a), "B": (120, b)}, required=100)
    assert scores["A"] == pytest.approx(100 * 0.98 * 5.5 / 7)  # 77.00
    assert round(scores["A"], 2) == 77.0
    assert scores["B"] == pytest.approx(70.0)  # V capped at 1, R = 3.5 / 5


def test_nobody_reached_means_p0_of_one():
    silent = CallTally.of(["unreachable", "refused"])
    assert cohort_rate([silent, CallTally()]) == 1.0
    assert survey_quality(50, 100, silent, 1.0) == pytest.approx(50.0)
    with pytest.raises(SheetError):
        survey_quality(50, 0, silent, 1.0)


def test_from_forms_and_calls_to_s():
    questions = all_questions()
    phones = ["13800138000", "13800138001", "13800138001", "12345", "13800138002"]
    rows = [parse_record(i + 2, {"candidate": "C1", "name": "张三", "phone": phone,
                                 "village": "王庄村", "household_size": "4", "shops_online": "是",
                                 "surveyed_at": "2016-05-26"}, questions)
            for i, phone in enumerate(phones)]
    results = check_rows(rows)
    valid = sum(r.valid for r in results)
    assert valid == 3  # one repeat and one bad number
    calls = sample_spot_checks(results, per_candidate=5, seed=7)
    assert len(calls) == 3  # three distinct valid numbers
    outcomes = ["confirmed", "denied", "unreachable"]
    tally = CallTally.of(outcomes)
    p0 = cohort_rate([tally, CallTally.of(["confirmed"] * 3)])  # another candidate: 3 of 3
    assert p0 == pytest.approx(4 / 5)
    # V = 3 / 4 required, R = (1 + 2 * 0.8) / (2 + 2) = 0.65, S = 100 * 0.75 * 0.65
    assert survey_quality(valid, 4, tally, p0) == pytest.approx(48.75)


def test_compare_answers_with_tolerances():
    survey = {"household_size": 4, "shops_online": True, "village": "王庄村 一组",
              "surveyed_at": date(2016, 5, 26), "income": 10000}
    call = {"household_size": 5, "shops_online": "是", "village": "王庄村  一组 ",
            "income": 10400, "name": None}
    checks = {c.question: c.match for c in compare_answers(
        survey, call, {"household_size": Tolerance(absolute=1),
                       "income": Tolerance(relative=0.05)})}
    assert checks == {"household_size": True, "shops_online": True, "village": True,
                      "income": True}
    strict = {c.question: c.match for c in compare_answers(survey, call)}
    assert strict["household_size"] is False and strict["income"] is False
    assert answers_agree(None, 3) is False
    assert answers_agree(True, "否") is False
    assert answers_agree(4, "4") is True
    assert answers_agree(date(2016, 5, 26), "2016-05-26") is True
