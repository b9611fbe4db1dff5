"""Failed logins are limited per account and per IP, and unknown names cost the same (issue 10)."""

import time

import pytest

from grader.auth.throttle import limiter, storage_uri
from helpers import csrf_from


@pytest.fixture
def limited_app(app):
    """The app with small login limits turned on and fresh counts."""
    app.config.update(LOGIN_LIMIT_ENABLED=True, LOGIN_LIMIT="3 per minute;5 per hour",
                      LOGIN_IP_LIMIT="8 per minute")
    limiter.reset()
    yield app
    limiter.reset()


def _try(client, username, password, ip="10.0.0.1"):
    token = csrf_from(client.get("/login"))
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": token}, environ_base={"REMOTE_ADDR": ip})


def test_wrong_passwords_lock_the_account_even_for_the_right_one(limited_app, make_user):
    make_user("staff", "county_staff")
    client = limited_app.test_client()
    for _ in range(3):
        assert _try(client, "staff", "wrong").status_code == 200
    refused = _try(client, "staff", "secret123")
    assert refused.status_code == 429
    assert "登录尝试过多，请 1 分钟后再试" in refused.text
    assert client.get("/account/password").status_code == 302  # still not logged in


def test_the_wait_grows_when_the_longer_limit_is_reached(limited_app, make_user, monkeypatch):
    make_user("staff", "county_staff")
    client = limited_app.test_client()
    for _ in range(3):
        _try(client, "staff", "wrong")
    start = time.time()
    monkeypatch.setattr(time, "time", lambda: start + 61)  # the minute's window is over
    for _ in range(2):
        assert _try(client, "staff", "wrong").status_code == 200
    refused = _try(client, "staff", "secret123")
    assert refused.status_code == 429 and "分钟后再试" in refused.text
    assert "请 1 分钟" not in refused.text


def test_one_address_trying_many_names_is_stopped(limited_app, make_user):
    client = limited_app.test_client()
    for n in range(8):
        assert _try(client, f"user{n}", "wrong").status_code == 200
    assert _try(client, "someone-else", "wrong").status_code == 429
    assert _try(client, "someone-else", "wrong", ip="10.0.0.2").status_code == 200


def test_a_right_password_does_not_count(limited_app, make_user):
    make_user("staff", "county_staff")
    for _ in range(5):
        client = limited_app.test_client()
        assert _try(client, "staff", "secret123").status_code == 302


def test_the_counts_live_in_redis_when_one_is_configured():
    assert storage_uri({"QUEUE_URL": "redis://q:6379/0"}) == "redis://q:6379/0"
    assert storage_uri({"QUEUE_URL": "redis://q/0", "RATELIMIT_STORAGE_URL": "redis://r/1"}) \
        == "redis://r/1"
    assert storage_uri({"QUEUE_URL": "sqlite:///q.db"}) == "memory://"


def test_an_unknown_name_costs_what_a_known_one_does(session, make_user,
                                                     cheap_password_hashing):
    from grader.models.user import HASHING
    from grader.services.accounts import authenticate

    HASHING["method"] = cheap_password_hashing  # the real scrypt, as in production
    try:
        make_user("known", "county_staff")

        def timed(name):
            began = time.perf_counter()
            assert authenticate(session, name, "wrong") is None
            return time.perf_counter() - began

        timed("nobody")  # the dummy hash is made once
        pairs = [(timed("known"), timed("nobody")) for _ in range(5)]  # side by side: both
        known, unknown = min(k for k, _u in pairs), min(u for _k, u in pairs)  # see one load
    finally:
        HASHING["method"] = "pbkdf2:sha256:1000"
    assert known > 0.02 and unknown > known * 0.5
