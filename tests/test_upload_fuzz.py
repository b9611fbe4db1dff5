"""Standing test: a hostile upload corpus through every upload endpoint; never a 500.

Each file is refused clearly (a 4xx, or the page/JSON naming it), nothing is stored for it,
and screening stays within a memory bound. The corpus is made here (tests/upload_corpus.py).
"""

import tracemalloc

import pytest
from sqlalchemy import func, select

from grader.models import EvidenceItem, Township
from helpers import csrf_from
from upload_corpus import corpus, multipart

MB = 1024 * 1024
CORPUS = corpus()
IMAGES = {"image.xlsx"}  # a real PNG under a wrong name: the content decides, so it is taken


def _count(session, model, *where):
    return session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def candidate_client(session, client, auth, round1_candidate):
    round1_candidate.user.set_password("secret123")
    session.commit()
    auth.login(round1_candidate.user.username)
    return client, round1_candidate


@pytest.fixture
def county_client(session, client, auth, make_user):
    make_user("county", "county_staff")
    auth.login("county")
    return client


def test_screenshot_upload_refuses_every_file_by_name(session, candidate_client):
    client, cand = candidate_client
    token = csrf_from(client.get("/me/evidence/wechat_share"))
    tracemalloc.start()
    try:
        for name, data in CORPUS:
            reply = client.post("/me/evidence/wechat_share/upload", headers={
                "X-CSRFToken": token}, **multipart([("files", (name, data))]))
            assert reply.status_code in (200, 400), name
            if name in IMAGES:
                continue
            refused = [r["file"] for r in reply.json["refused"]]
            assert not reply.json["items"] and refused and refused[0].startswith(name), name
            assert all(r["reasons"][0] for r in reply.json["refused"]), name
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert _count(session, EvidenceItem, EvidenceItem.candidate_id == cand.id) == len(IMAGES)
    assert peak < 120 * MB, f"peak {peak / MB:.0f} MB"


def test_plan_upload_never_fails_and_keeps_nothing_refused(session, candidate_client):
    client, cand = candidate_client
    for name, data in CORPUS:
        before = _count(session, EvidenceItem, EvidenceItem.candidate_id == cand.id)
        token = csrf_from(client.get("/me/plan"))
        reply = client.post("/me/plan", **multipart([("csrf_token", token),
                                                     ("files", (name, data))]))
        assert reply.status_code in (302, 400), name
        if reply.status_code == 400:
            assert "error" in reply.text, name
            assert _count(session, EvidenceItem,
                          EvidenceItem.candidate_id == cand.id) == before, name


@pytest.mark.parametrize("path, extra", [("/townships/", {}), ("/exams/online_exam", {}),
                                         ("/trial/activity", {"kind": "csv"}),
                                         ("/trial/activity", {"kind": "wechat"})])
def test_staff_imports_never_fail_and_import_nothing_broken(session, county_client, path,
                                                            extra):
    for name, data in CORPUS:
        token = csrf_from(county_client.get(path))
        reply = county_client.post(path, **multipart([("csrf_token", token), *extra.items(),
                                                      ("file", (name, data))]))
        assert reply.status_code < 500, (path, name)
    assert _count(session, Township) == 0
