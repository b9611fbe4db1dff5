"""Issue 14, item 7 (and item 1 on the survey form): the household form on a 360 px phone."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from grader.db import session_scope
from grader.models import Candidate
from helpers import login

pytestmark = pytest.mark.browser
DEMO_ID = "522424199203150015"


def set_stage(app, stage):
    with session_scope(app) as s:
        s.scalars(select(Candidate).where(Candidate.id_number == DEMO_ID)).one().stage = stage


def fill(page, phone_number):
    page.fill("#q-name", "李大河")
    page.fill("#q-phone", phone_number)
    page.fill("#q-village", "城关镇李家村二组")
    page.fill("#q-household_size", "4")
    page.select_option("#q-shops_online", "否")
    page.fill("#q-surveyed_at", "2016-05-26")
    page.click("#survey-form button[type=submit]")


def test_the_task_is_shown_before_round_one(live_app, live_server, phone):
    set_stage(live_app, "registered")
    login(phone, live_server, DEMO_ID, "cand2016")
    phone.goto(f"{live_server}/me/surveys")
    task = phone.locator("#survey-task")
    expect(task).to_contain_text("份有效")
    expect(task).to_contain_text("户主姓名")
    expect(task).to_contain_text("进入任务考核第一轮后")


def test_errors_sit_beside_the_field_in_form_wording(live_app, live_server, phone):
    set_stage(live_app, "round1")
    login(phone, live_server, DEMO_ID, "cand2016")
    phone.goto(f"{live_server}/me/surveys")
    fill(phone, "138abc12345")  # letters would be keypad digits: a stranger's number
    expect(phone.locator("#err-phone")).to_contain_text("不是有效的中国大陆电话号码")
    expect(phone.locator("#q-phone")).to_have_attribute("aria-invalid", "true")
    alert = phone.locator(".flash.error")
    expect(alert).to_contain_text("联系电话")
    assert "第2行" not in alert.inner_text()


def test_a_repeated_phone_is_said_when_saving_and_status_fits(live_app, live_server, phone):
    set_stage(live_app, "round1")
    login(phone, live_server, DEMO_ID, "cand2016")
    phone.goto(f"{live_server}/me/surveys")
    fill(phone, "13912348888")
    expect(phone.locator(".flash.success")).to_contain_text("已保存")
    fill(phone, "139 1234 8888")
    expect(phone.locator(".flash.error")).to_contain_text("不计为有效")
    status = phone.locator("td.status").last
    status.scroll_into_view_if_needed()
    box = status.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360  # the verdict is not cut off
