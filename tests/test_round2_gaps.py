"""Gaps from review: chat-export notices and dated lines, linking unmatched members, late fixes."""

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from grader.models import AuditLog, DailyReport, GroupActivity
from grader.services import activity, chatlog, trial
from grader.services.tables import TableError, write_csv
from helpers import csrf_from

START = datetime(2016, 6, 1, 16, 0, tzinfo=UTC)  # 2016-06-02 00:00 in Shanghai: day 1
DAY1 = date(2016, 6, 2)

# A WeChat group saved with a PC export tool: every header "date time nickname" on its own line,
# group notices under the sender or under "系统消息".
WECHAT_NOTICES = """\
2016-06-02 08:30:12 张三(13800138000)
今天邀请了十户村民下载农村淘宝APP
2016-06-02 08:31:40 系统消息
"张三"邀请"赵六"、"钱七"加入了群聊
2016-06-02 08:35:03 李四
"李四"撤回了一条消息
2016-06-02 08:36:10 李四
我邀请我们村的人加入了群聊，大家一起学习
2016-06-02 09:02:51 县电商办小王
"县电商办小王"修改群名为"农村淘宝合伙人试运营"
2016-06-02 09:15:00 钱七
"钱七"通过扫描"张三"分享的二维码加入群聊
2016-06-02 09:20:44 张三(13800138000)
欢迎钱七，邀请大家明天一起去村委会
"""

# The same kind of export, where a message quotes a training time on a line of its own and a
# short reply is nothing but a time and a place.
WECHAT_DATED_LINES = """\
2016-06-04 20:00:05 县电商办小王
各位合伙人：明天镇里组织农村淘宝培训
培训时间 2016-06-05 14:00
地点：镇政府二楼会议室
2016-06-04 20:01:30 张三(13800138000)
收到
2016-06-04 20:02:10 李四
2016-06-05 14:00 到镇政府
2016-06-04 20:03:45 李四
准时参加
2016-06-04 20:05:00 王五
我也去
"""

# DingTalk: "name date time", dates with slashes, seconds only sometimes.
DINGTALK_DATED_LINES = """\
县电商办小王 2016/6/4 20:00
明天下午镇里培训，请准时参加
培训时间 2016-06-05 14:00
张三 2016/6/4 20:01:30
张三 邀请 赵六 加入了群聊
李四 2016/6/4 20:02
今天邀请了十户村民下载农村淘宝APP
"""

# A TXT export that puts a blank line before every message; the schedule inside a message uses
# the export's very own header format.
BLANK_SEPARATED = """\
2016-06-04 20:00:05 县电商办小王
明天的安排：
2016-06-05 09:00:00 集合
2016-06-05 14:00:00 培训

2016-06-04 20:01:30 张三
收到

2016-06-04 20:02:10 李四
好的

2016-06-04 20:03:45 王五
准时到

2016-06-05 08:59:00 张三
到了
"""


def who(name, phone=None):
    return chatlog.Sender(name, phone)


def test_invitation_words_in_a_message_count_and_whole_notices_do_not():
    counts = chatlog.parse_chat(WECHAT_NOTICES, DAY1)
    assert counts == {(who("张三", "13800138000"), 1): 2, (who("李四"), 1): 1}


def test_a_dated_line_inside_a_wechat_message_is_no_sender():
    counts = chatlog.parse_chat(WECHAT_DATED_LINES, DAY1)
    assert counts == {(who("县电商办小王"), 3): 1, (who("张三", "13800138000"), 3): 1,
                      (who("李四"), 3): 2, (who("王五"), 3): 1}
    quoted = chatlog.messages(WECHAT_DATED_LINES)[0]
    assert quoted.body == ("各位合伙人：明天镇里组织农村淘宝培训", "培训时间 2016-06-05 14:00",
                           "地点：镇政府二楼会议室")


def test_a_dated_line_inside_a_dingtalk_message_is_no_sender():
    counts = chatlog.parse_chat(DINGTALK_DATED_LINES, DAY1)
    assert counts == {(who("县电商办小王"), 3): 1, (who("李四"), 3): 1}


# A busy morning: every header shows seconds; one message gives a time without them.
WECHAT_MORNING = """\
2016-06-03 07:58:02 县电商办小王
早上好，今天继续推广农村淘宝APP
2016-06-03 08:01:15 张三(13800138000)
早上好
2016-06-03 08:02:40 李四
早
2016-06-03 08:05:09 王五
今天去东山村
2016-06-03 08:06:33 县电商办小王
提醒一下：
2016-06-03 09:30 镇政府门口集合
带上宣传单
2016-06-03 08:07:51 张三(13800138000)
收到
2016-06-03 08:09:12 李四
收到
2016-06-03 08:12:47 王五
好的
2016-06-03 08:15:20 赵六
我到了
2016-06-03 08:16:05 钱七
马上到
"""


