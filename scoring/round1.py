"""Round 1 (任务考核第一轮): completeness, timeliness, plan and survey quality."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from scoring import facts
from scoring import round1_notes
from scoring.explain import Note, review_note, round_score
from scoring.policy import Policy
from scoring.ranks import Entry
from scoring.reviews import AdjustedReview, needs_third_review, normalise_grouped

REACHED = ("confirmed", "denied", "wrong_number")
OUTCOMES = (*REACHED, "unreachable", "refused")
TIEBREAKS = ("completion_time", "quality")


@dataclass(frozen=True)
class Task:
    """One task's accepted count (capped), required count and completion time."""

    accepted: int
    required: int
    completed_at: datetime | None


@dataclass(frozen=True)
class Candidate:
    """A round-1 candidate's facts."""

    id: str
    registered_at: datetime
    tasks: dict[str, Task]
    plan_reviews: list[tuple[str, float]]
    survey_valid: int
    confirmed: int
    reached: int


def parse_candidate(cid: str, raw: dict[str, Any], policy: Policy) -> Candidate:
    """Read one candidate's round-1 facts."""
    at = facts.Where(cid)
    raw_tasks = facts.mapping(facts.get(raw, "tasks", at), at, "tasks")
    if raw_tasks.keys() - policy.round1.tasks.keys():
        unknown = ", ".join(sorted(raw_tasks.keys() - policy.round1.tasks.keys()))
        raise at.fail(f"has unknown task(s) {unknown}", "tasks")
    tasks = {name: _task(raw_tasks, name, required, at)
             for name, required in policy.round1.tasks.items()}
    checks = facts.mapping(raw.get("spot_checks") or {}, at, "spot_checks")
    if checks.keys() - set(OUTCOMES):
        unknown = ", ".join(sorted(checks.keys() - set(OUTCOMES)))
        raise at.fail(f"has unknown outcome(s) {unknown}", "spot_checks")
    calls = {k: facts.count(checks.get(k, 0), at, ("spot_checks", k)) for k in OUTCOMES}
    return Candidate(
        cid, facts.moment(facts.get(raw, "registered_at", at), at, "registered_at"), tasks,
        facts.reviews(raw, "plan_reviews", "reviewer", at),
        facts.count(facts.get(raw, "survey_valid", at), at, "survey_valid"),
        calls["confirmed"], calls["confirmed"] + calls["denied"] + calls["wrong_number"],
    )


def _task(raw_tasks: dict[str, Any], name: str, required: int, at: facts.Where) -> Task:
    raw = raw_tasks.get(name)
    if raw is None:
        raise at.fail("is missing", ("tasks", name))
    facts.mapping(raw, at, ("tasks", name))
    given = raw.get("required", required)
    if given != required:
        raise at.fail(f"is {given!r} but the policy requires {required}",
                      ("tasks", name, "required"))
    accepted = min(facts.count(raw.get("accepted"), at, ("tasks", name, "accepted")), required)
    if accepted < required:
        return Task(accepted, required, None)
    done = raw.get("completed_at")
    if done is None:
        raise at.fail("is missing although the task is complete", ("tasks", name, "completed_at"))
    return Task(accepted, required, facts.moment(done, at, ("tasks", name, "completed_at")))


def completeness(tasks: dict[str, Task]) -> float:
    """Return C, the mean over tasks of accepted / required."""
    return sum(t.accepted / t.required for t in tasks.values()) / len(tasks)


def completion_time(tasks: dict[str, Task]) -> datetime | None:
    """Return the latest task completion time, or None unless every task is complete."""
    done = [t.completed_at for t in tasks.values() if t.completed_at is not None]
    return max(done) if len(done) == len(tasks) else None


def timeliness(done: datetime | None, start: datetime, end: datetime) -> float:
    """Return T = 100 × (end − done) / (end − start), clipped to 0..100; 0 when incomplete."""
    if done is None:
        return 0.0
    share = (end - done).total_seconds() / (end - start).total_seconds()
    return min(100.0, max(0.0, 100.0 * share))


def cohort_rate(candidates: list[Candidate]) -> float:
    """Return p0 = confirmed / reached over all candidates, 1 while nobody was reached."""
    reached = sum(c.reached for c in candidates)
    return sum(c.confirmed for c in candidates) / reached if reached else 1.0


def shrunk_rate(confirmed: int, reached: int, p0: float, k: float) -> float:
    """Return R = (confirmed + k·p0) / (reached + k)."""
    return (confirmed + k * p0) / (reached + k) if reached + k > 0 else p0


def score_round1(candidates: list[Candidate], start: datetime, end: datetime,
                 policy: Policy) -> tuple[list[Entry], dict[str, Any]]:
    """Compute every candidate's components, score and explanation."""
    prior = policy.round1.survey_prior
    p0 = cohort_rate(candidates) if prior is None else prior
    by_candidate = normalise_grouped({c.id: c.plan_reviews for c in candidates},
                                     policy.reviews.min_scores, policy.reviews.clip_normalised)
    entries = [_entry(c, by_candidate[c.id], start, end, p0, policy)
               for c in candidates]
    return entries, {"confirmation_rate": round(p0, 4)}


def _entry(c: Candidate, plan: list[AdjustedReview], start: datetime, end: datetime,
           p0: float, policy: Policy) -> Entry:
    r1 = policy.round1
    done = completion_time(c.tasks)
    v = min(c.survey_valid / r1.tasks[r1.survey_task], 1.0)
    r = shrunk_rate(c.confirmed, c.reached, p0, r1.shrinkage_k)
    values = {"C": completeness(c.tasks), "T": timeliness(done, start, end),
              "P": sum(x.adjusted for x in plan) / len(plan) if plan else 0.0,
              "V": v, "R": r, "S": 100.0 * v * r}
    values["Q"] = r1.weight_plan * values["P"] + r1.weight_survey * values["S"]
    score = values["C"] * (r1.weight_timeliness * values["T"] + r1.weight_quality * values["Q"])
    third = needs_third_review([x.raw for x in plan], policy.reviews.third_review_gap)
    components = _components(values, done, third)
    notes = _explain(c, values, (done, start, end), plan, (p0, third), score, policy)
    tiebreak = (done.timestamp() if done else float("inf"), -round(values["Q"], 9))
    return Entry(c.id, score, c.registered_at.timestamp(), tiebreak, components, notes)


def _components(values: dict[str, float], done: datetime | None, third: bool) -> dict[str, Any]:
    return {
        "completeness": round(values["C"], 4),
        "completion_time": done.isoformat() if done else None,
        "timeliness": round_score(values["T"]), "plan": round_score(values["P"]),
        "survey_valid_rate": round(values["V"], 4),
        "confirmation_rate": round(values["R"], 4),
        "survey": round_score(values["S"]), "quality": round_score(values["Q"]),
        "plan_needs_third_review": third,
    }


def _explain(c: Candidate, values: dict[str, float],
             times: tuple[datetime | None, datetime, datetime], plan: list[AdjustedReview],
             prior: tuple[float, bool], score: float, policy: Policy) -> list[Note]:
    r1 = policy.round1
    (done, start, end), (p0, third) = times, prior
    notes = [round1_notes.completeness(c.tasks, values["C"]),
             round1_notes.completion(c.tasks, done),
             round1_notes.timeliness(values["T"], done, start, end),
             review_note("plan", ("Plan P", "计划书 P"), plan, values["P"]),
             round1_notes.survey(c, values, p0, r1)]
    if third:
        notes.append(round1_notes.third_review(policy.reviews.third_review_gap))
    return [*notes, round1_notes.quality(values, r1), round1_notes.score(values, score, r1)]
