"""Languages (zh_CN first, en switchable), time zones and the texts of reason codes."""

from datetime import datetime
from typing import Any

from flask import Flask, request, session
from flask_babel import Babel, get_locale
from flask_babel import lazy_gettext as _l

from markupsafe import Markup, escape

from grader.audit_words import ACTIONS, ENTITIES, FIELDS, audit_reason, audit_value, audit_words
from grader.errors import CodedError
from grader.models import states
from grader.models.base import SHANGHAI
from surveys.schema import BASE_QUESTIONS

LANGUAGES = ("zh_CN", "en")

REASONS = {
    "name_required": _l("请填写姓名（不超过32个字）"),
    "invalid_length": _l("身份证号应为18位"),
    "invalid_format": _l("身份证号格式不正确，前17位应为数字"),
    "invalid_check_digit": _l("身份证号校验位不正确，请核对"),
    "invalid_birth_date": _l("身份证号中的出生日期不存在"),
    "unknown_region": _l("身份证号中的地区码不存在"),
    "old_15_digit_number": _l("不接受15位旧身份证号，请使用18位身份证号"),
    "duplicate_id": _l("该身份证号已经报名，不能重复报名"),
    "invalid_phone": _l("手机号码不是有效的中国大陆号码"),
    "phone_has_letters": _l("手机号码只能填数字，不能有字母"),
    "phone_not_mobile": _l("这是固定电话，请填写11位手机号码"),
    "ineligible_unconfirmed": _l("按您填写的内容，提交后将被判定为不符合报名条件，不能参加后续选拔，"
                                 "也不能用同一身份证号重新报名。请核对；如确认无误，请勾选下方"
                                 "“我已了解”后再提交。"),
    "invalid_email": _l("电子邮箱格式不正确"),
    "phone_or_email_required": _l("手机号码和电子邮箱至少填写一项"),
    "invalid_education": _l("请选择学历"),
    "unknown_township": _l("请选择所属乡镇/街道"),
    "reason_required": _l("请填写理由"),
    "age_under": _l("年龄未满18周岁"),
    "age_over": _l("年龄超过45周岁"),
    "education_below": _l("学历低于高中"),
    "declaration_missing": _l("未作出承诺"),
    "id_invalid": _l("身份证号无效"),
    "unknown_candidate": _l("找不到该考生（身份证号或报名编号不存在）"),
    "duplicate_row": _l("同一考生在文件中出现多次"),
    "not_at_this_stage": _l("该考生不在本考试阶段或资格未通过"),
    "bad_score": _l("成绩应为0到100之间的数字"),
    "missing_value": _l("缺少内容"),
    "duplicate_name": _l("名称重复"),
    "not_a_whole_number": _l("应为非负整数"),
    "empty_file": _l("文件是空的"),
    "file_too_large": _l("文件太大"),
    "bad_xlsx": _l("无法读取该Excel文件"),
    "wrong_type": _l("文件类型不对，请上传CSV或XLSX"),
    "plan_wrong_type": _l("文件类型不对，计划书请上传PDF、Word（DOCX）、TXT或各页照片"),
    "pages_must_be_photos": _l("一次选择多个文件时，每个都必须是计划书某一页的照片"),
    "too_many_pages": _l("照片太多，计划书最多30页"),
    "bad_encoding": _l("CSV文件编码无法识别（应为UTF-8或GBK）"),
    "no_header": _l("文件没有表头"),
    "missing_column": _l("缺少必需的列"),
    "unknown_role": _l("角色不存在"),
    "short_password": _l("密码至少6位"),
    "password_too_short": _l("密码至少%(n)s位"),
    "password_all_digits": _l("密码不能全是数字"),
    "password_is_name": _l("密码不能与用户名或身份证号相同"),
    "password_unchanged": _l("新密码不能与原密码相同"),
    "wrong_password": _l("原密码不正确"),
    "no_account": _l("该报名者没有登录账号"),
    "not_in_scope": _l("只能处理本乡镇的报名者"),
    "login_throttled": _l("登录尝试过多，请 %(minutes)s 分钟后再试"),
    "own_account": _l("不能修改自己的角色，也不能停用自己的账号"),
    "not_staff": _l("报名者账号不在这里管理"),
    "user_exists": _l("用户名已存在"),
    "township_required": _l("乡镇工作人员必须选择所属乡镇"),
    "correction_closed": _l("这一天的日报已过补交期限（截止后24小时），不能再修改"),
    "candidate_not_in_round2": _l("该报名者不在任务考核第二轮"),
    "not_your_candidate": _l("只能关联本乡镇的报名者"),
    "unknown_member": _l("没有这个未匹配的群成员（可能已被关联）"),
    "not_open": _l("还没到开始时间，请在规定时间内提交"),
    "window_over": _l("已过截止时间，不能再提交"),
    "target_too_large": _l("报名目标应为0到999999之间的整数"),
    "duplicate_code": _l("乡镇编码在文件中重复"),
    "code_taken": _l("乡镇编码已被其他乡镇使用"),
    "too_long": _l("内容太长（编码最多32个字符，名称最多64个字符）"),
    "duplicate_header": _l("表头重复"),
    "sheet_too_large": _l("表格太大（最多100000行、200列），请删除多余的行列后再导入"),
    "plan_changed": _l("预览之后成绩有变动，择优名单已变化，未晋级任何人；请核对新的名单后再确认"),
    "birth_in_future": _l("身份证号中的出生日期晚于报名截止日期，请核对"),
    "bad_csv": _l("CSV文件格式有误（可能有未配对的引号），请用Excel另存为后再导入"),
    "not_decidable": _l("这项材料已被替换或还在自动核对中，不能人工判定"),
    "signing_date": _l("签约日期应在面试开始之后、签约截止日之前"),
    "own_township": _l("面试官不给本乡镇的考生打分"),
    "scores_closed": _l("本轮结果已发布，评分不能再修改；只有申诉成立后才能更正"),
    "not_interviewed": _l("只有进入面试的人员才登记服从调剂"),
    "township_not_used": _l("只有乡镇工作人员、评审和面试官可以选择所属乡镇"),
    "not_in_round1": _l("进入任务考核第一轮后才能提交"),
    "plan_text_too_short": _l("计划书识别出的文字太少，需人工核对"),
    "not_your_item": _l("这不是您的材料"),
    "not_rejected": _l("只能对未通过的材料申诉"),
    "window_closed": _l("申诉期已过"),
    "already_appealed": _l("每人只能申诉一次"),
    "already_answered": _l("该申诉已答复"),
    "not_in_round2": _l("进入任务考核第二轮后才能提交日报"),
    "bad_day": _l("请选择试运营的第几天"),
    "text_required": _l("请填写今日工作总结"),
    "bad_figure": _l("数据应为0到1000000之间的数字"),
    "no_messages": _l("文件中没有试运营期间的群消息"),
    "bad_row": _l("有一行数据不正确"),
    "no_panels": _l("请先创建面试组"),
    "not_in_interview": _l("该考生不在面试阶段"),
    "not_on_panel": _l("您不在该考生的面试组"),
    "not_selected": _l("只有面试通过的人员才能签约"),
    "bad_date": _l("日期或数字格式不正确"),
    "unknown_task": _l("没有这项任务"),
    "bad_verdict": _l("请选择通过或不通过"),
    "not_an_image": _l("不是图片文件"),
    "unsupported_type": _l("不支持的图片格式，请上传PNG或JPG截图"),
    "image_too_large": _l("图片像素过大"),
    "truncated_file": _l("文件不完整（可能上传中断），请重新上传"),
    "unreadable": _l("文件已损坏，无法读取"),
    "disk_full": _l("服务器存储空间已满，这个文件没有保存，请稍后再传"),
    "busy": _l("系统繁忙，请稍后重试"),
    "storage_full": _l("服务器存储空间已满，这次提交没有保存，请稍后重试"),
    "already_submitted": _l("这份内容已经提交过了，请刷新页面查看结果"),
    "server_error": _l("系统出错了，这次提交没有保存；请稍后重试，一直出错请联系县电商办"),
    "missing_keyword": _l("截图中没有找到关键词"),
    "timestamp_outside_window": _l("转发时间不在任务时间内"),
    "timestamp_not_found": _l("没有找到转发时间"),
    "timestamp_ambiguous": _l("转发时间不清楚"),
    "timestamp_in_future": _l("转发时间晚于上传时间"),
    "nickname_not_found": _l("没有识别出转发人的昵称"),
    "duplicate_of": _l("与已提交的截图重复"),
    "possible_duplicate_of": _l("可能与已提交的截图重复"),
    "copied_from": _l("与另一张已提交的截图是同一条朋友圈，只是昵称不同（抄袭他人截图）"),
    "possible_copy_of": _l("可能与另一张已提交的截图是同一条朋友圈，请对照两张截图"),
    "possible_edit": _l("截图可能被修改过，请核对框出的位置"),
    "repeated_nickname": _l("同一个人的转发出现了不止一次"),
    "repeated_phone": _l("同一个手机号的下载出现了不止一次"),
    "missing_app_name": _l("截图中没有农村淘宝APP的名称"),
    "missing_success_state": _l("截图中没有下载完成或注册成功的字样"),
    "ocr_failed": _l("图片识别失败，转人工复核"),
    "not_a_zip": _l("不是ZIP压缩包"),
    "zip_bomb": _l("压缩包解压后过大"),
    "zip_path_traversal": _l("压缩包中的文件路径不安全"),
    "zip_symlink": _l("压缩包中含有链接文件"),
    "zip_nested": _l("压缩包里不能再套压缩包"),
    "zip_encrypted": _l("压缩包有密码，无法打开"),
    "zip_too_many_files": _l("压缩包中的文件太多"),
    "too_many_files": _l("一次最多上传300个文件，这个文件没有收下，请分批上传"),
    "upload_too_large": _l("这次上传的文件总量太大，这个文件没有收下，请分批上传"),
    "duplicate_phone_same_candidate": _l("本人已用过这个电话号码"),
    "duplicate_phone_other_candidate": _l("其他报名者也提交了这个电话号码"),
    "missing_field": _l("缺少必填项"),
    "too_fast": _l("短时间内或同一天填写过多，需核实"),
    "implausible": _l("答案不合常理，需核实"),
    "unsupported_image": _l("不支持的图片格式，请上传PNG或JPG截图"),
    "unidentifiable": _l("截图上既没有手机号也没有时间，无法核对"),
    "encrypted_document": _l("文件有密码，无法打开"),
    "trailing_data": _l("图片文件末尾夹带了其他内容，请重新截图后上传"),
    "unsafe_document": _l("文件内容含有不安全的结构，无法读取，请另存为普通文档后重新上传"),
    "already_advanced": _l("本次择优已确认过，不能重复晋级"),
    "not_a_draft": _l("只能发布预览中的排名"),
    "round_published": _l("这一轮的排名已经发布，不能再发布另一份"),
    "facts_unusable": _l("无法按活动设置计算排名，请检查活动文件中的任务数量和权重"),
    "round_closed": _l("这一轮的排名已发布，不能再提交"),
    "day_not_started": _l("这一天的试运营还没开始"),
    "check_failed": _l("多次识别失败，转人工复核"),
    "no_callers": _l("请选择电话员"),
    "bad_outcome": _l("请选择通话结果"),
    "two_columns": _l("有两列都是「%(header)s」"),
    "missing_columns": _l("缺少列：%(columns)s"),
    "bad_sheet": _l("表格无法使用"),
    "call_id_twice": _l("第%(n)s行：抽查编号“%(v)s”在表里出现了两次"),
    "call_id_unknown": _l("第%(n)s行：抽查编号“%(v)s”不存在"),
    "call_outcome": _l("第%(n)s行：结果“%(v)s”应为 %(ok)s 之一"),
    "not_shared": _l("这个号码没有被这位报名者和其他报名者共用"),
    "no_keeper": _l("请选择由哪位报名者保留这个号码，或选择全部有效"),
    "plan_reviews_missing": _l("计划书评审不足两份（%(n)s份）"),
    "third_review_missing": _l("两位评审分差过大，第三位评审还没评"),
    "calls_not_made": _l("还有 %(n)s 个抽查电话未打"),
    "report_reviews_missing": _l("日报评审不全"),
    "interview_scores_missing": _l("没有面试评分"),
    "too_many_photos": _l("照片最多%(m)s张，这次选了%(n)s张。日报未提交。"),
    "too_many_photos_today": _l("每天的日报最多%(m)s张照片：已有%(k)s张，这次又加了%(n)s张。日报未提交。"),
    "photo_refused": _l("第%(n)s张照片“%(file)s”不能使用：%(reason)s。日报未提交，请更换照片后重新提交。"),
    # why a photo is refused, said for photos (a `reason` param of photo_refused)
    "photo_refused:unsupported_image": _l("格式不支持，请上传JPG、PNG或WEBP照片（苹果手机的HEIC照片请在"
                                          "“设置—相机—格式”中选“兼容性最佳”后重拍，或截图后上传）"),
    "photo_refused:not_an_image": _l("不是图片文件"),
    "photo_refused:file_too_large": _l("文件超过%(mb)sMB，请压缩后再传"),
    "photo_refused:image_too_large": _l("像素过大（最多%(p)s万像素），请缩小后再传"),
    "photo_refused:empty_file": _l("文件是空的"),
    "photo_refused:truncated_file": _l("文件不完整（可能上传中断）"),
    "photo_refused:unreadable": _l("文件已损坏，无法读取"),
    "no_such_candidate": _l("找不到该报名者"),
}

