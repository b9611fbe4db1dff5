"""Display names of the funnel's words: declarations, education, stages, channels, roles."""

from flask_babel import lazy_gettext as _l

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

# the columns of imported tables, named in an import's errors as the reader's headers
COLUMNS = {"code": _l("乡镇编码"), "name": _l("乡镇"), "target": _l("报名目标"),
           "id_number": _l("身份证号"), "reg_no": _l("报名编号"), "score": _l("成绩")}

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