def test_a_time_without_seconds_in_an_export_that_always_shows_them_is_text():
    counts = chatlog.parse_chat(WECHAT_MORNING, DAY1)
    assert sum(counts.values()) == 10 and counts[(who("县电商办小王"), 2)] == 2
    assert all(sender.name != "镇政府门口集合" for sender, _day in counts)


def test_blank_separated_export_keeps_a_schedule_inside_its_message():
    counts = chatlog.parse_chat(BLANK_SEPARATED, DAY1)
    assert counts == {(who("县电商办小王"), 3): 1, (who("张三"), 3): 1, (who("李四"), 3): 1,
                      (who("王五"), 3): 1, (who("张三"), 4): 1}


@pytest.mark.parametrize("line", ["时间：2016-06-05 14:00", "时间： 2016-06-05 14:00",
                                  "今天 下午 2016-06-05 14:00", "2016-13-45 25:00 张三",
                                  "请大家注意 2016-06-05 14:00 开会",
                                  "2016-06-05 14:00 镇政府二楼会议室，请各位合伙人准时参加",
                                  "各村合伙人明天下午到镇政府二楼会议室参加培训 2016-06-05 14:00"])
def test_sentences_with_dates_are_not_headers(line):
    assert chatlog.header(line) is None


def test_csv_with_an_impossible_date_is_a_bad_row(session, campaign):
    data = write_csv(["成员", "日期", "消息数"], [["赵六", "2016-13-45", "4"]])
    with pytest.raises(TableError) as err:
        activity.import_csv(session, campaign, "a.csv", data, 10**6)
    assert err.value.code == "bad_row"


# A nickname matches no candidate by name or phone.
NICKNAMES = """\
2016-06-02 09:15:32 阳光小张
大家好，今天在村里推广了农村淘宝APP
2016-06-03 10:00:00 阳光小张
今天帮五户村民下单
2016-06-03 10:05:00 李四
点赞
"""


@pytest.fixture
def towns(make_township):
    return make_township("城关镇"), make_township("东山镇")


@pytest.fixture
def people(session, towns, make_candidate, make_user):
    town, other = towns
    zhang = make_candidate(town, name="张三", phone="13800138000")
    li = make_candidate(town, name="李四", phone="13900139000")
    wang = make_candidate(other, name="王五", phone="13700137000")
    for c in (zhang, li, wang):
        c.stage = "round2"
    session.commit()
    return {"zhang": zhang, "li": li, "wang": wang,
            "county": make_user("county", "county_staff"),
            "east": make_user("east", "township_staff", other)}


def links(session):
    return session.scalars(select(AuditLog).where(AuditLog.action == "link_group_member")).all()


def test_link_member_sets_rows_audits_and_is_remembered(session, campaign, people):
    zhang, county = people["zhang"], people["county"]
    assert activity.import_chat(session, campaign, NICKNAMES, "wechat").unmatched == ["阳光小张"]
    assert activity.unmatched_members(session) == ["阳光小张"]
    assert activity.link_member(session, county, "阳光小张", zhang) == 2
    assert activity.messages_of(session, [zhang.id])[zhang.id] == {1: 1, 2: 1}
    assert activity.unmatched_members(session) == []
    (row,) = links(session)
    assert (row.user_id, row.entity, row.entity_id, row.after) == (county.id, "candidate",
                                                                    zhang.id, "阳光小张")
    again = activity.import_chat(session, campaign, NICKNAMES, "wechat")
    assert again.unmatched == []
    assert activity.messages_of(session, [zhang.id])[zhang.id] == {1: 1, 2: 1}  # not doubled
    more = NICKNAMES.replace("2016-06-03 10:00:00", "2016-06-05 10:00:00")
    assert activity.import_chat(session, campaign, more, "dingtalk").unmatched == []
    assert activity.messages_of(session, [zhang.id])[zhang.id] == {1: 2, 2: 1, 4: 1}


def test_link_member_refusals_change_nothing(session, campaign, people):
    zhang, wang, east = people["zhang"], people["wang"], people["east"]
    activity.import_chat(session, campaign, NICKNAMES, "wechat")
    with pytest.raises(activity.LinkError) as err:
        activity.link_member(session, east, "阳光小张", zhang)  # another township's candidate
    assert err.value.code == "not_your_candidate"
    with pytest.raises(activity.LinkError) as err:
        activity.link_member(session, east, "无此人", wang)
    assert err.value.code == "unknown_member"
    wang.stage = "interview"
    with pytest.raises(activity.LinkError) as err:
        activity.link_member(session, east, "阳光小张", wang)
    assert err.value.code == "candidate_not_in_round2"
    assert links(session) == [] and activity.unmatched_members(session) == ["阳光小张"]


