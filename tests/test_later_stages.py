"""Pages say the right thing to people whose stage has moved on."""

from helpers import csrf_from


def _candidate_client(session, client, auth, make_township, make_candidate, stage):
    cand = make_candidate(make_township())
    cand.stage = stage
    cand.user.set_password("secret123")
    session.commit()
    auth.login(cand.user.username)
    return cand


def test_a_signed_partner_is_told_submissions_closed(session, client, auth, make_township,
                                                     make_candidate):
    _candidate_client(session, client, auth, make_township, make_candidate, "signed")
    plan = client.get("/me/plan").text
    assert "第一轮已结束" in plan and "进入任务考核第一轮后" not in plan
    reports = client.get("/me/reports").text
    assert "7天试运营已结束" in reports
    assert reports.count("未交（已过补交期限）") == 7  # the 2016 trial is long over


def test_a_round1_candidate_sees_no_missed_trial_days(session, client, auth, make_township,
                                                      make_candidate):
    _candidate_client(session, client, auth, make_township, make_candidate, "round1")
    reports = client.get("/me/reports").text
    assert "进入任务考核第二轮后" in reports and "未交" not in reports


def test_topping_up_with_nothing_short_says_so(client, auth, make_user):
    make_user("county", "county_staff")
    auth.login("county")
    page = client.get("/review/progress")
    done = client.post("/review/progress", data={"csrf_token": csrf_from(page)},
                       follow_redirects=True).text
    assert "所有材料的评审人数都已够了" in done and "没有可补派的评审" not in done
