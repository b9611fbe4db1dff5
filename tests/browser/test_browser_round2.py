"""A candidate files a daily report on a phone; an interviewer enters a score."""

import pytest
from sqlalchemy import select

from grader.db import session_scope
from grader.models import Candidate, DailyReport, InterviewScore, User
from helpers import login

pytestmark = pytest.mark.browser


def test_candidate_files_a_daily_report(live_app, live_server, phone):
    with session_scope(live_app) as s:
        cand = s.scalars(select(Candidate).where(Candidate.id_number == "522424199203150015")).one()
        cand.stage = "round2"
    login(phone, live_server, "522424199203150015", "cand2016")
    phone.goto(f"{live_server}/me/reports")
    phone.select_option("#day", "1")
    phone.fill("#text", "今天走访了12户村民，帮3户下单购买化肥。")
    phone.fill("#orders", "3")
    phone.fill("#sales_yuan", "356.5")
    phone.click("#report-form button[type=submit]")
    phone.wait_for_selector(".flash.success")
    assert "第1天日报已提交" in phone.inner_text(".flash.success")
    assert "356.5" in phone.inner_text("#filed")
    with session_scope(live_app) as s:
        rep = s.scalars(select(DailyReport)).one()
        assert (rep.orders, rep.sales_yuan, rep.lateness) == (3, 356.5, "missed")


def test_interviewer_enters_a_score(live_app, live_server, browser):
    with session_scope(live_app) as s:
        cand = s.scalars(select(Candidate).where(Candidate.eligible).order_by(Candidate.id.desc())
                         ).first()
        cand.stage = "interview"
        cand_id = cand.id
    page = browser.new_page()
    login(page, live_server, "interviewer", "inter2016")
    page.goto(f"{live_server}/interview/")
    page.fill(f"#score-{cand_id}", "86.5")
    page.click(f"#score-{cand_id} ~ button")
    page.wait_for_selector(".flash.success")
    with session_scope(live_app) as s:
        row = s.scalars(select(InterviewScore)).one()
        interviewer = s.scalars(select(User).where(User.username == "interviewer")).one()
        assert (row.candidate_id, row.score, row.interviewer_id) == (cand_id, 86.5, interviewer.id)
    page.close()
