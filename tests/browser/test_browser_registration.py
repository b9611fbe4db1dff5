"""A candidate registers on a phone and sees the eligibility result; staff see the stats."""

from datetime import date

import pytest

from helpers import DECLARATIONS, ric_for

pytestmark = pytest.mark.browser


def fill_registration(page, id_number: str, education: str = "high", declare=DECLARATIONS):
    page.fill("#name", "赵小春")
    page.fill("#id_number", id_number)
    page.fill("#phone", "13612345678")
    page.select_option("#education", education)
    page.select_option("#township_id", label="西洛街道")
    for name in declare:
        page.check(f"#decl_{name}")
    page.fill("#password", "chun2016")
    page.fill("#confirm", "chun2016")
    page.click("button[type=submit]")


def test_candidate_registers_on_a_phone_and_sees_the_result(live_server, phone, tmp_path):
    phone.goto(f"{live_server}/join/wechat")
    assert phone.locator("h1").inner_text().startswith("报名")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360  # no sideways scrolling on a small phone
    fill_registration(phone, ric_for(date(1996, 4, 1), "123"))
    phone.wait_for_selector("#eligibility")
    text = phone.inner_text("#eligibility")
    assert "资格审核通过" in text
    body = phone.inner_text("main")
    assert "微信链接" in body and "136****5678" in body and "报名成功" in body
    phone.screenshot(path=str(tmp_path / "registered.png"), full_page=True)


def test_an_under_age_candidate_sees_the_reasons(live_server, phone):
    phone.goto(f"{live_server}/register")
    phone.once("dialog", lambda dialog: dialog.accept())  # the warning before an ineligible one
    fill_registration(phone, ric_for(date(1999, 1, 1), "124"), education="junior",
                      declare=DECLARATIONS[:-1])
    phone.wait_for_selector("#eligibility")
    text = phone.inner_text("#eligibility")
    assert "资格审核未通过" in text and "年龄未满18周岁" in text and "学历低于高中" in text
    assert "愿意接受阿里巴巴的培训和管理" in text


def test_a_bad_id_number_is_explained_beside_the_field(live_server, phone):
    phone.goto(f"{live_server}/register")
    fill_registration(phone, "360426199101010072")
    assert "校验位不正确" in phone.inner_text("form")
    assert phone.input_value("#name") == "赵小春"  # nothing the user typed is lost


def test_county_staff_see_the_statistics_table(live_server, browser):
    page = browser.new_page()
    page.goto(f"{live_server}/login")
    page.fill("#username", "county")
    page.fill("#password", "county2016")
    page.click("button[type=submit]")
    page.goto(f"{live_server}/townships/stats")
    table = page.inner_text("table")
    assert "鼓场街道" in table and "合计" in table
    page.close()
