"""Round 2 rules of SCORING.md, checked against numbers worked out by hand."""

import pytest
from scoring_factories import at, r2_candidate, r2_facts, row

from scoring import percentile_ranks, rank_facts


def test_report_credits_on_time_half_late_and_missing():
    # Window start 06-02 00:00, so day d is due by 06-(2+d) 00:00 and half credit runs 24 h more.
    reports = [
        {"day": 1, "submitted_at": "2016-06-02T15:30:00+00:00"},  # 23:30 +08:00: on time, 1
        {"day": 2, "submitted_at": at(6, 4)},                     # exactly 24:00 of day 2: 1
        {"day": 3, "submitted_at": at(6, 5, 10)},                 # 10 h late: 0.5
        {"day": 4, "submitted_at": at(6, 7)},                     # exactly 24 h late: 0.5
        {"day": 5, "submitted_at": at(6, 8, 0, 0, 1)},            # 24 h 1 s late: 0
        {"day": 7, "submitted_at": at(6, 9)},                     # day 6 missing: 0; day 7: 1
    ]
    result = rank_facts(r2_facts(r2_candidate("A", reports=reports)))
    # T2 = 100 × (1 + 1 + 0.5 + 0.5 + 0 + 0 + 1)/7 = 400/7 = 57.14.
    assert row(result, "A")["components"]["timeliness"] == 57.14
    note = row(result, "A")["explain"][0]
    assert note["code"] == "reports"
    assert note["args"]["credits"] == [1.0, 1.0, 0.5, 0.5, 0.0, 0.0, 1.0]
    assert "day 3 late 0.5, day 4 late 0.5, day 5 too late 0, day 6 missing 0" in note["en"]
    assert "第6天缺交 0" in note["zh"]


def test_a_resubmitted_report_keeps_its_first_time():
    reports = [{"day": 1, "submitted_at": at(6, 4)}, {"day": 1, "submitted_at": at(6, 2, 9)}]
    result = rank_facts(r2_facts(r2_candidate("A", reports=reports)))
    assert row(result, "A")["components"]["timeliness"] == 14.29  # 100 × 1/7


@pytest.mark.parametrize(("values", "expected"), [
    ([10, 20, 20, 30, 5], [25.0, 62.5, 62.5, 100.0, 0.0]),  # ranks 2, 3.5, 3.5, 5, 1 of 5
    ([7, 7, 7], [50.0, 50.0, 50.0]),                        # all share rank 2 of 3
    ([3.5, 1.0], [100.0, 0.0]),
    ([42], [100.0]),                                        # n = 1
    ([], []),
])
def test_percentile_ranks_average_ties(values, expected):
    assert percentile_ranks(values) == expected


def worked_example():
    # X: all reports on time; metrics ahead on orders and activations, tied on villagers.
    # Messages day 1: 40 DingTalk + 30 WeChat = 70, capped to 50; day 2: 10 → 60, 2 active days.
    x = r2_candidate("X", metrics={"orders": 31, "sales_yuan": 4210.5, "villagers_served": 57,
                                   "app_activations": 12},
                     messages=[(1, 40), (1, 30), (2, 10), (3, 0)],
                     reviews=[("R02", 70), ("R03", 80)])
    # Y: day 1 on time, day 2 late (half), the rest missing; 5 messages on each of 7 days.
    y = r2_candidate("Y", reports=[{"day": 1, "submitted_at": at(6, 2, 22)},
                                   {"day": 2, "submitted_at": at(6, 4, 8)}],
                     metrics={"orders": 20, "sales_yuan": 5000, "villagers_served": 57,
                              "app_activations": 3},
                     messages=[(d, 5) for d in range(1, 8)], reviews=[("R02", 60)])
    return r2_facts(x, y)


def test_worked_example_components():
    result = rank_facts(worked_example())
    x, y = row(result, "X")["components"], row(result, "Y")["components"]
    # Percentiles in a cohort of 2: higher 100, lower 0, tie 50.
    assert x["metric_percentiles"] == {"orders": 100.0, "sales_yuan": 0.0,
                                       "villagers_served": 50.0, "app_activations": 100.0}
    assert (x["operations"], y["operations"]) == (62.5, 37.5)  # (100+0+50+100)/4, (0+100+50+0)/4
    assert (x["messages"], y["messages"]) == (60, 35)
    assert (x["active_days"], y["active_days"]) == (2, 7)
    # A_X = 0.5 × 100 + 0.5 × 100 × 2/7 = 64.29; A_Y = 0.5 × 0 + 0.5 × 100 × 7/7 = 50.
    assert (x["activity"], y["activity"]) == (64.29, 50.0)
    assert (x["report_quality"], y["report_quality"]) == (75.0, 60.0)
    assert (x["timeliness"], y["timeliness"]) == (100.0, 21.43)  # 100 × 1.5/7


def test_worked_example_scores():
    result = rank_facts(worked_example())
    # X = 0.2×100 + 0.4×62.5 + 0.25×64.285714 + 0.15×75 = 20 + 25 + 16.071429 + 11.25 = 72.32.
    # Y = 0.2×21.428571 + 0.4×37.5 + 0.25×50 + 0.15×60 = 4.285714 + 15 + 12.5 + 9 = 40.79.
    assert [(r["id"], r["score"]) for r in result["ranking"]] == [("X", 72.32), ("Y", 40.79)]
    assert [n["code"] for n in row(result, "X")["explain"]] == [
        "reports", "operations", "activity", "report_quality", "score", "advances"]


def test_message_cap_applies_to_each_day_not_the_week():
    # 7 days × 60 messages → 7 × 50 = 350; the other sends 300 on one day → 50.
    busy = r2_candidate("A", messages=[(d, 60) for d in range(1, 8)])
    burst = r2_candidate("B", messages=[(1, 300)])
    result = rank_facts(r2_facts(busy, burst))
    assert row(result, "A")["components"]["messages"] == 350
    assert row(result, "B")["components"]["messages"] == 50
    # B: A = 0.5 × 0 + 0.5 × 100 × 1/7 = 7.14.
    assert row(result, "B")["components"]["activity"] == 7.14


def test_report_reviews_are_normalised_like_plan_reviews():
    # R1 reviews 8 reports: 65/75 (mean 70, sd 5); R2 8 reports: 35/65 (mean 50, sd 15).
    # Cohort mean 60, sd 15: R1's 75 → 75, R1's 65 → 45, R2's 65 → 75, R2's 35 → 45.
    a = r2_candidate("A", reviews=[("R1", 75), ("R1", 65)] * 4)
    b = r2_candidate("B", reviews=[("R2", 65), ("R2", 35)] * 3 + [("R2", 65)])
    c = r2_candidate("C", reviews=[("R2", 35)])
    result = rank_facts(r2_facts(a, b, c))
    assert row(result, "A")["components"]["report_quality"] == 60.0   # mean of 75, 45 ×4
    assert row(result, "B")["components"]["report_quality"] == 62.14  # (4×75 + 3×45)/7
    assert row(result, "C")["components"]["report_quality"] == 45.0


def test_no_report_reviews_means_zero_report_quality():
    result = rank_facts(r2_facts(r2_candidate("A")))
    assert row(result, "A")["components"]["report_quality"] == 0.0
