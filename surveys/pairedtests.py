"""Paired stability tests for back-checks: Student's t and Wilcoxon signed-rank (Stata's)."""

from __future__ import annotations

import math
import statistics
from typing import Any, Sequence

Pair = tuple[float, float]


def paired_ttest(pairs: Sequence[Pair]) -> dict[str, Any]:
    """Return Stata's ``ttest survey == back_check``: means, t, df and two-sided p."""
    n = len(pairs)
    result: dict[str, Any] = {"n": n, "mu_survey": None, "mu_back_check": None, "diff": None,
                              "sd_diff": None, "t": None, "df": None, "p": None}
    if not n:
        return result
    diffs = [a - b for a, b in pairs]
    result.update(mu_survey=statistics.fmean(a for a, _ in pairs),
                  mu_back_check=statistics.fmean(b for _, b in pairs),
                  diff=statistics.fmean(diffs))
    if n < 2:
        return result
    sd = statistics.stdev(diffs)
    result.update(sd_diff=sd, df=n - 1)
    if sd > 0:
        t = result["diff"] / (sd / math.sqrt(n))
        result.update(t=t, p=2 * t_sf(abs(t), n - 1))
    return result


def t_sf(t: float, df: float) -> float:
    """Return P(T > t) for Student's t with ``df`` degrees of freedom, t >= 0."""
    return 0.5 * betainc(df / 2, 0.5, df / (df + t * t))


def betainc(a: float, b: float, x: float) -> float:
    """Return the regularised incomplete beta function I_x(a, b)."""
    if x <= 0 or x >= 1:
        return 0.0 if x <= 0 else 1.0
    log_front = (math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
                 + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1) / (a + b + 2):
        return math.exp(log_front) * _beta_fraction(a, b, x) / a
    return 1 - math.exp(log_front) * _beta_fraction(b, a, 1 - x) / b


def _beta_fraction(a: float, b: float, x: float) -> float:
    """Evaluate the incomplete beta continued fraction by the modified Lentz method."""
    tiny = 1e-300
    c, d = 1.0, 1 - (a + b) * x / (a + 1)
    d = 1 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 500):
        for numerator in (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                          -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))):
            d = 1 + numerator * d
            d = 1 / (d if abs(d) > tiny else tiny)
            c = 1 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= c * d
        if abs(c * d - 1) < 1e-15:
            break
    return result


def average_ranks(values: Sequence[float]) -> list[float]:
    """Return 1-based ranks with ties given their average rank."""
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for position in range(start, end + 1):
            ranks[order[position]] = (start + end) / 2 + 1
        start = end + 1
    return ranks


def signrank(pairs: Sequence[Pair]) -> dict[str, Any]:
    """Return Stata's ``signrank survey = back_check`` (zeros ranked, then set aside)."""
    diffs = [a - b for a, b in pairs]
    ranks = average_ranks([abs(d) for d in diffs])
    n, zeros = len(diffs), sum(1 for d in diffs if d == 0)
    sum_pos = sum((r for r, d in zip(ranks, diffs, strict=True) if d > 0), 0.0)
    sum_neg = sum((r for r, d in zip(ranks, diffs, strict=True) if d < 0), 0.0)
    expected = (n * (n + 1) / 2 - sum(r for r, d in zip(ranks, diffs, strict=True) if d == 0)) / 2
    nonzero = [r for r, d in zip(ranks, diffs, strict=True) if d != 0]
    ties = sum(t * (t * t - 1) for t in _tie_sizes(nonzero))
    variance = (n * (n + 1) * (2 * n + 1) - zeros * (zeros + 1) * (2 * zeros + 1)) / 24 - ties / 48
    z = (sum_pos - expected) / math.sqrt(variance) if variance > 0 else None
    return {"n": n, "n_pos": sum(1 for d in diffs if d > 0), "n_neg": sum(1 for d in diffs if d < 0),
            "n_tie": zeros, "sum_pos": sum_pos, "sum_neg": sum_neg, "expected": expected,
            "variance": variance, "z": z,
            "p": math.erfc(abs(z) / math.sqrt(2)) if z is not None else None}


def _tie_sizes(ranks: list[float]) -> list[int]:
    counts: dict[float, int] = {}
    for rank in ranks:
        counts[rank] = counts.get(rank, 0) + 1
    return [c for c in counts.values() if c > 1]
