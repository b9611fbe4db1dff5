"""Explanations: short bilingual notes saying how a score was computed.

Every ranked candidate carries ``explain``, a list of notes in computation order. A note is
``{"code": str, "args": {...}, "en": str, "zh": str}``: ``code`` is a stable identifier the
UI can translate itself, ``args`` holds the numbers it quotes, and ``en``/``zh`` are ready
sentences. Codes: completeness, completion_time, incomplete, timeliness, plan, survey,
quality, reports, operations, activity, report_quality, interview, reassignment,
third_review, score, tie_above, tie_below, advances, below_cutoff.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scoring.reviews import AdjustedReview

# One explanation note: {"code", "args", "en", "zh"}.
Note = dict[str, Any]

TIEBREAK_WORDS = {
    "completion_time": ("earlier completion time", "完成时间更早"),
    "quality": ("higher quality Q", "质量分 Q 更高"),
    "timeliness": ("higher report timeliness T2", "日报及时性 T2 更高"),
    "operations": ("higher operations score O", "运营数据分 O 更高"),
    "registered_at": ("earlier registration", "报名时间更早"),
    "id": ("candidate id order", "考生编号顺序"),
}


def round_score(value: float) -> float:
    """Round half up to two decimals, ignoring float noise below 1e-8."""
    return math.floor(value * 100 + 0.5 + 1e-6) / 100


def f2(value: float) -> str:
    """Format a score with two decimals, rounded half up."""
    return f"{round_score(value):.2f}"


def f4(value: float) -> str:
    """Format a rate with four decimals."""
    return f"{value:.4f}"


ZH_NAMES = {"wechat_share": "微信转发截图", "survey": "村民调研表", "plan": "计划书",
            "app_download": "APP下载截图", "orders": "订单数", "sales_yuan": "销售额(元)",
            "villagers_served": "服务村民数", "app_activations": "APP激活数"}


def zh(name: str) -> str:
    """Return the Chinese name of a task or metric (the key itself when unknown)."""
    return ZH_NAMES.get(name, name)


def note(code: str, args: dict[str, Any], en: str, zh: str) -> Note:
    """Return one explanation note."""
    return {"code": code, "args": args, "en": en, "zh": zh}


def review_note(code: str, label: tuple[str, str], reviews: list[AdjustedReview],
                mean: float) -> Note:
    """Explain a mean of reviewer scores, showing each normalisation."""
    en_label, zh_label = label
    if not reviews:
        return note(code, {"value": 0.0, "reviews": []},
                    f"{en_label} = 0: no review scores",
                    f"{zh_label} = 0:没有评审分")
    described = [r.describe() for r in reviews]
    en = "; ".join(d[0] for d in described)
    zh = ";".join(d[1] for d in described)
    value = round_score(mean)
    args = {"value": value, "reviews": [r.as_dict() for r in reviews]}
    return note(code, args,
                f"{en_label} = mean of {len(reviews)} review(s) = {value:.2f} ({en})",
                f"{zh_label} = {len(reviews)} 个评审分的平均 = {value:.2f}({zh})")


def tie_note(code: str, other: str, other_rank: int, score: float, criterion: str) -> Note:
    """Explain how a tie on the rounded score with a neighbour was broken."""
    en_word, zh_word = TIEBREAK_WORDS[criterion]
    shown = f2(score)
    args = {"other": other, "other_rank": other_rank, "score": float(shown),
            "criterion": criterion}
    if code == "tie_above":
        return note(code, args,
                    f"Tied at {shown} with {other} (rank {other_rank}), "
                    f"who is placed ahead on {en_word}",
                    f"与 {other}(第 {other_rank} 名)同为 {shown} 分,对方{zh_word},排在前面")
    return note(code, args,
                f"Tied at {shown} with {other} (rank {other_rank}); "
                f"placed ahead on {en_word}",
                f"与 {other}(第 {other_rank} 名)同为 {shown} 分,本人{zh_word},排在前面")


def placement_note(rank: int, total: int, advance: int, score: float,
                   cutoff: float | None) -> Note:
    """Explain whether the candidate is inside the best N."""
    args = {"rank": rank, "of": total, "advance": advance, "cutoff": cutoff}
    if rank <= advance:
        return note("advances", args,
                    f"Rank {rank} of {total}: within the best {advance}, advances",
                    f"第 {rank} 名(共 {total} 人),在前 {advance} 名之内,晋级")
    if cutoff is None:
        return note("below_cutoff", args,
                    f"Rank {rank} of {total}: nobody advances in this round",
                    f"第 {rank} 名(共 {total} 人):本轮无人晋级")
    gap = round_score(cutoff - score)
    args["gap"] = gap
    if gap == 0:
        return note("below_cutoff", args,
                    f"Rank {rank} of {total}: outside the best {advance}; level with the "
                    f"cut-off score {cutoff:.2f} (rank {advance}) but behind on the tie-break",
                    f"第 {rank} 名(共 {total} 人),未进入前 {advance} 名;与分数线 {cutoff:.2f}"
                    f"(第 {advance} 名)同分,但同分排序在后")
    return note("below_cutoff", args,
                f"Rank {rank} of {total}: outside the best {advance}; "
                f"{gap:.2f} below the cut-off score {cutoff:.2f} (rank {advance})",
                f"第 {rank} 名(共 {total} 人),未进入前 {advance} 名;"
                f"比分数线 {cutoff:.2f}(第 {advance} 名)低 {gap:.2f} 分")
