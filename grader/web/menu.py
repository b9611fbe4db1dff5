"""The main menu: which links each role sees, in order; base.html draws them.

Built once per role (the addresses do not change while the app runs) and translated per
request: a staff page drew some thirty links through a macro, each reading the user and the
request through Flask's proxies, a fifth of a short page's time.
"""

from collections.abc import Callable

from flask import current_app, url_for
from flask_login import current_user
from grader.words import lazy as _l

from grader.models import User
from grader.models.states import Role

STAFF = (Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF)


def _only(*roles: str) -> Callable[[User], bool]:
    """Shown to exactly these roles."""
    return lambda user: user.role in roles


def _held(*roles: str) -> Callable[[User], bool]:
    """Shown to whoever holds one of these roles (an admin holds every staff role)."""
    return lambda user: user.has_role(*roles)


def _not_candidate(user: User) -> bool:
    """Shown to staff of every kind."""
    return user.role != Role.CANDIDATE


# (endpoint, its arguments, label, who sees it), in the order shown
LINKS = (
    ("registration.status", {}, _l("我的报名"), _only(Role.CANDIDATE)),
    ("evidence.upload_page", {"task": "wechat_share"}, _l("转发截图"), _only(Role.CANDIDATE)),
    ("evidence.upload_page", {"task": "app_download"}, _l("APP下载"), _only(Role.CANDIDATE)),
    ("surveys.mine", {}, _l("调研表"), _only(Role.CANDIDATE)),
    ("candidate.plan", {}, _l("计划书"), _only(Role.CANDIDATE)),
    ("trial.reports", {}, _l("日报"), _only(Role.CANDIDATE)),
    ("candidate.results", {}, _l("成绩"), _only(Role.CANDIDATE)),
    ("publicity.index", {}, _l("公示"), _only(Role.CANDIDATE)),
    ("main.dashboard", {}, _l("工作台"), _not_candidate),
    ("candidates.index", {}, _l("报名人员"), _held(*STAFF)),
    ("registration.register_onsite", {}, _l("现场报名"), _held(*STAFF)),
    ("townships.stats", {}, _l("统计表"), _held(*STAFF)),
    ("stations.index", {}, _l("选点"), _held(*STAFF)),
    ("duties.index", {}, _l("宣传任务"), _held(*STAFF)),
    ("townships.index", {}, _l("乡镇任务"), _held(Role.COUNTY_STAFF)),
    ("exams.import_scores", {"kind": "online_exam"}, _l("考试成绩"), _held(Role.COUNTY_STAFF)),
    ("exams.audit_log", {}, _l("审计日志"), _held(Role.COUNTY_STAFF)),
    ("evidence.review", {}, _l("截图复核"), _held(Role.REVIEWER, Role.COUNTY_STAFF)),
    ("reviews.queue", {"kind": "plan"}, _l("计划书评审"), _held(Role.REVIEWER)),
    ("reviews.queue", {"kind": "report"}, _l("日报评审"), _held(Role.REVIEWER)),
    ("interview.scores", {}, _l("面试评分"), _held(Role.INTERVIEWER)),
    ("trial.activity_page", {}, _l("试运营"), _held(*STAFF)),
    ("surveys.overview", {}, _l("电话抽查"), _held(Role.COUNTY_STAFF)),
    ("interview.manage", {}, _l("面试与签约"), _held(Role.COUNTY_STAFF)),
    ("rankings.index", {}, _l("排名"), _held(Role.COUNTY_STAFF)),
    ("reviews.progress", {}, _l("评审进度"), _held(Role.COUNTY_STAFF)),
    ("candidate.staff_appeals", {}, _l("申诉"), _held(Role.COUNTY_STAFF)),
    ("publicity.objections", {}, _l("公示异议"), _held(Role.COUNTY_STAFF)),
    ("replacements.index", {}, _l("退出与递补"), _held(Role.COUNTY_STAFF)),
    ("notices.index", {}, _l("通知"), _held(Role.COUNTY_STAFF)),
    ("admin.index", {}, _l("账号与设置"), _only(Role.ADMIN)),
)


def menu(user: User) -> list[tuple[str, str]]:
    """Return the user's menu as (address, label) pairs, labels in the reader's language."""
    built: dict[str, list] = current_app.extensions.setdefault("grader.menu", {})
    if user.role not in built:
        built[user.role] = [(url_for(endpoint, **args), label)
                            for endpoint, args, label, shown in LINKS if shown(user)]
    return [(href, str(label)) for href, label in built[user.role]]


def reader() -> dict:
    """Give every template the signed-in user as `me` (read once, not through the proxy)."""
    return {"me": current_user._get_current_object()}
