"""Screenshot intake and the checking job through the app's services (real OCR)."""

import io
import random
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from helpers import csrf_from
from grader.services.screenshot_job import forget_indexes, run_check
from grader.models import AuditLog, EvidenceItem
from grader.services import check_queue, evidence
from uploads import synth
from uploads.dupindex import content_key, parse_key
from uploads.storage import FileStorage

NOW = datetime(2016, 5, 27, 10, 0, tzinfo=UTC)  # 18:00 in Shanghai, inside the window
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def shots():
    """Render a few screenshots once for the module (OCR is the slow part)."""
    rng = random.Random(5)
    local = NOW.astimezone(synth.CHINA) if hasattr(synth, "CHINA") else NOW
    share = synth.render_share(synth.random_share(rng, local, theme="light", size=(720, 1280)))
    other = synth.render_share(synth.random_share(rng, local, theme="dark", size=(720, 1280)))
    return {"share": synth.to_png(share), "share_jpeg": synth.to_jpeg(share, 70),
            "other": synth.to_png(other)}


@pytest.fixture
def storage(tmp_path):
    forget_indexes()
    return FileStorage(tmp_path / "files")


@pytest.fixture
def cand(round1_candidate):
    return round1_candidate


def zip_of(members):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in members:
            zf.writestr(name, data)
    return out.getvalue()


def test_a_batch_keeps_good_files_and_refuses_bad_ones(session, storage, cand, shots):
    files = [("a.png", shots["share"]), ("notes.txt", b"hello"), ("empty.png", b""),
             ("cut.png", shots["share"][:4000]),
             ("pack.zip", zip_of([("../evil.png", shots["other"]), ("ok.png", shots["other"])]))]
    result = evidence.submit_screenshots(session, storage, cand, "wechat_share", files, NOW)
    assert sorted(i.filename for i in result.items) == ["a.png", "pack.zip/ok.png"]
    assert dict(result.refused) == {"notes.txt": "not_an_image", "empty.png": "empty_file",
                                    "cut.png": "truncated_file",
                                    "pack.zip/../evil.png": "zip_path_traversal"}
    again = evidence.submit_screenshots(session, storage, cand, "wechat_share",
                                        [("a-again.png", shots["share"])], NOW)
    assert again.items == [] and again.known[0].filename == "a.png"  # stored once, counted once


def test_the_job_decides_and_catches_a_recompressed_copy(session, campaign, storage, cand,
                                                         make_township, make_candidate, shots):
    first = evidence.submit_screenshots(session, storage, cand, "wechat_share",
                                        [("a.png", shots["share"])], NOW).items[0]
    session.commit()
    assert run_check(session, storage, campaign, first.id) == "accept", first.reasons
    assert first.detail["nickname"] and first.phash
    thief = make_candidate(make_township("东山镇"))
    thief.stage = "round1"
    session.commit()
    copy = evidence.submit_screenshots(session, storage, thief, "wechat_share",
                                       [("copy.jpg", shots["share_jpeg"])], NOW).items[0]
    session.commit()
    assert run_check(session, storage, campaign, copy.id) == "reject"
    assert f"duplicate_of:{first.id}" in copy.reasons
    assert run_check(session, storage, campaign, copy.id) == "skipped"  # idempotent


def test_people_decide_and_it_is_audited(session, campaign, storage, cand, make_user, shots):
    item = evidence.submit_screenshots(session, storage, cand, "wechat_share",
                                       [("a.png", shots["other"])], NOW).items[0]
    session.commit()
    run_check(session, storage, campaign, item.id)
    reviewer = make_user("rev", "reviewer")
    evidence.decide(session, item, reviewer, "reject", "昵称被遮挡")
    assert item.status == "reject" and item.decided_by_id == reviewer.id
    row = session.scalars(select(AuditLog).where(AuditLog.action == "decide_evidence")).one()
    assert row.after == "reject" and row.reason == "昵称被遮挡"
    assert evidence.counters(session, cand, "wechat_share")["reject"] == 1
    assert run_check(session, storage, campaign, item.id) == "skipped"  # a person's word stands
    assert item.status == "reject"


def test_stale_pending_items_are_found_for_requeue(session, storage, cand, shots):
    old = datetime(2016, 5, 26, tzinfo=UTC)
    lost, started, fresh, spent, queued = evidence.submit_screenshots(
        session, storage, cand, "app_download",
        [(f"{i}.png", synth.to_png(synth.crop(synth.render_share(synth.random_share(
            random.Random(i), NOW, size=(360, 640))), top=0.01 * i))) for i in range(5)],
        old).items
    started.attempts, started.checked_at = 1, old
    fresh.attempts, fresh.checked_at = 1, datetime.now(UTC)  # a worker is on it right now
    spent.attempts = 5
    check_queue.mark_queued(session, [queued.id])  # its job waits in the queue
    assert set(check_queue.stale(session, timedelta(minutes=1))) == {lost.id, started.id}
    assert spent.status == "review" and "check_failed" in spent.reasons


def test_upload_page_and_json(client, auth, session, app, storage, cand, shots):
    app.extensions["grader.storage"] = storage
    app.config["QUEUE_IMMEDIATE"] = True
    from grader import jobs

    jobs.huey.immediate = False  # the job is queued; this test looks at the intake only
    cand.user.set_password("pw123456")
    session.commit()
    auth.login(cand.user.username, "pw123456")
    page = client.get("/me/evidence/wechat_share")
    assert "已通过" in page.text and "/ 100" in page.text
    res = client.post("/me/evidence/wechat_share/upload", headers={"X-CSRFToken": csrf_from(page)},
                      data={"files": [(io.BytesIO(shots["share"]), "a.png"),
                                      (io.BytesIO(b"nope"), "b.png")]})
    body = res.get_json()
    assert res.status_code == 200 and body["items"][0]["status"] == "pending"
    assert body["refused"] == [{"file": "b.png", "reasons": ["不是图片文件"]}]
    assert body["counts"]["pending"] == 1
    assert client.get("/me/evidence/wechat_share/status.json").get_json()["counts"]["pending"] == 1
    forged = client.post("/me/evidence/wechat_share/upload",
                         data={"files": [(io.BytesIO(shots["other"]), "c.png")]})
    assert forged.status_code == 400
    assert len(session.scalars(select(EvidenceItem)).all()) == 1


def test_a_long_post_keeps_its_whole_content_key(session, storage, cand, shots):
    # A post's fields as JSON run to hundreds of characters; VARCHAR(200) refused them on
    # PostgreSQL, so the check of such a screenshot failed.
    result = evidence.submit_screenshots(session, storage, cand, "wechat_share",
                                         [("a.png", shots["share"])], NOW)
    item = result.items[0]
    fields = {"text": "农村淘宝合伙人招募，" * 40, "clock": "10:32", "time": "2016-05-26 10:30"}
    key = content_key(fields)
    assert len(key) > 400
    evidence.record_verdict(session, item, {"verdict": "accept", "reasons": [],
                                            "content_key": key})
    session.commit()
    session.expire(item)
    assert parse_key(item.content_key) == fields
