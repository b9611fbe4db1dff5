"""Ordering with tie-breaks, exact cut-offs and percentile ranks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from scoring.explain import placement_note, round_score, tie_note


@dataclass
class Entry:
    """A scored candidate waiting to be ordered.

    ``tiebreak`` holds the round's tie-break values in order, each arranged so that
    smaller is better; ``tiebreak_names`` names them (keys of explain.TIEBREAK_WORDS).
    """

    id: str
    score: float
    registered_at: float
    tiebreak: tuple[float, ...]
    components: dict[str, Any]
    explain: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Ranked:
    """A candidate's place in a published ranking."""

    id: str
    rank: int
    score: float
    advance: bool
    components: dict[str, Any]
    explain: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        """Return the row as JSON-ready data."""
        return {"id": self.id, "rank": self.rank, "score": self.score,
                "advance": self.advance, "components": self.components,
                "explain": self.explain}


def sort_key(entry: Entry) -> tuple[Any, ...]:
    """Return the full ordering key: rounded score descending, tie-breaks, registration, id."""
    return (-round_score(entry.score), *entry.tiebreak, entry.registered_at, entry.id)


def rank_entries(entries: list[Entry], advance: int, tiebreak_names: Sequence[str]) -> list[Ranked]:
    """Order entries, let exactly the best `advance` through and explain each place."""
    ordered = sorted((sort_key(e), e) for e in entries)
    names = ("score", *tiebreak_names, "registered_at", "id")
    cutoff = -ordered[advance - 1][0][0] if 0 < advance < len(ordered) else None
    ranked = []
    for i, (key, entry) in enumerate(ordered):
        score, notes = -key[0], entry.explain
        if i > 0 and ordered[i - 1][0][0] == key[0]:
            reason = _deciding(ordered[i - 1][0], key, names)
            notes.append(tie_note("tie_above", ordered[i - 1][1].id, i, score, reason))
        if i + 1 < len(ordered) and ordered[i + 1][0][0] == key[0]:
            reason = _deciding(key, ordered[i + 1][0], names)
            notes.append(tie_note("tie_below", ordered[i + 1][1].id, i + 2, score, reason))
        notes.append(placement_note(i + 1, len(ordered), advance, score, cutoff))
        ranked.append(Ranked(entry.id, i + 1, score, i < advance, entry.components, notes))
    return ranked


def _deciding(ahead: tuple[Any, ...], behind: tuple[Any, ...], names: Sequence[str]) -> str:
    for name, a, b in zip(names, ahead, behind, strict=True):
        if a != b:
            return name
    return "id"


def percentile_ranks(values: Sequence[float]) -> list[float]:
    """Return 100 × (rank from bottom − 1) / (n − 1) per value, ties sharing the average rank."""
    n = len(values)
    if n == 0:
        return []
    if n == 1:
        return [100.0]
    _, inverse, counts = np.unique(np.asarray(values, dtype=float),
                                   return_inverse=True, return_counts=True)
    starts = np.cumsum(counts) - counts  # values strictly below each distinct value
    average_rank = starts + (counts + 1) / 2.0
    ranks: list[float] = (100.0 * (average_rank[inverse] - 1.0) / (n - 1)).tolist()
    return ranks
