"""Registration service on SQLite and PostgreSQL: eligibility, refusals, audit."""

from datetime import date

import pytest
from sqlalchemy import func, select

from grader.models import AuditLog, Candidate, User
from grader.models.user import HASHING
from grader.services.registration import (RegistrationError, RegistrationInput,
                                          override_eligibility, register)
from helpers import DECLARATIONS, ric_for

FUTURE_ID = "140121203001010015"  # born 2030-01-01


def data(town, **kw):
    base = dict(name="李明", id_number=ric_for(date(1990, 3, 4)), education="high",
                township_id=town.id, phone="138 0013 8000",
                declarations={d: True for d in ("constitution", "conduct", "no_record", "health",
                                                "computer", "online_shopping", "training")})
    base.update(kw)
    return RegistrationInput(**base)


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_eligible_registration_is_saved_with_account_and_audit(session, campaign, make_township):
    town = make_township()
    result = register(session, campaign, data(town, password="pw123456"), "wechat")
    cand = result.candidate
    assert cand.eligible and cand.eligibility_reasons == []
    assert cand.phone == "+8613800138000" and cand.channel == "wechat"
    assert cand.reg_no == f"2016{cand.id:05d}" and cand.sex == "M"
    assert cand.user.role == "candidate" and cand.user.check_password("pw123456")
    assert result.initial_password is None
    row = session.scalar(select(AuditLog).where(AuditLog.entity_id == cand.id))
    assert (row.action, row.field, row.after) == ("register", "eligible", True)


def test_ineligible_registration_keeps_every_reason(session, campaign, make_township):
    town = make_township()
    decl = {"constitution": True}
    cand = register(session, campaign, data(town, id_number=ric_for(date(1970, 5, 18)),
                                             education="junior", declarations=decl), "online"
                    ).candidate
    assert not cand.eligible
    assert cand.eligibility_reasons[:2] == ["age_over", "education_below"]
    assert "declaration_missing:training" in cand.eligibility_reasons


@pytest.mark.parametrize("change,field_name,code", [
    ({"id_number": "360426199101010072"}, "id_number", "invalid_check_digit"),
    ({"id_number": "36042619910230007X"}, "id_number", "invalid_check_digit"),
    ({"id_number": "11010219840230004X"}, "id_number", "invalid_birth_date"),
    ({"id_number": "610104620927690"}, "id_number", "old_15_digit_number"),
    ({"phone": "12345"}, "phone", "invalid_phone"),
    ({"phone": "", "email": "not-an-email"}, "email", "invalid_email"),
    ({"phone": "", "email": ""}, "phone", "phone_or_email_required"),
    ({"name": "  "}, "name", "name_required"),
    ({"education": "phd-ish"}, "education", "invalid_education"),
    ({"township_id": 999999}, "township_id", "unknown_township"),
])
def test_bad_input_is_refused_and_nothing_saved(session, campaign, make_township, change,
                                                field_name, code):
    town = make_township()
    before = (count(session, Candidate), count(session, User))
    with pytest.raises(RegistrationError) as err:
        register(session, campaign, data(town, **change), "online")
    assert (err.value.field, err.value.code) == (field_name, code)
    assert (count(session, Candidate), count(session, User)) == before


def test_email_alone_is_enough(session, campaign, make_township):
    cand = register(session, campaign, data(make_township(), phone="", email="a.b@example.cn"),
                    "online").candidate
    assert cand.phone is None and cand.email == "a.b@example.cn"


def test_the_same_id_twice_is_refused(session, campaign, make_township):
    town = make_township()
    register(session, campaign, data(town), "online")
    session.commit()
    with pytest.raises(RegistrationError) as err:
        register(session, campaign, data(town, id_number=data(town).id_number.lower()), "onsite")
    assert err.value.code == "duplicate_id"
    assert count(session, Candidate) == 1


def test_onsite_registration_gets_an_initial_password(session, campaign, make_township,
                                                      make_user):
    town = make_township()
    staff = make_user("staff1", "township_staff", town)
    result = register(session, campaign, data(town), "onsite", staff)
    assert result.initial_password and result.candidate.user.check_password(
        result.initial_password)
    assert result.candidate.registered_by_id == staff.id


def test_override_is_audited_with_reason(session, campaign, make_township, make_user):
    town = make_township()
    county = make_user("county1", "county_staff")
    cand = register(session, campaign, data(town, education="junior"), "online").candidate
    with pytest.raises(RegistrationError):
        override_eligibility(session, cand, county, True, "  ")
    override_eligibility(session, cand, county, True, "创业经历突出，学历条件适当放宽")
    assert cand.eligible and cand.override_reason.startswith("创业")
    row = session.scalars(select(AuditLog).where(AuditLog.action == "override_eligibility")).one()
    assert (row.before, row.after, row.user_id) == (False, True, county.id)


def test_registration_refuses_a_future_birth_date(session, campaign, make_township):
    town = make_township()
    data = RegistrationInput(name="李明", id_number=FUTURE_ID, education="high",
                             township_id=town.id, phone="13800138000",
                             declarations={d: True for d in DECLARATIONS})
    with pytest.raises(RegistrationError) as err:
        register(session, campaign, data, "online")
    assert (err.value.field, err.value.code) == ("id_number", "birth_in_future")
    assert session.scalar(select(func.count()).select_from(Candidate)) == 0


def test_accounts_made_outside_the_tests_get_the_strong_hash(session, campaign, make_township,
                                                             cheap_password_hashing, monkeypatch):
    monkeypatch.setitem(HASHING, "method", cheap_password_hashing)  # what the app runs with
    cand = register(session, campaign, data(make_township()), "online").candidate
    assert cheap_password_hashing == "scrypt" and cand.user.password_hash.startswith("scrypt:")
