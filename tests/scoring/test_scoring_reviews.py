"""Reviewer normalisation and the third-review rule."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import needs_third_review, normalise_reviews

# RA: mean 70, sd 5; RB: mean 50, sd 15; RC: 2 scores. All 18 scores: mean 60, sd 15
# (sum of squared deviations 8×25 + 4×225 + 4×625 + 2×225 = 4050; 4050/18 = 225).
COHORT = ([("RA", 65.0), ("RA", 75.0)] * 4 + [("RB", 35.0), ("RB", 65.0)] * 4
          + [("RC", 45.0), ("RC", 75.0)])


def test_reviewer_with_eight_scores_is_mapped_onto_the_cohort():
    adjusted = normalise_reviews(COHORT)
    # RA: 60 + (65 − 70) × 15/5 = 45 and 60 + (75 − 70) × 15/5 = 75.
    assert [a.adjusted for a in adjusted[:2]] == [45.0, 75.0]
    # RB: 60 + (35 − 50) × 15/15 = 45 and 60 + 15 = 75.
    assert [a.adjusted for a in adjusted[8:10]] == [45.0, 75.0]
    assert {a.rule for a in adjusted[:16]} == {"normalised"}
    assert (adjusted[0].cohort_mean, adjusted[0].cohort_sd) == (60.0, 15.0)
    assert (adjusted[0].reviewer_stats.mean, adjusted[0].reviewer_stats.sd) == (70.0, 5.0)


def test_reviewer_with_fewer_than_eight_scores_stays_raw():
    adjusted = normalise_reviews(COHORT)
    assert [(a.raw, a.adjusted, a.rule) for a in adjusted[16:]] == [
        (45.0, 45.0, "few_scores"), (75.0, 75.0, "few_scores")]


def test_seven_scores_raw_eight_normalised():
    seven = [("R", 60.0), ("R", 80.0)] * 3 + [("R", 70.0)] + [("S", 10.0)]
    assert {a.rule for a in normalise_reviews(seven)[:7]} == {"few_scores"}
    eight = [("R", 60.0), ("R", 80.0)] * 4 + [("S", 10.0)]
    assert {a.rule for a in normalise_reviews(eight)[:8]} == {"normalised"}
    assert {a.rule for a in normalise_reviews(eight, min_scores=9)[:8]} == {"few_scores"}


def test_reviewer_with_sd_zero_stays_raw():
    # RD gives 70 eight times; RE gives 50/90 (mean 70, sd 20). Cohort: mean 70,
    # sd = sqrt((4×400 + 4×400)/16) = sqrt(200). RE's 90 → 70 + 20 × sqrt(200)/20 = 84.142.
    reviews = [("RD", 70.0)] * 8 + [("RE", 50.0), ("RE", 90.0)] * 4
    adjusted = normalise_reviews(reviews)
    assert [(a.adjusted, a.rule) for a in adjusted[:8]] == [(70.0, "flat_reviewer")] * 8
    assert adjusted[9].adjusted == pytest.approx(70 + math.sqrt(200))


def test_normalised_scores_were_not_clipped_in_earlier_rankings():
    # Before 2026-11 no clipping: a reviewer far below the cohort could map a plan above 100.
    # RA: 7 × 30 and one 40 (mean 31.25, sd sqrt(10.9375) = 3.3072); RB: 60..100.
    # Cohort mean 860/16 = 53.75, sd sqrt(55800/16 − 53.75²) = sqrt(598.4375) = 24.4630.
    # 40 → 53.75 + 8.75 × 24.4630/3.3072 = 118.47.
    reviews = [("RA", 30.0)] * 7 + [("RB", s) for s in (60, 70, 80, 90, 100, 60, 70, 80)]
    adjusted = normalise_reviews([*reviews, ("RA", 40.0)], clip=False)
    assert adjusted[-1].adjusted == pytest.approx(118.473, abs=1e-3)


def test_normalised_scores_are_clipped_to_the_scale():
    # SCORING.md: the same 118.47 is kept to 100 (and nothing falls below 0).
    reviews = [("RA", 30.0)] * 7 + [("RB", s) for s in (60, 70, 80, 90, 100, 60, 70, 80)]
    assert normalise_reviews([*reviews, ("RA", 40.0)])[-1].adjusted == 100.0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["RA", "RB", "RC"]), st.integers(0, 100)),
                min_size=1, max_size=40))
def test_every_normalised_score_lies_on_the_scale(reviews):
    for review in normalise_reviews([(r, float(s)) for r, s in reviews]):
        assert 0.0 <= review.adjusted <= 100.0


def test_a_higher_raw_score_could_lower_the_unclipped_normalised_score():
    # Same cohort with 41 instead of 40: RA mean 31.375, sd sqrt(13.234375) = 3.6379; cohort
    # mean 53.8125, sd sqrt(55881/16 − 53.8125²) = sqrt(596.77734) = 24.4290;
    # 41 → 53.8125 + 9.625 × 24.4290/3.6379 = 118.446 < 118.473. Pinned so a policy change is
    # a conscious one (see the property tests: rank monotonicity holds for raw reviews only).
    reviews = [("RA", 30.0)] * 7 + [("RB", s) for s in (60, 70, 80, 90, 100, 60, 70, 80)]
    forty = normalise_reviews([*reviews, ("RA", 40.0)], clip=False)[-1].adjusted
    forty_one = normalise_reviews([*reviews, ("RA", 41.0)], clip=False)[-1].adjusted
    assert forty_one == pytest.approx(118.446, abs=1e-3)
    assert forty_one < forty


def test_no_reviews():
    assert normalise_reviews([]) == []


@pytest.mark.parametrize(("scores", "expected"), [
    ([50, 71], True), ([71, 50], True), ([50, 70], False), ([50], False), ([], False),
    ([20, 90, 60], False),  # a third review exists already
])
def test_needs_third_review_when_two_reviews_differ_by_more_than_the_gap(scores, expected):
    assert needs_third_review(scores) is expected


def test_third_review_gap_is_configurable():
    assert needs_third_review([50, 61], gap=10) is True
