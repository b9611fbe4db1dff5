"""Load-test the web tier on a full campaign's data, against /login measured in the same run.

Builds 2,000 candidates, 180,000 evidence rows, 60,000 survey forms, the spot-checks and a
published ranking in a PostgreSQL schema of its own (COPY, not the simulation), serves them with
gunicorn (gthread workers) on 127.0.0.1, and drives logged-in candidates and staff with aiohttp.
Prints p50/p95 per page and throughput, each as a ratio against /login, then drops the schema.

Run as ``python bench/bench_web.py [--users 10,50] [--workers 4] [--threads 2] [--duration 30]``
(the defaults: the production layout of gunicorn.conf.py on this 2-core machine).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import aiohttp
from werkzeug.security import generate_password_hash

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from grader import migrate  # noqa: E402
from grader.db import make_engine  # noqa: E402

PG_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
CANDIDATES, ACTIVE, FORMS_EACH, EVIDENCE_EACH, CALLS_EACH = 2000, 600, 100, 300, 5
PASSWORD = "bench-pass-1"
T0 = datetime(2016, 5, 26, 2, tzinfo=UTC)
CANDIDATE_PAGES = ("/me", "/me/results", "/me/evidence/wechat_share", "/me/surveys", "/me/plan")
STAFF_PAGES = ("/candidates/", "/candidates/?page=30", "/evidence/review",
               "/evidence/review?deep", "/surveys/", "/surveys/?after", "/rankings/", "/audit",
               "/audit?before")


# --- data -----------------------------------------------------------------------------------

def copy_rows(cur, table: str, cols: tuple[str, ...], rows) -> int:
    """COPY rows into a table; JSON values go as text."""
    n = 0
    with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as cp:
        for row in rows:
            cp.write_row([json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list))
                          else v for v in row])
            n += 1
    return n


def people(cur, pw_hash: str) -> None:
    """Townships, the staff account, candidates with accounts (the first ACTIVE in round 1)."""
    copy_rows(cur, "township", ("id", "code", "name", "target"),
              ((t, f"T{t}", f"第{t}镇", 100) for t in range(1, 21)))
    users = [(1, "staff", pw_hash, "county_staff", "县工作人员", True, 1, False, T0)]
    users += [(c + 1, f"11010119900101{c:04d}", pw_hash, "candidate", f"人{c}", True, 1, False,
               T0) for c in range(1, CANDIDATES + 1)]
    copy_rows(cur, "user_account", ("id", "username", "password_hash", "role", "display_name",
                                    "active", "session_version", "must_change_password",
                                    "created_at"), users)
    copy_rows(cur, "candidate", (
        "id", "reg_no", "user_id", "township_id", "name", "id_number", "sex", "birthdate",
        "phone", "education", "channel", "declarations", "eligible", "eligibility_reasons",
        "stage", "registered_at"), (
        (c, f"2016{c:05d}", c + 1, c % 20 + 1, f"人{c}", f"11010119900101{c:04d}", "M",
         date(1990, 1, 1), f"138{c:08d}", "high", "online", {}, True, [],
         "round1" if c <= ACTIVE else "registered", T0) for c in range(1, CANDIDATES + 1)))


def evidence_rows():
    """Yield 180,000 items, 150 of each task a candidate: mostly accepted, the newest third
    partly waiting for review."""
    cols = ("id", "candidate_id", "task", "filename", "sha256", "size", "mime", "storage_key",
            "status", "machine_verdict", "reasons", "detail", "text", "attempts", "submitted_at")
    yield cols
    total, rng = ACTIVE * EVIDENCE_EACH, random.Random(1)
    for i in range(1, total + 1):
        # every active candidate gets 150 of each task (i % 2 gave each only one task)
        cand, task = (i - 1) % ACTIVE + 1, ("wechat_share", "app_download")[(i - 1) // ACTIVE % 2]
        status = "review" if i > total * 2 // 3 and rng.random() < 0.3 else \
            ("reject" if rng.random() < 0.1 else "accept")
        yield (i, cand, task, f"{i}.png", f"{i:064x}", 50_000, "image/png", f"k/{i}", status,
               status, ["no_share_marker"] if status != "accept" else [],
               {"nickname": f"昵称{cand}", "timestamp": "2016-05-27T10:00:00+08:00"},
               "农村淘宝 分享到朋友圈 " * 8, 1, T0 + timedelta(seconds=i))


def survey_rows():
    """Yield 60,000 forms, 100 for each active candidate, 95% valid."""
    yield ("id", "candidate_id", "name", "phone_raw", "phone_e164", "village", "household_size",
           "shops_online", "surveyed_at", "answers", "flags", "hints", "valid", "source",
           "created_at")
    for i in range(1, ACTIVE * FORMS_EACH + 1):
        cand, phone = (i - 1) // FORMS_EACH + 1, f"139{i:08d}"
        yield (i, cand, "王大", phone, f"+86{phone}", "王庄村", 4, True, date(2016, 5, 27), {},
               [], [], i % 20 != 0, "form", T0 + timedelta(seconds=i))


def call_rows():
    """Yield five spot-checks per active candidate, most made, some with mismatches."""
    yield ("id", "candidate_id", "survey_form_id", "draw_rank", "seed", "reason", "caller_id",
           "outcome", "answers", "mismatches")
    outcomes = ("confirmed", "confirmed", "confirmed", "denied", "unreachable", None)
    for i in range(1, ACTIVE * CALLS_EACH + 1):
        cand = (i - 1) // CALLS_EACH + 1
        outcome = outcomes[i % len(outcomes)]
        answers = {"household_size": "4", "shops_online": "是", "village": ""} \
            if outcome == "confirmed" else {}
        yield (i, cand, (cand - 1) * FORMS_EACH + i % CALLS_EACH + 1, i % CALLS_EACH, "s",
               "sample", 1, outcome, answers, ["household_size"] if i % 7 == 0 else [])


def ranking_rows() -> list[dict]:
    """Return a round-1 result of the active candidates, ~7.5 KB a row as a real one is."""
    rows = []
    for c in range(1, ACTIVE + 1):
        explain = [{"zh": f"第{k}项：完成情况与用时说明，" + "得分依据" * 20,
                    "en": f"component {k}: completion and timing " + "basis " * 20}
                   for k in range(10)]
        rows.append({"id": f"2016{c:05d}", "rank": c, "score": 100.0 - c / 10,
                     "advance": c <= 400, "explain": explain,
                     "components": {f"c{k}": 0.5 for k in range(20)}})
    return rows


def rankings_and_log(cur) -> None:
    """A published round-1 ranking with its entries, drafts, and 20,000 audit rows."""
    rows = ranking_rows()
    copy_rows(cur, "ranking", ("id", "round", "status", "policy", "facts", "result", "size",
                               "warnings", "created_at", "published_at"), (
        (rid, "1", status, {}, {"candidates": []}, {"ranking": rows, "advance": 400},
         len(rows), [], T0, T0 if status == "published" else None)
        for rid, status in ((1, "superseded"), (2, "published"), (3, "draft"))))
    copy_rows(cur, "ranking_entry", ("ranking_id", "candidate_id", "rank", "score", "advance",
                                     "row"),
              ((2, c, r["rank"], r["score"], r["advance"], r) for c, r in enumerate(rows, 1)))
    copy_rows(cur, "audit_log", ("at", "user_id", "action", "entity", "entity_id", "field",
                                 "before", "after", "reason"),
              ((T0, 1, "decide_evidence", "candidate", i % CANDIDATES + 1, f"item:{i}",
                '"review"', '"accept"', None) for i in range(20_000)))  # JSON text


def build(engine) -> None:
    """Fill the schema by COPY and set the id sequences past the copied ids."""
    pw_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    raw = engine.raw_connection()
    try:
        cur = raw.driver_connection.cursor()
        people(cur, pw_hash)
        for table, rows in (("evidence_item", evidence_rows()), ("survey_form", survey_rows()),
                            ("spot_check", call_rows())):
            copy_rows(cur, table, next(rows), rows)
        rankings_and_log(cur)
        for table in ("township", "user_account", "candidate", "evidence_item", "survey_form",
                      "spot_check", "ranking", "ranking_entry", "audit_log"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))")
            cur.execute(f"ANALYZE {table}")
        raw.commit()
    finally:
        raw.close()


# --- load -----------------------------------------------------------------------------------

def resolve(path: str) -> str:
    """Fill the deep-page placeholders with ids in the middle of the data."""
    return {"/evidence/review?deep": "/evidence/review?after=150000&page=900",
            "/surveys/?after": "/surveys/?after=300",
            "/audit?before": "/audit?before=10000"}.get(path, path)


async def log_in(session: aiohttp.ClientSession, base: str, username: str) -> None:
    """Log in through the form (CSRF token read from it)."""
    async with session.get(f"{base}/login") as res:
        token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"',
                          await res.text()).group(1)
    async with session.post(f"{base}/login", data={"username": username, "password": PASSWORD,
                                                   "csrf_token": token}) as res:
        await res.read()
        if "/login" in str(res.url):
            raise RuntimeError(f"login failed for {username}")


async def user(base: str, username: str, pages: tuple, until: float, think: float,
               seen: dict, rng: random.Random) -> None:
    """Log in, then cycle through the pages (and an anonymous /login) until the deadline."""
    jar = aiohttp.CookieJar(unsafe=True)  # keep cookies for 127.0.0.1
    async with aiohttp.ClientSession(cookie_jar=jar) as me, \
            aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as anon:
        await asyncio.sleep(rng.uniform(0, 2 * think))  # users arrive over a pause, not at once
        await log_in(me, base, username)
        cycle = [(anon, "/login"), *((me, p) for p in pages)]
        k = rng.randrange(len(cycle))
        while time.perf_counter() < until:
            client, page = cycle[k % len(cycle)]
            k += 1
            start = time.perf_counter()
            async with client.get(base + resolve(page), allow_redirects=False) as res:
                await res.read()
                if res.status != 200:
                    raise RuntimeError(f"{page}: HTTP {res.status}")
            seen[page].append(time.perf_counter() - start)
            await asyncio.sleep(rng.uniform(0, 2 * think))


async def drive(base: str, users: int, seconds: float, think: float, only_login: bool) -> tuple:
    """Run `users` users (a fifth of them staff) for `seconds`; return latencies and req/s."""
    seen: dict[str, list[float]] = defaultdict(list)
    rng = random.Random(users)
    staff = max(1, users // 5)
    until = time.perf_counter() + seconds
    tasks = []
    for u in range(users):
        name, pages = ("staff", STAFF_PAGES) if u < staff else \
            (f"11010119900101{u * 11 % ACTIVE + 1:04d}", CANDIDATE_PAGES)
        tasks.append(user(base, name, () if only_login else pages, until, think, seen, rng))
    started = time.perf_counter()
    gc.collect()
    gc.disable()  # a collection in this client would stall every request it is timing
    try:
        await asyncio.gather(*tasks)
    finally:
        gc.enable()
    return seen, sum(map(len, seen.values())) / (time.perf_counter() - started)


# --- server and report -------------------------------------------------------------------------

def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(url: str, threads: int, workdir: str, workers: int = 4
          ) -> tuple[subprocess.Popen, str]:
    """Start gunicorn with the project's config (gthread workers) and wait until it answers."""
    port = free_port()
    env = {**os.environ, "GRADER_ENV": "production", "SECRET_KEY": uuid.uuid4().hex * 2,
           "DATABASE_URL": url, "STORAGE_DIR": f"{workdir}/storage", "SESSION_COOKIE_SECURE": "0",
           "QUEUE_URL": f"sqlite:///{workdir}/queue.db", "WEB_WORKERS": str(workers),
           "WEB_THREADS": str(threads), "GRADER_BIND": f"127.0.0.1:{port}"}
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=open(f"{workdir}/gunicorn.log", "a"))  # noqa: SIM115
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, base
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("gunicorn did not start; see gunicorn.log")


