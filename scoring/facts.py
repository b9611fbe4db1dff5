"""Read and check the plain-JSON facts that rankings are computed from.

Checks take the enclosing location and the key being read, and build the dotted path
only when they fail, so reading 100,000 candidates stays cheap.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from scoring.errors import FactsError


class Where:
    """A location in the facts, used to name the candidate and field in errors."""

    __slots__ = ("candidate", "path")

    def __init__(self, candidate: str | None, path: str = "") -> None:
        self.candidate = candidate
        self.path = path

    def __truediv__(self, key: object) -> Where:
        """Return the location one key deeper."""
        return Where(self.candidate, f"{self.path}.{key}" if self.path else str(key))

    def fail(self, problem: str, key: object = None) -> FactsError:
        """Return an error naming this location (or its child key; a tuple is a deeper path)."""
        if isinstance(key, tuple):
            key = ".".join(map(str, key))
        at = self if key is None else self / key
        who = f"candidate {at.candidate}" if at.candidate else "facts"
        return FactsError(f"{who}: {at.path or 'value'} {problem}")


def _wrong(expected: str, value: Any) -> str:
    return "is missing" if value is None else f"must be {expected}, got {value!r}"


def get(obj: dict[str, Any], key: str, where: Where, default: Any = ...) -> Any:
    """Return obj[key], the default when absent or null, or raise naming the missing field."""
    value = obj.get(key)
    if value is not None:
        return value
    if default is ...:
        raise where.fail("is missing", key)
    return default


def mapping(value: Any, where: Where, key: object = None) -> dict[str, Any]:
    """Return value if it is a JSON object."""
    if not isinstance(value, dict):
        raise where.fail(f"must be an object, got {type(value).__name__}", key)
    return value


def items(value: Any, where: Where, key: object = None) -> list[dict[str, Any]]:
    """Return value if it is a list of JSON objects."""
    if not isinstance(value, list):
        raise where.fail(f"must be a list, got {type(value).__name__}", key)
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise where.fail(f"must be an object, got {type(item).__name__}",
                             (key, i) if key is not None else i)
    return value


def number(value: Any, where: Where, key: object = None,
           low: float = 0.0, high: float = math.inf) -> float:
    """Return value as a float if it is a finite number within low..high."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise where.fail(_wrong("a number", value), key)
    if not low <= value <= high or not math.isfinite(value):
        raise where.fail(f"must be between {low:g} and {high:g}, got {value!r}", key)
    return float(value)


def count(value: Any, where: Where, key: object = None, high: int | None = None) -> int:
    """Return value if it is a non-negative integer (at most high)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise where.fail(_wrong("a non-negative integer", value), key)
    if high is not None and value > high:
        raise where.fail(f"must be at most {high}, got {value!r}", key)
    return value


def day(value: Any, where: Where, key: object, days: int) -> int:
    """Return value if it is a day number 1..days."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= days:
        raise where.fail(_wrong(f"a day number from 1 to {days}", value), key)
    return value


def moment(value: Any, where: Where, key: object = None) -> datetime:
    """Return value parsed as an ISO 8601 datetime with a UTC offset."""
    if not isinstance(value, str):
        raise where.fail(_wrong("an ISO 8601 datetime string", value), key)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise where.fail(f"is not an ISO 8601 datetime: {value!r}", key) from None
    if parsed.tzinfo is None:
        raise where.fail(f"must include a UTC offset, got {value!r}", key)
    return parsed


def candidate_id(raw: dict[str, Any], index: int, seen: set[str]) -> str:
    """Return the candidate's id, checking it is a unique non-empty string."""
    value = raw.get("id")
    if not isinstance(value, str) or not value:
        raise FactsError(f"candidates[{index}]: id must be a non-empty string, got {value!r}")
    if value in seen:
        raise FactsError(f"candidate {value}: id appears more than once")
    seen.add(value)
    return value


def candidates(facts: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Return (id, raw candidate) pairs after checking the list and the ids."""
    raw = items(get(facts, "candidates", Where(None)), Where(None), "candidates")
    seen: set[str] = set()
    return [(candidate_id(c, i, seen), c) for i, c in enumerate(raw)]


def reviews(raw: dict[str, Any], key: str, who: str, where: Where) -> list[tuple[str, float]]:
    """Return the (reviewer, score) pairs listed under key, scores on 0..100."""
    result = []
    for i, entry in enumerate(items(get(raw, key, where, []), where, key)):
        name = entry.get(who)
        if not isinstance(name, str) or not name:
            raise where.fail(f"must be a non-empty string, got {name!r}", (key, i, who))
        score = number(entry.get("score"), where, (key, i, "score"), 0.0, 100.0)
        result.append((name, score))
    return result
