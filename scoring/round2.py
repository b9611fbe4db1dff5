"""Round 2 (第二轮): seven days of trial operation, daily reports and group activity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from scoring import facts
from scoring import round2_notes
from scoring.explain import review_note, round_score
from scoring.policy import Policy, Round2Policy
from scoring.ranks import Entry, percentile_ranks
from scoring.reviews import AdjustedReview, normalise_grouped

TIEBREAKS = ("timeliness", "operations")


@dataclass(frozen=True)
class Candidate:
    """A round-2 candidate's facts: reports by day, metric totals, messages by day."""

    id: str
    registered_at: datetime
    reports: dict[int, datetime]
    metrics: dict[str, float]
    messages: dict[int, int]
    report_reviews: list[tuple[str, float]]


def parse_candidate(cid: str, raw: dict[str, Any], policy: Policy) -> Candidate:
    """Read one candidate's round-2 facts."""
    at = facts.Where(cid)
    return Candidate(cid, facts.moment(facts.get(raw, "registered_at", at), at, "registered_at"),
                     _reports(raw, policy.round2.days, at), _metrics(raw, policy.round2, at),
                     _messages(raw, policy.round2.days, at),
                     facts.reviews(raw, "report_reviews", "reviewer", at))


def _reports(raw: dict[str, Any], days: int, at: facts.Where) -> dict[int, datetime]:
    reports: dict[int, datetime] = {}
    for i, item in enumerate(facts.items(facts.get(raw, "reports", at, []), at, "reports")):
        day = facts.day(item.get("day"), at, ("reports", i, "day"), days)
        when = facts.moment(item.get("submitted_at"), at, ("reports", i, "submitted_at"))
        reports[day] = min(when, reports.get(day, when))  # a resubmission keeps the first
    return reports


def _messages(raw: dict[str, Any], days: int, at: facts.Where) -> dict[int, int]:
    messages: dict[int, int] = {}
    for i, item in enumerate(facts.items(facts.get(raw, "messages", at, []), at, "messages")):
        day = facts.day(item.get("day"), at, ("messages", i, "day"), days)
        n = facts.count(item.get("count"), at, ("messages", i, "count"))
        messages[day] = messages.get(day, 0) + n  # DingTalk and WeChat add up per day
    return messages


def _metrics(raw: dict[str, Any], r2: Round2Policy, at: facts.Where) -> dict[str, float]:
    values = facts.mapping(facts.get(raw, "metrics", at), at, "metrics")
    unknown = sorted(set(values) - set(r2.metrics))
    if unknown:
        raise at.fail(f"has unknown metric(s) {', '.join(unknown)}", "metrics")
    return {m: facts.number(values.get(m), at, ("metrics", m)) for m in r2.metrics}


def report_credits(reports: dict[int, datetime], start: datetime, r2: Round2Policy) -> list[float]:
    """Return each day's on-time credit: 1 by day d 24:00, late credit within the grace, else 0."""
    credits = []
    for day in range(1, r2.days + 1):
        deadline = start + timedelta(days=day)
        when = reports.get(day)
        if when is not None and when <= deadline:
            credits.append(1.0)
        elif when is not None and when <= deadline + timedelta(hours=r2.grace_hours):
            credits.append(r2.late_credit)
        else:
            credits.append(0.0)
    return credits


def capped_messages(messages: dict[int, int], cap: int) -> int:
    """Return the message total with each day capped."""
    return sum(min(n, cap) for n in messages.values())


def score_round2(candidates: list[Candidate], start: datetime,
                 policy: Policy) -> tuple[list[Entry], dict[str, Any]]:
    """Compute every candidate's components, score and explanation."""
    r2 = policy.round2
    metric_pct = {m: percentile_ranks([c.metrics[m] for c in candidates]) for m in r2.metrics}
    totals = [capped_messages(c.messages, r2.message_cap) for c in candidates]
    message_pct = percentile_ranks(totals)
    by_candidate = normalise_grouped({c.id: c.report_reviews for c in candidates},
                                     policy.reviews.min_scores, policy.reviews.clip_normalised)
    entries = []
    for i, c in enumerate(candidates):
        cohort = ({m: metric_pct[m][i] for m in r2.metrics}, totals[i], message_pct[i])
        entries.append(_entry(c, cohort, by_candidate[c.id], start, r2))
    return entries, {}


def _entry(c: Candidate, cohort: tuple[dict[str, float], int, float],
           reviews: list[AdjustedReview], start: datetime, r2: Round2Policy) -> Entry:
    pct, messages, message_pct = cohort
    credits = report_credits(c.reports, start, r2)
    active = sum(1 for n in c.messages.values() if n > 0)
    w = r2.weight_message_share
    v = {"T2": 100.0 * sum(credits) / r2.days, "O": sum(pct.values()) / len(pct),
         "A": w * message_pct + (1 - w) * 100.0 * active / r2.days,
         "Pq": sum(x.adjusted for x in reviews) / len(reviews) if reviews else 0.0}
    score = (r2.weight_timeliness * v["T2"] + r2.weight_operations * v["O"]
             + r2.weight_activity * v["A"] + r2.weight_reports * v["Pq"])
    components = _components(v, pct, (messages, message_pct, active))
    notes = [round2_notes.reports(credits, set(c.reports), v["T2"]),
             round2_notes.operations(c.metrics, pct, v["O"]),
             round2_notes.activity((messages, message_pct, active), v["A"], r2),
             review_note("report_quality", ("Report quality Pq", "日报质量 Pq"), reviews, v["Pq"]),
             round2_notes.score(v, score, r2)]
    tiebreak = (-round(v["T2"], 9), -round(v["O"], 9))
    return Entry(c.id, score, c.registered_at.timestamp(), tiebreak, components, notes)


def _components(v: dict[str, float], pct: dict[str, float],
                activity: tuple[int, float, int]) -> dict[str, Any]:
    messages, message_pct, active = activity
    return {"timeliness": round_score(v["T2"]), "operations": round_score(v["O"]),
            "metric_percentiles": {m: round_score(p) for m, p in pct.items()},
            "messages": messages, "message_percentile": round_score(message_pct),
            "active_days": active, "activity": round_score(v["A"]),
            "report_quality": round_score(v["Pq"])}
