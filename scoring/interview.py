"""Interview (面试): the mean of the interviewers' scores; reassignment shown beside it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from scoring import facts
from scoring.explain import Note, f2, note, round_score
from scoring.ranks import Entry

TIEBREAKS: tuple[str, ...] = ()


@dataclass(frozen=True)
class Candidate:
    """An interviewed candidate's facts."""

    id: str
    registered_at: datetime
    scores: list[tuple[str, float]]
    accepts_reassignment: bool | None


def parse_candidate(cid: str, raw: dict[str, Any]) -> Candidate:
    """Read one candidate's interview facts."""
    at = facts.Where(cid)
    accepts = raw.get("accepts_reassignment")
    if accepts is not None and not isinstance(accepts, bool):
        raise at.fail(f"must be true or false, got {accepts!r}", "accepts_reassignment")
    return Candidate(cid, facts.moment(facts.get(raw, "registered_at", at), at, "registered_at"),
                     facts.reviews(raw, "interview_scores", "interviewer", at), accepts)


def interview_score(scores: list[tuple[str, float]]) -> float:
    """Return the mean of the interviewers' scores, 0 when nobody scored."""
    return sum(s for _, s in scores) / len(scores) if scores else 0.0


def score_interview(candidates: list[Candidate]) -> tuple[list[Entry], dict[str, Any]]:
    """Compute every candidate's interview score and explanation."""
    return [_entry(c) for c in candidates], {}


def _entry(c: Candidate) -> Entry:
    value = interview_score(c.scores)
    components = {"interview": round_score(value), "interviewers": len(c.scores),
                  "accepts_reassignment": c.accepts_reassignment}
    return Entry(c.id, value, c.registered_at.timestamp(), (), components,
                 [_score_note(c.scores, value), _reassignment_note(c.accepts_reassignment)])


def _score_note(scores: list[tuple[str, float]], value: float) -> Note:
    if not scores:
        return note("interview", {"value": 0.0, "scores": []},
                    "Interview score = 0: no interviewer scores",
                    "面试成绩 = 0:没有面试官评分")
    parts = ", ".join(f"{who} {s:g}" for who, s in scores)
    args = {"value": round_score(value), "scores": [[who, s] for who, s in scores]}
    return note("interview", args, f"Interview score = mean({parts}) = {f2(value)}",
                f"面试成绩 = 平均({parts}) = {f2(value)}")


def _reassignment_note(accepts: bool | None) -> Note:
    en = {True: "yes", False: "no", None: "not recorded"}[accepts]
    zh = {True: "是", False: "否", None: "未登记"}[accepts]
    return note("reassignment", {"accepts": accepts},
                f"Accepts reassignment: {en}; shown beside the score, not scored",
                f"是否服从调剂:{zh}(仅供参考,不计分)")
