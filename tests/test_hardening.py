"""Parser errors, huge URL numbers and response headers: clear answers, never a 500."""

import io
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from grader.models import EvidenceItem, Township
from helpers import csrf_from
from upload_corpus import docx_laughs, docx_malformed, pdf_flate_bomb, png, xlsx_entities

HUGE = "99999999999999999999999"


def _plans(session, cand):
    return session.scalar(select(func.count()).select_from(EvidenceItem).where(
        EvidenceItem.candidate_id == cand.id))


@pytest.mark.parametrize("make, name", [(docx_laughs, "laughs.docx"),
                                        (docx_malformed, "broken.docx"),
                                        (lambda: pdf_flate_bomb(100), "bomb.pdf")])
def test_hostile_plan_documents_are_refused_in_chinese(session, client, auth, round1_candidate,
                                                       make, name):
    round1_candidate.user.set_password("secret123")
    session.commit()
    auth.login(round1_candidate.user.username)
    form = client.get("/me/plan")
    reply = client.post("/me/plan", data={"csrf_token": csrf_from(form),
                                          "files": [(io.BytesIO(make()), name)]},
                        content_type="multipart/form-data")
    assert reply.status_code == 400
    assert re.search("文件已损坏|不安全", reply.text)
    assert _plans(session, round1_candidate) == 0


def test_an_xlsx_with_entities_is_refused_and_nothing_imported(session, client, auth, make_user):
    make_user("county", "county_staff")
    auth.login("county")
    page = client.get("/townships/")
    reply = client.post("/townships/", data={"csrf_token": csrf_from(page),
                                             "file": (io.BytesIO(xlsx_entities()), "q.xlsx")},
                        content_type="multipart/form-data")
    assert reply.status_code < 500 and "无法读取" in reply.text
    assert session.scalar(select(func.count()).select_from(Township)) == 0


def test_huge_numbers_in_urls_are_not_found_and_pages_clamp(client, auth, make_user):
    make_user("county", "county_staff")
    auth.login("county")
    for path in (f"/candidates/{HUGE}", "/candidates/2147483648", f"/evidence/file/{HUGE}",
                 f"/rankings/{HUGE}", f"/rankings/similarity/{HUGE}/1"):
        assert client.get(path).status_code == 404, path
    for path in ("/candidates/", "/evidence/review", "/audit"):
        for page in ("9223372036854775807", HUGE, "-5"):
            assert client.get(f"{path}?page={page}").status_code == 200, (path, page)


def test_every_response_carries_the_security_headers(client):
    reply = client.get("/login")
    csp = reply.headers["Content-Security-Policy"]
    script = re.search(r"script-src ([^;]*)", csp).group(1)
    assert "'unsafe-inline'" not in script and "frame-ancestors 'none'" in csp
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.headers["X-Frame-Options"] == "DENY"
    assert reply.headers["Referrer-Policy"] == "same-origin"
    assert "Server" not in reply.headers
    assert client.get("/no-such-page").headers["X-Frame-Options"] == "DENY"


def test_hsts_in_production_only(app):
    assert "Strict-Transport-Security" not in app.test_client().get("/login").headers
    app.config["PRODUCTION"] = True
    assert "max-age" in app.test_client().get("/login").headers["Strict-Transport-Security"]


def test_templates_and_static_have_no_inline_script():
    root = Path(__file__).resolve().parent.parent
    pages = [*root.glob("templates/**/*.html"), *root.glob("grader/static/*.js"),
             *root.glob("grader/static/*.css"), *root.glob("grader/static/*.svg")]
    for path in pages:  # the text files a browser runs or renders (not the PNG favicon)
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), path
        assert not re.search(r"\son[a-z]+\s*=", text), path
        assert "javascript:" not in text, path


def test_stored_files_are_served_not_sniffed_and_documents_downloaded(
        session, client, auth, round1_candidate, storage=None):
    from grader.storage import get_storage

    round1_candidate.user.set_password("secret123")
    session.commit()
    auth.login(round1_candidate.user.username)
    form = client.get("/me/plan")
    client.post("/me/plan", data={"csrf_token": csrf_from(form),
                                  "files": [(io.BytesIO("计划".encode() * 200), "p.txt")]},
                content_type="multipart/form-data")
    item = session.scalar(select(EvidenceItem).where(
        EvidenceItem.candidate_id == round1_candidate.id))
    reply = client.get(f"/evidence/file/{item.id}")
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.headers["Content-Disposition"].startswith("attachment;")
    assert get_storage  # the app's storage served it


def test_a_png_with_html_after_iend_is_refused():
    from uploads.validate import UploadRefused, validate_image

    with pytest.raises(UploadRefused) as info:
        validate_image(png() + b"<html><script>alert(1)</script></html>")
    assert info.value.code == "trailing_data"
    validate_image(png())
