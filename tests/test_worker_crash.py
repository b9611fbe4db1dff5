"""A real `grader worker` killed mid-job loses nothing, on SqliteHuey and RedisHuey.

The restarted worker's own sweeper finds the item pending with no live job and queues it
again; the item is checked exactly once (one verdict in the workers' logs) well within two
minutes.
"""

import time

import pytest
from sqlalchemy import func, select

from faults import (FAST_QUEUE, SECRET, Worker, add_candidate, screenshots, verdicts_logged,
                    wait_until)
from grader import create_app, jobs, migrate
from grader.db import session_scope
from grader.models import Candidate, EvidenceItem
from grader.models.base import utcnow
from grader.services import evidence
from helpers import REDIS_URL
from uploads.storage import FileStorage

pytestmark = pytest.mark.slow


def _env(tmp_path, queue):
    return {"DATABASE_URL": f"sqlite:///{tmp_path / 'w.db'}", "QUEUE_URL": queue,
            "STORAGE_DIR": str(tmp_path / "files"), "SECRET_KEY": SECRET}


def _setup(env):
    app = create_app(dict(env))
    migrate.upgrade(app.extensions["grader.engine"])
    add_candidate(app)
    with app.app_context(), session_scope(app) as s:
        cand = s.scalars(select(Candidate)).one()
        item = evidence.submit_screenshots(s, FileStorage(env["STORAGE_DIR"]), cand,
                                           "wechat_share", [("a.png", screenshots(1)[0])],
                                           utcnow()).items[0]
        s.flush()
        return app, item.id


def _state(app, item_id):
    with session_scope(app) as s:
        item = s.get(EvidenceItem, item_id)
        return item.status, item.attempts


def _kill_mid_job(env, app, item_id, log) -> bool:
    """Queue the check, start a worker, kill it once the check has begun; say if in time."""
    with session_scope(app) as s:
        item = s.get(EvidenceItem, item_id)
        item.status, item.attempts, item.checked_at = "pending", 0, None
    jobs.check_item(item_id)
    worker = Worker(env, log)  # the default windows: its sweeper leaves the fresh item alone
    try:
        wait_until(lambda: _state(app, item_id)[1] > 0, 60, 0.01, "the check to begin")
    finally:
        worker.kill()
    return _state(app, item_id) == ("pending", 1)


@pytest.mark.parametrize("kind", ["sqlite", "redis"])
def test_killed_worker_loses_nothing(tmp_path, kind):
    queue = f"sqlite:///{tmp_path / 'q.db'}" if kind == "sqlite" else REDIS_URL
    env = _env(tmp_path, queue)
    app, item_id = _setup(env)
    if kind == "redis":
        jobs.huey.storage.flush_all()
    logs = [tmp_path / f"killed-{n}.log" for n in range(3)]
    if not any(_kill_mid_job(env, app, item_id, log) for log in logs):
        pytest.fail("the worker finished the check three times before it could be killed")
    assert verdicts_logged(*logs)[item_id] == 0
    restarted = Worker({**env, **FAST_QUEUE}, tmp_path / "restarted.log")
    try:
        began = time.monotonic()
        wait_until(lambda: _state(app, item_id)[0] != "pending", 120, 0.2, "the check")
        assert time.monotonic() - began < 120
    finally:
        restarted.stop()
    status, attempts = _state(app, item_id)
    assert status in ("accept", "review", "reject")
    assert attempts == 2  # the killed try and the swept one, nothing more
    assert verdicts_logged(*logs, tmp_path / "restarted.log")[item_id] == 1
    with session_scope(app) as s:
        assert s.scalar(select(func.count()).select_from(EvidenceItem)) == 1
    jobs.huey.storage.flush_all()
