"""Review gaps of the survey pages: hidden answers, call lists per caller, shared numbers, hints."""

import io
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from grader.models import AuditLog, SpotCheck, SurveyForm
from grader.services import calls, rankings, shared_phones, survey_forms
from helpers import csrf_from

VILLAGE = "王庄村一组"
SHARED = "+8613800138001"


@pytest.fixture
def people(round1_pair):
    return round1_pair


def household(phone, day="2016-05-26", name="王大"):
    return {"name": name, "phone": phone, "village": VILLAGE, "household_size": "4",
            "shops_online": "是", "surveyed_at": day}


def fill(session, campaign, cand, n, base, day="2016-05-26"):
    return [survey_forms.save_form(session, campaign, cand, household(f"1390{base}{i:05d}", day),
                              None)[0] for i in range(n)]


def xlsx(rows):
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def import_calls(client, data):
    page = client.get("/surveys/")
    return client.post("/surveys/", data={"action": "import", "csrf_token": csrf_from(page),
                                          "file": (io.BytesIO(data), "calls.xlsx")},
                       follow_redirects=True)


@pytest.fixture
def drawn(session, campaign, people, make_user):
    """Three forms of candidate a drawn and assigned to the county caller, who is logged in."""
    a, _b = people
    fill(session, campaign, a, 3, "04")
    survey_forms.draw_sample(session, campaign, "x", 5)
    county = make_user("county", "county_staff")
    calls.assign(session, [county])
    session.commit()
    return county


# 1. the survey's answers stay hidden until the caller enters what the villager says

def test_exported_list_leaves_answers_blank_and_blank_answers_match_nothing(
        client, auth, session, drawn):
    auth.login("county")
    rows = list(load_workbook(io.BytesIO(client.get("/calls/list.xlsx").data)).active
                .iter_rows(values_only=True))
    assert len(rows) == 4 and all(VILLAGE not in [str(v) for v in row] for row in rows)
    assert all(row[7:] == (None, None, None, None) for row in rows[1:])
    filled = [rows[0], [*rows[1][:6], "属实", *rows[1][7:]],  # reached, nothing asked
              [*rows[2][:6], "属实", None, None, "李家庄", None]]
    assert "已导入 2 条通话结果" in import_calls(client, xlsx(filled)).text
    blank, typed = session.get(SpotCheck, rows[1][0]), session.get(SpotCheck, rows[2][0])
    assert blank.outcome == "confirmed" and blank.answers.get("village") == ""
    assert blank.mismatches == [] and [r["state"] for r in calls.comparison(blank)] == [
        "not_asked"] * 3
    assert typed.mismatches == ["village"]
    by_q = {q["question"]: (q["asked"], q["differences"]) for q in calls.question_report(session)}
    assert by_q == {"village": (1, 1)}  # only the typed village counts, and it differs


def test_older_lists_village_column_is_not_read_as_the_answer(client, auth, session, drawn):
    auth.login("county")
    call = session.scalars(select(SpotCheck).order_by(SpotCheck.id)).first()
    legacy = [["抽查编号", "村组", "结果", "家庭人口"], [call.id, VILLAGE, "属实", 5]]
    assert "已导入 1 条通话结果" in import_calls(client, xlsx(legacy)).text
    assert call.answers == {"household_size": "5", "shops_online": "", "village": ""}
    assert [q["question"] for q in calls.question_report(session)] == ["household_size"]


def test_call_page_hides_the_recorded_village_until_the_answers_are_in(
        client, auth, session, drawn):
    auth.login("county")
    page = client.get("/calls/next")
    call = calls.next_call(session, drawn)
    assert call.form.name in page.text and call.form.phone_e164[3:6] in page.text
    assert VILLAGE not in page.text
    done = client.post("/calls/next", data={
        "csrf_token": csrf_from(page), "call_id": call.id, "outcome": "confirmed",
        "household_size": "4", "shops_online": "是", "village": VILLAGE})
    assert done.status_code == 200 and VILLAGE in done.text and "一致" in done.text
    assert call.outcome == "confirmed" and call.mismatches == []


