"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py`.

Threaded workers (gthread): a request spends part of its time waiting on PostgreSQL, so a
second thread keeps the process busy meanwhile. Two processes per core, two threads each:
measured in bench/bench_web.py against one process per core with four threads, the same
throughput with every page's p95 lower (the operating system shares the cores between
processes more evenly than Python's lock shares one process between its threads; README,
"Scaling out"). Override with WEB_WORKERS, WEB_THREADS and GRADER_BIND.
"""

import multiprocessing
import os

wsgi_app = "grader:create_app()"
bind = os.environ.get("GRADER_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_WORKERS", 2 * multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "2"))
timeout = 60
keepalive = 5
# recycle a worker now and then: bounds any slow leak. A new worker loads the app (about a
# second of a core, its templates compiled again on first use) while the others serve, so
# seldom: at 50 req/s on 4 workers, 5,000 requests was a reload every 7 minutes
max_requests = 50_000
max_requests_jitter = 5_000


# A thread back from PostgreSQL waits for the GIL until the running one yields it: at Python's
# default (5 ms) a page of six queries could wait 30 ms behind its neighbours' rendering.
SWITCH_INTERVAL = float(os.environ.get("WEB_SWITCH_INTERVAL", "0.001"))


def post_worker_init(worker):
    """Move the loaded app's objects out of the garbage collector's sight.

    A worker holds some 250,000 objects once the app is loaded (modules, phone-number
    metadata, templates, the campaign); none of them are ever garbage, yet every full
    collection walks them all: measured at 150 ms, a pause every request of that process
    waits out. Frozen, a full collection walks only what requests made since.
    """
    import gc
    import sys

    gc.collect()
    gc.freeze()
    sys.setswitchinterval(SWITCH_INTERVAL)
