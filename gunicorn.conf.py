"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py`.

Threaded workers (gthread): a request spends much of its time waiting on PostgreSQL, so a few
threads per process keep a core busy while one waits. One process per core, four threads
each, measured in bench/bench_web.py (README, "Scaling out"). Override with WEB_WORKERS,
WEB_THREADS and GRADER_BIND.
"""

import multiprocessing
import os

wsgi_app = "grader:create_app()"
bind = os.environ.get("GRADER_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_WORKERS", multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
timeout = 60
keepalive = 5
max_requests = 5000  # recycle a worker now and then: bounds any slow leak
max_requests_jitter = 500
