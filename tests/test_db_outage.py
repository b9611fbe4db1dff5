"""PostgreSQL stopped for a few seconds during uploads: busy answers, nothing half-stored,
and every accepted item checked exactly once after it comes back.

A private server on a free port is stopped (the suite's own is never touched). The issue's
outage was 20 s; here it is a few seconds, with the worker's back-off shortened to match.
"""

import time

import pytest

from faults import (FAST_QUEUE, SECRET, PrivatePostgres, Worker, candidate_client, item_statuses,
                    page_token, screenshots, stored_files, upload, verdicts_logged, wait_until)

pytestmark = pytest.mark.slow
BUSY = "系统繁忙，请稍后重试"


@pytest.fixture
def postgres():
    server = PrivatePostgres()
    server.start()
    yield server
    server.remove()


def test_uploads_during_a_database_outage(tmp_path, postgres):
    env = {"DATABASE_URL": postgres.url, "QUEUE_URL": f"sqlite:///{tmp_path / 'q.db'}",
           "STORAGE_DIR": str(tmp_path / "files"), "SECRET_KEY": SECRET, **FAST_QUEUE}
    app, client = candidate_client(env)
    token, shots = page_token(client), screenshots(3)
    worker = Worker(env, tmp_path / "worker.log")
    try:
        worker.wait_ready()
        before = [upload(client, token, shot, f"{i}.png") for i, shot in enumerate(shots[:2])]
        assert [r.status_code for r in before] == [200, 200]
        postgres.stop()  # the checks of the two are queued or running: they must wait it out
        down = time.monotonic()
        refused = upload(client, token, shots[2], "2.png")
        assert refused.status_code == 503 and refused.get_json() == {"error": BUSY}
        progress = client.get("/me/evidence/wechat_share/status.json")
        assert progress.status_code == 503 and progress.get_json() == {"error": BUSY}
        page = client.get("/me/evidence/wechat_share")
        assert page.status_code == 503 and BUSY in page.text
        assert len(stored_files(tmp_path / "files")) == 2  # nothing of the refused upload
        wait_until(lambda: time.monotonic() - down > 4, 10, what="the outage to last")
        postgres.start()
        back = time.monotonic()
        again = upload(client, token, shots[2], "2.png")
        assert again.status_code == 200 and again.get_json()["items"]
        wait_until(lambda: "pending" not in item_statuses(app).values(), 120, 0.5, "the checks")
        assert time.monotonic() - back < 120
    finally:
        worker.stop()
    statuses = item_statuses(app)
    assert len(statuses) == 3 and set(statuses.values()) <= {"accept", "review", "reject"}
    assert verdicts_logged(tmp_path / "worker.log") == {i: 1 for i in statuses}
    assert len(stored_files(tmp_path / "files")) == 3
    app.extensions["grader.engine"].dispose()
