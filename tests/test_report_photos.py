"""Daily-report photos: validated before anything is stored, served only to who may see them."""

import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from helpers import client_as as login
from helpers import csrf_from
from grader.models import DailyReport, Review
from grader.services import trial

START = datetime(2016, 6, 1, 16, 0, tzinfo=UTC)  # day 1 of the trial, 00:00 in Shanghai
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 200


def jpeg(size=(1200, 900), colour=(200, 120, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG", quality=85)
    return out.getvalue()


def huge_png() -> bytes:
    out = io.BytesIO()
    Image.new("1", (7000, 5000)).save(out, "PNG")  # 35 million pixels, a few kB
    return out.getvalue()


@pytest.fixture
def people(session, make_township, make_candidate, make_user, monkeypatch):
    town, other = make_township("城关镇"), make_township("东山镇")
    zhang = make_candidate(town, name="张三")
    li = make_candidate(other, name="李四")
    for cand in (zhang, li):
        cand.stage = "round2"
        cand.user.set_password("pw123456")
    for name, role, where in (("rev1", "reviewer", other), ("rev2", "reviewer", other),
                              ("county", "county_staff", None), ("town", "township_staff", town),
                              ("east", "township_staff", other)):
        make_user(name, role, township=where)
    session.commit()
    monkeypatch.setattr(trial, "utcnow", lambda: START + timedelta(hours=5))
    return zhang, li


def post_report(client, photos, day="1", text="走访十户村民"):
    page = client.get("/me/reports")
    return client.post("/me/reports", follow_redirects=True, content_type="multipart/form-data",
                       data={"csrf_token": csrf_from(page), "day": day, "text": text,
                             "orders": "3", "photos": [(io.BytesIO(d), n) for n, d in photos]})


def stored_files(app) -> list[Path]:
    root = Path(app.config["STORAGE_DIR"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def reports_of(session, cand):
    return session.scalars(select(DailyReport).where(DailyReport.candidate_id == cand.id)).all()


@pytest.mark.parametrize(("name", "data", "says"), [
    ("IMG_0001.HEIC", HEIC, "格式不支持，请上传JPG、PNG或WEBP照片"),
    ("big.png", huge_png(), "像素过大（最多3000万像素）"),
    ("notes.jpg", b"just some text, not a photo", "不是图片文件"),
    ("cut.jpg", jpeg()[:3000], "文件不完整"),
])
def test_a_bad_photo_refuses_the_whole_report(app, session, people, name, data, says):
    zhang, _li = people
    client = login(app, zhang.user.username, "pw123456")
    res = post_report(client, [("good.jpg", jpeg()), (name, data)])
    assert f"第2张照片“{name}”不能使用：{says}" in res.text and "日报未提交" in res.text
    assert "第1天日报已提交" not in res.text
    assert "走访十户村民" in res.text  # what was typed is kept for the next try
    assert reports_of(session, zhang) == [] and stored_files(app) == []
    assert session.scalars(select(Review)).all() == []


def test_too_many_photos_refuse_the_report(app, session, people):
    zhang, _li = people
    client = login(app, zhang.user.username, "pw123456")
    photos = [(f"p{i}.jpg", jpeg(size=(64, 64), colour=(25 * i, 100, 50))) for i in range(10)]
    res = post_report(client, photos)
    assert "照片最多9张，这次选了10张。日报未提交。" in res.text
    assert reports_of(session, zhang) == [] and stored_files(app) == []
    assert "第1天日报已提交" in post_report(client, photos[:8]).text
    again = post_report(client, photos[7:9], text="更正")  # one already there, one new: 9
    assert "第1天日报已提交" in again.text
    assert len(reports_of(session, zhang)[0].photos) == 9
    assert "已有9张，这次又加了1张" in post_report(client, photos[9:]).text
    assert "第1天日报已提交" in post_report(client, photos[:2], text="再更正").text  # not new


def test_a_report_without_photos_still_files(app, session, people):
    zhang, _li = people
    client = login(app, zhang.user.username, "pw123456")
    assert "第1天日报已提交" in post_report(client, [("", b"")]).text  # no file chosen
    assert reports_of(session, zhang)[0].photos == [] and stored_files(app) == []


def test_a_good_photo_is_shown_to_who_may_see_it(app, session, people):
    zhang, li = people
    owner = login(app, zhang.user.username, "pw123456")
    res = post_report(owner, [("IMG_0002.jpg", jpeg())])
    assert "第1天日报已提交" in res.text
    (rep,) = reports_of(session, zhang)
    assert len(rep.photos) == 1 and len(stored_files(app)) == 1
    url = f"/trial/reports/{rep.id}/photos/0"
    assert f'src="{url}?size=thumb"' in res.text and f'href="{url}"' in res.text
    thumb = owner.get(url + "?size=thumb")
    assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"
    assert max(Image.open(io.BytesIO(thumb.data)).size) <= 240
    assert Image.open(io.BytesIO(owner.get(url).data)).size == (1200, 900)
    assert owner.get(f"/trial/reports/{rep.id}/photos/1").status_code == 404
    assigned = session.scalars(select(Review).where(Review.kind == "report",
                                                    Review.item_id == rep.id)).one()
    reviewers = {u: login(app, u) for u in ("rev1", "rev2")}
    mine = next(u for u, c in reviewers.items()
                if assigned.reviewer_id == _user_id(session, u))
    other = next(u for u in reviewers if u != mine)
    queue = reviewers[mine].get("/review/report")
    assert f'src="{url}?size=thumb"' in queue.text and 'id="report-photos"' in queue.text
    assert reviewers[mine].get(url).status_code == 200
    assert reviewers[other].get(url).status_code == 403
    assert login(app, li.user.username, "pw123456").get(url).status_code == 403
    assert login(app, "county").get(url).status_code == 200
    assert login(app, "town").get(url).status_code == 200
    assert login(app, "east").get(url).status_code == 403


def _user_id(session, username):
    from grader.models import User

    return session.scalar(select(User.id).where(User.username == username))


def test_photos_are_served_without_their_metadata(app, session, people):
    zhang, _li = people
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make; a real phone also writes GPS here
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (10, 160, 90)).save(out, "JPEG", exif=exif.tobytes())
    owner = login(app, zhang.user.username, "pw123456")
    post_report(owner, [("gps.jpg", out.getvalue())])
    (rep,) = reports_of(session, zhang)
    assert b"PhoneMaker" in stored_files(app)[0].read_bytes()  # the original is kept as sent
    res = owner.get(f"/trial/reports/{rep.id}/photos/0")
    served = res.data
    assert res.status_code == 200 and Image.open(io.BytesIO(served)).size == (800, 600)
    assert b"PhoneMaker" not in served and not re.search(rb"Exif\x00\x00", served)
