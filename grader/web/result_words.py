"""Say a published result in plain sentences: what counted, where points were lost, the gap."""

from typing import Any

from grader.words import remembered as _
from grader.words import lazy as _l

from grader.i18n import punct
from grader.labels import COMPONENTS

# Parts of a score out of 100 that a candidate can act on (composites such as Q are left out).
PARTS = {"timeliness": COMPONENTS["timeliness"], "plan": COMPONENTS["plan"],
         "survey": COMPONENTS["survey"], "reports": _l("日报及时性"),
         "operations": COMPONENTS["operations"], "activity": COMPONENTS["activity"],
         "report_quality": COMPONENTS["report_quality"], "interview": COMPONENTS["interview"]}
TASK_NAMES = {"wechat_share": _l("微信转发截图"), "app_download": _l("APP下载截图"),
              "survey": _l("村民调研表"), "plan": _l("计划书")}
LOST_SHOWN = 3


def plain_words(row: dict[str, Any]) -> list[str]:
    """Return the sentences that explain a candidate's row, placement first."""
    notes = {n.get("code"): n.get("args") or {} for n in row.get("explain", []) if n.get("code")}
    said = [_placement(notes, row), _counted(notes), _lost(notes)]
    return [s for s in said if s]


def _placement(notes: dict[str, dict], row: dict[str, Any]) -> str | None:
    """Say the rank, how many advance and, below the line, how far off it the score is."""
    args = notes.get("advances") or notes.get("below_cutoff")
    if not args:
        return None
    where = _("您在 %(of)s 人中排第 %(rank)s 名，前 %(n)s 名晋级。", of=args["of"],
              rank=args["rank"], n=args["advance"])
    if "advances" in notes:
        return where + _("您晋级了。")
    if args.get("cutoff") is None:
        return where + _("本轮无人晋级。")
    if not args.get("gap"):
        return where + _("您与分数线 %(c).2f 分同分，但同分比较时排在后面。", c=args["cutoff"])
    return where + _("您的得分 %(s).2f 比分数线 %(c).2f 低 %(g).2f 分。", s=row.get("score", 0),
                     c=args["cutoff"], g=args["gap"])


def _counted(notes: dict[str, dict]) -> str | None:
    """Say which materials counted toward the completeness and which were short."""
    tasks = notes.get("completeness", {}).get("tasks")
    if not tasks:
        return None
    parts = [_("%(t)s %(a)s/%(r)s 份", t=TASK_NAMES.get(name, name), a=got, r=need)
             for name, (got, need) in tasks.items()]
    short = [_("%(t)s 少 %(n)s 份", t=TASK_NAMES.get(name, name), n=need - got)
             for name, (got, need) in tasks.items() if got < need]
    said = _("完成度按通过的材料计算：%(p)s。", p=punct("，").join(parts))
    return said + (_("%(s)s，总分按完成比例打折。", s=punct("，").join(short)) if short else "")


def _lost(notes: dict[str, dict]) -> str | None:
    """Name the parts (out of 100) where the most points were lost."""
    lost = sorted((args["value"], code) for code, args in notes.items()
                  if code in PARTS and isinstance(args.get("value"), int | float)
                  and args["value"] < 100)
    if not lost:
        return None
    parts = [_("%(p)s %(v).2f 分（少 %(l).2f 分）", p=PARTS[code], v=value, l=100 - value)
             for value, code in lost[:LOST_SHOWN]]
    return _("失分最多的是（满分各 100）：%(p)s。", p=punct("；").join(parts))
