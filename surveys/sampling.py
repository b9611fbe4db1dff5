"""Spot-check sampling: K numbers per candidate, reproducible from a recorded seed."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from surveys.checks import RowResult, check_rows
from surveys.schema import SheetError, SurveyRow

Seed = int | str


@dataclass(frozen=True)
class SpotCheck:
    """One number to call: its candidate, form row, E.164 number and draw position (1..)."""

    candidate: str
    row: int
    phone_e164: str
    draw: int

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON shape of one sampled row."""
        return {"candidate": self.candidate, "row": self.row, "phone_e164": self.phone_e164,
                "draw": self.draw}


def _results(items: Sequence[RowResult | SurveyRow]) -> Sequence[RowResult]:
    rows = [item for item in items if isinstance(item, SurveyRow)]
    if rows:
        return check_rows(rows)
    return [item for item in items if isinstance(item, RowResult)]


def spot_check_pool(items: Sequence[RowResult | SurveyRow]) -> dict[str, list[RowResult]]:
    """Return per candidate the forms with a valid number, each number once, sorted."""
    first: dict[str, dict[str, RowResult]] = {}
    for result in _results(items):
        if result.candidate is None or result.phone_e164 is None:
            continue
        numbers = first.setdefault(result.candidate, {})
        kept = numbers.get(result.phone_e164)
        if kept is None or result.row < kept.row:
            numbers[result.phone_e164] = result
    return {candidate: [numbers[n] for n in sorted(numbers)]
            for candidate, numbers in sorted(first.items())}


def candidate_rng(seed: Seed, candidate: str) -> random.Random:
    """Return the candidate's own generator, derived from the seed and the candidate id."""
    return random.Random(f"{seed}\x1f{candidate}")


def draw_order(pool: list[RowResult], candidate: str, seed: Seed,
               limit: int | None = None) -> list[SpotCheck]:
    """Return the first ``limit`` draws of the candidate's random permutation of the pool."""
    order = candidate_rng(seed, candidate).sample(pool, len(pool))[:limit]
    return [SpotCheck(candidate, r.row, r.phone_e164 or "", n)
            for n, r in enumerate(order, start=1)]


def sample_spot_checks(items: Sequence[RowResult | SurveyRow], per_candidate: int = 5,
                       seed: Seed = 0) -> list[SpotCheck]:
    """Draw ``per_candidate`` numbers uniformly per candidate (all when fewer)."""
    if per_candidate < 0:
        raise SheetError("per_candidate must not be negative", "每人抽查数不能为负")
    sample = []
    for candidate, pool in spot_check_pool(items).items():
        sample.extend(draw_order(pool, candidate, seed, per_candidate))
    return sample


def next_replacement(items: Sequence[RowResult | SurveyRow], candidate: str, seed: Seed,
                     taken: Iterable[str]) -> SpotCheck | None:
    """Return the candidate's next draw whose number is not in ``taken`` (None when spent)."""
    used = set(taken)
    pool = spot_check_pool(items).get(candidate, [])
    for check in draw_order(pool, candidate, seed):
        if check.phone_e164 not in used:
            return check
    return None


def extra_calls_needed(outcomes: Mapping[str, Iterable[str]], threshold: float = 0.4,
                       extra: int = 5,
                       counted: tuple[str, ...] = ("denied", "wrong_number")) -> dict[str, int]:
    """Return ``extra`` calls per candidate whose denied share of reached calls passes it."""
    needed = {}
    for candidate, calls in outcomes.items():
        tally = Counter(calls)
        reached = tally["confirmed"] + tally["denied"] + tally["wrong_number"]
        denied = sum(tally[outcome] for outcome in counted)
        if reached and denied / reached > threshold:
            needed[candidate] = extra
    return needed