DECLARATIONS = {
    "constitution": _l("拥护宪法，遵纪守法"),
    "conduct": _l("品行端正"),
    "no_record": _l("无违法犯罪记录"),
    "health": _l("身体健康，能胜任工作"),
    "computer": _l("会使用电脑和智能手机"),
    "online_shopping": _l("有网购经历"),
    "training": _l("愿意接受阿里巴巴的培训和管理"),
}

EDUCATION = {"primary": _l("小学"), "junior": _l("初中"), "high": _l("高中"),
             "vocational": _l("中专/职高"), "college": _l("大专"), "bachelor": _l("本科"),
             "master": _l("研究生及以上")}

STAGES = {"registered": _l("已报名"), "onsite_test": _l("现场测试"), "round1": _l("任务考核第一轮"),
          "round2": _l("任务考核第二轮"), "interview": _l("面试"), "selected": _l("面试通过"),
          "signed": _l("已签约")}

CHANNELS = {"online": _l("网上报名"), "onsite": _l("现场报名"), "wechat": _l("微信链接")}

COMPONENTS = {"completeness": _l("完成度"), "completion_time": _l("完成时间"),
              "timeliness": _l("及时性"), "plan": _l("计划书"),
              "survey_valid_rate": _l("有效调研率"), "confirmation_rate": _l("抽查确认率"),
              "survey": _l("调研质量"), "quality": _l("质量"),
              "plan_needs_third_review": _l("需第三位评审"), "operations": _l("运营数据"),
              "messages": _l("群消息数"), "message_percentile": _l("消息百分位"),
              "active_days": _l("活跃天数"), "activity": _l("群活跃度"),
              "report_quality": _l("日报质量"), "interview": _l("面试成绩"),
              "interviewers": _l("面试官人数"), "accepts_reassignment": _l("服从调剂")}