def test_same_name_with_two_phones_keeps_both_rows(session, campaign, people):
    export = ("2016-06-02 09:00:00 张三(13800138000)\n收到\n"
              "2016-06-02 09:01:00 张三(13600136000)\n我也收到\n")
    summary = activity.import_chat(session, campaign, export, "wechat")
    assert summary.rows == 2 and summary.unmatched == []  # the second one matched by name
    assert len(session.scalars(select(GroupActivity)).all()) == 2


def test_staff_link_members_on_the_activity_page(client, auth, session, campaign, people):
    zhang, wang = people["zhang"], people["wang"]
    activity.import_chat(session, campaign, NICKNAMES, "wechat")
    session.commit()
    auth.login("east")
    page = client.get("/trial/activity")
    assert "阳光小张" in page.text and 'name="candidate_id"' not in page.text
    assert "请县电商办核对后关联" in page.text
    res = client.post("/trial/activity/link", data={
        "csrf_token": csrf_from(page), "member": "阳光小张", "candidate_id": wang.id})
    assert res.status_code == 403 and links(session) == []  # township staff only look
    auth.login("county")
    page = client.get("/trial/activity")
    res = client.post("/trial/activity/link", follow_redirects=True, data={
        "csrf_token": csrf_from(page), "member": "阳光小张", "candidate_id": zhang.id})
    assert "已将群成员“阳光小张”的 2 条活跃记录关联到 张三" in res.text
    assert activity.messages_of(session, [zhang.id])[zhang.id] == {1: 1, 2: 1}
    assert [a.after for a in links(session)] == ["阳光小张"]
    assert 'id="unmatched"' not in res.text
    assert 'id="linked"' in res.text and "取消关联" in res.text
    res = client.post("/trial/activity/unlink", follow_redirects=True, data={
        "csrf_token": csrf_from(page), "member": "阳光小张", "candidate_id": zhang.id})
    assert "已取消关联" in res.text and 'id="unmatched"' in res.text
    assert activity.messages_of(session, [zhang.id])[zhang.id] == {}
    undone = session.scalars(select(AuditLog).where(
        AuditLog.action == "unlink_group_member")).one()
    assert (undone.entity_id, undone.before, undone.after) == (zhang.id, "阳光小张", None)


@pytest.fixture
def zhang(session, make_township, make_candidate):
    cand = make_candidate(make_township(), name="张三")
    cand.stage = "round2"
    session.commit()
    return cand


STUB = trial.Figures()
FULL = trial.Figures(orders=30, sales_yuan=4200.0, villagers_served=80, app_activations=15)


def test_correction_within_grace_keeps_the_first_filing(session, campaign, zhang):
    first = trial.file_report(session, campaign, zhang, 1, "占位", STUB,
                              now=START + timedelta(hours=23))
    filed_at = first.submitted_at
    fixed = trial.file_report(session, campaign, zhang, 1, "走访二十户，下单三十笔", FULL,
                              now=START + timedelta(days=2))  # the last second of grace
    assert fixed.id == first.id and fixed.submitted_at == filed_at
    assert fixed.lateness == "on_time" and (fixed.text, fixed.orders) == ("走访二十户，下单三十笔", 30)


def test_correction_after_grace_is_refused_and_changes_nothing(session, campaign, zhang):
    trial.file_report(session, campaign, zhang, 1, "占位", STUB, now=START + timedelta(hours=23))
    session.commit()
    with pytest.raises(trial.ReportError) as err:
        trial.file_report(session, campaign, zhang, 1, "走访二十户，下单三十笔", FULL,
                          now=START + timedelta(days=2, seconds=1))
    assert err.value.code == "correction_closed"
    session.rollback()
    (rep,) = session.scalars(select(DailyReport).where(DailyReport.candidate_id == zhang.id))
    session.refresh(rep)
    assert (rep.text, rep.orders, rep.sales_yuan, rep.lateness) == ("占位", 0, 0.0, "on_time")
    assert rep.submitted_at == START + timedelta(hours=23)


