"""A live server on a fresh database and Debian's chromium driven by Playwright."""

import logging
import threading

import pytest
from werkzeug.serving import make_server

from grader import create_app, migrate
from grader.db import session_scope

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    """An app on a migrated SQLite file with the demo townships and accounts."""
    from grader.services.demo import load_demo

    base = tmp_path_factory.mktemp("live")
    app = create_app({"DATABASE_URL": f"sqlite:///{base / 'live.db'}",
                      "QUEUE_URL": f"sqlite:///{base / 'q.db'}", "STORAGE_DIR": str(base / "s")})
    migrate.upgrade(app.extensions["grader.engine"])
    with session_scope(app) as session:
        load_demo(session, app.extensions["grader.campaign"], 20, 1)
    return app


@pytest.fixture(scope="module")
def live_server(live_app):
    """Serve the app on a free local port in a thread."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium, headless, never a downloaded browser."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser):
    """A phone-sized page."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def worker(live_app):
    """Run the queue in this process, as `grader serve` does."""
    from grader import jobs

    jobs.init_app(live_app)
    consumer = jobs.start_consumer(1, periodic=False)
    yield
    consumer.stop(graceful=True)