ROLES = {"candidate": _l("报名者"), "township_staff": _l("乡镇工作人员"),
         "county_staff": _l("县电商办"), "reviewer": _l("评审"), "interviewer": _l("面试官"),
         "admin": _l("管理员")}


QUESTION_NAMES = {q.name: q.zh for q in BASE_QUESTIONS}
EDITED_FIELDS = {"post_time": _l("转发时间"), "nickname": _l("昵称"), "app_name": _l("APP名称"),
                 "state": _l("下载或注册状态")}


ENGLISH_PUNCTUATION = {"：": ": ", "（": " (", "）": ")", "；": "; ", "、": ", ", "，": ", "}


def punct(mark: str) -> str:
    """Say a Chinese punctuation mark in the reader's language (an English page uses ASCII)."""
    return ENGLISH_PUNCTUATION.get(mark, mark) if str(get_locale()) == "en" else mark


def reason_text(code: str, **params: Any) -> str:
    """Translate a stable reason code (`prefix:detail` keeps its detail; params fill places)."""
    head, _sep, detail = code.partition(":")
    if head == "declaration_missing":
        return f"{REASONS[head]}{punct('：')}{DECLARATIONS.get(detail, detail)}"
    if head == "id_invalid":
        return str(REASONS.get(detail, REASONS[head]))
    if head == "possible_edit":  # "possible_edit:post_time@x,y,w,h": the box is drawn, not said
        field = detail.partition("@")[0]
        return f"{REASONS[head]}{punct('（')}{EDITED_FIELDS.get(field, field)}{punct('）')}"
    if "reason" in params:  # a refusal that carries another's code says it in words too
        params = {**params, "reason": _said_within(head, params)}
    text = _filled(REASONS.get(head), params)
    detail = QUESTION_NAMES.get(detail, detail)  # "implausible:surveyed_at" → 调研日期
    return f"{text}{punct('（')}{detail}{punct('）')}" if text and detail else str(text or code)


