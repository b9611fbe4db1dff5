"""A real `grader worker` process killed mid-job loses nothing, on SqliteHuey and RedisHuey."""

import os
import random
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from helpers import REDIS_URL
from grader import create_app, jobs, migrate
from grader.db import session_scope
from grader.models import EvidenceItem, Township
from grader.services import evidence
from grader.services.demo import make_id
from grader.services.registration import RegistrationInput, register
from uploads import synth
from uploads.storage import FileStorage

pytestmark = pytest.mark.slow


def _env(tmp_path, queue):
    return {"DATABASE_URL": f"sqlite:///{tmp_path / 'w.db'}", "QUEUE_URL": queue,
            "STORAGE_DIR": str(tmp_path / "files")}


def _setup(env):
    app = create_app(dict(env))
    migrate.upgrade(app.extensions["grader.engine"])
    rng = random.Random(3)
    now = datetime(2016, 5, 27, 10, tzinfo=UTC)
    shot = synth.to_png(synth.render_share(synth.random_share(
        rng, now.astimezone(synth.CHINA), size=(720, 1280), theme="light")))
    with session_scope(app) as s:
        town = Township(code="01", name="城关镇", target=1)
        s.add(town)
        s.flush()
        data = RegistrationInput(name="甲", id_number=make_id(rng, datetime(1990, 1, 1).date()),
                                 education="high", township_id=town.id, phone="13800138000",
                                 declarations={"constitution": True})
        cand = register(s, app.extensions["grader.campaign"], data, "online").candidate
        cand.stage = "round1"
        item = evidence.submit_screenshots(s, FileStorage(env["STORAGE_DIR"]), cand,
                                           "wechat_share", [("a.png", shot)], now).items[0]
        s.flush()
        item_id = item.id
    return app, item_id


def _kill_mid_job(env, app, item_id) -> bool:
    """Queue the check, start a worker, kill it once the check has begun; say if in time."""
    with session_scope(app) as s:
        item = s.get(EvidenceItem, item_id)
        item.status, item.attempts, item.checked_at = "pending", 0, None
    jobs.check_item(item_id)
    worker = subprocess.Popen([sys.executable, "-m", "grader.cli", "worker"],
                              env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    deadline, begun = time.time() + 60, False
    while time.time() < deadline and not begun:
        with session_scope(app) as s:
            begun = s.get(EvidenceItem, item_id).attempts > 0  # committed as the check starts
        time.sleep(0.01)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    with session_scope(app) as s:
        return begun and s.get(EvidenceItem, item_id).status == "pending"


@pytest.mark.parametrize("kind", ["sqlite", "redis"])
def test_killed_worker_loses_nothing(tmp_path, kind):
    queue = f"sqlite:///{tmp_path / 'q.db'}" if kind == "sqlite" else REDIS_URL
    env = _env(tmp_path, queue)
    app, item_id = _setup(env)
    if kind == "redis":
        jobs.huey.storage.flush_all()
    for _try in range(3):
        if _kill_mid_job(env, app, item_id):
            break
    else:
        pytest.fail("the worker finished the check three times before it could be killed")
    with session_scope(app) as s:
        item = s.get(EvidenceItem, item_id)
        assert (item.status, item.attempts) == ("pending", 1)  # killed while checking
    app = create_app(dict(env))  # what a restarted service does: sweep, then work
    assert jobs.requeue(app, older_than=timedelta(0), lost_after=timedelta(0)) == 1
    consumer = jobs.start_consumer(1, periodic=False)
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            with session_scope(app) as s:
                status = s.get(EvidenceItem, item_id).status
            if status != "pending":
                break
            time.sleep(0.5)
    finally:
        consumer.stop(graceful=True)
    with session_scope(app) as s:
        item = s.get(EvidenceItem, item_id)
        assert item.status in ("accept", "review", "reject")
        assert item.attempts == 2  # the killed try and the requeued one, nothing more
        assert s.scalar(select(func.count()).select_from(EvidenceItem)) == 1
    jobs.huey.storage.flush_all()
