"""Upload denial of service: ZIP members inflated one at a time, files per request capped."""

import io
import tracemalloc

from sqlalchemy import func, select

from grader.models import EvidenceItem
from helpers import csrf_from
from upload_corpus import compressible, png, same_member_zip

MB = 1024 * 1024


def _login(session, client, auth, cand):
    cand.user.set_password("secret123")
    session.commit()
    auth.login(cand.user.username)
    return csrf_from(client.get("/me/evidence/wechat_share"))


def multipart(files):
    """Encode files in memory (the test client spools big bodies to a file it never closes)."""
    from werkzeug.datastructures import FileStorage, MultiDict
    from werkzeug.test import encode_multipart

    boundary, body = encode_multipart(MultiDict([
        ("files", FileStorage(stream, name)) for stream, name in files]))
    return body, f"multipart/form-data; boundary={boundary}"


def _post(client, token, files):
    body, kind = files if isinstance(files, tuple) else multipart(files)
    return client.post("/me/evidence/wechat_share/upload", headers={"X-CSRFToken": token},
                       data=body, content_type=kind)


def test_a_zip_of_many_big_members_is_screened_in_bounded_memory(session, client, auth,
                                                                 round1_candidate):
    token = _login(session, client, auth, round1_candidate)
    archive = same_member_zip(40, compressible(5 * MB))  # 200 MB inside, ~12 MB sent
    sent = multipart([(io.BytesIO(archive), "shots.zip")])
    tracemalloc.start()
    try:
        reply = _post(client, token, sent)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert reply.status_code == 200
    assert len(reply.json["refused"]) == 40 and not reply.json["items"]
    assert peak < 6 * len(archive) + 20 * MB, f"peak {peak / MB:.0f} MB"  # was 217 MB


def test_the_request_budget_refuses_members_past_it_by_name(session, client, auth,
                                                            round1_candidate):
    token = _login(session, client, auth, round1_candidate)
    archive = same_member_zip(40, compressible(9 * MB))  # 360 MB inside: past 300 MB
    refused = _post(client, token, [(io.BytesIO(archive), "a.zip")]).json["refused"]
    reasons = [r["reasons"][0] for r in refused]
    assert len(refused) == 40 and refused[-1]["file"] == "a.zip/039.png"
    assert reasons[-1].startswith("这次上传的文件总量太大") and "不是图片" not in reasons[-1]


def test_a_plain_upload_is_capped_like_a_zip(session, client, auth, round1_candidate):
    token = _login(session, client, auth, round1_candidate)
    shots = [(io.BytesIO(png((40 + i % 200, 30 + i // 200))), f"{i}.png") for i in range(302)]
    body = _post(client, token, shots).json
    assert len(body["items"]) == 300 and len(body["refused"]) == 2
    assert body["refused"][0]["file"] == "300.png"
    assert body["refused"][0]["reasons"][0].startswith("一次最多上传300个文件")
    stored = session.scalar(select(func.count()).select_from(EvidenceItem).where(
        EvidenceItem.candidate_id == round1_candidate.id))
    assert stored == 300
