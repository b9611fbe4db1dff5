"""Call outcomes, answer comparison and the survey quality S of SCORING.md."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, fields
from datetime import date
from typing import Any, Iterable, Mapping

from surveys.schema import SheetError

OUTCOMES = ("confirmed", "denied", "wrong_number", "unreachable", "refused")
REACHED = ("confirmed", "denied", "wrong_number")
SHRINK_K = 2.0


@dataclass(frozen=True)
class CallTally:
    """Counts of spot-check call outcomes for one candidate."""

    confirmed: int = 0
    denied: int = 0
    wrong_number: int = 0
    unreachable: int = 0
    refused: int = 0

    @classmethod
    def of(cls, outcomes: Iterable[str]) -> CallTally:
        """Count a sequence of outcome codes."""
        counts = dict.fromkeys(OUTCOMES, 0)
        for outcome in outcomes:
            if outcome not in counts:
                raise SheetError(f"unknown call outcome {outcome!r}", f"未知的通话结果：{outcome}")
            counts[outcome] += 1
        return cls(**counts)

    @property
    def reached(self) -> int:
        """Return the calls that reached the villager (confirmed, denied, wrong number)."""
        return self.confirmed + self.denied + self.wrong_number

    def __add__(self, other: CallTally) -> CallTally:
        """Return the sum of two tallies."""
        return CallTally(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


def cohort_rate(tallies: Iterable[CallTally]) -> float:
    """Return p0, confirmed / reached over the cohort (1 while nobody was reached)."""
    total = sum(tallies, CallTally())
    return total.confirmed / total.reached if total.reached else 1.0


def confirmation_rate(tally: CallTally, p0: float, k: float = SHRINK_K) -> float:
    """Return R, the confirmation rate shrunk toward the cohort rate p0."""
    return (tally.confirmed + k * p0) / (tally.reached + k)


def survey_quality(valid_forms: int, required: int, tally: CallTally, p0: float,
                   k: float = SHRINK_K) -> float:
    """Return S = 100 × V × R with V = valid forms / required capped at 1."""
    if required <= 0:
        raise SheetError("required forms must be positive", "要求份数必须为正数")
    share = min(1.0, valid_forms / required)
    return 100.0 * share * confirmation_rate(tally, p0, k)


def survey_qualities(candidates: Mapping[str, tuple[int, CallTally]], required: int = 100,
                     k: float = SHRINK_K) -> dict[str, float]:
    """Return S per candidate from (valid forms, call tally), p0 taken over all of them."""
    p0 = cohort_rate(tally for _, tally in candidates.values())
    return {cid: survey_quality(valid, required, tally, p0, k)
            for cid, (valid, tally) in candidates.items()}


@dataclass(frozen=True)
class Tolerance:
    """How far a call answer may be from the survey's: max(absolute, relative × |survey|)."""

    absolute: float = 0.0
    relative: float = 0.0


@dataclass(frozen=True)
class AnswerCheck:
    """One question asked on the call: both answers and whether they agree."""

    question: str
    survey: Any
    call: Any
    match: bool


def compare_answers(survey: Mapping[str, Any], call: Mapping[str, Any],
                    tolerances: Mapping[str, Tolerance] | None = None) -> list[AnswerCheck]:
    """Compare the answers given on the call (None = not asked) with the survey's."""
    tolerances = tolerances or {}
    checks = []
    for question, heard in call.items():
        if heard is None or heard == "":
            continue
        recorded = survey.get(question)
        tolerance = tolerances.get(question, Tolerance())
        checks.append(AnswerCheck(question, recorded, heard, answers_agree(recorded, heard,
                                                                           tolerance)))
    return checks


def answers_agree(recorded: Any, heard: Any, tolerance: Tolerance | None = None) -> bool:
    """Return True when two answers agree (numbers within the tolerance, text folded)."""
    tolerance = tolerance or Tolerance()
    if recorded is None or recorded == "":
        return False
    if isinstance(recorded, bool) or isinstance(heard, bool):
        return _as_bool(recorded) == _as_bool(heard)
    first, second = _as_number(recorded), _as_number(heard)
    if first is not None and second is not None:
        allowed = max(tolerance.absolute, tolerance.relative * abs(first))
        return abs(second - first) <= allowed + 1e-9
    return _fold(recorded) == _fold(heard)


def _as_number(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    try:
        number = float(unicodedata.normalize("NFKC", str(value)).strip())
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = _fold(value)
    return True if text in ("是", "有", "yes", "y", "1", "true") else (
        False if text in ("否", "无", "没有", "no", "n", "0", "false") else None)


def _fold(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    text = unicodedata.normalize("NFKC", str(value)).casefold()
    return re.sub(r"\s+", " ", text).strip()
