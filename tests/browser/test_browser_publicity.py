"""On a 360×740 phone: the public 公示 without login, an objection, and corrections."""

import re

import pytest

from grader.services.demo import DEMO_CANDIDATE_ID
from sqlalchemy import select

from helpers import login
from grader.db import session_scope
from grader.models import Candidate, User
from grader.services import exams

pytestmark = pytest.mark.browser
FULL_ID = re.compile(r"\d{17}[\dXx]")


@pytest.fixture(scope="module")
def announced(live_app):
    """Move the online exam's best on, which announces them; return a township's candidate."""
    with session_scope(live_app) as session:
        campaign = live_app.extensions["grader.campaign"]
        county = session.scalar(select(User).where(User.username == "county"))
        exams.apply_advance(session, exams.plan_advance(session, campaign, "online_exam"), county)
        clerk = session.scalar(select(User).where(User.username == "township"))
        cand = session.scalar(select(Candidate).where(
            Candidate.township_id == clerk.township_id, Candidate.reg_no != "",
            Candidate.id_number != DEMO_CANDIDATE_ID).order_by(Candidate.id))
        return cand.id, cand.name


def test_the_public_notice_without_login_prints_one_township(live_server, phone, announced):
    phone.goto(f"{live_server}/public/")
    phone.click("text=线上考试：进入现场测试名单公示")
    phone.wait_for_selector("table.public-list")
    html = phone.content()
    assert FULL_ID.search(html) is None  # only 522424********1234-like numbers
    assert re.search(r"\d{6}\*{8}\d{3}[\dX]", phone.inner_text("table.public-list"))
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.select_option("#township", label="鼓场街道")
    phone.click("form[method=get] button[type=submit]")
    phone.wait_for_url(re.compile(r"township=\d+"))
    towns = phone.locator("table.public-list tbody td:nth-child(4)").all_inner_texts()
    assert towns and set(towns) == {"鼓场街道"}
    phone.emulate_media(media="print")
    assert not phone.is_visible("header.top") and not phone.is_visible("#objection")
    assert phone.is_visible("table.public-list")
    pdf_page = phone.context.browser.new_page()
    pdf_page.goto(phone.url)
    assert pdf_page.pdf(format="A4")[:4] == b"%PDF"
    pdf_page.close()


def test_an_objection_reaches_county_staff_who_answer_it(live_server, phone, browser, announced):
    phone.goto(f"{live_server}/public/online_exam")
    phone.select_option("#position", index=1)
    phone.fill("#name", "王五")
    phone.fill("#phone", "13912345678")
    phone.fill("#text", "此人长期在外地，不在本乡镇")
    phone.click("text=提交异议")
    assert "异议已提交" in phone.inner_text("main")
    assert "13912345678" not in phone.content()
    staff = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    login(staff, live_server, "county", "county2016")
    staff.goto(f"{live_server}/objections")
    assert "此人长期在外地" in staff.inner_text("main")
    staff.fill("input[name=answer]", "经核实，户籍和居住地均在本乡镇")
    staff.once("dialog", lambda dialog: dialog.accept())
    staff.click("text=答复")
    staff.wait_for_selector("text=已答复异议")
    assert "经核实，户籍和居住地均在本乡镇" in staff.inner_text("main")
    staff.context.close()


def test_a_candidate_corrects_their_phone(live_server, phone):
    login(phone, live_server, DEMO_CANDIDATE_ID, "cand2016")
    phone.goto(f"{live_server}/me")
    phone.click("text=修改报名信息")
    phone.fill("#phone", "13711112222")
    phone.click("text=保存修改")
    phone.wait_for_selector("text=已保存更正")
    assert "137****2222" in phone.inner_text("main")
    assert "本人更正报名信息" in phone.inner_text("#corrections")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_township_staff_correct_a_name_with_a_reason(live_server, phone, announced):
    cand_id, name = announced
    login(phone, live_server, "township", "town2016")
    phone.goto(f"{live_server}/candidates/{cand_id}")
    phone.click("text=更正报名信息")
    phone.fill("#name", name + "华")
    phone.click("text=保存更正")
    assert "请填写理由" in phone.inner_text("main form")
    phone.fill("#reason", "现场核对身份证，姓名漏字")
    phone.click("text=保存更正")
    phone.wait_for_selector("text=已更正 1 项")
    history = phone.inner_text("main")
    assert "工作人员更正报名信息" in history and "现场核对身份证，姓名漏字" in history
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
