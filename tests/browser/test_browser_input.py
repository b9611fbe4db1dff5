"""Issue 14, items 1-3: input that should not pass the registration page."""

from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from grader.db import session_scope
from grader.models import Candidate
from helpers import DECLARATIONS, ric_for

pytestmark = pytest.mark.browser


def fill(page, id_number: str, phone: str = "13612345678", education: str = "high",
         declare=DECLARATIONS, submit: bool = True):
    page.fill("#name", "钱小夏")
    page.fill("#id_number", id_number)
    page.fill("#phone", phone)
    if education:
        page.select_option("#education", education)
    page.select_option("#township_id", label="西洛街道")
    for name in declare:
        page.check(f"#decl_{name}")
    page.fill("#password", "xia20161")
    page.fill("#confirm", "xia20161")
    if submit:
        page.click("button[type=submit]")


def login(page, server, username, password):
    page.goto(f"{server}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    expect(page.locator("header details.menu")).to_be_attached()  # 退出 sits in the 菜单


def stored(app, id_number):
    with session_scope(app) as s:
        return s.scalars(select(Candidate).where(Candidate.id_number == id_number)).first()


def test_a_phone_with_letters_is_refused(live_app, live_server, phone):
    number = ric_for(date(1990, 2, 3), "201")
    phone.goto(f"{live_server}/register")
    fill(phone, number, phone="138abc12345")
    expect(phone.locator("form")).to_contain_text("只能填数字")
    assert stored(live_app, number) is None  # not +8613822212345, a stranger's number


def test_a_landline_in_the_mobile_field_is_refused(live_app, live_server, phone):
    number = ric_for(date(1990, 2, 3), "202")
    phone.goto(f"{live_server}/register")
    fill(phone, number, phone="0371-61234567")
    expect(phone.locator("form")).to_contain_text("固定电话")
    assert stored(live_app, number) is None


def test_an_id_typed_with_spaces_and_dashes_is_accepted(live_app, live_server, phone):
    number = ric_for(date(1990, 2, 3), "203")
    phone.goto(f"{live_server}/register")
    fill(phone, f"{number[:6]} {number[6:14]}-{number[14:]}")
    expect(phone.locator("#eligibility")).to_contain_text("资格审核通过")
    assert stored(live_app, number).phone == "+8613612345678"


def test_nothing_is_chosen_for_township_or_education(live_server, phone):
    phone.goto(f"{live_server}/register")
    assert phone.input_value("#education") == ""
    assert phone.input_value("#township_id") == ""
    fill(phone, ric_for(date(1990, 2, 3), "204"), education="", declare=DECLARATIONS,
         submit=False)
    phone.select_option("#township_id", "")
    phone.click("button[type=submit]")
    expect(phone.locator("form")).to_contain_text("请选择学历")
    expect(phone.locator("form")).to_contain_text("请选择所属乡镇/街道")


def test_an_unticked_promise_is_explained_before_submitting(live_app, live_server, phone):
    number = ric_for(date(1990, 2, 3), "205")
    phone.goto(f"{live_server}/register")
    asked = []
    phone.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    fill(phone, number, education="junior", declare=DECLARATIONS[:-1])
    expect(phone.locator("#register-form")).to_be_visible()
    assert asked and "不符合报名条件" in asked[0] and "学历低于高中" in asked[0]
    assert "愿意接受阿里巴巴的培训和管理" in asked[0]
    assert stored(live_app, number) is None  # the careless tap saved nothing
    phone.once("dialog", lambda d: d.accept())
    phone.click("button[type=submit]")
    expect(phone.locator("#eligibility")).to_contain_text("资格审核未通过")


def test_a_logged_in_candidate_cannot_register_someone_else(live_server, phone):
    login(phone, live_server, "522424199203150015", "cand2016")
    phone.goto(f"{live_server}/register")
    expect(phone).to_have_url(f"{live_server}/me")
    assert phone.locator("#register-form").count() == 0


def test_staff_opening_register_are_sent_to_the_onsite_page(live_server, phone):
    login(phone, live_server, "township", "town2016")
    phone.goto(f"{live_server}/register")
    expect(phone).to_have_url(f"{live_server}/onsite/register")
