"""No bare 500: the database away, a full disk and a double tap each answer as the page expects.

The database stopped for real is in tests/test_db_outage.py; here its errors are raised
where they would arise, to check the answers and that nothing half-stored is left.
"""

import errno
import io
import random
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from helpers import csrf_from
from grader.models import CheckOutbox, EvidenceItem, SurveyForm
from grader.services import evidence, survey_forms
from uploads import synth
from uploads.storage import FileStorage

BUSY = "系统繁忙，请稍后重试"


def _down(*_args, **_kwargs):
    raise OperationalError("SELECT 1", {}, ConnectionRefusedError("database is away"))


class FullDisk(FileStorage):
    """A storage whose disk fills up after `room` new files."""

    def __init__(self, root, room: int):
        super().__init__(root)
        self.room = room

    def _fill(self, fh, data: bytes) -> None:
        if self.room <= 0:
            fh.write(data[:100])  # half a file, then the disk is full
            raise OSError(errno.ENOSPC, "No space left on device")
        self.room -= 1
        fh.write(data)


@pytest.fixture(scope="module")
def shots():
    rng, now = random.Random(11), datetime(2016, 5, 27, 18, tzinfo=synth.CHINA)
    return [synth.to_png(synth.render_share(synth.random_share(rng, now, size=(200, 360))))
            for _ in range(3)]


@pytest.fixture
def candidate(session, auth, round1_candidate):
    round1_candidate.user.set_password("secret123")
    session.commit()
    auth.login(round1_candidate.user.username)
    return round1_candidate


def files_in(root: Path) -> list[str]:
    return sorted(p.name for p in root.rglob("*") if p.is_file())


def upload(client, shots, task="wechat_share"):
    page = client.get(f"/me/evidence/{task}")
    return client.post(f"/me/evidence/{task}/upload", headers={"X-CSRFToken": csrf_from(page)},
                       data={"files": [(io.BytesIO(s), f"{i}.png") for i, s in enumerate(shots)]})


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_an_upload_with_the_database_away_answers_json_and_keeps_nothing(
        client, app, session, candidate, shots, monkeypatch, tmp_path):
    app.extensions["grader.storage"] = FileStorage(tmp_path / "files")
    monkeypatch.setattr(evidence, "store_screened", _down)  # the images were screened first
    res = upload(client, shots)
    assert res.status_code == 503 and res.get_json() == {"error": BUSY}
    assert res.headers["Retry-After"]
    assert files_in(tmp_path / "files") == []  # staged files removed with the rollback
    assert count(session, EvidenceItem) == 0


def test_a_failed_commit_keeps_no_file_and_queues_nothing(client, app, session, candidate,
                                                          shots, monkeypatch, tmp_path):
    app.extensions["grader.storage"] = FileStorage(tmp_path / "files")
    page = client.get("/me/evidence/wechat_share")
    commits = []
    real_commit = session.commit

    def commit_then_fail():
        commits.append(1)
        return real_commit() if len(commits) == 1 else _down()  # away at the request's end

    monkeypatch.setattr(session, "commit", commit_then_fail)
    res = client.post("/me/evidence/wechat_share/upload",
                      headers={"X-CSRFToken": csrf_from(page)},
                      data={"files": [(io.BytesIO(shots[0]), "a.png")]})
    assert res.status_code == 503 and res.get_json() == {"error": BUSY}
    assert len(commits) == 2  # the screening's, then the request's own
    assert files_in(tmp_path / "files") == []


def test_a_form_page_with_the_database_away_says_so_in_chinese(client, session, candidate,
                                                               monkeypatch):
    page = client.get("/me/surveys")
    monkeypatch.setattr(survey_forms, "save_household", _down)
    res = client.post("/me/surveys", data={
        "csrf_token": csrf_from(page), "name": "王大", "phone": "13800138001",
        "village": "王庄村", "household_size": "4", "shops_online": "是",
        "surveyed_at": "2016-05-26", "client_key": "k" * 32})
    assert res.status_code == 503 and BUSY in res.text and "<html" in res.text.lower()


def test_a_full_disk_keeps_what_was_stored_and_refuses_the_rest(client, app, session, candidate,
                                                                shots, tmp_path):
    app.extensions["grader.storage"] = FullDisk(tmp_path / "files", room=2)
    res = upload(client, shots)
    body = res.get_json()
    assert res.status_code == 200 and len(body["items"]) == 2
    assert body["refused"] == [{"file": "2.png", "reasons": [
        "服务器存储空间已满，这个文件没有保存，请稍后再传"]}]
    stored = files_in(tmp_path / "files")
    assert len(stored) == 2 and not any(name.startswith(".tmp") for name in stored)
    items = session.scalars(select(EvidenceItem)).all()
    assert sorted(i.sha256 for i in items) == sorted(stored)  # every row has its file
    assert count(session, CheckOutbox) == 2


def test_a_full_disk_on_a_plan_is_a_clear_refusal(client, app, session, candidate, tmp_path):
    app.extensions["grader.storage"] = FullDisk(tmp_path / "files", room=0)
    page = client.get("/me/plan")
    res = client.post("/me/plan", data={"csrf_token": csrf_from(page), "files": [
        (io.BytesIO("我的计划：开一家服务站。".encode() * 40), "plan.txt")]})
    assert res.status_code == 507 and "存储空间已满" in res.text
    assert files_in(tmp_path / "files") == [] and count(session, EvidenceItem) == 0


def test_the_same_file_twice_at_once_answers_with_the_first_item(session, candidate, shots,
                                                                 tmp_path, monkeypatch):
    storage = FileStorage(tmp_path / "files")
    first = evidence.submit_screenshots(session, storage, candidate, "wechat_share",
                                        [("a.png", shots[0])]).items[0]
    monkeypatch.setattr(evidence, "_known", _unseen_once(evidence._known))  # the race
    again = evidence.submit_screenshots(session, storage, candidate, "wechat_share",
                                        [("a-again.png", shots[0])])
    assert again.items == [] and [i.id for i in again.known] == [first.id]
    assert count(session, EvidenceItem) == 1


def test_the_same_survey_form_twice_at_once_answers_with_the_first(session, campaign,
                                                                   round1_candidate,
                                                                   monkeypatch):
    raw = {"name": "王大", "phone": "13800138001", "village": "王庄村一组",
           "household_size": "4", "shops_online": "是", "surveyed_at": "2016-05-26"}
    first, _ = survey_forms.save_household(session, campaign, round1_candidate, raw, "key-1")
    monkeypatch.setattr(survey_forms, "_with_key", _unseen_once(survey_forms._with_key))
    again, errors = survey_forms.save_household(session, campaign, round1_candidate, raw,
                                                "key-1")
    assert errors == [] and again.id == first.id
    assert count(session, SurveyForm) == 1


def _unseen_once(lookup):
    """A lookup that misses once, as when the other request has not committed yet."""
    calls = []

    def racing(*args):
        calls.append(args)
        return None if len(calls) == 1 else lookup(*args)

    return racing
