"""Builders of plain facts for the scoring tests (not a test module)."""

from __future__ import annotations

WINDOW1 = {"start": "2016-05-25T00:00:00+08:00", "end": "2016-05-31T00:00:00+08:00"}
WINDOW2 = {"start": "2016-06-02T00:00:00+08:00"}
REGISTERED = "2016-05-04T09:00:00+08:00"
TASKS = {"wechat_share": 100, "survey": 100, "plan": 1, "app_download": 100}
METRICS = ("orders", "sales_yuan", "villagers_served", "app_activations")


def at(month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> str:
    """Return a 2016 Asia/Shanghai time as ISO 8601."""
    return f"2016-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}+08:00"


DONE = "2016-05-28T00:00:00+08:00"  # 72 of the window's 144 hours left: T = 50


def r1_candidate(cid, *, done=DONE, accepted=None, reviews=(), valid=100, calls=None,
                 registered=REGISTERED):
    """Return round-1 facts: every task complete at `done` unless `accepted` says otherwise."""
    accepted = accepted or {}
    tasks = {}
    for name, required in TASKS.items():
        count = accepted.get(name, required)
        tasks[name] = {"accepted": count, "required": required,
                       "completed_at": done if count >= required else None}
    return {"id": cid, "registered_at": registered, "tasks": tasks,
            "plan_reviews": [{"reviewer": r, "score": s} for r, s in reviews],
            "survey_valid": valid, "spot_checks": dict(calls or {})}


# The rules of rankings published before 2026-11: p0 was the cohort's own confirmation rate
# and normalised review scores were not clipped. Such rankings recompute with this policy.
LEGACY = {"round1": {"survey_prior": None}, "reviews": {"clip_normalised": False}}


def r1_facts(*candidates, advance=400, policy=None):
    """Return round-1 facts for the candidates (under `policy` when given)."""
    facts = {"round": 1, "window": dict(WINDOW1), "advance": advance,
             "candidates": list(candidates)}
    if policy is not None:
        facts["policy"] = policy
    return facts


def r2_candidate(cid, *, on_time_days=range(1, 8), reports=None, metrics=None, messages=(),
                 reviews=(), registered=REGISTERED):
    """Return round-2 facts; by default every report is in at 21:00 on its own day."""
    if reports is None:
        reports = [{"day": d, "submitted_at": at(6, 1 + d, 21)} for d in on_time_days]
    values = dict.fromkeys(METRICS, 0)
    values.update(metrics or {})
    return {"id": cid, "registered_at": registered, "reports": reports, "metrics": values,
            "messages": [{"day": d, "count": n} for d, n in messages],
            "report_reviews": [{"reviewer": r, "score": s} for r, s in reviews]}


def r2_facts(*candidates, advance=240):
    """Return round-2 facts for the candidates."""
    return {"round": 2, "window": dict(WINDOW2), "advance": advance,
            "candidates": list(candidates)}


def iv_candidate(cid, scores, accepts=None, registered=REGISTERED):
    """Return interview facts."""
    row = {"id": cid, "registered_at": registered,
           "interview_scores": [{"interviewer": f"I{i + 1}", "score": s}
                                for i, s in enumerate(scores)]}
    if accepts is not None:
        row["accepts_reassignment"] = accepts
    return row


def iv_facts(*candidates, advance=None):
    """Return interview facts for the candidates."""
    facts = {"round": "interview", "candidates": list(candidates)}
    if advance is not None:
        facts["advance"] = advance
    return facts


def order(result):
    """Return the ranked ids."""
    return [row["id"] for row in result["ranking"]]


def row(result, cid):
    """Return one candidate's ranking row."""
    return next(r for r in result["ranking"] if r["id"] == cid)


def codes(result, cid):
    """Return the explain codes of one candidate."""
    return [n["code"] for n in row(result, cid)["explain"]]
