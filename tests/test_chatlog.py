"""Chat-export parsing: notices, dated lines inside messages, nicknames, header styles."""

from datetime import date

import pytest

from grader.services import chatlog

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
