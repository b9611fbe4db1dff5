"""Say an audit row (action, object, field, values, reason) in the reader's language.

The log stores stable codes (`register`, `eligible`, `import_online_exam`, `ip 1.2.3.4`,
`declaration_missing:training`); these words turn them into sentences for the audit page and a
candidate's change history. A code not listed here is shown as it is stored.
"""

import re
from functools import lru_cache
from typing import Any

from grader.words import lazy as _l

ACTIONS = {
    "register": _l("报名"), "import_online_exam": _l("导入线上考试成绩"),
    "import_onsite_test": _l("导入现场测试成绩"), "advance_online_exam": _l("线上考试择优晋级"),
    "advance_onsite_test": _l("现场测试择优晋级"), "override_eligibility": _l("资格复核"),
    "override_reason": _l("资格复核理由"), "create_account": _l("新建账号"),
    "change_role": _l("修改角色"), "deactivate": _l("停用账号"), "reactivate": _l("启用账号"),
    "login": _l("登录"), "logout": _l("退出登录"), "login_failed": _l("登录失败"),
    "password_change": _l("修改密码"), "password_reset": _l("重置密码"),
    "set_target": _l("修改报名目标"), "import_township": _l("导入乡镇任务分解表"),
    "publish_ranking": _l("发布排名"), "amend_ranking": _l("更正排名"),
    "advance_ranking": _l("按排名晋级"), "decide_evidence": _l("人工复核材料"),
    "recheck_evidence": _l("机器复查材料"),
    "review_plan": _l("计划书评审"), "review_report": _l("日报评审"),
    "appeal_upheld": _l("申诉成立"), "appeal_rejected": _l("申诉不成立"),
    "spot_check": _l("电话抽查"), "resolve_shared_phone": _l("处理共用号码"),
    "link_group_member": _l("关联群成员"), "unlink_group_member": _l("取消关联群成员"),
    "create_panel": _l("创建面试组"), "interview_score": _l("面试评分"),
    "reassignment": _l("登记服从调剂"), "sign": _l("签约"),
    "correct_self": _l("本人更正报名信息"), "correct_staff": _l("工作人员更正报名信息"),
    "accept_id": _l("核实身份证号"), "objection_filed": _l("公示异议"),
    "objection_upheld": _l("公示异议成立"), "objection_rejected": _l("公示异议不成立"),
    "add_station_site": _l("添加服务站点"), "remove_station_site": _l("删除服务站点"),
    "set_township_seat": _l("修改乡镇驻地坐标"), "allocate_station": _l("确认站点分配"),
    "add_village": _l("添加村"), "import_villages": _l("导入村名表"),
    "duty_photo": _l("上传宣传任务照片"), "set_responsible": _l("填写第一责任人"),
    "withdraw": _l("退出选拔"), "offer_place": _l("发出递补"), "accept_offer": _l("接受递补"),
    "declined_offer": _l("放弃递补"), "lapsed_offer": _l("递补逾期"),
    "send_notice": _l("发送通知"),
    "import_registration": _l("导入运营方网站报名"), "merge_registration": _l("合并运营方网站报名"),
    "import_operator_figures": _l("导入运营方试运营数据"),
}
ENTITIES = {"candidate": _l("报名者"), "user_account": _l("账号"), "township": _l("乡镇"),
            "ranking": _l("排名"), "interview_panel": _l("面试组"),
            "replacement_offer": _l("递补"), "notice": _l("通知"),
            "operator_figure": _l("运营方记录数据")}
