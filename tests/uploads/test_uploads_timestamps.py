from datetime import datetime, timedelta, timezone

import pytest

from uploads.timestamps import find_bare_clock, find_times, parse_post_time

CN = timezone(timedelta(hours=8))
NOW = datetime(2016, 5, 28, 20, 15, tzinfo=CN)
START = datetime(2016, 5, 25, tzinfo=CN)
END = datetime(2016, 5, 31, tzinfo=CN)


@pytest.mark.parametrize("text,iso,precision", [
    ("2016年5月26日 14:32", "2016-05-26T14:32:00+08:00", "minute"),
    ("2016年5月26日14:32", "2016-05-26T14:32:00+08:00", "minute"),
    ("2016 年 5 月 26 日 14 : 32", "2016-05-26T14:32:00+08:00", "minute"),
    ("2016年05月26日", "2016-05-26", "day"),
    ("2016-05-26 14:32", "2016-05-26T14:32:00+08:00", "minute"),
    ("2016/5/26", "2016-05-26", "day"),
    ("5月26日", "2016-05-26", "day"),
    ("5月26日 08:05", "2016-05-26T08:05:00+08:00", "minute"),
    ("昨天 18:40", "2016-05-27T18:40:00+08:00", "minute"),
    ("昨天", "2016-05-27", "day"),
    ("前天 09:12", "2016-05-26T09:12:00+08:00", "minute"),
    ("前天", "2016-05-26", "day"),
    ("今天 09:12", "2016-05-28T09:12:00+08:00", "minute"),
    ("3小时前", "2016-05-28T17:15:00+08:00", "hour"),
    ("12分钟前", "2016-05-28T20:03:00+08:00", "minute"),
    ("半小时前", "2016-05-28T19:45:00+08:00", "minute"),
    ("30秒前", "2016-05-28T20:14:00+08:00", "second"),
    ("刚刚", "2016-05-28T20:15:00+08:00", "minute"),
    ("3天前", "2016-05-25", "day"),
    ("星期三 14:32", "2016-05-25T14:32:00+08:00", "minute"),
    ("周六", "2016-05-21", "day"),
    ("2016年5月28日01.33", "2016-05-28T01:33:00+08:00", "minute"),
    ("2016年5月26日 14：32", "2016-05-26T14:32:00+08:00", "minute"),
])
def test_forms(text, iso, precision):
    found = parse_post_time(text, NOW)
    assert found is not None, text
    assert (found.iso(), found.precision) == (iso, precision)


@pytest.mark.parametrize("text", ["14:32", "20:15", "下午04:21", "版本 23.6MB", "2月30日",
                                  "今天天气真好", "13月1日", "阿里巴巴", ""])
def test_not_post_times(text):
    assert parse_post_time(text, NOW) is None


def test_status_bar_clock_is_bare_and_found_separately():
    assert find_bare_clock("20:15 4G 全") == "20:15"
    assert find_bare_clock("9:05") == "09:05"
    assert find_bare_clock("昨天 18:40") is None
    assert find_bare_clock("23.6MB") is None


def test_month_day_in_the_future_means_last_year():
    found = parse_post_time("12月30日", datetime(2017, 1, 2, tzinfo=CN))
    assert found.iso() == "2016-12-30"


def test_several_times_in_order_most_specific_wins():
    times = find_times("报名5月3日至5月18日，2016年5月26日 14:32发布", NOW)
    assert [t.iso() for t in times] == ["2016-05-03", "2016-05-18", "2016-05-26T14:32:00+08:00"]


@pytest.mark.parametrize("text,place", [
    ("2016年5月25日 00:00", "inside"),
    ("2016年5月24日 23:59", "outside"),
    ("2016年5月30日 23:59", "inside"),
    ("2016年5月31日 00:00", "outside"),
    ("5月25日", "inside"),
    ("5月24日", "outside"),
    ("5月31日", "outside"),
    ("昨天", "inside"),
    ("3天前", "inside"),
    ("4天前", "outside"),
])
def test_window_edges(text, place):
    assert parse_post_time(text, NOW).position(START, END) == place


def test_relative_hours_can_straddle_the_window_start():
    now = datetime(2016, 5, 25, 0, 30, tzinfo=CN)
    assert parse_post_time("1小时前", now).position(START, END) == "outside"
    assert parse_post_time("刚刚", now).position(START, END) == "inside"
    assert parse_post_time("0小时前", now).position(START, END) == "straddles"