def test_a_caller_cannot_record_someone_elses_call(client, auth, session, drawn, make_user):
    make_user("other", "county_staff")
    auth.login("other")
    page = client.get("/calls/next")
    assert "您没有待打的电话" in page.text
    call = session.scalars(select(SpotCheck)).first()
    res = client.post("/calls/next", data={"csrf_token": csrf_from(page), "call_id": call.id,
                                           "outcome": "denied"})
    assert res.status_code == 403 and call.outcome is None


# 2. the offline list follows the assignment

@pytest.fixture
def two_callers(session, campaign, people, make_user):
    a, b = people
    fill(session, campaign, a, 4, "05")
    fill(session, campaign, b, 4, "06")
    survey_forms.draw_sample(session, campaign, "y", 5)
    one, two = make_user("c1", "county_staff"), make_user("c2", "county_staff")
    calls.assign(session, [one, two])
    session.commit()
    return one, two


def exported(client, query=""):
    book = load_workbook(io.BytesIO(client.get(f"/calls/list.xlsx{query}").data)).active
    rows = list(book.iter_rows(values_only=True))
    return rows[0], rows[1:]


def test_call_list_shows_own_calls_by_default_and_any_caller_on_request(
        client, auth, session, two_callers):
    one, two = two_callers
    auth.login("c1")
    header, mine = exported(client)
    assert header[1] == "电话员"
    ids = {c.id for c in session.scalars(select(SpotCheck).where(SpotCheck.caller_id == one.id))}
    assert {r[0] for r in mine} == ids and {r[1] for r in mine} == {"c1"}
    _h, theirs = exported(client, f"?caller={two.id}")
    assert {r[1] for r in theirs} == {"c2"} and len(theirs) == 8 - len(ids)
    _h, everyone = exported(client, "?caller=all")
    assert len(everyone) == 8


def test_printable_list_is_a4_big_text_and_filtered(client, auth, session, two_callers):
    one, two = two_callers
    auth.login("c1")
    html = client.get("/calls/list").text
    assert "@page{size:A4" in html and "@media print" in html and "font-size:14pt" in html
    number = {c.caller_id: c.form.phone_e164 for c in session.scalars(select(SpotCheck))}
    local = {k: v[3:] for k, v in number.items()}
    shown = html.replace(" ", "")
    assert local[one.id] in shown and local[two.id] not in shown and VILLAGE not in html
    assert local[two.id] in client.get("/calls/list?caller=all").text.replace(" ", "")


@pytest.mark.parametrize("url", ["/calls/list", "/calls/list.xlsx", "/calls/next",
                                 "/surveys/phones"])
@pytest.mark.parametrize("role", ["township_staff", "reviewer", "candidate"])
def test_calling_pages_check_the_role(client, auth, make_user, make_township, url, role):
    assert client.get(url).status_code == 302  # to the login page
    make_user("someone", role, make_township("东于镇") if role == "township_staff" else None)
    auth.login("someone")
    assert client.get(url).status_code == 403


# 3. numbers shared across candidates: staff decide, the audit log records it, V follows

def shared_setup(session, campaign, people):
    a, b = people
    fill(session, campaign, a, 2, "07")
    fill(session, campaign, b, 1, "08")
    mine = survey_forms.save_form(session, campaign, a, household(SHARED), None)[0]
    theirs = survey_forms.save_form(session, campaign, b, household(SHARED), None)[0]
    session.commit()
    return mine, theirs


def valid_count(session, campaign, cand):
    facts, _w = rankings.round1_facts(session, campaign)
    return {c["id"]: c["survey_valid"] for c in facts["candidates"]}[cand.reg_no]


@pytest.fixture
def shared(session, campaign, people, make_user, auth):
    """Forms of both people on one number; county staff logged in. Returns (mine, theirs, staff)."""
    mine, theirs = shared_setup(session, campaign, people)
    staff = make_user("county", "county_staff")
    auth.login("county")
    return mine, theirs, staff


