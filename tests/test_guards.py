"""Guards that keep the funnel exact: nothing applied twice, closed rounds stay closed."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from grader.models import EvidenceItem, Review
from grader.services import activity, exams, plans, rankings, survey_forms, trial
from grader.services.tables import write_csv
from helpers import csrf_from
from uploads.storage import FileStorage

PLAN = "本村电商服务站计划：帮助留守老人网购、代收快递、组织村民培训，每月走访全部农户。" * 6


@pytest.fixture
def town(make_township):
    return make_township()


def test_an_exam_advance_happens_once(session, campaign, town, make_candidate, make_user):
    county = make_user("county", "county_staff")
    a, b = make_candidate(town), make_candidate(town)
    a.online_exam_score, b.online_exam_score = 90, 80
    session.commit()
    plan = exams.plan_advance(session, campaign, "online_exam")
    assert exams.apply_advance(session, plan, county) == 2
    again = exams.plan_advance(session, campaign, "online_exam")
    with pytest.raises(exams.ExamError, match="already"):
        exams.apply_advance(session, again, county)


def test_one_published_ranking_per_round(session, campaign, set_campaign, town, make_candidate,
                                         make_user):
    county = make_user("county", "county_staff")
    people = [make_candidate(town), make_candidate(town)]
    for p in people:
        p.stage = "round1"
    session.commit()
    one = set_campaign(round1={"advance": 1})
    first = rankings.preview(session, one, "1", county)
    second = rankings.preview(session, one, "1", county)
    rankings.publish(session, second, county)
    cand = next(p for p in people if p.stage == "round1")
    assert first.status == "superseded"
    with pytest.raises(rankings.RankingError):
        rankings.publish(session, first, county)
    with pytest.raises(survey_forms.SurveyError, match="published"):
        survey_forms.save_form(session, campaign, cand, {"phone": "13800138000"})


def test_saving_a_form_keeps_other_duplicate_flags(session, campaign, town, make_candidate):
    a, b = make_candidate(town), make_candidate(town)
    a.stage = b.stage = "round1"
    session.commit()
    raw = {"name": "王", "village": "一组", "household_size": "3", "shops_online": "是",
           "surveyed_at": "2016-05-26"}
    first, _ = survey_forms.save_form(session, campaign, a, {**raw, "phone": "13800000001"})
    survey_forms.save_form(session, campaign, b, {**raw, "phone": "13800000001"})
    survey_forms.save_form(session, campaign, a, {**raw, "phone": "13800000002"})
    session.refresh(first)
    assert "duplicate_phone_other_candidate" in first.flags and not first.valid


def test_reports_for_days_not_started_and_nan_are_refused(session, campaign, town,
                                                          make_candidate):
    cand = make_candidate(town)
    cand.stage = "round2"
    session.commit()
    start = trial.trial_start(campaign)
    with pytest.raises(trial.ReportError, match="not started"):
        trial.file_report(session, campaign, cand, 7, "提前", trial.Figures(), now=start)
    with pytest.raises(trial.ReportError) as err:
        trial.file_report(session, campaign, cand, 1, "x", trial.Figures(sales_yuan=float("nan")),
                          now=start)
    assert err.value.code == "bad_figure"


def test_activity_reimport_replaces(session, campaign, town, make_candidate):
    cand = make_candidate(town, name="张三")
    cand.stage = "round2"
    session.commit()
    data = write_csv(["成员", "天", "消息数"], [["张三", "1", "10"]])
    activity.import_csv(session, campaign, "a.csv", data, 10**6)
    activity.import_csv(session, campaign, "a.csv", data, 10**6)
    assert activity.messages_of(session, [cand.id])[cand.id][1] == 10
    from grader.services.tables import TableError

    with pytest.raises(TableError):
        activity.import_csv(session, campaign, "b.csv", b"member,day,count\nx\n", 10**6)


def test_a_new_plan_replaces_the_old_one(session, campaign, town, make_candidate, make_user,
                                         tmp_path):
    storage = FileStorage(tmp_path)
    for i in range(3):
        make_user(f"r{i}", "reviewer")
    cand = make_candidate(town)
    cand.stage = "round1"
    session.commit()
    old = plans.submit_plan(session, storage, campaign, cand, "v1.txt", PLAN.encode()).item
    new = plans.submit_plan(session, storage, campaign, cand, "v2.txt",
                            (PLAN + "第二版").encode()).item
    assert old.status == "superseded" and new.status == "accept"
    open_old = session.scalars(select(Review).where(Review.item_id == old.id)).all()
    assert open_old == [] and len(session.scalars(select(Review).where(
        Review.item_id == new.id)).all()) == 2
    assert list(plans.plan_texts(session)) == [new.id]
    reviewer = make_user("boss", "county_staff")
    from grader.services import evidence

    evidence.decide(session, new, reviewer, "reject", "抄袭")
    plans.submit_plan(session, storage, campaign, cand, "v2.txt", (PLAN + "第二版").encode())
    assert new.status == "reject"  # a person's decision stands


def test_review_queue_refuses_a_made_up_verdict(client, auth, session, town, make_candidate,
                                                make_user):
    cand = make_candidate(town)
    item = EvidenceItem(candidate_id=cand.id, task="wechat_share", filename="a.png",
                        sha256="a" * 64, size=1, mime="image/png", storage_key="k",
                        status="review", submitted_at=datetime.now(UTC) - timedelta(hours=1))
    session.add(item)
    make_user("rev", "reviewer")
    session.commit()
    auth.login("rev")
    page = client.get("/evidence/review")
    res = client.post("/evidence/review", data={"item_id": item.id, "verdict": "maybe",
                                                "csrf_token": csrf_from(page)},
                      follow_redirects=True)
    assert res.status_code == 200 and "请选择通过或不通过" in res.text
    assert item.status == "review"


def test_bad_uploads_on_staff_pages_are_explained(client, auth, session, make_user):
    make_user("county", "county_staff")
    auth.login("county")
    page = client.get("/surveys/")
    res = client.post("/surveys/", data={"action": "import", "csrf_token": csrf_from(page)},
                      follow_redirects=True)
    assert res.status_code == 200 and "文件是空的" in res.text
    page = client.get("/trial/activity")
    res = client.post("/trial/activity", data={"kind": "csv", "csrf_token": csrf_from(page),
                                               "file": (io.BytesIO(b""), "")},
                      follow_redirects=True)
    assert res.status_code == 200
    page = client.get("/interview/manage")
    res = client.post("/interview/manage/sign", data={"candidate_id": "99999",
                                                      "csrf_token": csrf_from(page)})
    assert res.status_code == 404


