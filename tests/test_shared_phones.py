"""Numbers shared across candidates: staff decide, the audit log records it, V follows."""

import pytest
from sqlalchemy import select

from grader.models import AuditLog
from grader.services import calls, rankings, shared_phones, survey_forms
from helpers import client_as, csrf_from
from survey_helpers import fill, household


SHARED = "+8613800138001"


@pytest.fixture
def people(round1_pair):
    return round1_pair


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


def test_after_publication_shared_numbers_are_shown_without_a_form(client, session, campaign,
                                                                   people, shared):
    county = shared[2]
    assert 'name="keeper"' in client.get("/surveys/phones").text
    rankings.publish(session, rankings.preview(session, campaign, "1", county), county)
    session.commit()
    page = client.get("/surveys/phones").text
    assert "只能查看" in page and 'name="keeper"' not in page and people[0].reg_no in page


def test_each_candidate_reads_the_decision_on_their_own_survey_page(
        app, client, session, campaign, people, shared):
    a, b = people
    resolve(client, str(a.id), "户主王大确认是甲上门调研")
    for cand in (a, b):
        cand.user.set_password("secret123")
    session.commit()
    pages = {c.name: client_as(app, c.user.username).get("/me/surveys").text for c in (a, b)}
    assert "县电商办已确认这个号码归您" in pages["甲"]
    assert "县电商办已确认这个号码归其他报名者" in pages["乙"]
    assert "县电商办已确认这个号码归" not in pages["乙"].replace("归其他报名者", "")