def resolve(client, keeper, reason="已电话核实"):
    page = client.get("/surveys/phones")
    return client.post("/surveys/phones", data={"csrf_token": csrf_from(page), "phone": SHARED,
                                                "keeper": keeper, "reason": reason},
                       follow_redirects=True)


def test_staff_decide_who_keeps_a_shared_number(client, session, campaign, people, shared):
    a, b = people
    mine, theirs, _staff = shared
    assert not mine.valid and not theirs.valid and valid_count(session, campaign, a) == 2
    page = client.get("/surveys/phones").text
    assert a.reg_no in page and b.reg_no in page and "待处理" in page
    res = resolve(client, str(a.id), "户主王大确认是甲上门调研")
    assert "已记录决定" in res.text and "已处理" in res.text
    assert mine.valid and mine.flags == []
    assert not theirs.valid and theirs.flags == ["duplicate_phone_other_candidate"]
    assert valid_count(session, campaign, a) == 3 and valid_count(session, campaign, b) == 1
    log = session.scalars(select(AuditLog).where(AuditLog.action == "resolve_shared_phone")
                          .order_by(AuditLog.id)).all()
    assert [(r.entity_id, r.field, r.before["valid"], r.after) for r in log] == [
        (a.id, f"survey_form:{mine.id}", False, {"valid": True, "decision": "keep"}),
        (b.id, f"survey_form:{theirs.id}", False, {"valid": False, "decision": "other"})]
    assert {r.reason for r in log} == {"户主王大确认是甲上门调研"}
    survey_forms.recheck(session, campaign)  # a later full recheck keeps the decision
    assert mine.valid and not theirs.valid


def test_a_shared_family_phone_is_valid_for_all(client, session, campaign, people, shared):
    a, b = people
    mine, theirs, _staff = shared
    resolve(client, "all", "一家人共用的座机")
    assert mine.valid and theirs.valid
    assert valid_count(session, campaign, a) == 3 and valid_count(session, campaign, b) == 2
    report = {r["candidate"].id: r["valid"] for r in calls.candidate_report(session, campaign)}
    assert report == {a.id: 3, b.id: 2}


def test_a_decision_needs_a_reason_and_a_choice(client, session, shared):
    mine, theirs, _staff = shared
    assert "请填写理由" in resolve(client, "all", "  ").text
    assert "请选择由哪位报名者保留" in resolve(client, "").text
    assert not mine.valid and not theirs.valid
    assert session.scalars(select(AuditLog).where(
        AuditLog.action == "resolve_shared_phone")).first() is None


def test_a_new_candidate_with_the_number_reopens_the_decision(session, campaign, people,
                                                              make_candidate, shared):
    a, b = people
    mine, theirs, staff = shared
    shared_phones.resolve_shared_number(session, campaign, staff, SHARED, a.id, "核实")
    again = survey_forms.save_form(session, campaign, a, household(SHARED), None)[0]
    assert mine.valid and again.flags == ["duplicate_phone_same_candidate"]  # a's own repeat
    c = make_candidate(b.township, name="丙")
    c.stage = "round1"
    late = survey_forms.save_form(session, campaign, c, household(SHARED), None)[0]
    assert not mine.valid and not late.valid  # staff must decide again
    shared = {s.phone_e164: s for s in shared_phones.shared_numbers(session)}
    assert not shared[SHARED].decided and survey_forms.decision_of(mine) == "keep"
    with pytest.raises(survey_forms.SurveyError) as err:
        shared_phones.resolve_shared_number(session, campaign, staff, "+8613900000000", None, "x")
    assert err.value.code == "not_shared"


# 4. the task period and the per-day limit reach the checks

def test_round1_days_come_from_the_campaign(campaign):
    assert survey_forms.round1_days(campaign) == (date(2016, 5, 25), date(2016, 5, 30))
    assert survey_forms.check_config(campaign).max_forms_per_day is None  # the package default