def edit_boxes(reasons: list[str]) -> list[dict[str, Any]]:
    """Return the boxes of possible edits as CSS percentages, with the reason's words."""
    boxes = []
    for code in reasons:
        head, _sep, detail = code.partition(":")
        box = detail.partition("@")[2].split(",")
        if head == "possible_edit" and len(box) == 4 and all(v.isdigit() for v in box):
            x, y, w, h = (int(v) / 10 for v in box)  # per mille of the image's size
            boxes.append({"left": x, "top": y, "width": w, "height": h,
                          "text": reason_text(code)})
    return boxes


def copy_sources(reasons: list[str]) -> list[int]:
    """Return the ids of the items a screenshot copies or may copy, to show side by side."""
    return [int(code.partition(":")[2]) for code in reasons
            if code.partition(":")[0] in ("copied_from", "possible_copy_of")
            and code.partition(":")[2].isdigit()]


def _said_within(head: str, params: dict[str, Any]) -> str:
    """Say the `reason` code of a refusal: its own wording under `head:reason`, else the usual."""
    code, rest = params["reason"], {k: v for k, v in params.items() if k != "reason"}
    own = REASONS.get(f"{head}:{code}")
    return _filled(own, rest) if own is not None else reason_text(code, **rest)


def _filled(text: Any, params: dict[str, Any]) -> str | None:
    """Put the parameters into a message's `%(name)s` places (a message without any is kept)."""
    if text is None:
        return None
    text = str(text)
    return text % params if params and "%(" in text else text


