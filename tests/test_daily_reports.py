"""Round-2 daily reports: a correction within the grace period keeps the first filing; later, none."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from grader.models import DailyReport
from grader.services import trial
from helpers import csrf_from


START = datetime(2016, 6, 1, 16, 0, tzinfo=UTC)  # 2016-06-02 00:00 in Shanghai: day 1


@pytest.fixture
def zhang(session, make_township, make_candidate):
    cand = make_candidate(make_township(), name="张三")
    cand.stage = "round2"
    session.commit()
    return cand


STUB = trial.Figures()


FULL = trial.Figures(orders=30, sales_yuan=4200.0, villagers_served=80, app_activations=15)


def test_correction_within_grace_keeps_the_first_filing(session, campaign, zhang):
    first = trial.file_report(session, campaign, zhang, 1, "占位", STUB,
                              now=START + timedelta(hours=23))
    filed_at = first.submitted_at
    fixed = trial.file_report(session, campaign, zhang, 1, "走访二十户，下单三十笔", FULL,
                              now=START + timedelta(days=2))  # the last second of grace
    assert fixed.id == first.id and fixed.submitted_at == filed_at
    assert fixed.lateness == "on_time" and (fixed.text, fixed.orders) == ("走访二十户，下单三十笔", 30)


def test_correction_after_grace_is_refused_and_changes_nothing(session, campaign, zhang):
    trial.file_report(session, campaign, zhang, 1, "占位", STUB, now=START + timedelta(hours=23))
    session.commit()
    with pytest.raises(trial.ReportError) as err:
        trial.file_report(session, campaign, zhang, 1, "走访二十户，下单三十笔", FULL,
                          now=START + timedelta(days=2, seconds=1))
    assert err.value.code == "correction_closed"
    session.rollback()
    (rep,) = session.scalars(select(DailyReport).where(DailyReport.candidate_id == zhang.id))
    session.refresh(rep)
    assert (rep.text, rep.orders, rep.sales_yuan, rep.lateness) == ("占位", 0, 0.0, "on_time")
    assert rep.submitted_at == START + timedelta(hours=23)


def test_late_correction_on_the_reports_page_says_why(client, auth, session, zhang, monkeypatch):
    zhang.user.set_password("pw123456")
    session.commit()
    auth.login(zhang.user.username, "pw123456")
    clock = [START + timedelta(hours=23)]
    monkeypatch.setattr(trial, "utcnow", lambda: clock[0])

    def post(text, orders):
        page = client.get("/me/reports")
        return client.post("/me/reports", follow_redirects=True, data={
            "csrf_token": csrf_from(page), "day": "1", "text": text, "orders": orders})

    assert "第1天日报已提交" in post("占位", "0").text
    clock[0] = START + timedelta(days=3)
    res = post("走访二十户", "30")
    assert "这一天的日报已过补交期限（截止后24小时），不能再修改" in res.text
    rep = session.scalars(select(DailyReport).where(DailyReport.candidate_id == zhang.id)).one()
    assert (rep.text, rep.orders) == ("占位", 0)
