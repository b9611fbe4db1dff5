"""Background jobs on huey: SqliteHuey embedded, RedisHuey when QUEUE_URL is redis://."""

import signal
import threading
from datetime import timedelta

from flask import Flask
from huey import Huey, crontab
from huey.consumer import Consumer
from huey.storage import BlackHoleStorage, RedisStorage, SqliteStorage

huey = Huey("grader", storage_class=BlackHoleStorage)
_state: dict = {"app": None}


def storage_for(url: str):
    """Build the queue storage named by a URL (redis://… or sqlite:///path)."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisStorage(name="grader", url=url)
    if url.startswith("sqlite:///"):
        return SqliteStorage(name="grader", filename=url[len("sqlite:///"):], timeout=30)
    raise ValueError(f"QUEUE_URL must be redis://… or sqlite:///…, not {url!r}")


def init_app(app: Flask) -> None:
    """Point the queue at the app's QUEUE_URL and remember the app for tasks."""
    huey.storage = storage_for(app.config["QUEUE_URL"])
    huey.immediate = bool(app.config.get("QUEUE_IMMEDIATE", False))
    _state["app"] = app


def task_app() -> Flask:
    """Return the app tasks run in (built once per worker process)."""
    if _state["app"] is None:
        from grader import create_app

        create_app()
    return _state["app"]


def start_consumer(workers: int = 1, periodic: bool = True) -> Consumer:
    """Start a consumer in threads of this process (for `grader serve` and tests).

    An idle SqliteHuey worker polls at most every 0.25 s (a cheap SELECT), so a batch
    uploaded after a quiet spell starts at once; RedisHuey blocks on the queue instead.
    """
    consumer = Consumer(huey, workers=workers, worker_type="thread", periodic=periodic,
                        initial_delay=0.05, max_delay=0.25, check_worker_health=False)
    consumer.start()
    if threading.current_thread() is threading.main_thread():
        # huey's consumer.start() takes SIGTERM, SIGINT and SIGHUP for its own run loop, which an
        # embedded consumer never runs: hand them back so the process stops when told.
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, _interrupt)
    return consumer


def _interrupt(_signum, _frame) -> None:
    """Stop the main thread as Ctrl-C does; the caller's finally stops the consumer."""
    raise KeyboardInterrupt


@huey.task(retries=3, retry_delay=2)
def ping(value: str) -> str:
    """Echo a value: proves that a worker runs tasks."""
    return f"pong:{value}"


@huey.task(retries=3, retry_delay=5)
def check_item(item_id: int) -> str:
    """Check one uploaded screenshot, or read a plan's photos (retried on failure; idempotent)."""
    from grader.db import session_scope
    from grader.services import plan_job
    from grader.services.screenshot_job import run_check

    app = task_app()
    with app.app_context(), session_scope(app) as session:
        work = plan_job.read_text if plan_job.is_plan(session, item_id) else run_check
        return work(session, _storage(app), app.extensions["grader.campaign"], item_id)


@huey.periodic_task(crontab(minute="*"))
def requeue_stale() -> int:
    """Queue again the items a dead worker left pending, so no upload is ever lost."""
    return requeue(task_app())


def requeue(app: Flask, older_than: timedelta = timedelta(minutes=5),
            lost_after: timedelta = timedelta(hours=1)) -> int:
    """Queue again the checks a dead worker dropped (started long ago, or never started)."""
    from grader.db import session_scope
    from grader.services.evidence import stale_items

    with app.app_context(), session_scope(app) as session:
        ids = stale_items(session, older_than, lost_after)
    for item_id in ids:
        check_item(item_id)
    return len(ids)


def _storage(app: Flask):
    """Return the app's file storage."""
    from uploads.storage import FileStorage

    return FileStorage(app.config["STORAGE_DIR"])
