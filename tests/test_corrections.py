"""Corrections of a registration, and ID numbers held as 待核实 for a staff check."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from helpers import csrf_from, ric_for
from grader.errors import Forbidden
from grader.models import AuditLog
from grader.services import corrections
from grader.services.registration import RegistrationError

HELD = ric_for(date(1990, 1, 1), "123", region="520523")  # 金沙县's code from 2011 on


def _data(cand, **changes) -> corrections.Correction:
    base = {"name": cand.name, "phone": cand.phone or "", "email": cand.email or "",
            "education": cand.education, "declarations": dict(cand.declarations)}
    return corrections.Correction(**{**base, **changes})


def _log(session, cand, action):
    return [(r.field, r.before, r.after, r.reason) for r in session.scalars(
        select(AuditLog).where(AuditLog.entity_id == cand.id, AuditLog.action == action)
        .order_by(AuditLog.id))]


def test_a_520523_number_of_someone_born_in_1990_is_held_not_refused(session, campaign,
                                                                     make_township,
                                                                     make_candidate, make_user):
    cand = make_candidate(make_township(), id_number=HELD)
    assert cand.id_pending and not cand.eligible
    assert cand.eligibility_reasons == ["id_unverified"]
    assert (cand.birthdate, cand.sex) == (date(1990, 1, 1), "M")
    county = make_user("county", "county_staff")
    with pytest.raises(RegistrationError):
        corrections.accept_id(session, campaign, cand, county, " ")
    corrections.accept_id(session, campaign, cand, county, "已查验身份证原件，2012年换发")
    assert not cand.id_pending and cand.eligible and cand.eligibility_reasons == []
    assert ("id_pending", True, False, "已查验身份证原件，2012年换发") in _log(session, cand,
                                                                        "accept_id")
    with pytest.raises(RegistrationError) as err:
        corrections.accept_id(session, campaign, cand, county, "再次")
    assert err.value.code == "id_not_pending"


def test_a_region_code_nobody_ever_used_is_still_refused(session, make_township, make_candidate):
    with pytest.raises(RegistrationError) as err:
        make_candidate(make_township(), id_number=ric_for(date(1990, 1, 1), "123", "990426"))
    assert err.value.code == "unknown_region"


def test_a_candidate_corrects_their_own_registration_audited(session, campaign, set_campaign,
                                                             make_township, make_candidate):
    cand = make_candidate(make_township(), name="张三", education="junior")
    assert not cand.eligible
    changed = corrections.correct_own(session, campaign, cand,
                                      _data(cand, name="张叁", education="high"))
    assert changed == ["name", "education"] and cand.eligible and cand.user.display_name == "张叁"
    assert ("name", "张三", "张叁", None) in _log(session, cand, "correct_self")
    assert ("eligible", False, True, None) in _log(session, cand, "correct_self")
    cand.stage = "onsite_test"
    with pytest.raises(RegistrationError) as err:
        corrections.correct_own(session, campaign, cand, _data(cand, name="张三"))
    assert err.value.code == "registration_correction_closed"
    cand.stage = "registered"
    closed = set_campaign(enforce_windows=True)  # the 2016 window is long over
    with pytest.raises(RegistrationError):
        corrections.correct_own(session, closed, cand, _data(cand, name="张三"),
                                now=datetime(2016, 5, 19, 2, tzinfo=UTC))
    assert corrections.correct_own(session, closed, cand, _data(cand, name="张三"),
                                   now=datetime(2016, 5, 10, 2, tzinfo=UTC)) == ["name"]


def test_staff_correct_with_a_reason_in_their_township_only(session, campaign, make_township,
                                                            make_candidate, make_user):
    town, other = make_township("城关镇"), make_township("东山镇")
    cand = make_candidate(town, name="李四")
    clerk = make_user("town", "township_staff", township=town)
    stranger = make_user("town2", "township_staff", township=other)
    with pytest.raises(RegistrationError) as err:
        corrections.correct_by_staff(session, campaign, cand, clerk, _data(cand, name="李肆"), "")
    assert err.value.code == "reason_required"
    with pytest.raises(Forbidden):
        corrections.correct_by_staff(session, campaign, cand, stranger, _data(cand), "改")
    new_id = ric_for(date(1992, 3, 4), "222")
    changed = corrections.correct_by_staff(session, campaign, cand, clerk,
                                           _data(cand, name="李肆", id_number=new_id,
                                                 township_id=other.id), "身份证号录错")
    assert changed == ["name", "id_number"] and cand.township_id == town.id  # not county staff
    assert (cand.id_number, cand.birthdate, cand.user.username) == (new_id, date(1992, 3, 4),
                                                                    new_id)
    assert ("name", "李四", "李肆", "身份证号录错") in _log(session, cand, "correct_staff")
    county = make_user("county", "county_staff")
    assert corrections.correct_by_staff(session, campaign, cand, county,
                                        _data(cand, township_id=other.id), "户籍迁移") == [
        "township_id"]
    twin = make_candidate(town, name="王五")
    with pytest.raises(RegistrationError) as err:
        corrections.correct_by_staff(session, campaign, twin, county,
                                     _data(twin, id_number=new_id), "改号")
    assert err.value.code == "duplicate_id"


def test_self_registration_with_a_held_number_says_so(client, session, make_township, campaign):
    town = make_township()
    page = client.get("/register")
    form = {"csrf_token": csrf_from(page), "name": "金沙", "id_number": HELD,
            "phone": "13800138000", "education": "high", "township_id": town.id,
            "password": "secret123", "confirm": "secret123",
            **{f"decl_{d}": "y" for d in campaign.declarations}}
    res = client.post("/register", data=form, follow_redirects=True)
    text = res.get_data(as_text=True)
    assert "报名成功" in text and "身份证号待核实" in text


def test_staff_pages_correct_and_accept(client, auth, session, make_township, make_candidate,
                                        make_user, campaign):
    town = make_township()
    cand = make_candidate(town, name="周六", id_number=HELD)
    make_user("town", "township_staff", township=town)
    auth.login("town")
    page = client.get(f"/candidates/{cand.id}")
    assert "身份证号待核实" in page.get_data(as_text=True)
    res = client.post(f"/candidates/{cand.id}/accept-id", data={
        "csrf_token": csrf_from(page), "reason": "已看原件"}, follow_redirects=True)
    assert "身份证号已核实" in res.get_data(as_text=True) and not cand.id_pending
    form_page = client.get(f"/candidates/{cand.id}/correct")
    data = {"csrf_token": csrf_from(form_page), "name": "周陆", "id_number": cand.id_number,
            "phone": "13800138000", "education": "high", "reason": "",
            **{f"decl_{d}": "y" for d in campaign.declarations}}
    assert "请填写理由" in client.post(f"/candidates/{cand.id}/correct", data=data
                                   ).get_data(as_text=True)
    res = client.post(f"/candidates/{cand.id}/correct", data={**data, "reason": "姓名写错"},
                      follow_redirects=True)
    text = res.get_data(as_text=True)
    assert "已更正 1 项" in text and "周陆" in text and "姓名写错" in text
