"""Reviewer normalisation and the third-review rule (SCORING.md, "Reviewer normalisation")."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from scoring.explain import f2

# A reviewer whose scores differ by less than this counts as having sd 0 (float noise).
_FLAT = 1e-9


@dataclass(frozen=True)
class ReviewerStats:
    """One reviewer's scores in the round: count, mean and population sd."""

    count: int
    mean: float
    sd: float


@dataclass(frozen=True)
class AdjustedReview:
    """A review score before and after normalisation, with the reason."""

    reviewer: str
    raw: float
    adjusted: float
    rule: str  # "normalised", "few_scores" or "flat_reviewer"
    reviewer_stats: ReviewerStats
    cohort_mean: float
    cohort_sd: float
    min_scores: int

    def as_dict(self) -> dict[str, Any]:
        """Return the review as JSON-ready data."""
        return {"reviewer": self.reviewer, "raw": self.raw,
                "adjusted": round(self.adjusted, 4), "rule": self.rule}

    def describe(self) -> tuple[str, str]:
        """Describe the review in English and in Chinese."""
        who, raw, s = self.reviewer, f"{self.raw:g}", self.reviewer_stats
        if self.rule == "normalised":
            cm, cs, rm, rs = (f2(x) for x in (self.cohort_mean, self.cohort_sd, s.mean, s.sd))
            adjusted = f2(self.adjusted)
            return (f"{who} {raw} → {adjusted}: cohort mean {cm} + ({raw} − reviewer mean "
                    f"{rm}) × cohort sd {cs} / reviewer sd {rs}",
                    f"{who} {raw} → {adjusted}:全体均值 {cm} + ({raw} − 该评审均值 {rm}) × "
                    f"全体标准差 {cs} / 该评审标准差 {rs}")
        if self.rule == "flat_reviewer":
            return (f"{who} {raw} raw (reviewer's scores do not vary)",
                    f"{who} {raw} 原始分(该评审打分无差异)")
        return (f"{who} {raw} raw (reviewer has {s.count} score(s), fewer than "
                f"{self.min_scores})",
                f"{who} {raw} 原始分(该评审仅 {s.count} 个评分,少于 {self.min_scores} 个)")


def mean_sd(values: Sequence[float]) -> tuple[float, float]:
    """Return the mean and the population standard deviation."""
    n = len(values)
    mean = math.fsum(values) / n
    return mean, math.sqrt(math.fsum((v - mean) ** 2 for v in values) / n)


def reviewer_stats(reviews: Sequence[tuple[str, float]]) -> dict[str, ReviewerStats]:
    """Return each reviewer's count, mean and population sd."""
    by_reviewer: dict[str, list[float]] = {}
    for reviewer, score in reviews:
        by_reviewer.setdefault(reviewer, []).append(score)
    return {r: ReviewerStats(len(s), *mean_sd(s)) for r, s in by_reviewer.items()}


def normalise_reviews(
    reviews: Sequence[tuple[str, float]], min_scores: int = 8, clip: bool = True
) -> list[AdjustedReview]:
    """Normalise every (reviewer, score) of one round against the round's cohort.

    With `clip` (SCORING.md) a normalised score is kept to 0..100; rankings published before
    the rule are recomputed without it.
    """
    if not reviews:
        return []
    cohort_mean, cohort_sd = mean_sd([score for _, score in reviews])
    stats = reviewer_stats(reviews)
    return [
        _adjust(reviewer, score, stats[reviewer], cohort_mean, cohort_sd, min_scores, clip)
        for reviewer, score in reviews
    ]


def normalise_grouped(
    groups: dict[str, list[tuple[str, float]]], min_scores: int = 8, clip: bool = True
) -> dict[str, list[AdjustedReview]]:
    """Normalise the reviews of every item (plan, candidate) together; return them per item."""
    flat = [(item, review) for item, reviews in groups.items() for review in reviews]
    adjusted = normalise_reviews([review for _, review in flat], min_scores, clip)
    result: dict[str, list[AdjustedReview]] = {item: [] for item in groups}
    for (item, _), review in zip(flat, adjusted, strict=True):
        result[item].append(review)
    return result


def _adjust(reviewer: str, score: float, stats: ReviewerStats, cohort_mean: float,
            cohort_sd: float, min_scores: int, clip: bool = True) -> AdjustedReview:
    if stats.count < min_scores:
        rule, adjusted = "few_scores", score
    elif stats.sd < _FLAT:
        rule, adjusted = "flat_reviewer", score
    else:
        rule = "normalised"
        adjusted = cohort_mean + (score - stats.mean) * cohort_sd / stats.sd
        if clip:
            adjusted = min(100.0, max(0.0, adjusted))
    return AdjustedReview(reviewer, score, adjusted, rule, stats, cohort_mean, cohort_sd,
                          min_scores)


def needs_third_review(scores: Sequence[float], gap: float = 20) -> bool:
    """Return True when two reviews of one item differ by more than gap and no third exists."""
    return len(scores) == 2 and abs(scores[0] - scores[1]) > gap
