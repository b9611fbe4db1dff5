"""The production server's settings: threaded workers, and what each worker does once loaded."""

import gc
import importlib.util
import sys
from pathlib import Path

CONF = Path(__file__).resolve().parents[1] / "gunicorn.conf.py"


def _settings(monkeypatch, **env):
    """Load gunicorn.conf.py as gunicorn does, under the given environment."""
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    spec = importlib.util.spec_from_file_location("gunicorn_conf", CONF)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_two_processes_a_core_of_two_threads_unless_told(monkeypatch):
    import multiprocessing

    monkeypatch.delenv("WEB_WORKERS", raising=False)
    monkeypatch.delenv("WEB_THREADS", raising=False)
    conf = _settings(monkeypatch)
    assert (conf.workers, conf.threads) == (2 * multiprocessing.cpu_count(), 2)


def test_threaded_workers_from_the_environment(monkeypatch):
    conf = _settings(monkeypatch, WEB_WORKERS="3", WEB_THREADS="6")
    assert (conf.worker_class, conf.workers, conf.threads) == ("gthread", 3, 6)
    assert conf.wsgi_app == "grader:create_app()"


def test_a_loaded_worker_freezes_its_objects_and_switches_threads_often(monkeypatch):
    conf = _settings(monkeypatch, WEB_SWITCH_INTERVAL="0.002")
    before = sys.getswitchinterval()
    kept = [object() for _ in range(1000)]  # stand-ins for the loaded app's objects
    try:
        conf.post_worker_init(worker=None)
        assert gc.get_freeze_count() >= len(kept)  # a full collection no longer walks them
        assert abs(sys.getswitchinterval() - 0.002) < 1e-9
    finally:
        gc.unfreeze()
        sys.setswitchinterval(before)
