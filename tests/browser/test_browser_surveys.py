"""A candidate enters a survey on a phone; county staff record a spot-check call."""

import pytest
from sqlalchemy import select

from grader.db import session_scope
from grader.models import Candidate, SpotCheck, SurveyForm
from helpers import login

pytestmark = pytest.mark.browser
DEMO_ID = "522424199203150015"


def test_survey_form_on_a_phone_then_a_call(live_app, live_server, phone, browser):
    with session_scope(live_app) as s:
        s.scalars(select(Candidate).where(Candidate.id_number == DEMO_ID)).one().stage = "round1"
    login(phone, live_server, DEMO_ID, "cand2016")
    phone.goto(f"{live_server}/me/surveys")
    phone.fill("#q-name", "王大山")
    phone.fill("#q-phone", "13912340001")
    phone.fill("#q-village", "城关镇王庄村一组")
    phone.fill("#q-household_size", "5")
    phone.select_option("#q-shops_online", "是")
    phone.fill("#q-surveyed_at", "2016-05-26")
    phone.click("#survey-form button[type=submit]")
    phone.wait_for_selector(".flash.success")
    assert "有效 1" in phone.inner_text("#survey-counter").replace("\n", " ")
    phone.fill("#q-phone", "123")
    phone.click("#survey-form button[type=submit]")
    assert "联系电话" in phone.inner_text(".flash.error")
    with session_scope(live_app) as s:
        assert s.scalars(select(SurveyForm)).one().phone_e164 == "+8613912340001"

    staff = browser.new_page()
    login(staff, live_server, "county", "county2016")
    staff.goto(f"{live_server}/surveys/")
    staff.click("form:has(input[value=draw]) button")
    staff.wait_for_selector(".flash.success")
    staff.click("form:has(input[value=assign]) button")
    staff.goto(f"{live_server}/calls/next")
    assert "139 1234 0001" in staff.inner_text("#call-number")
    staff.select_option("#outcome", "confirmed")
    staff.fill("#household_size", "5")
    staff.select_option("#shops_online", "是")
    staff.click("#call-form button[type=submit]")
    staff.wait_for_selector("#call-result")
    assert "答案一致" in staff.inner_text("#call-result")
    with session_scope(live_app) as s:
        assert s.scalars(select(SpotCheck)).one().outcome == "confirmed"
    staff.close()
