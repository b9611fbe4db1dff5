"""Group activity: chat exports and sheets imported, unmatched members linked by county staff."""

import io

import pytest
from sqlalchemy import select

from grader.models import AuditLog, GroupActivity
from grader.services import activity
from grader.services.tables import TableError, write_csv
from helpers import csrf_from


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
    # members matched to nobody are county business: township staff do not see them
    assert "阳光小张" not in page.text and 'name="candidate_id"' not in page.text
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
