"""Benchmark screenshot checking end to end against the checker itself, in one run.

    .venv/bin/python bench/bench_pipeline.py [--n 24] [--seed 1] [--workers 1,2]
                                             [--queues sqlite,redis] [--redis URL]

Generates n screenshots (half WeChat shares, half app downloads), times the checker on them
in this process (its images/s per CPU core, as bench_ocr.py prints it), then for each queue
(SqliteHuey, RedisHuey on a db of its own) and each worker count K: submits the same images
the way the upload page does (`evidence.submit_batch`), starts `grader worker --workers K`,
waits until it answers a ping, queues every item and times until every item has a verdict.
Prints images/s per worker core (wall clock, and per CPU-second of the worker's process
tree), the ratio against the checker (goal >= 0.8), K workers against 1 (goal >= 0.8 K),
and whether the verdicts match the checker's. Everything runs on this machine.

Scaling needs K free cores: the checker also runs in K threads of this process, and its own
K-thread / 1-thread ratio (what the machine gives right now, GIL included) is printed beside
the workers' so a busy machine is not mistaken for a pipeline that does not scale. On a quiet
machine with 2 cores: `bench_pipeline.py --n 48 --workers 1,2` (about 4 minutes).
"""

import argparse
import os
import random
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, func, select  # noqa: E402

from grader import create_app, jobs, migrate  # noqa: E402
from grader.db import session_scope  # noqa: E402
from grader.models import EvidenceItem, Township  # noqa: E402
from grader.services import check_queue, evidence  # noqa: E402
from grader.services.demo import make_id  # noqa: E402
from grader.services.registration import RegistrationInput, register  # noqa: E402
from uploads import ocr, synth  # noqa: E402
from uploads.checker import check_batch  # noqa: E402
from uploads.dupindex import DupIndex  # noqa: E402
from uploads.storage import FileStorage  # noqa: E402

NOW = synth.DEMO_NOW
TASKS = ("wechat_share", "app_download")
TICK = os.sysconf("SC_CLK_TCK")


