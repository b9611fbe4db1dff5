"""The secret key: never the built-in one, never short, never an unknown GRADER_ENV (issue 10)."""

import stat

import pytest
from flask.sessions import SecureCookieSessionInterface

import config
from grader import _instance_secret, create_app, migrate
from grader.db import session_scope
from grader.models import User


@pytest.fixture
def dev_env(monkeypatch, tmp_path):
    """A development start with its own database and no SECRET_KEY given."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("GRADER_ENV", "development")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'dev.db'}")
    monkeypatch.setenv("QUEUE_URL", f"sqlite:///{tmp_path / 'q.db'}")
    monkeypatch.setenv("STORAGE_DIR", str(tmp_path / "files"))
    return monkeypatch


def test_an_unknown_environment_is_refused_naming_the_allowed_ones(dev_env):
    dev_env.setenv("GRADER_ENV", "prod")
    dev_env.setenv("SECRET_KEY", "x" * 40)
    with pytest.raises(RuntimeError, match="development, production, testing"):
        create_app()


@pytest.mark.parametrize("key", [config.DEV_SECRET, "short-but-not-empty", "x" * 31])
def test_the_built_in_key_and_short_keys_are_refused(dev_env, key):
    dev_env.setenv("SECRET_KEY", key)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()


def test_development_makes_a_random_key_of_its_own_and_keeps_it(dev_env):
    first, second = create_app(), create_app()
    key = first.config["SECRET_KEY"]
    assert key != config.DEV_SECRET and len(key) >= 32
    assert second.config["SECRET_KEY"] == key


def test_the_instance_key_file_is_readable_by_its_owner_only(tmp_path):
    key = _instance_secret(tmp_path)
    assert len(key) == 64 and _instance_secret(tmp_path) == key
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


def test_a_cookie_forged_with_the_built_in_key_opens_nothing(dev_env):
    app = create_app()
    migrate.upgrade(app.extensions["grader.engine"])
    with session_scope(app) as s:
        admin = User(username="boss", role="admin", password_hash="x")
        s.add(admin)
        s.flush()
        ids = [str(admin.id), f"{admin.id}:1"]
    forger = SecureCookieSessionInterface().get_signing_serializer(
        type("Forger", (), {"secret_key": config.DEV_SECRET, "config": app.config})())
    client = app.test_client()
    for user_id in ids:
        client.set_cookie("session", forger.dumps({"_user_id": user_id, "_fresh": True}))
        response = client.get("/admin/")
        assert response.status_code == 302 and "/login" in response.location
    app.extensions["grader.engine"].dispose()
