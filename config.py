"""Configuration classes read from the environment."""

import os
from datetime import timedelta

DEV_SECRET = "dev-secret-change-me"  # the key this project once shipped: refused everywhere
MIN_SECRET_BYTES = 32


class Config:
    """Embedded defaults: SQLite and SqliteHuey inside the instance folder."""

    SECRET_KEY = ""  # none given: a random key kept in the instance folder (development)
    DATABASE_URL = ""
    STORAGE_DIR = ""
    QUEUE_URL = ""
    CAMPAIGN_FILE = ""
    MAX_CONTENT_LENGTH = 200 * 1024 * 1024
    IMPORT_MAX_BYTES = 5 * 1024 * 1024
    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(days=7)  # the longest; staff's is shorter
    STAFF_SESSION_HOURS = 12  # sliding: each request renews it
    CANDIDATE_SESSION_DAYS = 7
    REMEMBER_COOKIE_DURATION = timedelta(days=7)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    LOGIN_LIMIT_ENABLED = True
    # Failed logins allowed per account and per IP; each step up is a longer wait (back-off).
    LOGIN_LIMIT = "5 per minute;10 per hour;20 per day"
    LOGIN_IP_LIMIT = "30 per minute;200 per hour"
    RATELIMIT_STORAGE_URL = ""  # redis://… to share the counts between workers
    OBJECTION_LIMIT = "5 per hour;20 per day"  # objections to a 公示 taken per IP address
    # The queue: a pending item with no job queued or begun for QUEUE_STALE_SECONDS is queued
    # again by the sweeper, which every worker runs each QUEUE_SWEEP_SECONDS; a job that finds
    # the database or Redis away comes back after QUEUE_RETRY_SECONDS, doubling up to the max.
    QUEUE_SWEEP_SECONDS = 60
    QUEUE_STALE_SECONDS = 60
    QUEUE_RETRY_SECONDS = 1
    QUEUE_RETRY_MAX_SECONDS = 30
    PRODUCTION = False
    TESTING = False


class ProductionConfig(Config):
    """Production: needs a SECRET_KEY of its own in the environment."""

    PRODUCTION = True
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True


class TestConfig(Config):
    """Tests: CSRF stays on unless a test turns it off; login limits off."""

    TESTING = True
    LOGIN_LIMIT_ENABLED = False


ENVIRONMENTS: dict[str, type[Config]] = {
    "development": Config, "production": ProductionConfig, "testing": TestConfig}


def config_for_environment() -> type[Config]:
    """Pick the configuration class named by GRADER_ENV; refuse a name we do not know."""
    name = os.environ.get("GRADER_ENV", "development").strip().lower()
    if name not in ENVIRONMENTS:
        raise RuntimeError(f"unknown GRADER_ENV {name!r}: use one of {', '.join(ENVIRONMENTS)}")
    return ENVIRONMENTS[name]


INT_ENV_KEYS = ("QUEUE_SWEEP_SECONDS", "QUEUE_STALE_SECONDS", "QUEUE_RETRY_SECONDS",
                "QUEUE_RETRY_MAX_SECONDS")
ENV_KEYS = ("SECRET_KEY", "DATABASE_URL", "STORAGE_DIR", "QUEUE_URL", "CAMPAIGN_FILE",
            "RATELIMIT_STORAGE_URL", "LOGIN_LIMIT", "LOGIN_IP_LIMIT", "OBJECTION_LIMIT")


def environment_overrides() -> dict:
    """Read the settings given in the environment when the app is created."""
    values: dict = {k: os.environ[k] for k in ENV_KEYS if os.environ.get(k)}
    values.update({k: int(os.environ[k]) for k in INT_ENV_KEYS if os.environ.get(k)})
    if os.environ.get("MAX_UPLOAD_MB"):
        values["MAX_CONTENT_LENGTH"] = int(os.environ["MAX_UPLOAD_MB"]) * 1024 * 1024
    if os.environ.get("SESSION_COOKIE_SECURE") == "0":
        values["SESSION_COOKIE_SECURE"] = False
    return values