FIELDS = {
    "eligible": _l("资格"), "stage": _l("阶段"), "online_exam_score": _l("线上考试成绩"),
    "onsite_test_score": _l("现场测试成绩"), "target": _l("报名目标"), "status": _l("状态"),
    "role": _l("角色"), "password": _l("密码"), "username": _l("用户名"),
    "township_id": _l("所属乡镇"), "session": _l("登录"), "session_version": _l("登录会话"),
    "override_reason": _l("复核理由"), "note": _l("备注"), "members": _l("成员"),
    "station_slots": _l("站点名额"), "station": _l("服务站"), "lat": _l("纬度"),
    "lng": _l("经度"), "responsible": _l("第一责任人"), "duty_photo": _l("宣传照片"),
    "village": _l("村"), "large": _l("大村"),
    "code": _l("编码"), "active": _l("启用"), "accepts_reassignment": _l("服从调剂"),
    "interview_score": _l("面试成绩"), "review_score": _l("评审分数"), "score": _l("分数"),
    "round1_score": _l("第一轮成绩"), "round2_score": _l("第二轮成绩"),
    "signing": _l("签约"), "group_member": _l("群成员"),
    "name": _l("姓名"), "phone": _l("手机"), "email": _l("电子邮箱"), "education": _l("学历"),
    "declarations": _l("承诺"), "id_number": _l("身份证号"), "id_pending": _l("身份证号待核实"),
    "eligibility_reasons": _l("资格审核原因"),

    "withdrawn": _l("退出"), "offer": _l("递补名额"), "recipients": _l("接收人数"),

    "channel": _l("报名渠道"),
    "orders": _l("订单数"), "sales_yuan": _l("销售额"), "villagers_served": _l("服务村民数"),
    "app_activations": _l("APP激活数"),

    "roundinterview_score": _l("面试排名得分"),
}
VALUES = {
    "draft": _l("预览"), "published": _l("已发布"), "superseded": _l("已被取代"),
    "amended": _l("已更正"), "accept": _l("通过"), "reject": _l("不通过"),
    "review": _l("待人工复核"), "pending": _l("识别中"), "valid": _l("有效"),
    "decision": _l("判定"),
    "open": _l("待答复"), "accepted": _l("已接受"), "declined": _l("已放弃"),
    "lapsed": _l("逾期未答复"), "own_request": _l("本人申请"), "no_show": _l("未到场"),
    "unreachable": _l("联系不上"), "ineligible": _l("后经核实不符合条件"),
    "no_station": _l("无可分配站点"),
}
# stored texts with a number or an address in them: (pattern, words with the same %(…)s places)
PATTERNS = [
    (re.compile(r"^item:(?P<id>\d+)$"), _l("材料 #%(id)s")),
    (re.compile(r"^call:(?P<id>\d+)$"), _l("抽查电话 #%(id)s")),
    (re.compile(r"^survey_form:(?P<id>\d+)$"), _l("调研表 #%(id)s")),
    (re.compile(r"^(?P<kind>plan|report)#(?P<id>\d+)$"), _l("%(kind)s #%(id)s")),
    (re.compile(r"^ip (?P<ip>\S+)$"), _l("IP地址 %(ip)s")),
    (re.compile(r"^rank (?P<n>\d+)$"), _l("第%(n)s名")),
    (re.compile(r"^round (?P<n>\d+)$"), _l("第%(n)s轮")),
    (re.compile(r"^ranking #(?P<id>\d+)$"), _l("排名 #%(id)s")),
    (re.compile(r"^ranking #(?P<id>\d+) amends #(?P<old>\d+)$"), _l("排名 #%(id)s，更正 #%(old)s")),
    (re.compile(r"^replaced by ranking #(?P<id>\d+)$"), _l("已被排名 #%(id)s 取代")),
    (re.compile(r"^, amends ranking #(?P<id>\d+)$"), _l("更正排名 #%(id)s")),
    (re.compile(r"^(?P<n>\d+) activity rows(?: \((?P<src>.*)\))?$"), _l("%(n)s 行试运营数据")),
    (re.compile(r"^demo$"), _l("演示数据")),
    (re.compile(r"^objection:(?P<id>\d+)$"), _l("公示异议 #%(id)s")),

    (re.compile(r"^rank (?P<n>\d+), offer #(?P<id>\d+)$"), _l("第%(n)s名，递补 #%(id)s")),
    (re.compile(r"^offer #(?P<id>\d+), rank (?P<n>\d+)$"), _l("递补 #%(id)s，第%(n)s名")),
    (re.compile(r"^withdrawn$"), _l("本人已退出")),
]
KINDS = {"plan": _l("计划书"), "report": _l("日报")}
FIELDS_AND_VALUES = FIELDS | VALUES


def audit_words(code: Any, names: dict | None = None) -> str:
    """Say one stored code in the reader's language: from `names`, a pattern, else as stored."""
    if code is None or code == "":
        return "—"
    text = str(code)
    if names and text in names:
        return str(names[text])
    found = _pattern_of(text)
    if found is None:
        return text
    words, parts = PATTERNS[found[0]][1], dict(found[1])
    if "kind" in parts:
        parts["kind"] = str(KINDS.get(parts["kind"], parts["kind"]))
    return str(words) % parts


@lru_cache(maxsize=4096)
def _pattern_of(text: str) -> tuple[int, tuple[tuple[str, str], ...]] | None:
    """Return which pattern says a stored text and its parts (the same in every language).

    A log page says a hundred codes through some sixty patterns; the same codes recur.
    """
    for k, (pattern, _words) in enumerate(PATTERNS):
        match = pattern.match(text)
        if match:
            return k, tuple((name, v or "") for name, v in match.groupdict().items())
    return None


def audit_value(value: Any, field: str | None = None) -> str:
    """Say a before/after value: — for none, yes/no, stage and role names, reason codes."""
    from grader.i18n import punct, reason_text
    from grader.labels import EDUCATION, ROLES, STAGES
    from grader.reason_texts import REASONS

    if value is None:
        return "—"
    if isinstance(value, bool):
        if field == "eligible":
            return str(_l("通过") if value else _l("未通过"))
        return str(_l("是") if value else _l("否"))
    if isinstance(value, dict):
        return punct("；").join(f"{audit_words(k, FIELDS_AND_VALUES)}{punct('：')}{audit_value(v, k)}"
                                for k, v in value.items())
    if isinstance(value, list):
        return punct("、").join(audit_value(v, field) for v in value) or "—"
    if isinstance(value, str):
        names = {"stage": STAGES, "offer": STAGES, "role": ROLES,
                 "education": EDUCATION}.get(field or "", VALUES)
        if value in names:
            return str(names[value])
        if value.partition(":")[0] in REASONS:
            return reason_text(value)
    return audit_words(value)


def audit_reason(reason: str | None) -> str:
    """Say a row's reason: reason codes (comma separated) in words, else as stored."""
    from grader.i18n import punct, reason_text
    from grader.reason_texts import REASONS

    if not reason:
        return ""
    codes = reason.split(",")
    if all(c.partition(":")[0] in REASONS for c in codes):
        return punct("；").join(reason_text(c) for c in codes)
    return audit_words(reason)
