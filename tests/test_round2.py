"""Round 2 reports and deadlines, chat-export parsing, activity grid, interview and signing."""

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from grader.models import AuditLog, InterviewPanel, InterviewSlot
from grader.services import activity, chatlog, interview, rankings, trial
from grader.services.tables import write_csv

START = datetime(2016, 6, 1, 16, 0, tzinfo=UTC)  # 2016-06-02 00:00 in Shanghai

WECHAT_EXPORT = """\
2016-06-02 09:15:32 张三(13800138000)
大家好，今天在村里推广了农村淘宝APP
2016-06-02 09:20:01 李四
收到
2016-06-02 21:03:44 张三(13800138000)
[图片]
2016-06-03 08:00:00 王五
王五 撤回了一条消息
2016-06-09 10:00:00 张三(13800138000)
第八天不算
2016-06-01 23:59:00 李四
开始前不算
"""

DINGTALK_EXPORT = """\
张三 2016/6/4 10:01
今天帮五户村民下单
李四 2016/6/4 10:02:59
点赞
"""


def test_wechat_export_counts_per_member_and_day():
    counts = chatlog.parse_chat(WECHAT_EXPORT, date(2016, 6, 2))
    zhang = chatlog.Sender("张三", "13800138000")
    assert counts[(zhang, 1)] == 2
    assert counts[(chatlog.Sender("李四", None), 1)] == 1
    assert sum(counts.values()) == 3  # recall notice, day 8 and the day before are not counted


def test_dingtalk_export_with_name_first():
    counts = chatlog.parse_chat(DINGTALK_EXPORT, date(2016, 6, 2))
    assert counts[(chatlog.Sender("张三", None), 3)] == 1
    assert counts[(chatlog.Sender("李四", None), 3)] == 1


def test_lateness_by_the_deadline_rules():
    assert trial.lateness(1, START + timedelta(hours=23, minutes=59), START) == "on_time"
    assert trial.lateness(1, START + timedelta(days=1), START) == "on_time"
    assert trial.lateness(1, START + timedelta(days=1, seconds=1), START) == "late"
    assert trial.lateness(1, START + timedelta(days=2), START) == "late"
    assert trial.lateness(1, START + timedelta(days=2, minutes=1), START) == "missed"
    assert trial.lateness(7, START + timedelta(days=6, hours=3), START) == "on_time"


@pytest.fixture
def round2(session, make_township, make_candidate):
    town = make_township("城关镇")
    zhang = make_candidate(town, name="张三", phone="13800138000")
    li = make_candidate(town, name="李四", phone="13900139000")
    for c in (zhang, li):
        c.stage = "round2"
    session.commit()
    return zhang, li


def test_reports_late_missing_and_refusals(session, campaign, round2):
    zhang, li = round2
    figs = trial.Figures(orders=3, sales_yuan=120.5, villagers_served=10, app_activations=2)
    trial.file_report(session, campaign, zhang, 1, "走访十户", figs, now=START + timedelta(hours=5))
    late = trial.file_report(session, campaign, zhang, 2, "补交", figs,
                             now=START + timedelta(days=2, hours=3))
    assert late.lateness == "late"
    first_filed = late.submitted_at
    again = trial.file_report(session, campaign, zhang, 2, "更正", figs,
                              now=START + timedelta(days=2, hours=20))  # within the grace period
    assert again.id == late.id and again.lateness == "late" and again.text == "更正"
    assert again.submitted_at == first_filed
    for day, text, f, code in ((8, "x", figs, "bad_day"), (3, " ", figs, "text_required"),
                               (3, "x", trial.Figures(orders=-1), "bad_figure")):
        with pytest.raises(trial.ReportError) as err:
            trial.file_report(session, campaign, zhang, day, text, f, now=START)
        assert err.value.code == code
    facts, _w = rankings.round2_facts(session, campaign)
    by_id = {r["id"]: r for r in facts["candidates"]}
    assert by_id[zhang.reg_no]["metrics"]["orders"] == 6 and by_id[li.reg_no]["reports"] == []


def test_activity_import_matches_by_phone_then_name(session, campaign, round2):
    zhang, li = round2
    summary = activity.import_chat(session, campaign, WECHAT_EXPORT + DINGTALK_EXPORT, "wechat")
    assert summary.unmatched == []
    grid = {row["candidate"].id: row["days"] for row in activity.grid(session, campaign,
                                                                       [zhang, li])}
    assert [d["messages"] for d in grid[zhang.id]][:3] == [2, 0, 1]
    assert grid[li.id][0]["messages"] == 1
    csv_data = write_csv(["成员", "日期", "消息数"], [["赵六", "2016-06-05", "4"], ["李四", "2", "3"]])
    summary = activity.import_csv(session, campaign, "a.csv", csv_data, 10**6)
    assert summary.unmatched == ["赵六"]
    assert activity.messages_of(session, [li.id])[li.id][2] == 3


