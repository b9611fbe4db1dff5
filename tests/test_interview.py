"""The reassignment answer (服从调剂) is asked at interview and shown in the interview ranking."""

import pytest
from sqlalchemy import select

from helpers import csrf_from
from grader.models import AuditLog
from grader.services import interview, rankings


def test_reassignment_is_recorded_at_interview_and_reaches_the_ranking(
        session, campaign, make_township, make_candidate, make_user, client, auth):
    town = make_township()
    county = make_user("county", "county_staff")
    yes, no, unknown = (make_candidate(town) for _ in range(3))
    for cand in (yes, no, unknown):
        cand.stage = "interview"
    session.commit()
    auth.login("county")
    page = client.get("/interview/manage")
    assert f'name="accepts-{yes.id}"' in page.get_data(as_text=True)
    client.post("/interview/manage/reassign", data={
        "csrf_token": csrf_from(page), f"accepts-{yes.id}": "1",
        f"accepts-{no.id}": "0", f"accepts-{unknown.id}": ""})
    ranking = rankings.preview(session, campaign, "interview", county)
    answers = {r["id"]: r["components"]["accepts_reassignment"] for r in ranking.result["ranking"]}
    assert answers == {yes.reg_no: True, no.reg_no: False, unknown.reg_no: None}
    logged = session.scalars(select(AuditLog).where(AuditLog.action == "reassignment")).all()
    assert sorted((a.entity_id, a.after) for a in logged) == sorted(
        [(yes.id, True), (no.id, False)])
    interview.record_reassignment(session, county, no, False)  # unchanged: not logged again
    assert len(session.scalars(select(AuditLog).where(AuditLog.action == "reassignment")).all()) == 2
    other = make_candidate(town)
    with pytest.raises(interview.InterviewError, match="only candidates at interview"):
        interview.record_reassignment(session, county, other, True)


def test_interviewers_never_score_their_own_township(session, campaign, make_township,
                                                     make_candidate, make_user):
    from grader.models import InterviewPanel, InterviewSlot

    east, west = make_township("东于镇"), make_township("西谷镇")
    local = make_user("local", "interviewer", east)
    other = make_user("other", "interviewer", west)
    cand = make_candidate(east)
    cand.stage = "interview"
    session.add_all([InterviewPanel(name="东组", members=[local]),
                     InterviewPanel(name="西组", members=[other])])
    session.commit()
    panels = session.scalars(select(InterviewPanel).order_by(InterviewPanel.id)).all()
    assert interview.schedule(session, campaign, panels) == 1
    slot = session.scalars(select(InterviewSlot)).one()
    assert slot.panel.name == "西组"  # the panel with no one from the candidate's township
    with pytest.raises(interview.InterviewError, match="own township"):
        interview.score(session, local, cand, 90)
    assert interview.score(session, other, cand, 80).score == 80


def test_staff_see_panels_by_name_the_schedule_and_grouped_totals(
        session, campaign, make_township, make_candidate, make_user, client, auth):
    from grader.models import InterviewPanel

    town = make_township("东于镇")
    make_user("county", "county_staff")
    judge = make_user("judge", "interviewer")
    judge.display_name = "李评委"
    cand = make_candidate(town, name="赵六")
    cand.stage = "interview"
    session.add(InterviewPanel(name="第一组", members=[judge]))
    session.commit()
    interview.schedule(session, campaign, session.scalars(select(InterviewPanel)).all())
    session.commit()
    auth.login("county")
    page = client.get("/interview/manage").text
    assert "第一组</strong>：李评委" in page
    assert 'id="slots"' in page and "赵六" in page and "2016-06-12 08:30" in page
    assert "<td>19,600</td>" in page  # year 1: 10,000 fit-out + 7,200 living + 2,000 + 400


def test_interviews_keep_office_hours():
    from datetime import date, datetime

    from grader.models.base import SHANGHAI

    day = date(2016, 6, 12)
    times = [interview.slot_time(day, i) for i in range(45)]
    assert times[0] == datetime(2016, 6, 12, 8, 30, tzinfo=SHANGHAI)
    assert times[10] == datetime(2016, 6, 12, 14, 0, tzinfo=SHANGHAI)  # after lunch
    assert times[20] == datetime(2016, 6, 13, 8, 30, tzinfo=SHANGHAI)  # the next morning
    assert all(8 <= t.hour < 12 or 14 <= t.hour < 17 or (t.hour, t.minute) == (17, 0)
               for t in times)


def test_a_signing_date_lies_between_the_interview_and_the_deadline(
        session, campaign, make_township, make_candidate, make_user):
    from datetime import date

    county = make_user("county", "county_staff")
    cand = make_candidate(make_township())
    cand.stage = "selected"
    session.commit()
    for wrong in (date(2099, 1, 1), date(2016, 6, 11), date(2016, 6, 17)):
        with pytest.raises(interview.InterviewError, match="signing date"):
            interview.record_signing(session, county, cand, True, wrong, campaign=campaign)
    assert cand.stage == "selected"
    interview.record_signing(session, county, cand, True, date(2016, 6, 16), campaign=campaign)
    assert cand.stage == "signed"


def test_staff_are_warned_when_interviews_run_past_the_interview_days(
        session, campaign, make_township, make_candidate, make_user, client, auth):
    from datetime import date, timedelta

    from helpers import csrf_from
    from grader.models import InterviewPanel

    town = make_township()
    make_user("county", "county_staff")
    judge = make_user("judge", "interviewer")
    for i in range(41):  # one panel holds 20 a day; the 2016 interview has 2 days
        make_candidate(town, born=date(1990, 1, 1) + timedelta(days=i)).stage = "interview"
    session.add(InterviewPanel(name="唯一组", members=[judge]))
    session.commit()
    auth.login("county")
    page = client.get("/interview/manage")
    res = client.post("/interview/manage/schedule", data={"csrf_token": csrf_from(page)},
                      follow_redirects=True)
    assert "已安排 41 人" in res.text and "晚于面试结束日 2016-06-13" in res.text
    assert interview.overrun(session, campaign) is not None
