"""Config, migrations, package boundaries, queues and the admin commands."""

import ast
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import inspect

from helpers import REDIS_URL
from grader import ROOT, create_app, jobs, migrate
from grader.cli import main
from grader.db import make_engine


def test_production_refuses_the_dev_secret(monkeypatch):
    monkeypatch.setenv("GRADER_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()
    monkeypatch.setenv("SECRET_KEY", "a-real-secret-from-the-environment")
    assert create_app().config["SESSION_COOKIE_SECURE"] is True


def test_migrations_go_up_and_down(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    migrate.upgrade(engine)
    assert {"candidate", "township", "user_account", "audit_log"} <= set(
        inspect(engine).get_table_names())
    migrate.downgrade(engine, "base")
    assert inspect(engine).get_table_names() == ["alembic_version"]
    engine.dispose()


def test_sqlite_writers_wait_for_each_other_instead_of_failing(tmp_path):
    """A job that read, then writes after an upload committed, must wait, not fail.

    With a deferred BEGIN the second write fails at once with "database is locked"
    (SQLite cannot upgrade a stale read snapshot); CI saw exactly that in the browser test.
    """
    engine = make_engine(f"sqlite:///{tmp_path / 'race.db'}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (who TEXT)")
    has_read, other_writing, errors = threading.Event(), threading.Event(), []

    def job():
        try:
            with engine.begin() as conn:
                conn.exec_driver_sql("SELECT count(*) FROM t").scalar()
                has_read.set()
                other_writing.wait(5)
                time.sleep(0.3)  # the other connection is now trying to write
                conn.exec_driver_sql("INSERT INTO t VALUES ('job')")
        except Exception as exc:  # noqa: BLE001 - the assertion below shows it
            errors.append(exc)

    def upload():
        has_read.wait(5)
        other_writing.set()
        try:
            with engine.begin() as conn:
                conn.exec_driver_sql("INSERT INTO t VALUES ('upload')")
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=job), threading.Thread(target=upload)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    with engine.connect() as conn:
        who = sorted(conn.exec_driver_sql("SELECT who FROM t").scalars())
    engine.dispose()
    assert errors == []
    assert who == ["job", "upload"]


@pytest.mark.parametrize("package", ["uploads", "surveys", "scoring"])
def test_pure_packages_never_import_flask_or_grader(package):
    for path in (ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in ("flask", "grader", "flask_login"), (
                    f"{path.relative_to(ROOT)} imports {name}")


@pytest.fixture(params=["sqlite", "redis"])
def queue_app(request, tmp_path):
    url = f"sqlite:///{tmp_path / 'q.db'}" if request.param == "sqlite" else REDIS_URL
    if request.param == "redis":
        import redis

        try:
            redis.Redis.from_url(url).flushdb()
        except redis.ConnectionError:
            pytest.fail(f"Redis is not running at {url}")
    app = create_app({"TESTING": True, "QUEUE_URL": url,
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'db.db'}"})
    yield app
    jobs.huey.storage.flush_all()


def test_a_worker_runs_queued_tasks(queue_app):
    result = jobs.ping("x1")
    consumer = jobs.start_consumer(1)
    try:
        assert result.get(blocking=True, timeout=20) == "pong:x1"
    finally:
        consumer.stop(graceful=True)


def test_queued_tasks_survive_until_a_worker_comes(queue_app):
    results = [jobs.ping(str(i)) for i in range(3)]
    time.sleep(0.2)
    assert jobs.huey.pending_count() == 3  # durable in the queue, nobody running them yet
    consumer = jobs.start_consumer(1)
    try:
        assert sorted(r.get(blocking=True, timeout=20) for r in results) == [
            "pong:0", "pong:1", "pong:2"]
    finally:
        consumer.stop(graceful=True)


def run(env, *args):
    return CliRunner().invoke(main, list(args), env=env)


def test_admin_commands_on_a_fresh_database(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
           "QUEUE_URL": f"sqlite:///{tmp_path / 'q.db'}", "STORAGE_DIR": str(tmp_path / "s")}
    res = run(env, "db", "upgrade")
    assert res.exit_code == 0 and "database at head" in res.output
    res = run(env, "demo", "--candidates", "40")
    assert res.exit_code == 0, res.output
    assert "demo: loaded 40 registrations" in res.output and "county2016" in res.output
    assert "nothing loaded" in run(env, "demo").output
    res = run(env, "createuser", "zhang", "--role", "township_staff", "--township", "西洛街道",
              "--password", "pw123456")
    assert res.exit_code == 0 and "created township_staff zhang" in res.output
    res = run(env, "createuser", "li", "--role", "township_staff", "--password", "pw123456")
    assert res.exit_code == 2 and "--township" in res.output
    assert run(env, "createuser", "x", "--role", "boss", "--password", "pw123456").exit_code == 2


def test_internal_failures_exit_1_with_one_line(tmp_path):
    env = {"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none",
           "QUEUE_URL": f"sqlite:///{tmp_path / 'q.db'}"}
    res = run(env, "db", "upgrade")
    assert res.exit_code == 1
    assert res.stderr.startswith("error: ") and len(res.stderr.strip().splitlines()) == 1


def test_check_id_json_is_one_object_per_line():
    res = CliRunner().invoke(main, ["check-id", "360426199101010071", "1", "--json"])
    assert [json.loads(x)["valid"] for x in res.output.splitlines()] == [True, False]


def test_readme_shows_the_quick_start():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme and "make test" in readme
    assert "make test" in Path(ROOT / ".ci" / "run").read_text()


@pytest.mark.slow
@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_serve_stops_when_told(tmp_path, how):
    import socket
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 's.db'}",
           "QUEUE_URL": f"sqlite:///{tmp_path / 'q.db'}", "STORAGE_DIR": str(tmp_path / "f")}
    proc = subprocess.Popen([sys.executable, "-m", "grader.cli", "serve", "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2)  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("grader serve did not come up")
        proc.send_signal(how)
        assert proc.wait(timeout=15) == 0  # systemd and docker stop send SIGTERM
    finally:
        proc.kill()
        proc.wait()
