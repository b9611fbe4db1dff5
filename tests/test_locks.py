"""On embedded SQLite, slow reading of uploads happens with no database lock held."""

import io
import random
from datetime import date

import pytest

from helpers import csrf_from
from grader import create_app, migrate
from grader.db import get_session, session_scope
from grader.models import Township
from grader.services import evidence, plans
from grader.services.demo import make_id
from grader.services.registration import RegistrationInput, register
from uploads import synth


@pytest.fixture
def file_app(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "t",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'l.db'}",
                      "STORAGE_DIR": str(tmp_path / "files"),
                      "QUEUE_URL": f"sqlite:///{tmp_path / 'q.db'}"})
    migrate.upgrade(app.extensions["grader.engine"])
    campaign = app.extensions["grader.campaign"]
    with session_scope(app) as s:
        town = Township(code="01", name="城关镇", target=1)
        s.add(town)
        s.flush()
        cand = register(s, campaign, RegistrationInput(
            name="甲", id_number=make_id(random.Random(5), date(1990, 1, 1)), education="high",
            township_id=town.id, phone="13800138000", password="secret123",
            declarations={d: True for d in campaign.declarations}), "online").candidate
        cand.stage = "round1"
        username = cand.id_number
    yield app, username
    app.extensions["grader.engine"].dispose()


def test_plan_photos_and_screenshots_are_read_outside_any_transaction(file_app, monkeypatch):
    app, username = file_app
    seen = []

    def watching(real):
        def wrapped(*args, **kwargs):
            seen.append((real.__name__, get_session().in_transaction()))
            return real(*args, **kwargs)
        return wrapped

    monkeypatch.setattr(plans, "read_plan", watching(plans.read_plan))
    monkeypatch.setattr(evidence, "screen", watching(evidence.screen))
    client = app.test_client()
    client.post("/login", data={"username": username, "password": "secret123",
                                "csrf_token": csrf_from(client.get("/login"))})
    page = synth.to_png(synth.draw_text_image("我的农村淘宝项目计划书", (900, 120)))
    form = client.get("/me/plan")
    reply = client.post("/me/plan", data={"csrf_token": csrf_from(form),
                                          "files": [(io.BytesIO(page), "1.png"),
                                                    (io.BytesIO(page), "2.png")]},
                        content_type="multipart/form-data", follow_redirects=True)
    assert "计划书已提交" in reply.text
    shots = client.get("/me/evidence/wechat_share")
    upload = client.post("/me/evidence/wechat_share/upload", data={
        "files": [(io.BytesIO(page), "s.png")]},
        headers={"X-CSRFToken": csrf_from(shots)}, content_type="multipart/form-data")
    assert upload.status_code == 200 and len(upload.json["items"]) == 1
    assert seen == [("read_plan", False), ("screen", False)]
