"""Surveys in the app: forms, imports, flags across candidates, the sample and the calls."""

import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from helpers import csrf_from
from grader.models import AuditLog, SpotCheck, SurveyForm
from grader.services import calls, rankings, survey_forms
from survey_helpers import VILLAGE, xlsx


@pytest.fixture
def people(round1_pair):
    return round1_pair


def household(phone, name="王大", size="4"):
    return {"name": name, "phone": phone, "village": "王庄村一组", "household_size": size,
            "shops_online": "是", "surveyed_at": "2016-05-26"}


def sheet(rows):
    book = Workbook()
    book.active.append(["报名编号", "户主姓名", "联系电话", "村组", "家庭人口", "是否网购", "调研日期"])
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_forms_are_flagged_across_candidates(session, campaign, people):
    a, b = people
    first, errs = survey_forms.save_form(session, campaign, a, household("13800138001"), "k1")
    assert errs == [] and first.valid and first.phone_e164 == "+8613800138001"
    same, _ = survey_forms.save_form(session, campaign, a, household("138 0013 8001"), "k2")
    assert same.flags == ["duplicate_phone_same_candidate"] and first.valid
    again, _ = survey_forms.save_form(session, campaign, a, household("13800138001"), "k1")
    assert again.id == first.id  # a retried post from a weak connection is saved once
    other, _ = survey_forms.save_form(session, campaign, b, household("13800138001"), "k3")
    assert "duplicate_phone_other_candidate" in other.flags
    session.refresh(first)
    assert "duplicate_phone_other_candidate" in first.flags and not first.valid
    _, errors = survey_forms.save_form(session, campaign, a, household("12345"), "k4")
    assert [e.code for e in errors] == ["invalid_phone"] and "联系电话" in errors[0].zh


def test_import_is_all_or_nothing_unless_keep_valid(session, campaign, people):
    a, b = people
    data = sheet([[a.reg_no, "张一", "13800000001", "一组", 3, "是", "2016-05-26"],
                  [a.reg_no, "张二", "abc", "一组", 3, "是", "2016-05-26"],
                  ["999999", "张三", "13800000003", "一组", 3, "否", "2016-05-26"]])
    result = survey_forms.import_forms(session, campaign, data, keep_valid=False)
    assert result.saved == 0 and [(e.row, e.column) for e in result.errors] == [
        (3, "phone"), (4, "candidate")]
    assert session.scalar(select(func.count()).select_from(SurveyForm)) == 0
    result = survey_forms.import_forms(session, campaign, data, keep_valid=True)
    assert result.saved == 1
    mine_only = survey_forms.import_forms(session, campaign, sheet(
        [[b.reg_no, "李", "13800000009", "二组", 2, "否", "2016-05-26"]]), False, only=a)
    assert mine_only.saved == 0 and mine_only.errors[0].column == "candidate"


def fill(session, campaign, cand, n, base):
    for i in range(n):
        survey_forms.save_form(session, campaign, cand, household(f"1380{base}{i:05d}"), None)


def test_sample_calls_replacements_and_quality(session, campaign, people, make_user):
    a, b = people
    fill(session, campaign, a, 8, "01")
    fill(session, campaign, b, 3, "02")
    assert calls.draw_sample(session, campaign, "2016", 5) == 8  # 5 for a, all 3 for b
    assert calls.draw_sample(session, campaign, "2016", 5) == 0  # once per candidate
    first = [(c.candidate_id, c.survey_form_id)
             for c in session.scalars(select(SpotCheck).order_by(SpotCheck.id))]
    caller = make_user("caller", "county_staff")
    assert calls.assign(session, [caller]) == 8
    call = calls.next_call(session, caller)
    calls.record(session, campaign, call, caller, "unreachable", {})
    replaced = session.scalars(select(SpotCheck).where(SpotCheck.reason == "replace")).all()
    assert len(replaced) == 1 and replaced[0].candidate_id == call.candidate_id
    confirmed = calls.next_call(session, caller)
    calls.record(session, campaign, confirmed, caller, "confirmed",
                 {"household_size": "6", "shops_online": "是"})
    assert confirmed.mismatches == ["household_size"]  # 4 recorded, 6 heard: beyond ±1
    assert session.scalars(select(AuditLog).where(AuditLog.action == "spot_check")).first()
    report = {r["candidate"].id: r for r in calls.candidate_report(session, campaign)}
    row = report[confirmed.candidate_id]
    # valid 8 of 100 → V = 0.08; R = (1 + 2·p0)/(1 + 2) with p0 = 1/1 = 1 → S = 8.0
    expected = {a.id: 8.0, b.id: 3.0}[confirmed.candidate_id]
    assert row["tally"].confirmed == 1 and row["survey_quality"] == expected
    assert first == [(c.candidate_id, c.survey_form_id) for c in session.scalars(
        select(SpotCheck).where(SpotCheck.reason == "sample").order_by(SpotCheck.id))]
    facts, _w = rankings.round1_facts(session, campaign)
    by_id = {r["id"]: r for r in facts["candidates"]}
    assert by_id[a.reg_no]["survey_valid"] == 8


def test_denials_bring_extra_calls(session, campaign, people, make_user):
    a, _b = people
    fill(session, campaign, a, 15, "03")
    calls.draw_sample(session, campaign, "s", 5)
    caller = make_user("caller", "county_staff")
    calls.assign(session, [caller])
    for outcome in ("denied", "denied", "confirmed"):
        calls.record(session, campaign, calls.next_call(session, caller), caller, outcome, {})
    extra = session.scalars(select(SpotCheck).where(SpotCheck.reason == "extra")).all()
    assert len(extra) == 5


def test_call_list_round_trip(client, auth, session, campaign, people, make_user):
    a, _b = people
    fill(session, campaign, a, 3, "04")
    calls.draw_sample(session, campaign, "x", 5)
    calls.assign(session, [make_user("county", "county_staff")])
    session.commit()
    auth.login("county")
    listing = load_workbook(io.BytesIO(client.get("/calls/list.xlsx").data)).active
    rows = list(listing.iter_rows(values_only=True))
    assert rows[0][0] == "抽查编号" and len(rows) == 4
    assert rows[0][6:10] == ("结果", "村民答：家庭人口", "村民答：是否网购", "村民答：村组")
    book = Workbook()
    book.active.append(list(rows[0]))
    book.active.append([*rows[1][:6], "属实", 4, "是", "王庄村一组", "核实无误"])
    book.active.append([*rows[2][:6], "无人接听", None, None, None, None])
    out = io.BytesIO()
    book.save(out)
    page = client.get("/surveys/")
    res = client.post("/surveys/", data={"action": "import", "csrf_token": csrf_from(page),
                                         "file": (io.BytesIO(out.getvalue()), "calls.xlsx")},
                      follow_redirects=True)
    assert "已导入 2 条通话结果" in res.text
    outcomes = sorted(o for o in session.scalars(select(SpotCheck.outcome)) if o)
    assert outcomes == ["confirmed", "unreachable"]
    done = session.get(SpotCheck, rows[1][0])
    assert done.answers == {"household_size": "4", "shops_online": "是", "village": "王庄村一组"}
    assert done.mismatches == []


def test_template_downloads_with_chinese_headers(client):
    book = load_workbook(io.BytesIO(client.get("/surveys/template.xlsx").data))
    assert [c.value for c in book.worksheets[0][1]][:3] == ["报名编号", "户主姓名", "联系电话"]


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
