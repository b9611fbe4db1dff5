from datetime import datetime, timedelta, timezone

import pytest

from uploads.rules import (TaskRules, build_rules, local_now, order_reasons, rules_from_campaign,
                           time_reasons, verdict_of)
from uploads.synth import CAMPAIGN_2016, DEMO_NOW
from uploads.timestamps import parse_post_time

CN = timezone(timedelta(hours=8))


def test_rules_from_campaign_file_dict():
    share = rules_from_campaign(CAMPAIGN_2016, "wechat_share")
    assert share == TaskRules(
        task="wechat_share", keywords=("农村淘宝", "合伙人"),
        window_start=datetime(2016, 5, 25, tzinfo=CN), window_end=datetime(2016, 5, 31, tzinfo=CN),
        tz=share.tz)
    app = rules_from_campaign(CAMPAIGN_2016, "app_download")
    assert app.app_names == ("农村淘宝",) and "安装成功" in app.success_words
    assert not app.require_nickname


def test_build_rules_from_task_dict_and_date_only_window():
    tasks = {"wechat_share": {"keywords": ["农村淘宝", "合伙人"]},
             "app_download": {"app_names": ["农村淘宝"], "success_words": ["下载完成"]}}
    rules = build_rules("app_download", tasks, "2016-05-25", "2016-05-30")
    assert rules.success_words == ("下载完成",)
    assert rules.window_end == datetime(2016, 5, 31, tzinfo=rules.tz)  # the last day counts


def test_unknown_task():
    with pytest.raises(ValueError):
        build_rules("survey", {})
    with pytest.raises(ValueError):
        rules_from_campaign(CAMPAIGN_2016, "plan")


def test_time_reasons():
    rules = rules_from_campaign(CAMPAIGN_2016, "wechat_share")
    now = DEMO_NOW
    assert time_reasons(None, rules, now) == ["timestamp_not_found"]
    assert time_reasons(parse_post_time("昨天 18:40", now), rules, now) == []
    assert time_reasons(parse_post_time("5月20日", now), rules, now) == [
        "timestamp_outside_window"]
    assert time_reasons(parse_post_time("5月29日 10:00", now), rules, now) == [
        "timestamp_in_future"]


def test_naive_now_is_campaign_local_time():
    rules = rules_from_campaign(CAMPAIGN_2016, "wechat_share")
    assert local_now(datetime(2016, 5, 28, 20, 15), rules) == DEMO_NOW
    utc = datetime(2016, 5, 28, 12, 15, tzinfo=timezone.utc)
    assert local_now(utc, rules) == DEMO_NOW


def test_reject_outranks_review():
    assert verdict_of([]) == "accept"
    assert verdict_of(["repeated_nickname"]) == "review"
    assert verdict_of(["repeated_nickname", "duplicate_of:a.png"]) == "reject"
    assert order_reasons(["timestamp_not_found", "missing_keyword:合伙人", "timestamp_not_found"]
                         ) == ["missing_keyword:合伙人", "timestamp_not_found"]
