"""Sessions end with logout, password and role changes, deactivation and idleness (issue 10)."""

import time

from helpers import client_as, csrf_from


def _copy(app, client):
    """Return a second client holding a copy of the first one's session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def _logged_in(client) -> bool:
    response = client.get("/account/password")
    return response.status_code == 200


def test_a_copied_cookie_dies_when_its_owner_logs_out(app, make_user):
    make_user("staff", "county_staff")
    client = client_as(app, "staff")
    thief = _copy(app, client)
    assert _logged_in(thief)
    token = csrf_from(client.get("/account/password"))
    client.post("/logout", data={"csrf_token": token})
    assert not _logged_in(thief)


def test_a_copied_cookie_dies_when_the_password_changes_but_the_changer_stays(app, make_user):
    make_user("staff", "county_staff")
    client = client_as(app, "staff")
    thief = _copy(app, client)
    token = csrf_from(client.get("/account/password"))
    response = client.post("/account/password", data={
        "csrf_token": token, "current": "secret123", "new": "new-pass-2024",
        "repeat": "new-pass-2024"})
    assert response.status_code == 302
    assert _logged_in(client)
    assert not _logged_in(thief)


def test_a_role_change_or_deactivation_ends_the_old_cookie(app, session, make_user):
    from grader.services import accounts

    boss = make_user("boss", "admin")
    staff = make_user("staff", "county_staff")
    old = client_as(app, "staff")
    accounts.set_role(session, boss, staff, "reviewer")
    session.commit()
    assert not _logged_in(old)
    fresh = client_as(app, "staff")
    assert _logged_in(fresh)
    accounts.set_active(session, boss, staff, False)
    session.commit()
    assert not _logged_in(fresh)


def test_staff_sessions_last_12_hours_idle_and_candidates_7_days(app, make_user, monkeypatch,
                                                               make_township, make_candidate):
    make_user("staff", "county_staff")
    client = client_as(app, "staff")
    cookie = client.get_cookie("session")
    assert cookie.expires is not None
    assert 11 * 3600 < cookie.expires.timestamp() - time.time() <= 12 * 3600 + 5
    later = time.time() + 13 * 3600
    monkeypatch.setattr(time, "time", lambda: later)
    assert not _logged_in(client)
    monkeypatch.undo()
    cand = make_candidate(make_township())
    cand.user.set_password("secret123")
    other = client_as(app, cand.user.username)
    days = (other.get_cookie("session").expires.timestamp() - time.time()) / 86400
    assert 6.9 < days <= 7.01


def test_candidates_are_sent_from_the_dashboard_to_their_own_page(app, make_township,
                                                                 make_candidate):
    cand = make_candidate(make_township())
    cand.user.set_password("secret123")
    response = client_as(app, cand.user.username).get("/dashboard")
    assert response.status_code == 302 and response.location.endswith("/me")


def test_a_page_s_static_files_never_send_the_cookie_back(client, auth, make_user):
    # Scripts and styles load beside a page with the cookie they started with; had they sent it
    # back, one finishing late could undo a login or a language switch answered meanwhile.
    make_user("static-k", "county_staff")
    auth.login("static-k")
    assert "Set-Cookie" not in client.get("/static/style.css").headers
    assert "Set-Cookie" in client.get("/lang/en").headers  # a change is sent
