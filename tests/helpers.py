"""Small helpers shared by test modules."""

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

from sqlalchemy import text
from stdnum.cn import ric

from grader import migrate
from grader.db import make_engine

DECLARATIONS = ("constitution", "conduct", "no_record", "health", "computer", "online_shopping",
                "training")


def ric_for(born: date, seq: str = "001", region: str = "140121") -> str:
    """Build a valid ID number with the right check digit."""
    body = f"{region}{born:%Y%m%d}{seq}"
    return body + ric.calc_check_digit(body + "0")


# Each xdist worker (gw0, gw1, …) queues in a Redis database of its own: 15, 14, …
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
REDIS_URL = os.environ.get("TEST_REDIS_URL", f"redis://127.0.0.1:6379/{15 - _WORKER}")


def csrf_from(response) -> str:
    """Extract the CSRF token from a rendered form."""
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', response.text) or \
        re.search(r'name="csrf_token" value="([^"]+)"', response.text)
    assert match, "no CSRF token in the page"
    return match.group(1)


def login(page, base: str, user: str, password: str) -> None:
    """Log in through the real form in a Playwright page."""
    page.goto(f"{base}/login")
    page.fill("#username", user)
    page.fill("#password", password)
    page.click("button[type=submit]")
    # Wait until the login's answer (and its cookie) is in: a page opened sooner races it.
    page.wait_for_url(lambda url: "/login" not in url)


def client_as(app, username: str, password: str = "secret123"):
    """Return a test client of the app logged in as the user (CSRF token read from the form)."""
    client = app.test_client()
    token = csrf_from(client.get("/login"))
    client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    return client


PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def pg_schema_url(schema: str) -> str:
    """Create a schema and return the URL whose connections live in it."""
    engine = make_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    return PG_URL + ("&" if "?" in PG_URL else "?") + f"options=-csearch_path%3D{schema}"


def pg_engine(schema: str):
    """Create an engine whose connections live in a schema of their own."""
    return make_engine(pg_schema_url(schema))


@contextmanager
def database_at(backend: str, tmp_path, revision: str) -> Iterator:
    """Yield an engine on a fresh database migrated to a revision only; dropped afterwards."""
    if backend == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
        migrate.upgrade(eng, revision)
        yield eng
        eng.dispose()
        return
    schema = f"m_{uuid.uuid4().hex[:10]}"
    eng = pg_engine(schema)
    migrate.upgrade(eng, revision)
    try:
        yield eng
    finally:
        eng.dispose()
        cleanup = make_engine(PG_URL)
        with cleanup.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        cleanup.dispose()


SHARE_AT = datetime(2016, 5, 27, 10, 0, tzinfo=UTC)  # 18:00 in Shanghai, inside round 1


def share_and_copy(now) -> tuple[bytes, bytes]:
    """Make an honest share posted at `now` and a copy of it with the nickname painted over.

    The `share_pair` fixture holds one, posted at SHARE_AT.
    """
    import random

    from uploads import synth, synth_fraud

    rng = random.Random(11)
    spec = synth_fraud.honest_spec(rng, now.astimezone(synth.CHINA), "plain")
    fnt = synth_fraud.face(0)
    original = synth.to_png(synth.render_share(spec, fnt))
    return original, synth.to_png(synth_fraud.nick_swap(original, spec, fnt, rng))
