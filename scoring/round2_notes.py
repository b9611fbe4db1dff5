"""Round-2 explanation notes."""

from __future__ import annotations

from scoring.explain import Note, f2, note, round_score, zh
from scoring.policy import Round2Policy

def _day(credit: float, sent: bool) -> tuple[str, str]:
    if not sent:
        return "missing 0", "缺交 0"
    if credit == 1.0:
        return "on time 1", "按时 1"
    return (f"late {credit:g}", f"迟交 {credit:g}") if credit else ("too late 0", "过晚 0")


def reports(credits: list[float], sent_days: set[int], value: float) -> Note:
    """Explain T2 day by day."""
    words = [_day(c, d in sent_days) for d, c in enumerate(credits, 1)]
    en = ", ".join(f"day {d} {w[0]}" for d, w in enumerate(words, 1))
    zh = ",".join(f"第{d}天{w[1]}" for d, w in enumerate(words, 1))
    return note("reports", {"value": round_score(value), "credits": credits},
                f"Report timeliness T2 = 100 × mean of daily credits = {f2(value)} ({en})",
                f"日报及时性 T2 = 100 × 每日得分平均 = {f2(value)}({zh})")


def operations(metrics: dict[str, float], pct: dict[str, float], value: float) -> Note:
    """Explain O as the mean of the metric percentiles."""
    parts = ", ".join(f"{m} {_amount(metrics[m])} → {f2(p)}" for m, p in pct.items())
    zh_parts = ", ".join(f"{zh(m)} {_amount(metrics[m])} → {f2(p)}" for m, p in pct.items())
    args = {"value": round_score(value), "percentiles": {m: round_score(p) for m, p in pct.items()}}
    return note("operations", args,
                f"Operations O = mean of cohort percentiles ({parts}) = {f2(value)}",
                f"运营数据 O = 各指标在全体中的百分位平均({zh_parts})= {f2(value)}")


def activity(inputs: tuple[int, float, int], value: float, r2: Round2Policy) -> Note:
    """Explain A from the capped message total and the active days."""
    messages, pct, active = inputs
    w = r2.weight_message_share
    calc = f"{w:g} × {f2(pct)} + {1 - w:g} × 100 × {active}/{r2.days} = {f2(value)}"
    args = {"value": round_score(value), "messages": messages, "percentile": round_score(pct),
            "active_days": active, "cap": r2.message_cap}
    return note("activity", args,
                f"Activity A = {calc} ({messages} messages with each day capped at "
                f"{r2.message_cap}, percentile {f2(pct)}; {active} active days)",
                f"群活跃度 A = {calc}(消息 {messages} 条,每日最多计 {r2.message_cap} 条,"
                f"百分位 {f2(pct)};活跃 {active} 天)")


def score(v: dict[str, float], value: float, r2: Round2Policy) -> Note:
    """Explain the round-2 score."""
    w = (r2.weight_timeliness, r2.weight_operations, r2.weight_activity, r2.weight_reports)
    form = f"{w[0]:g} T2 + {w[1]:g} O + {w[2]:g} A + {w[3]:g} Pq"
    calc = (f"{w[0]:g} × {f2(v['T2'])} + {w[1]:g} × {f2(v['O'])} + {w[2]:g} × {f2(v['A'])}"
            f" + {w[3]:g} × {f2(v['Pq'])} = {f2(value)}")
    return note("score", {"value": round_score(value)}, f"Score = {form} = {calc}",
                f"总分 = {form} = {calc}")


def _amount(value: float) -> str:
    return str(int(value)) if value.is_integer() else f"{value:.2f}"