def test_surveys_outside_the_task_period_are_hinted(client, auth, session, campaign,
                                                    make_township, make_candidate):
    cand = make_candidate(make_township(), password="secret123")
    cand.stage = "round1"
    session.commit()
    days = {"2016-05-24": True, "2016-05-25": False, "2016-05-30": False, "2016-05-31": True}
    forms = {d: fill(session, campaign, cand, 1, f"1{i}", d)[0] for i, d in enumerate(days)}
    assert {d: "implausible:surveyed_at" in f.hints for d, f in forms.items()} == days
    assert all(f.valid for f in forms.values())  # a hint asks for review, it does not invalidate
    auth.login(cand.id_number)
    assert client.get("/me/surveys").text.count("答案不合常理，需核实（调研日期）") == 2


def test_too_many_forms_a_day_are_hinted(set_campaign, session, campaign, people):
    a, _b = people
    limited = set_campaign(round1={"tasks": {"survey": {"max_forms_per_day": 2}}})
    busy = fill(session, limited, a, 3, "09", "2016-05-27")
    calm = fill(session, limited, a, 2, "10", "2016-05-28")
    assert all("too_fast" in f.hints for f in busy)
    assert not any("too_fast" in f.hints for f in calm)
    survey_forms.recheck(session, campaign)  # without the limit the hint goes away
    assert not any("too_fast" in f.hints for f in busy)
    assert session.get(SurveyForm, busy[0].id).valid


def test_after_publication_shared_numbers_are_shown_without_a_form(client, session, campaign,
                                                                   people, shared):
    county = shared[2]
    assert 'name="keeper"' in client.get("/surveys/phones").text
    rankings.publish(session, rankings.preview(session, campaign, "1", county), county)
    session.commit()
    page = client.get("/surveys/phones").text
    assert "只能查看" in page and 'name="keeper"' not in page and people[0].reg_no in page


def test_call_sheet_errors_name_every_row_and_recorded_calls_stand(client, auth, session,
                                                                   campaign, drawn):
    auth.login("county")
    first, second, third = session.scalars(select(SpotCheck).order_by(SpotCheck.id)).all()[:3]
    bad = [["抽查编号", "结果"], [first.id, "属实"], [999999, "属实"], [second.id, "也许"]]
    page = import_calls(client, xlsx(bad)).text
    assert "第3行" in page and "999999" in page and "第4行" in page and "也许" in page
    assert first.outcome is None  # all or nothing
    calls.record(session, campaign, first, drawn, "denied", {}, "")  # on the calling screen
    session.commit()
    good = [["抽查编号", "结果"], [first.id, "属实"], [third.id, "属实"]]
    page = import_calls(client, xlsx(good)).text
    assert "已导入 1 条通话结果" in page and "1 个电话已有结果" in page
    assert (first.outcome, third.outcome) == ("denied", "confirmed")


def test_a_candidates_sheet_over_the_import_limit_is_refused(client, auth, app, session,
                                                             people):
    a, _b = people
    a.user.set_password("secret123")
    session.commit()
    app.config["IMPORT_MAX_BYTES"] = 2000
    auth.login(a.user.username)
    rows = [["户主姓名", "联系电话", "村组", "家庭人口", "是否网购", "调研日期"]] + [
        ["王大", f"1390000{i:04d}", VILLAGE, 4, "是", "2016-05-26"] for i in range(200)]
    page = client.get("/me/surveys")
    res = client.post("/me/surveys", data={"csrf_token": csrf_from(page),
                                           "file": (io.BytesIO(xlsx(rows)), "s.xlsx")},
                      follow_redirects=True)
    assert "文件太大" in res.text
    assert session.scalars(select(SurveyForm).where(SurveyForm.candidate_id == a.id)).all() == []


def test_a_call_number_twice_in_the_sheet_is_a_bad_row(client, auth, session, drawn):
    auth.login("county")
    first = session.scalars(select(SpotCheck).order_by(SpotCheck.id)).first()
    twice = [["抽查编号", "结果"], [first.id, "属实"], [first.id, "否认"], ["99999999999999999999", "属实"]]
    page = import_calls(client, xlsx(twice)).text
    assert "第3行" in page and "出现了两次" in page and "第4行" in page
    assert first.outcome is None
