"""Helpers of the fault tests: private PostgreSQL and Redis servers, a real worker, polling.

The suite's own PostgreSQL (5432) and Redis (6379) are never stopped: a test that stops a
server starts its own on a free port in a temporary folder and removes it at the end.
"""

import io
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime
from glob import glob
from pathlib import Path

from helpers import csrf_from
from uploads import synth

FAST_QUEUE = {"QUEUE_SWEEP_SECONDS": "1", "QUEUE_STALE_SECONDS": "3",
              "QUEUE_RETRY_SECONDS": "1", "QUEUE_RETRY_MAX_SECONDS": "2"}
SECRET = "fault-test-secret-of-at-least-32-bytes"


def free_port() -> int:
    """Return a TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check, timeout: float = 120, every: float = 0.2, what: str = "condition"):
    """Poll until check() is truthy; return its value, or fail after the deadline."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class PrivatePostgres:
    """A throw-away PostgreSQL cluster on a free port (run as `postgres` when we are root)."""

    def __init__(self):
        self.bin = sorted(glob("/usr/lib/postgresql/*/bin"))[-1]
        self.dir = Path(tempfile.mkdtemp(prefix="grader-pg-"))
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run("initdb", "-D", str(self.dir / "data"), "-U", "postgres", "-A", "trust")

    def _run(self, tool: str, *args: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, f"{self.bin}/{tool}", *args], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def start(self) -> None:
        """Start the server and wait until it takes connections."""
        self._run("pg_ctl", "-D", str(self.dir / "data"), "-w", "-l", str(self.dir / "log"),
                  "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1", "start")

    def stop(self) -> None:
        """Stop the server (fast: connections are cut, as in an outage)."""
        self._run("pg_ctl", "-D", str(self.dir / "data"), "-w", "-m", "fast", "stop")

    def remove(self) -> None:
        """Stop if running and delete the cluster."""
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


class PrivateRedis:
    """A throw-away Redis on a free port keeping what it accepted (AOF, fsync every second)."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="grader-redis-"))
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        """Start the server (reloading its AOF) and wait until it answers."""
        import redis

        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir",
             str(self.dir), "--appendonly", "yes", "--appendfsync", "everysec", "--save", ""],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url)
        wait_until(lambda: _answers(client), 30, what="redis to start")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Stop the server the hard way (SIGKILL) or cleanly (SIGTERM)."""
        if self.proc is not None:
            self.proc.send_signal(sig)
            self.proc.wait(30)
            self.proc = None

    def remove(self) -> None:
        """Stop the server and delete its folder."""
        self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


def _answers(client) -> bool:
    try:
        return bool(client.ping())
    except Exception:
        return False


class Worker:
    """A real `grader worker` process, its log kept to count the verdicts it recorded."""

    def __init__(self, env: dict, log: Path):
        self.log = log
        with log.open("ab") as out:  # the child keeps its own copy of the descriptor
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "grader.cli", "worker"], env={**os.environ, **env},
                stdout=subprocess.DEVNULL, stderr=out)

    def wait_ready(self) -> None:
        """Wait until the worker takes jobs."""
        wait_until(lambda: "consumer started" in self.log.read_text(errors="replace"), 60,
                   what="the worker to start")

    def kill(self) -> None:
        """Kill the worker at once (SIGKILL), as a crash does."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)

    def stop(self) -> None:
        """Stop the worker if it still runs."""
        self.kill()


def verdicts_logged(*logs: Path) -> Counter:
    """Count the verdicts each item got in the workers' logs ("item N checked: V")."""
    found: Counter = Counter()
    for log in logs:
        text = log.read_text(errors="replace") if log.exists() else ""
        found.update(int(n) for n in re.findall(r"item (\d+) checked: \w+", text))
    return found


def screenshots(n: int, seed: int = 3) -> list[bytes]:
    """Render n distinct WeChat-share screenshots of the campaign's window."""
    rng = random.Random(seed)
    now = datetime(2016, 5, 27, 18, tzinfo=synth.CHINA)
    return [synth.to_png(synth.render_share(synth.random_share(rng, now, size=(540, 960),
                                                               theme="light")))
            for _ in range(n)]


def add_candidate(app, password: str = "secret123") -> str:
    """Register one candidate in round 1; return the user name to log in with."""
    from datetime import date

    from grader.db import session_scope
    from grader.models import Township
    from grader.services.demo import make_id
    from grader.services.registration import RegistrationInput, register

    campaign = app.extensions["grader.campaign"]
    with app.app_context(), session_scope(app) as s:
        town = Township(code="01", name="城关镇", target=1)
        s.add(town)
        s.flush()
        data = RegistrationInput(name="甲", id_number=make_id(random.Random(3), date(1990, 1, 1)),
                                 education="high", township_id=town.id, phone="13800138000",
                                 declarations={d: True for d in campaign.declarations})
        cand = register(s, campaign, data, "online").candidate
        cand.stage = "round1"
        cand.user.set_password(password)
        return cand.user.username


def candidate_client(env: dict):
    """Return an app on `env` (its schema migrated) and a client logged in as a new candidate.

    Failures answer as they would in production (no exception propagated to the test).
    """
    from grader import create_app, migrate

    app = create_app({**env, "TESTING": True, "PROPAGATE_EXCEPTIONS": False})
    migrate.upgrade(app.extensions["grader.engine"])
    client = app.test_client()
    log_in(client, add_candidate(app))
    return app, client


def log_in(client, username: str, password: str = "secret123") -> None:
    """Log in through the real form."""
    token = csrf_from(client.get("/login"))
    res = client.post("/login", data={"username": username, "password": password,
                                      "csrf_token": token})
    assert res.status_code in (200, 302)


def page_token(client, task: str = "wechat_share") -> str:
    """Open the upload page; return its CSRF token (good for the whole session)."""
    return csrf_from(client.get(f"/me/evidence/{task}"))


def upload(client, token: str, shot: bytes, name: str, task: str = "wechat_share"):
    """Upload one screenshot as the page does; return the response."""
    return client.post(f"/me/evidence/{task}/upload", headers={"X-CSRFToken": token},
                       data={"files": [(io.BytesIO(shot), name)]})


def stored_files(root: Path) -> list[str]:
    """List the files under a storage folder (temporary ones included)."""
    return sorted(p.name for p in root.rglob("*") if p.is_file())


def item_statuses(app) -> dict[int, str]:
    """Return every evidence item's status, by id, read in a session of its own."""
    from sqlalchemy import select

    from grader.db import session_scope
    from grader.models import EvidenceItem

    with session_scope(app) as s:
        return dict(s.execute(select(EvidenceItem.id, EvidenceItem.status)).all())