def error_text(err: CodedError) -> str:
    """Say a service's refusal in the user's language: the one path from a code to a message."""
    return reason_text(err.code, **err.params)


def describe(entry: dict[str, Any]) -> str:
    """Say a coded entry (a ranking warning, a row error) given as a dict with a `code`."""
    params = {k: v for k, v in entry.items() if k != "code"}
    return reason_text(entry["code"], **params)


RATES = {"completeness", "survey_valid_rate", "confirmation_rate"}  # 0..1, shown as %


def component(value, key: str | None = None) -> str:
    """Show a ranking component: times in Shanghai, yes/no, rates in %, scores 2 decimals."""
    if isinstance(value, bool):
        return str(_l("是") if value else _l("否"))
    if isinstance(value, str) and len(value) > 18 and value[4] == "-" and "T" in value:
        return local_time(datetime.fromisoformat(value))
    if isinstance(value, (int, float)) and key in RATES:
        return f"{value * 100:.1f}%"
    if isinstance(value, float):
        return f"{value:.2f}"
    return "—" if value is None else str(value)


def select_locale() -> str:
    """Use the language chosen in the session, else Chinese."""
    return session.get("lang") or request.accept_languages.best_match(["zh_CN"]) or "zh_CN"


def local_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Show a UTC time in Asia/Shanghai."""
    return value.astimezone(SHANGHAI).strftime(fmt) if value else ""


STATES = {cls.__name__: cls for cls in (
    states.Stage, states.Role, states.Task, states.Verdict, states.AppealStatus,
    states.ReviewKind, states.RankingStatus, states.RankingRound, states.CallOutcome,
    states.Lateness, states.SigningStatus)}


# words the templates say through _(…) at run time (task names, call outcomes): listed here so
# that `pybabel extract` keeps them in the catalogue
RUNTIME_WORDS = (_l("微信转发截图"), _l("农村淘宝APP下载截图"), _l("项目计划书"), _l("属实"),
                 _l("否认"), _l("号码错误"), _l("无人接听"), _l("拒绝回答"))


def said(obj: Any, field: str = "name") -> str:
    """Say a label from the campaign file in the reader's language (`<field>_en` beside it)."""
    get = obj.get if isinstance(obj, dict) else (lambda k, d=None: getattr(obj, k, d))
    english = get(f"{field}_en") if str(get_locale()) == "en" else None
    return english or get(field) or ""


def data(value: Any) -> Markup:
    """Mark a name or other data (shown as entered, in any language) for readers and checks."""
    return Markup('<span class="data">%s</span>') % escape("" if value is None else value)


def init_app(app: Flask) -> None:
    """Install Babel and the template helpers."""
    Babel(app, locale_selector=select_locale)
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["reason"] = reason_text
    app.jinja_env.filters["edit_boxes"] = edit_boxes
    app.jinja_env.filters["copy_sources"] = copy_sources
    app.jinja_env.filters["describe"] = describe
    app.jinja_env.filters["component"] = component
    app.jinja_env.filters["audit_words"] = audit_words
    app.jinja_env.filters["audit_value"] = audit_value
    app.jinja_env.filters["audit_reason"] = audit_reason
    app.jinja_env.filters["data"] = data
    app.jinja_env.filters["said"] = said
    app.jinja_env.filters["punct"] = punct
    app.jinja_env.globals.update(STATES)  # templates compare against Stage.ROUND1, never 'round1'
    app.jinja_env.globals.update(get_locale=get_locale, COMPONENT_NAMES=COMPONENTS,
                                 STAGE_NAMES=STAGES, CHANNEL_NAMES=CHANNELS, ROLE_NAMES=ROLES,
                                 EDUCATION_NAMES=EDUCATION, DECLARATION_NAMES=DECLARATIONS,
                                 AUDIT_ACTIONS=ACTIONS, AUDIT_ENTITIES=ENTITIES,
                                 AUDIT_FIELDS=FIELDS)
