"""A reviewer scores a plan, county staff publish the ranking, the candidate sees it."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from grader.db import session_scope
from grader.models import Candidate, Review, User
from grader.services import plans
from uploads.storage import FileStorage
from helpers import login

pytestmark = pytest.mark.browser
DEMO_ID = "522424199203150015"
PLAN = "我的农村淘宝项目计划书：在村委会旁开设服务站，帮助留守老人网购和代收快递，组织电商培训。" * 8


def test_review_publish_and_see(live_app, live_server, browser, phone):
    campaign = live_app.extensions["grader.campaign"]
    with session_scope(live_app) as s:
        cand = s.scalars(select(Candidate).where(Candidate.id_number == DEMO_ID)).one()
        cand.stage = "round1"
        s.flush()
        storage = FileStorage(live_app.config["STORAGE_DIR"])
        item = plans.submit_plan(s, storage, campaign, cand, "计划书.txt", PLAN.encode()).item
        item_id = item.id
    page = browser.new_page()
    login(page, live_server, "reviewer", "review2016")
    page.goto(f"{live_server}/review/plan")
    assert "村委会旁开设服务站" in page.inner_text("#plan-text")
    assert "示范考生" not in page.content()  # blind: no name
    expect(page.locator(".criterion").first).not_to_be_focused()  # no phone keyboard over the plan
    page.keyboard.press("j")  # j goes to the first score box
    expect(page.locator(".criterion").first).to_be_focused()
    page.keyboard.type("85")
    for _ in range(3):
        page.keyboard.press("j")
        page.keyboard.type("80")
    page.click("#note")
    page.keyboard.type("jk 数据翔实")  # shortcuts stay out of the note box
    page.click("#review-form button[type=submit]")
    page.wait_for_selector(".flash.success")
    with session_scope(live_app) as s:
        rev = s.scalars(select(User).where(User.username == "reviewer")).one()
        done = s.scalars(select(Review).where(Review.item_id == item_id,
                                              Review.reviewer_id == rev.id)).one()
        assert done.score == 81.5  # 0.3·85 + 0.3·80 + 0.2·80 + 0.2·80 = 25.5 + 24 + 16 + 16
        assert done.note == "jk 数据翔实"
    page.close()

    staff = browser.new_page()
    login(staff, live_server, "county", "county2016")
    staff.goto(f"{live_server}/rankings/")
    staff.click("button[value='1']")
    staff.wait_for_selector("#publish")
    assert "计划书评审不足两份" in staff.inner_text("#warnings")
    staff.once("dialog", lambda dialog: dialog.accept())  # publishing asks first, in numbers
    staff.click("#publish")
    staff.wait_for_selector(".flash.success")
    staff.close()

    login(phone, live_server, DEMO_ID, "cand2016")
    phone.goto(f"{live_server}/me/results")
    text = phone.inner_text("#result-1")
    assert "名次" in text and "得分" in text and "完成度" in text
