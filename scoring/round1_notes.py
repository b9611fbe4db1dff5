"""Round-1 explanation notes: each component with the numbers that produced it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from scoring.explain import Note, f2, f4, note, round_score, zh
from scoring.policy import Round1Policy

if TYPE_CHECKING:
    from scoring.round1 import Candidate, Task


def completeness(tasks: dict[str, Task], value: float) -> Note:
    """Explain C."""
    parts = ", ".join(f"{name} {t.accepted}/{t.required}" for name, t in tasks.items())
    zh_parts = ", ".join(f"{zh(name)} {t.accepted}/{t.required}" for name, t in tasks.items())
    args = {"value": round(value, 4),
            "tasks": {name: [t.accepted, t.required] for name, t in tasks.items()}}
    return note("completeness", args,
                f"Completeness C = mean({parts}) = {f4(value)}",
                f"完成度 C = 平均({zh_parts}) = {f4(value)}")


def completion(tasks: dict[str, Task], done: datetime | None) -> Note:
    """Explain the completion time, or which tasks are unfinished."""
    if done is not None:
        stamp, shown = done.isoformat(), done.strftime("%Y-%m-%d %H:%M")
        return note("completion_time", {"at": stamp},
                    f"All tasks complete at {shown} (the latest task completion time)",
                    f"全部任务于 {shown} 完成(各任务完成时间中最晚者)")
    missing = {n: [t.accepted, t.required] for n, t in tasks.items() if t.completed_at is None}
    parts = ", ".join(f"{n} {a}/{r}" for n, (a, r) in missing.items())
    zh_parts = ", ".join(f"{zh(n)} {a}/{r}" for n, (a, r) in missing.items())
    return note("incomplete", {"tasks": missing},
                f"Not every task is complete ({parts}): no completion time, "
                f"placed after complete candidates on equal scores",
                f"任务未全部完成({zh_parts}):无完成时间,同分时排在已完成者之后")


def timeliness(value: float, done: datetime | None, start: datetime, end: datetime) -> Note:
    """Explain T with the hours left before the window end."""
    if done is None:
        return note("timeliness", {"value": 0.0},
                    "Timeliness T = 0 because not every task is complete",
                    "及时性 T = 0,因为任务未全部完成")
    left = (end - done).total_seconds() / 3600
    span = (end - start).total_seconds() / 3600
    calc = f"100 × {left:.2f} h / {span:.2f} h, clipped to 0..100 = {f2(value)}"
    return note("timeliness", {"value": round_score(value), "hours_left": round(left, 2),
                               "window_hours": round(span, 2)},
                f"Timeliness T = 100 × (end − completion) / (end − start) = {calc}",
                f"及时性 T = 100 × (截止 − 完成时间) / (截止 − 开始) = "
                f"{calc.replace('clipped to', '限于')}")


def survey(c: Candidate, values: dict[str, float], p0: float, r1: Round1Policy) -> Note:
    """Explain S = 100 × V × R with the shrunk confirmation rate."""
    required = r1.tasks[r1.survey_task]
    k = r1.shrinkage_k
    args = {"value": round_score(values["S"]), "valid": c.survey_valid, "required": required,
            "V": round(values["V"], 4), "confirmed": c.confirmed, "reached": c.reached,
            "p0": round(p0, 4), "k": k, "R": round(values["R"], 4)}
    calc = (f"100 × {f4(values['V'])} × {f4(values['R'])} = {f2(values['S'])}; "
            f"V = min({c.survey_valid}/{required}, 1); "
            f"R = ({c.confirmed} + {k:g} × {f4(p0)}) / ({c.reached} + {k:g})")
    return note("survey", args,
                f"Survey S = 100 × V × R = {calc} ({c.confirmed} confirmed of {c.reached} "
                f"reached; {'cohort' if r1.survey_prior is None else 'prior'} rate p0 = "
                f"{f4(p0)})",
                f"调研 S = 100 × V × R = {calc}(接通 {c.reached} 人中确认 {c.confirmed} 人;"
                f"{'全体' if r1.survey_prior is None else '预设'}确认率 p0 = {f4(p0)})")


def third_review(gap: float) -> Note:
    """Flag a plan whose two reviews are too far apart."""
    return note("third_review", {"gap": gap},
                f"Plan reviews differ by more than {gap:g} points: a third review is due",
                f"计划书两次评分相差超过 {gap:g} 分,需第三位评审")


def quality(values: dict[str, float], r1: Round1Policy) -> Note:
    """Explain Q."""
    wp, ws = f"{r1.weight_plan:g}", f"{r1.weight_survey:g}"
    calc = f"{wp} × {f2(values['P'])} + {ws} × {f2(values['S'])} = {f2(values['Q'])}"
    return note("quality", {"value": round_score(values["Q"])},
                f"Quality Q = {wp} P + {ws} S = {calc}",
                f"质量 Q = {wp} P + {ws} S = {calc}")


def score(values: dict[str, float], value: float, r1: Round1Policy) -> Note:
    """Explain the round-1 score."""
    wt, wq = f"{r1.weight_timeliness:g}", f"{r1.weight_quality:g}"
    calc = (f"{f4(values['C'])} × ({wt} × {f2(values['T'])} + {wq} × {f2(values['Q'])})"
            f" = {f2(value)}")
    return note("score", {"value": round_score(value)},
                f"Score = C × ({wt} T + {wq} Q) = {calc}",
                f"总分 = C × ({wt} T + {wq} Q) = {calc}")
