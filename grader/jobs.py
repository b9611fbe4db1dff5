"""Background jobs on huey: SqliteHuey embedded, RedisHuey when QUEUE_URL is redis://."""

import logging
import signal
import threading
from datetime import timedelta

from flask import Flask
from huey import Huey
from huey.consumer import Consumer
from huey.storage import BlackHoleStorage, RedisStorage, SqliteStorage
from sqlalchemy.orm import Session

huey = Huey("grader", storage_class=BlackHoleStorage)
_state: dict = {"app": None}
log = logging.getLogger("grader.jobs")


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


class _Consumer(Consumer):
    """huey's consumer, running the periodic sweeper every `sweep_seconds` (huey: 60)."""

    def __init__(self, *args, sweep_seconds: int = 60, **kwargs):
        self.sweep_seconds = sweep_seconds
        super().__init__(*args, **kwargs)

    def _create_scheduler(self):
        scheduler = super()._create_scheduler()
        scheduler.periodic_task_seconds = self.sweep_seconds
        return scheduler


def start_consumer(workers: int = 1, periodic: bool = True) -> Consumer:
    """Start a consumer in threads of this process (for `grader serve`, `grader worker`, tests).

    With `periodic`, the sweeper runs at once and then every QUEUE_SWEEP_SECONDS. An idle
    SqliteHuey worker polls at most every 0.25 s (a cheap SELECT), so a batch uploaded after
    a quiet spell starts at once; RedisHuey blocks on the queue instead.
    """
    sweep = int(task_app().config["QUEUE_SWEEP_SECONDS"])
    _warn_if_forgetful()
    consumer = _Consumer(huey, workers=workers, worker_type="thread", periodic=periodic,
                         initial_delay=0.05, max_delay=0.25, check_worker_health=False,
                         sweep_seconds=sweep)
    consumer.start()
    if threading.current_thread() is threading.main_thread():
        # huey's consumer.start() takes SIGTERM, SIGINT and SIGHUP for its own run loop, which an
        # embedded consumer never runs: hand them back so the process stops when told.
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, _interrupt)
    return consumer


def _warn_if_forgetful() -> None:
    """Warn when the Redis queue would lose jobs on a restart (no AOF); see the README."""
    if not isinstance(huey.storage, RedisStorage):
        return
    try:
        appendonly = huey.storage.conn.config_get("appendonly").get("appendonly")
    except Exception:  # CONFIG may be disabled (managed Redis): nothing to tell
        return
    if appendonly != "yes":
        log.warning("Redis has appendonly=%s: queued checks are lost when it restarts; set "
                    "appendonly yes and appendfsync everysec (README, Queue)", appendonly)


def _interrupt(_signum, _frame) -> None:
    """Stop the main thread as Ctrl-C does; the caller's finally stops the consumer."""
    raise KeyboardInterrupt


@huey.task(retries=3, retry_delay=2)
def ping(value: str) -> str:
    """Echo a value: proves that a worker runs tasks."""
    return f"pong:{value}"


@huey.task()
def check_item(item_id: int, seen: int | None = None, retry: int = 0) -> str:
    """Check one uploaded screenshot, or read a plan's photos; idempotent.

    A database or queue that is down makes the job come back later, each time waiting
    twice as long (up to QUEUE_RETRY_MAX_SECONDS), so an outage never uses up its tries.
    Any other failure is left to the sweeper, which tries again up to five attempts.
    """
    app, begun = task_app(), {"seen": seen}
    try:
        result = _check(app, item_id, begun)
    except Exception as exc:
        if not transient(exc):
            raise
        delay = min(app.config["QUEUE_RETRY_SECONDS"] * 2 ** retry,
                    app.config["QUEUE_RETRY_MAX_SECONDS"])
        log.warning("check of item %s waits %ss for the database or queue: %s", item_id,
                    delay, exc)
        check_item.schedule(args=(item_id,), kwargs={"seen": begun["seen"], "retry": retry + 1},
                            delay=delay)
        return "retrying"
    if result != "skipped":
        log.info("item %s checked: %s", item_id, result)
    return result


