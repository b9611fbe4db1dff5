"""Redis stopped during an upload, then killed with jobs queued: nothing is lost.

An upload while Redis is down still answers 200 (its rows and outbox are committed; the
sweeper queues it later). A Redis killed with SIGKILL reloads its append-only file, so the
jobs it accepted are still queued. Every item is checked exactly once after recovery.
"""

import signal
import time

import pytest
from sqlalchemy import select

from faults import (FAST_QUEUE, SECRET, PrivateRedis, Worker, candidate_client, item_statuses,
                    page_token, screenshots, upload, verdicts_logged, wait_until)
from grader import jobs
from grader.db import session_scope
from grader.models import CheckOutbox

pytestmark = pytest.mark.slow


@pytest.fixture
def redis_server():
    server = PrivateRedis()
    server.start()
    yield server
    server.remove()


def test_redis_stopped_and_killed_loses_no_check(tmp_path, redis_server):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'r.db'}", "QUEUE_URL": redis_server.url,
           "STORAGE_DIR": str(tmp_path / "files"), "SECRET_KEY": SECRET, **FAST_QUEUE}
    app, client = candidate_client(env)
    token, shots = page_token(client), screenshots(3, seed=8)
    redis_server.kill(signal.SIGTERM)  # stopped
    while_down = upload(client, token, shots[0], "0.png")
    assert while_down.status_code == 200 and while_down.get_json()["items"]
    with session_scope(app) as s:
        assert s.scalars(select(CheckOutbox.queued_at)).all() == [None]  # left to the sweeper
    redis_server.start()
    queued = [upload(client, token, shot, f"{i}.png") for i, shot in enumerate(shots[1:], 1)]
    assert [r.status_code for r in queued] == [200, 200]
    assert jobs.huey.storage.queue_size() == 2
    redis_server.kill(signal.SIGKILL)  # killed with two jobs queued and no worker
    redis_server.start()
    assert jobs.huey.storage.queue_size() == 2  # reloaded from the append-only file
    worker = Worker(env, tmp_path / "worker.log")
    try:
        back = time.monotonic()
        wait_until(lambda: "pending" not in item_statuses(app).values(), 120, 0.5, "the checks")
        assert time.monotonic() - back < 120
    finally:
        worker.stop()
    statuses = item_statuses(app)
    assert len(statuses) == 3 and set(statuses.values()) <= {"accept", "review", "reject"}
    assert verdicts_logged(tmp_path / "worker.log") == {i: 1 for i in statuses}
    app.extensions["grader.engine"].dispose()
