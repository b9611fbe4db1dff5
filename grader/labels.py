"""Display names of the funnel's words: declarations, education, stages, channels, roles."""

from grader.words import lazy as _l

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

CHANNELS = {"online": _l("网上报名"), "onsite": _l("现场报名"), "wechat": _l("微信链接"),
            "operator": _l("运营方网站报名")}

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

# the stages announced to the public (公示): what was published, and where the listed go next
PUBLIC_STAGES = {"online_exam": _l("线上考试"), "onsite_test": _l("现场测试"),
                 "1": _l("任务考核第一轮"), "2": _l("任务考核第二轮"), "interview": _l("面试")}
PUBLIC_NEXT = {"online_exam": _l("进入现场测试"), "onsite_test": _l("进入任务考核第一轮"),
               "1": _l("进入任务考核第二轮"), "2": _l("进入面试"), "interview": _l("拟签约合伙人")}

DUTIES = {"slogan": _l("固定标语"), "banner": _l("横幅"), "notice": _l("公示栏招募公告"),
          "qr_code": _l("广告加附二维码")}

WITHDRAW_REASONS = {"own_request": _l("本人申请退出"), "declined": _l("放弃（婉拒）"),
                    "no_show": _l("未到场"), "unreachable": _l("联系不上"),
                    "ineligible": _l("后经核实不符合条件"), "no_station": _l("无可分配站点")}

OFFER_STATUSES = {"open": _l("待答复"), "accepted": _l("已接受"), "declined": _l("已放弃"),
                  "lapsed": _l("逾期未答复")}

NOTICE_KINDS = {"exam": _l("考试时间地点"), "venue": _l("现场测试地点"), "results": _l("结果通知"),
                "offer": _l("递补通知"), "signing": _l("签约预约"), "other": _l("其他")}

AUDIENCES = {**STAGES, "open_offers": _l("有待答复递补的人"), "signing": _l("待签约的人")}

STEPS = {"eligibility": _l("资格审核"), "online_exam": _l("线上考试"), "onsite_test": _l("现场测试"),
         "round1": _l("任务考核第一轮"), "round2": _l("任务考核第二轮"), "interview": _l("面试"),
         "signing": _l("签约")}
