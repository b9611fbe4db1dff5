"""Fixtures: app, client, auth, a savepoint-per-test session on SQLite and PostgreSQL."""

import uuid

import pytest
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from grader import create_app, migrate
from grader.db import make_engine
from grader.models.user import HASHING, cheap_hashing
from helpers import PG_URL, SHARE_AT, csrf_from, pg_engine, share_and_copy

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing():
    """Hash every test account's password cheaply (scrypt costs ~0.15 s an account).

    Yields the strong method the app uses otherwise, for the test that checks it.
    """
    strong = HASHING["method"]
    with cheap_hashing():
        yield strong


@pytest.fixture(scope="session", params=BACKENDS)
def engine(request, tmp_path_factory):
    """Migrate a fresh database per backend, once per run (tests the migrations too)."""
    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}")
        migrate.upgrade(eng)
        yield eng
        eng.dispose()
        return
    schema = f"t_{uuid.uuid4().hex[:10]}"
    eng = pg_engine(schema)
    migrate.upgrade(eng)
    yield eng
    eng.dispose()
    cleanup = make_engine(PG_URL)
    with cleanup.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    cleanup.dispose()


@pytest.fixture
def session(engine):
    """A session inside a transaction that is rolled back after the test."""
    conn = engine.connect()
    outer = conn.begin()
    sess = Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
    yield sess
    sess.close()
    outer.rollback()
    conn.close()


class QueryCounter:
    """Count the statements the engine runs inside `with counter:` (`.n`, reset on entry)."""

    def __init__(self, engine):
        self._engine = engine
        self.n = 0

    def _count(self, *_args) -> None:
        self.n += 1

    def __enter__(self):
        self.n = 0
        event.listen(self._engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *_exc) -> None:
        event.remove(self._engine, "before_cursor_execute", self._count)


@pytest.fixture
def count_queries(engine):
    """A query counter on the test engine: `with count_queries as q: ...; q.n`."""
    counter = QueryCounter(engine)
    yield counter
    if event.contains(engine, "before_cursor_execute", counter._count):
        counter.__exit__(None, None, None)


@pytest.fixture
def app(session, engine, tmp_path):
    """The app, sharing the test's session so every request is rolled back too."""
    application = create_app({
        "TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": str(engine.url.render_as_string(
            hide_password=False)), "STORAGE_DIR": str(tmp_path / "storage"),
        "QUEUE_URL": f"sqlite:///{tmp_path / 'queue.db'}", "SHARED_SESSION": True,
        "LOGIN_LIMIT_ENABLED": False,  # tests log in a lot; the throttling test turns it on
    })
    application.extensions["grader.sessionmaker"] = lambda: session
    yield application
    application.extensions["grader.engine"].dispose()


@pytest.fixture
def client(app):
    """A test client."""
    return app.test_client()


@pytest.fixture
def campaign(app):
    """The app's campaign."""
    return app.extensions["grader.campaign"]


def _merged(data: dict, changes: dict) -> dict:
    for key, value in changes.items():
        data[key] = _merged(data[key], value) if isinstance(value, dict) and isinstance(
            data.get(key), dict) else value
    return data


@pytest.fixture
def set_campaign(app, monkeypatch):
    """Return a function giving the app, for this test, its campaign with some values changed."""
    from grader.campaign import campaign_from_data

    def change(**sections):
        data = _merged(app.extensions["grader.campaign"].model_dump(), sections)
        changed = campaign_from_data(data, "test")
        monkeypatch.setitem(app.extensions, "grader.campaign", changed)
        return changed

    return change


@pytest.fixture
def make_township(session):
    """Return a factory of townships."""
    from grader.models import Township

    def factory(name: str = "城关镇", target: int = 50, code: str | None = None):
        town = Township(code=code or name, name=name, target=target)
        session.add(town)
        session.commit()  # releases the savepoint only; the test's transaction still rolls back
        return town

    return factory


@pytest.fixture
def make_user(session, make_township):
    """Return a factory of accounts with known passwords."""
    from grader.services.accounts import create_user

    def factory(username: str, role: str, township=None, password: str = "secret123"):
        name = township.name if township is not None else None
        user = create_user(session, username, password, role, name)
        session.commit()
        return user

    return factory


@pytest.fixture
def make_candidate(session, app):
    """Return a factory of registered candidates (valid IDs by default)."""
    import random
    from datetime import date

    from grader.services.demo import make_id
    from grader.services.registration import RegistrationInput, register

    rng = random.Random(7)

    def factory(township, born=date(1990, 6, 1), education="high", channel="online", **kw):
        campaign = app.extensions["grader.campaign"]  # the one a test may have changed
        data = RegistrationInput(
            name=kw.pop("name", "测试"), id_number=kw.pop("id_number", None) or make_id(rng, born),
            education=education, township_id=township.id, phone=kw.pop("phone", "13800138000"),
            declarations={d: True for d in campaign.declarations}, **kw)
        cand = register(session, campaign, data, channel).candidate
        session.commit()
        return cand

    return factory


class AuthActions:
    """Log in and out through the real form."""

    def __init__(self, client):
        self._client = client

    def login(self, username: str, password: str = "secret123"):
        """Log in (CSRF token read from the form)."""
        token = csrf_from(self._client.get("/login"))
        return self._client.post("/login", data={"username": username, "password": password,
                                                 "csrf_token": token})


@pytest.fixture
def auth(client):
    """Login helper."""
    return AuthActions(client)


@pytest.fixture
def round1_candidate(session, make_township, make_candidate):
    """One registered candidate already in task round 1."""
    cand = make_candidate(make_township())
    cand.stage = "round1"
    session.commit()
    return cand


@pytest.fixture
def round1_pair(session, make_township, make_candidate):
    """Two candidates of one township, 甲 and 乙, in task round 1."""
    town = make_township()
    a, b = make_candidate(town, name="甲"), make_candidate(town, name="乙")
    a.stage = b.stage = "round1"
    session.commit()
    return a, b



@pytest.fixture(scope="session")
def share_pair():
    """An honest share posted at SHARE_AT and its copy under another nickname (made once)."""
    return share_and_copy(SHARE_AT)


@pytest.fixture
def job_storage(tmp_path):
    """File storage for screenshot jobs, with the jobs' duplicate indexes emptied."""
    from grader.services.screenshot_job import forget_indexes
    from uploads.storage import FileStorage

    forget_indexes()
    return FileStorage(tmp_path / "files")
