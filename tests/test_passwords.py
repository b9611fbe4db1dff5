"""Changing one's password, the strength rule, and the staff reset of a candidate's (issue 10)."""

import pytest

from grader.models import AuditLog
from helpers import client_as, csrf_from


def _change(client, current, new, repeat=None):
    token = csrf_from(client.get("/account/password"))
    return client.post("/account/password", data={
        "csrf_token": token, "current": current, "new": new, "repeat": repeat or new})


@pytest.mark.parametrize("new, message", [
    ("short1", "密码至少8位"), ("12345678901", "密码不能全是数字"),
    ("STAFFUSER", "密码不能与用户名或身份证号相同")])
def test_weak_passwords_are_refused_next_to_the_field(app, make_user, new, message):
    make_user("staffuser", "county_staff")
    response = _change(client_as(app, "staffuser"), "secret123", new)
    assert response.status_code == 200 and message in response.text


def test_a_wrong_current_password_or_a_different_repeat_is_refused(app, make_user):
    make_user("staffuser", "county_staff")
    client = client_as(app, "staffuser")
    assert "原密码不正确" in _change(client, "nope", "long-enough-1").text
    assert "两次输入的新密码不一致" in _change(client, "secret123", "long-enough-1", "other-1").text


def test_every_page_links_to_the_change(app, make_user):
    make_user("staffuser", "county_staff")
    assert "/account/password" in client_as(app, "staffuser").get("/dashboard").text


def _reset(client, cand):
    token = csrf_from(client.get(f"/candidates/{cand.id}"))
    return client.post(f"/candidates/{cand.id}/password", data={"csrf_token": token})


def test_township_staff_reset_their_candidates_only(app, session, make_user, make_township,
                                                    make_candidate):
    home, away = make_township("城关镇"), make_township("河西乡")
    mine, theirs = make_candidate(home), make_candidate(away, name="乙")
    make_user("town", "township_staff", home)
    client = client_as(app, "town")
    response = _reset(client, mine)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert 'id="one-time-password"' in response.text
    assert client.post(f"/candidates/{theirs.id}/password", data={
        "csrf_token": csrf_from(client.get(f"/candidates/{mine.id}"))}).status_code == 403
    rows = session.query(AuditLog).filter_by(action="password_reset").all()
    assert [(r.entity_id, r.before, r.after) for r in rows] == [(mine.id, None, None)]


def test_a_reset_password_works_once_and_must_be_changed(app, make_user, make_township,
                                                         make_candidate):
    import re

    cand = make_candidate(make_township())
    make_user("county", "county_staff")
    page = _reset(client_as(app, "county"), cand).text
    one_time = re.search(r'id="one-time-password">([^<]+)<', page).group(1)
    client = client_as(app, cand.user.username, one_time)
    response = client.get("/me")
    assert response.status_code == 302 and response.location.endswith("/account/password")
    assert _change(client, one_time, "my-new-pass-1").status_code == 302
    assert client.get("/me").status_code == 200