def test_interview_scores_ranking_and_signing(session, campaign, make_township, make_candidate,
                                              make_user, set_campaign):
    town = make_township()
    county = make_user("county", "county_staff")
    i1, i2, outsider = (make_user(n, "interviewer") for n in ("i1", "i2", "i3"))
    a, b = make_candidate(town), make_candidate(town)
    a.stage = b.stage = "interview"
    session.add(InterviewPanel(name="一组", members=[i1, i2]))
    session.commit()
    panels = session.scalars(select(InterviewPanel)).all()
    assert interview.schedule(session, campaign, panels) == 2
    assert len(session.scalars(select(InterviewSlot)).all()) == 2
    interview.score(session, i1, a, 90)
    interview.score(session, i2, a, 70)
    interview.score(session, i1, b, 85)
    with pytest.raises(interview.InterviewError, match="panel"):
        interview.score(session, outsider, b, 99)
    interview.record_signing(session, county, a, True, None)
    ranking = rankings.preview(session, set_campaign(interview={"advance": 1}), "interview",
                               county)
    rows = ranking.result["ranking"]
    assert [(r["id"], r["score"]) for r in rows] == [(b.reg_no, 85.0), (a.reg_no, 80.0)]
    rankings.publish(session, ranking, county)
    assert (b.stage, a.stage) == ("selected", "interview")
    with pytest.raises(interview.InterviewError, match="selected"):
        interview.record_signing(session, county, a, True, date(2016, 6, 15))
    interview.record_signing(session, county, b, False, date(2016, 6, 15), "东山村")
    assert b.stage == "signed"
    assert session.scalars(select(AuditLog).where(AuditLog.action == "sign")).one().after == "signed"


def test_support_schedule_arithmetic(session, campaign, make_township, make_candidate):
    years = interview.support_schedule(campaign)
    assert [y["total"] for y in years] == [10000 + 7200 + 2000 + 400, 4800 + 400, 2400 + 400]
    town, other = make_township("城关镇"), make_township("东山镇")
    for t in (town, town, other):
        make_candidate(t).stage = "signed"
    session.commit()
    totals = interview.support_totals(session, campaign)
    assert totals["per_partner"] == 27600
    assert totals["county"] == {"partners": 3, "total": 82800, "parts": {
        "fitout": 30000, "living_1": 21600, "living_2": 14400, "living_3": 7200, "goods": 6000,
        "training": 3600}, "operator": {"computers": 3, "signs": 3, "fitouts": 3,
                                        "loan": 30000, "loan_max": 180000}}
    assert {t["township"]: t["operator"]["loan"] for t in totals["townships"]} == {
        "城关镇": 20000, "东山镇": 10000}
    assert {t["township"]: t["total"] for t in totals["townships"]} == {"城关镇": 55200,
                                                                        "东山镇": 27600}


def test_support_exports_per_township_and_per_partner(session, campaign, make_township,
                                                      make_candidate, make_user, client, auth):
    from openpyxl import load_workbook

    town, _empty = make_township("城关镇"), make_township("东山镇")
    partner = make_candidate(town, name="钱七")
    partner.stage = "signed"
    make_user("county", "county_staff")
    session.commit()
    auth.login("county")
    sheet = load_workbook(io.BytesIO(client.get("/interview/support.xlsx").data)).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0][:3] == ["乡镇/街道", "签约合伙人", "装修补贴（元）"]
    assert rows[0][8:] == ["县级合计（元）", "阿里巴巴店铺电脑（台）", "阿里巴巴门头（块）",
                           "阿里巴巴室内软装修（文化墙）（处）", "阿里巴巴创业贷款（元）",
                           "阿里巴巴创业贷款上限（元）"]  # the operator's part beside the county's
    by_town = {r[0]: r[1:] for r in rows[1:]}
    assert by_town["东山镇"][0] == 0  # a township without partners is listed too
    assert by_town["城关镇"] == [1, 10000, 7200, 4800, 2400, 2000, 1200, 27600,
                                 1, 1, 1, 10000, 60000]
    assert rows[-1][0] == "合计" and rows[-1][8:] == [27600, 1, 1, 1, 10000, 60000]
    each = load_workbook(io.BytesIO(client.get("/interview/support-partners.xlsx").data)).active
    lines = [[c.value for c in r] for r in each.iter_rows()]
    assert lines[1][:3] == [partner.reg_no, "钱七", "城关镇"]
    assert lines[1][-6:] == [27600, 1, 1, 1, 10000, 60000]
    page = client.get("/interview/manage").text  # the operator's part beside the county's
    assert "阿里巴巴提供（每位合伙人）" in page and "创业贷款 10,000 元，视营业情况最多 60,000 元" in page
    assert "已签约 1 人：阿里巴巴提供电脑 1 台、门头 1 块，创业贷款 10,000 元（最多 60,000 元）" in page
    make_user("clerk", "township_staff", town)
    auth.login("clerk")
    assert client.get("/interview/support-partners.xlsx").status_code == 403