def _check(app: Flask, item_id: int, begun: dict) -> str:
    """Run the check unless another attempt is live; note the attempt count it began at."""
    from grader.db import session_scope
    from grader.services import check_queue, plan_job
    from grader.services.screenshot_job import run_check

    with app.app_context(), session_scope(app) as session:
        begun["seen"] = check_queue.claim(session, item_id, begun["seen"], stale_window(app))
        if begun["seen"] is None:
            return "skipped"
        work = plan_job.read_text if plan_job.is_plan(session, item_id) else run_check
        return work(session, _storage(app), app.extensions["grader.campaign"], item_id)


def transient(exc: BaseException) -> bool:
    """Tell whether a failure is the database or the queue being away (worth waiting out)."""
    from redis.exceptions import ConnectionError as RedisDown
    from redis.exceptions import TimeoutError as RedisSlow
    from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, (OperationalError, InterfaceError, PoolTimeout, RedisDown, RedisSlow))


def stale_window(app: Flask) -> timedelta:
    """Return how long a pending item may go without a job queued or begun."""
    return timedelta(seconds=app.config["QUEUE_STALE_SECONDS"])


@huey.periodic_task(lambda _when: True)  # every QUEUE_SWEEP_SECONDS: see start_consumer
def requeue_stale() -> int:
    """Queue again the items left pending without a live job, so no upload is ever lost."""
    return requeue(task_app())


def requeue(app: Flask, window: timedelta | None = None) -> int:
    """Queue again the pending items with no job queued or begun within the window."""
    from grader.db import session_scope
    from grader.services import check_queue

    with app.app_context(), session_scope(app) as session:
        ids = check_queue.stale(session, window or stale_window(app))
        check_queue.forget_done(session)
    queued = _enqueue(ids)
    if queued:
        with app.app_context(), session_scope(app) as session:
            check_queue.requeued(session, queued)
    return len(queued)


@huey.periodic_task(lambda _when: True)  # every QUEUE_SWEEP_SECONDS, beside requeue_stale
def lapse_offers() -> dict:
    """Lapse replacement offers past their deadline and offer each place to the next."""
    return lapse(task_app())


def lapse(app: Flask) -> dict:
    """Run the replacement sweep once (`grader replacements run` does the same)."""
    from grader.db import session_scope
    from grader.services.withdrawals import run_lapsed

    with app.app_context(), session_scope(app) as session:
        return run_lapsed(session)


def queue_after_commit(ids: list[int]) -> None:
    """Queue these items' checks once the request (or command) has committed their rows."""
    from grader.db import after_commit, get_session

    if ids:
        after_commit(lambda: queue_checks(get_session(), ids))


def queue_checks(session: Session, ids: list[int]) -> None:
    """Queue the checks of items just committed and note it in the outbox.

    A queue that is down leaves them to the sweeper: the upload still succeeded, its rows
    and outbox rows are committed.
    """
    from grader.services import check_queue

    queued = _enqueue(ids)
    try:
        check_queue.mark_queued(session, queued)
        session.commit()
    except Exception:  # the rows are safe; unmarked ones are only queued again sooner
        session.rollback()
        log.exception("could not note the queued checks %s", queued)


def _enqueue(ids: list[int]) -> list[int]:
    """Queue a check per item; return those queued (stop at the first queue failure)."""
    queued: list[int] = []
    for item_id in ids:
        try:
            check_item(item_id)
        except Exception:
            log.exception("queue unavailable; %d check(s) left to the sweeper",
                          len(ids) - len(queued))
            break
        queued.append(item_id)
    return queued


def _storage(app: Flask):
    """Return the app's file storage."""
    from uploads.storage import FileStorage

    return FileStorage(app.config["STORAGE_DIR"])