def test_late_correction_on_the_reports_page_says_why(client, auth, session, zhang, monkeypatch):
    zhang.user.set_password("pw123456")
    session.commit()
    auth.login(zhang.user.username, "pw123456")
    clock = [START + timedelta(hours=23)]
    monkeypatch.setattr(trial, "utcnow", lambda: clock[0])

    def post(text, orders):
        page = client.get("/me/reports")
        return client.post("/me/reports", follow_redirects=True, data={
            "csrf_token": csrf_from(page), "day": "1", "text": text, "orders": orders})

    assert "第1天日报已提交" in post("占位", "0").text
    clock[0] = START + timedelta(days=3)
    res = post("走访二十户", "30")
    assert "这一天的日报已过补交期限（截止后24小时），不能再修改" in res.text
    rep = session.scalars(select(DailyReport).where(DailyReport.candidate_id == zhang.id)).one()
    assert (rep.text, rep.orders) == ("占位", 0)


# Nicknames with spaces are real senders; an export with no header at all has no messages.
SPACED = """\
2016-06-02 09:15:32 Lucy Wang
大家好
2016-06-02 09:16:00 小王 🌾
今天去了三个村
2016-06-02 09:20:00 张三
收到
"""


def test_nicknames_with_spaces_and_exports_without_headers():
    senders = [m.sender.name for m in chatlog.messages(SPACED)]
    assert senders == ["Lucy Wang", "小王 🌾", "张三"]
    dated = SPACED.replace("今天去了三个村", "2016-06-04 10:00 发货 50 单\n2016-06-04 08:00 meet at office")
    assert [m.sender.name for m in chatlog.messages(dated)] == ["Lucy Wang", "小王 🌾", "张三"]
    assert chatlog.messages("") == [] and chatlog.messages("只有一句话\n没有时间") == []


# A DingTalk export (name first) where a message carries a schedule of dated lines (date first).
SCHEDULE = "\n".join(
    [f"成员{i} 2016/6/3 8:{10 + i:02d}\n收到" for i in range(10)]
    + ["县电商办小王 2016/6/3 9:00", "明天安排：", "2016-06-05 09:00 集合", "2016-06-05 14:00 培训",
       "李四 2016/6/3 9:05", "好的"])


def test_a_schedule_in_another_header_style_stays_in_its_message():
    found = chatlog.messages(SCHEDULE)
    names = [m.sender.name for m in found]
    assert "集合" not in names and "培训" not in names and names[-2:] == ["县电商办小王", "李四"]
    assert found[-2].body == ("明天安排：", "2016-06-05 09:00 集合", "2016-06-05 14:00 培训")


PHONE_MATCH = """\
2016-06-02 09:15:32 阿强(13700137000)
今天去了三个村
"""


def test_an_unlinked_phone_match_stays_unlinked_on_re_import(session, campaign, people):
    wang, county = people["wang"], people["county"]
    activity.import_chat(session, campaign, PHONE_MATCH, "wechat")
    assert activity.messages_of(session, [wang.id])[wang.id] == {1: 1}  # matched by phone
    assert activity.linked_members(session, [wang]) == [("阿强", wang)]
    activity.unlink_member(session, county, "阿强", wang)
    activity.import_chat(session, campaign, PHONE_MATCH, "wechat")  # the same export again
    assert activity.messages_of(session, [wang.id])[wang.id] == {}
    assert activity.unmatched_members(session) == ["阿强"]
    activity.link_member(session, county, "阿强", wang)  # staff change their mind: linked again
    activity.import_chat(session, campaign, PHONE_MATCH, "wechat")
    assert activity.messages_of(session, [wang.id])[wang.id] == {1: 1}


def test_a_gbk_chat_export_is_read_and_an_oversized_one_refused(client, auth, app, session,
                                                                people):
    zhang = people["zhang"]
    auth.login("county")
    page = client.get("/trial/activity")
    gbk = "2016-06-02 09:15:32 张三\n今天去了三个村\n".encode("gb18030")
    res = client.post("/trial/activity", follow_redirects=True, data={
        "csrf_token": csrf_from(page), "kind": "wechat", "file": (io.BytesIO(gbk), "chat.txt")})
    assert "已导入 1 条记录" in res.text
    assert activity.messages_of(session, [zhang.id])[zhang.id] == {1: 1}
    app.config["IMPORT_MAX_BYTES"] = 10
    res = client.post("/trial/activity", follow_redirects=True, data={
        "csrf_token": csrf_from(page), "kind": "wechat", "file": (io.BytesIO(gbk), "chat.txt")})
    assert "文件太大" in res.text


def test_an_undecodable_chat_export_is_refused_not_a_crash(client, auth, people):
    auth.login("county")
    page = client.get("/trial/activity")
    utf16 = "2016-06-02 09:15:32 张三\n今天去了三个村\n".encode("utf-16")
    res = client.post("/trial/activity", data={
        "csrf_token": csrf_from(page), "kind": "wechat", "file": (io.BytesIO(utf16), "c.txt")},
        follow_redirects=True)
    assert res.status_code == 200 and "已导入" not in res.text
