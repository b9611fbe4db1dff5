"""Photographed plans are answered at once and read by the queue, not inside the request."""

import io
from datetime import timedelta

from sqlalchemy import select

from grader.models import CheckOutbox, EvidenceItem, Review
from grader.models.base import utcnow
from grader.services import check_queue, plan_job
from helpers import csrf_from
from uploads import documents, synth
from uploads.storage import FileStorage

PAGE_TEXT = "我的农村淘宝项目计划书：在村里开设服务站，帮助村民网购和销售农产品。"


def page_photo() -> bytes:
    return synth.to_png(synth.draw_text_image(PAGE_TEXT, (1200, 160)))


def login(auth, session, cand):
    cand.user.set_password("secret123")
    session.commit()
    auth.login(cand.user.username)


def send_photos(client, n=2):
    form = client.get("/me/plan")
    return client.post("/me/plan", data={
        "csrf_token": csrf_from(form),
        "files": [(io.BytesIO(page_photo()), f"{i}.png") for i in range(1, n + 1)]},
        content_type="multipart/form-data", follow_redirects=True)


def test_photos_are_answered_at_once_and_read_by_the_job(app, client, auth, session,
                                                         round1_candidate, make_user,
                                                         monkeypatch):
    make_user("rev1", "reviewer")
    make_user("rev2", "reviewer")
    read_in_request = []
    real = documents._image_text
    monkeypatch.setattr(documents, "_image_text",
                        lambda *a, **k: read_in_request.append(1) or real(*a, **k))
    login(auth, session, round1_candidate)
    page = send_photos(client)
    assert "正在识别文字" in page.text and "识别中" in page.text
    assert 'http-equiv="refresh"' in page.text  # the page looks again by itself
    assert read_in_request == []  # no OCR while the candidate waits
    item = session.scalar(select(EvidenceItem).where(EvidenceItem.task == "plan"))
    assert item.status == "pending" and not item.text
    assert session.scalar(select(Review.id).where(Review.item_id == item.id)) is None

    storage = FileStorage(app.config["STORAGE_DIR"])
    assert plan_job.read_text(session, storage, app.extensions["grader.campaign"], item.id) in (
        "accept", "review")
    session.refresh(item)
    assert read_in_request and "农村淘宝" in item.text
    assert len(session.scalars(select(Review).where(Review.item_id == item.id)).all()) == 2
    assert "识别中" not in client.get("/me/plan").text


def test_the_job_runs_once(app, session, client, auth, round1_candidate):
    login(auth, session, round1_candidate)
    send_photos(client, n=1)
    item = session.scalar(select(EvidenceItem).where(EvidenceItem.task == "plan"))
    storage, campaign = FileStorage(app.config["STORAGE_DIR"]), app.extensions["grader.campaign"]
    first = plan_job.read_text(session, storage, campaign, item.id)
    assert first in ("accept", "review")
    assert plan_job.read_text(session, storage, campaign, item.id) == "skipped"


def test_a_plan_left_waiting_is_queued_again(session, client, auth, round1_candidate):
    login(auth, session, round1_candidate)
    send_photos(client, n=1)
    item = session.scalar(select(EvidenceItem).where(EvidenceItem.task == "plan"))
    assert item.id not in check_queue.stale(session, timedelta(minutes=1))  # queued just now
    item.submitted_at = utcnow() - timedelta(hours=2)  # its queue message was lost
    session.get(CheckOutbox, item.id).queued_at = utcnow() - timedelta(hours=2)
    session.commit()
    assert item.id in check_queue.stale(session, timedelta(minutes=1))