def pct(values: list[float], q: float) -> float:
    """Return the q-quantile of the values."""
    return statistics.quantiles(values, n=100, method="inclusive")[int(q * 100) - 1] \
        if len(values) > 1 else values[0]


def report(threads: int, users: int, seen: dict, rate: float, login_rate: float) -> None:
    """Print p50/p95 per page as ratios against /login, and throughput against /login-only."""
    b50, b95 = pct(seen["/login"], 0.5), pct(seen["/login"], 0.95)
    print(f"\n## threads {threads} a worker, {users} users: {rate:.1f} req/s "
          f"(/login alone: {login_rate:.1f} req/s, ratio {rate / login_rate:.2f})")
    print(f"{'page':30} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'p50 ×':>6} "
          f"{'p95 ×':>6}")
    for page in ("/login", *CANDIDATE_PAGES, *STAFF_PAGES):
        v = seen.get(page)
        if v:
            p50, p95 = pct(v, 0.5), pct(v, 0.95)
            print(f"{resolve(page):30} {len(v):5} {p50 * 1e3:8.1f} {p95 * 1e3:8.1f} "
                  f"{max(v) * 1e3:8.1f} {p50 / b50:6.2f} {p95 / b95:6.2f}")


def run(args, url: str, workdir: str) -> None:
    """For each thread count, start the server and drive each number of users."""
    for threads in args.threads:
        proc, base = serve(url, threads, workdir, args.workers)
        try:
            for users in args.users:
                # warm up: every page several times in both workers (templates compiled, each
                # thread's database connection opened), so the runs measure the steady state
                asyncio.run(drive(base, 10, 6, 0.1, False))
                _s, login_rate = asyncio.run(drive(base, users, args.duration / 3, args.think,
                                                   True))
                seen, rate = asyncio.run(drive(base, users, args.duration, args.think, False))
                report(threads, users, seen, rate, login_rate)
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def main() -> None:
    """Build the data in a schema of its own, run the load, drop the schema."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ints = lambda s: [int(x) for x in s.split(",")]  # noqa: E731
    parser.add_argument("--users", type=ints, default=[10, 50])
    parser.add_argument("--threads", type=ints, default=[2], help="threads a worker")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn processes")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds per mixed run")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between requests")
    args = parser.parse_args()
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = PG_URL + ("&" if "?" in PG_URL else "?") + f"options=-csearch_path%3D{schema}"
    try:
        engine = make_engine(url)
        started = time.perf_counter()
        migrate.upgrade(engine)
        build(engine)
        engine.dispose()
        print(f"built {CANDIDATES} candidates, {ACTIVE * EVIDENCE_EACH} evidence rows, "
              f"{ACTIVE * FORMS_EACH} forms in {time.perf_counter() - started:.1f} s")
        with tempfile.TemporaryDirectory() as workdir:
            run(args, url, workdir)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
