"""Database engine and the per-request session; one commit at the boundary."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from flask import Flask, Response, current_app, g, has_request_context, request
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

T = TypeVar("T")


class Base(DeclarativeBase):
    """Declarative base of every model."""


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_begin(conn) -> None:
    """Emit BEGIN ourselves so SAVEPOINTs and rollbacks work (pysqlite's own is lazy).

    A transaction that may write takes the write lock at BEGIN (IMMEDIATE): a deferred one
    that read first and writes after another connection committed fails at once with
    "database is locked", without waiting. Page views (GET and HEAD) only read, so they
    stay deferred and never queue behind a writer.
    """
    conn.exec_driver_sql("BEGIN" if _reading_request() else "BEGIN IMMEDIATE")


def _reading_request() -> bool:
    """Tell whether this thread serves a GET or HEAD request."""
    return has_request_context() and request.method in ("GET", "HEAD")


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    """Turn on WAL and foreign keys for each SQLite connection."""
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def init_app(app: Flask) -> None:
    """Create the engine and session factory and close sessions at teardown."""
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["grader.engine"] = engine
    app.extensions["grader.sessionmaker"] = sessionmaker(bind=engine, expire_on_commit=False)
    app.after_request(_commit_request)
    app.teardown_appcontext(_close_session)


def _commit_request(response: Response) -> Response:
    """Commit what a request changed, once, at the boundary; a refused request keeps nothing.

    Views never commit: a response under 400 commits, anything else (a refusal, a 403, a
    JSON error) rolls back. A view that catches a service's refusal runs the service through
    `grader.web.actions.attempt`, which rolls back before the page says why. A commit the
    database refuses (it went away, a double submission) is answered by its error handler.
    """
    session = g.get("db_session")
    if response.status_code >= 400:
        _roll_back(session)
        return response
    try:
        if session is not None:
            session.commit()
    except DBAPIError as exc:
        _roll_back(session)
        return current_app.make_response(current_app.handle_user_exception(exc))
    _run("on_rollback", discard=True)
    _run("after_commit")  # e.g. link stored files into place, queue their checks
    return response


def _roll_back(session: Session | None) -> None:
    """Undo the request's writes and run what must follow a failure (remove staged files)."""
    try:
        if session is not None:
            session.rollback()
    except DBAPIError:
        pass  # a connection that died holds no transaction: nothing of it was kept
    _run("after_commit", discard=True)
    _run("on_rollback")


def _run(hooks: str, discard: bool = False) -> None:
    """Run (or drop) the request's hooks of one kind, in the order they were added."""
    for work in g.pop(hooks, []):
        if not discard:
            work()


def after_commit(work: Callable[[], Any]) -> None:
    """Run work once this request's changes are committed (outside a request: at once)."""
    if not has_request_context():
        work()
        return
    g.setdefault("after_commit", []).append(work)


def on_rollback(work: Callable[[], Any]) -> None:
    """Run work if this request's changes are not committed (outside a request: never)."""
    if has_request_context():
        g.setdefault("on_rollback", []).append(work)


def undo_request() -> None:
    """Undo what this request wrote so far (a refused action keeps nothing; the page reads on)."""
    get_session().rollback()


def without_lock(work: Callable[..., T], *args: Any) -> T:
    """Run slow work (decoding, OCR) with no transaction open, so it holds no database lock.

    What the request read so far is committed first (a request that has written nothing
    commits nothing); the next query opens a new transaction.
    """
    get_session().commit()
    return work(*args)


def get_session() -> Session:
    """Return the session of the current app context."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["grader.sessionmaker"]()
    return g.db_session


def _close_session(_exc) -> None:
    """Roll back anything uncommitted and close (tests share one session and keep it).

    A request that ended in an exception no handler answered never reached the commit:
    what it staged is removed here.
    """
    _run("after_commit", discard=True)
    _run("on_rollback")
    session = g.pop("db_session", None)
    if session is not None and not current_app.config.get("SHARED_SESSION"):
        session.close()


@contextmanager
def session_scope(app: Flask) -> Iterator[Session]:
    """Yield a session that commits on success, for CLI commands and jobs."""
    session = app.extensions["grader.sessionmaker"]()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