def make_corpus(n: int, seed: int) -> list[synth.Sample]:
    """Return n uploads, half WeChat shares and half app downloads."""
    rng = random.Random(seed)
    return (synth.make_samples(rng, NOW, TASKS[0], n - n // 2)
            + synth.make_samples(rng, NOW, TASKS[1], n // 2))


def own_cpu() -> float:
    """Return CPU seconds of this process and its reaped children."""
    own, kids = (resource.getrusage(who) for who in (resource.RUSAGE_SELF,
                                                      resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def tree_cpu(root: int) -> float:
    """Return CPU seconds of a process, its live descendants and all they have reaped."""
    stats = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # not a process, or gone meanwhile
        stats[int(entry.name)] = (int(fields[1]), sum(int(f) for f in fields[11:15]))
    tree, changed = {root}, True
    while changed:
        grown = {pid for pid, (ppid, _) in stats.items() if ppid in tree} | tree
        changed, tree = grown != tree, grown
    return sum(stats[pid][1] for pid in tree if pid in stats) / TICK


def time_checker(corpus: list[synth.Sample], campaign, threads: int = 1
                 ) -> tuple[float, float, Counter]:
    """Check the corpus in this process as the job would, in `threads` threads sharing it.

    Returns wall, CPU and verdicts. Each thread checks every `threads`-th image of a task,
    with its own duplicate index (the duplicates found differ from one index's).
    """
    ocr.rapid_engine()  # a worker builds it once
    ocr._cache.clear()

    def share(k: int) -> Counter:
        index, seen = DupIndex(), Counter()
        for task in TASKS:
            files = [(s.name, s.data) for s in corpus if s.task == task][k::threads]
            rules = evidence.rules_for(campaign, task)
            seen.update(v.verdict for v in check_batch(files, task, rules, NOW, index))
        return seen

    wall, cpu = time.perf_counter(), own_cpu()
    if threads == 1:
        verdicts = share(0)
    else:
        with ThreadPoolExecutor(threads) as pool:
            verdicts = sum(pool.map(share, range(threads)), Counter())
    return time.perf_counter() - wall, own_cpu() - cpu, verdicts


def submit(app, corpus: list[synth.Sample]) -> list[int]:
    """Register one candidate per task and submit its screenshots as the upload page does."""
    migrate.upgrade(app.extensions["grader.engine"])
    rng, storage, ids = random.Random(5), FileStorage(app.config["STORAGE_DIR"]), []
    campaign = app.extensions["grader.campaign"]
    with session_scope(app) as s:
        town = Township(code="01", name="城关镇", target=1)
        s.add(town)
        s.flush()
        for i, task in enumerate(TASKS):
            data = RegistrationInput(name=f"考生{i}", id_number=make_id(
                rng, NOW.date().replace(year=1990)), education="high", township_id=town.id,
                phone=f"1380013800{i}", declarations={d: True for d in campaign.declarations})
            cand = register(s, campaign, data, "online").candidate
            cand.stage = "round1"
            files = [(x.name, x.data) for x in corpus if x.task == task]
            ids += [it.id for it in evidence.submit_batch(s, storage, cand, task, files, NOW,
                                                          campaign).items]
    return ids


def start_worker(env: dict, k: int) -> subprocess.Popen:
    """Start `grader worker --workers k` and return once it answers a ping."""
    proc = subprocess.Popen([sys.executable, "-m", "grader.cli", "worker", "--workers", str(k)],
                            env={**os.environ, **env}, stdout=subprocess.DEVNULL)
    jobs.ping("ready").get(blocking=True, timeout=120)
    return proc


def wait_verdicts(url: str, total: int, timeout: float = 900) -> Counter:
    """Wait until no item is pending; return the verdicts.

    Polls on an engine of its own with SQLite's deferred transactions: the app's engine
    takes the write lock at BEGIN outside a request and would queue the workers' verdicts
    behind the poll 20 times a second.
    """
    engine = create_engine(url)
    deadline, query = time.time() + timeout, select(EvidenceItem.status, func.count()) \
        .group_by(EvidenceItem.status)
    try:
        while time.time() < deadline:
            with engine.connect() as conn:
                rows = Counter(dict(conn.execute(query).all()))
            if not rows["pending"] and sum(rows.values()) == total:
                return rows
            time.sleep(0.05)
    finally:
        engine.dispose()
    raise SystemExit(f"timed out with {rows}")


def run_pipeline(corpus, queue: str, k: int, tmp: Path) -> tuple[float, float, Counter]:
    """Submit, queue and check the corpus with k workers; return wall, worker CPU, verdicts."""
    env = {"DATABASE_URL": f"sqlite:///{tmp / 'g.db'}", "STORAGE_DIR": str(tmp / "files"),
           "QUEUE_URL": queue}
    app = create_app(dict(env))
    ids = submit(app, corpus)
    with session_scope(app) as s:  # as the upload page does once it queued them: the
        check_queue.mark_queued(s, ids)  # sweeper at the worker's start queues none again
    if queue.startswith("redis"):
        jobs.huey.storage.flush_all()
    proc = start_worker(env, k)
    try:
        wall, cpu = time.perf_counter(), tree_cpu(proc.pid)
        for item_id in ids:
            jobs.check_item(item_id)
        verdicts = wait_verdicts(env["DATABASE_URL"], len(ids))
        return time.perf_counter() - wall, tree_cpu(proc.pid) - cpu, verdicts
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=120)
        if queue.startswith("redis"):
            jobs.huey.storage.flush_all()


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=24)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--queues", default="sqlite,redis")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    args = parser.parse_args()
    corpus = make_corpus(args.n, args.seed)
    print(f"{len(corpus)} screenshots, {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f} at start")
    campaign = create_app({"DATABASE_URL": "sqlite://"}).extensions["grader.campaign"]
    counts = [int(w) for w in args.workers.split(",")]
    c_wall, c_cpu, c_verdicts = time_checker(corpus, campaign)
    checker = len(corpus) / c_wall
    print(f"checker in-process: {checker:.2f} images/s wall on one core, "
          f"{len(corpus) / c_cpu:.2f} images/s per CPU-second; {dict(c_verdicts)}")
    ceiling = {1: 1.0}
    for k in (k for k in counts if k > 1):
        k_wall, k_cpu, _v = time_checker(corpus, campaign, k)
        ceiling[k] = c_wall / k_wall
        print(f"checker in {k} threads: {len(corpus) / k_wall:.2f} images/s, "
              f"{k_cpu / k_wall:.2f} cores busy: {ceiling[k]:.2f} x one thread (what this "
              f"machine gives {k} workers now; {k} free cores give up to {k})")
    for queue in args.queues.split(","):
        rates = {k: report(corpus, queue, k, args.redis, checker, c_cpu, c_verdicts)
                 for k in counts}
        for k in rates:
            if k != 1 and 1 in rates:
                print(f"  {queue}: {k} workers / 1 worker = {rates[k] / rates[1]:.2f} "
                      f"(goal >= {0.8 * k:.1f}; the checker's {k} threads: {ceiling[k]:.2f}, "
                      f"ratio {rates[k] / rates[1] / ceiling[k]:.2f})")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


def report(corpus, queue: str, k: int, redis: str, checker: float, c_cpu: float,
           c_verdicts: Counter) -> float:
    """Run one pipeline configuration, print its line and return its images/s."""
    with tempfile.TemporaryDirectory() as tmp:
        url = redis if queue == "redis" else f"sqlite:///{tmp}/q.db"
        wall, cpu, verdicts = run_pipeline(corpus, url, k, Path(tmp))
    n = len(corpus)
    same = "same verdicts" if verdicts == c_verdicts else f"VERDICTS DIFFER {dict(verdicts)}"
    print(f"  {queue} x{k}: {n / wall:.2f} images/s, {n / wall / k:.2f} per worker core "
          f"(ratio {n / wall / k / checker:.2f} to the checker, goal >= 0.8); "
          f"{n / cpu:.2f} per CPU-second (checker {n / c_cpu:.2f}); {cpu / wall:.2f} cores busy; "
          f"{same}")
    return n / wall


if __name__ == "__main__":
    main()
