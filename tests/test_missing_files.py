"""An item without stored bytes (a rehearsal row, a lost file) answers 404 无文件, not a 500."""

from datetime import UTC, datetime

import pytest

from grader.models import EvidenceItem
from helpers import client_as

AT = datetime(2016, 5, 27, 10, 0, tzinfo=UTC)
IMG_ACCEPT = "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8"


@pytest.fixture
def items(session, round1_candidate, make_user):
    """A rehearsal row (no storage key) and a row whose stored file is gone."""
    make_user("county", "county_staff")
    made = [EvidenceItem(candidate_id=round1_candidate.id, task="wechat_share",
                         filename=f"{k}.png", sha256=f"{k:064d}", size=0, mime="image/png",
                         storage_key=key, status="review", machine_verdict="review",
                         reasons=[], detail={}, submitted_at=AT, attempts=1)
            for k, key in enumerate(("", "ab/cd/" + "ab" * 32))]
    session.add_all(made)
    session.commit()
    return made


def test_a_missing_file_is_a_404_page_saying_so(app, items):
    staff = client_as(app, "county")
    for item in items:
        page = staff.get(f"/evidence/file/{item.id}", headers={"Accept": "text/html"})
        assert page.status_code == 404 and "无文件" in page.text


def test_an_image_request_gets_a_placeholder(app, items):
    reply = client_as(app, "county").get(f"/evidence/file/{items[1].id}",
                                         headers={"Accept": IMG_ACCEPT})
    assert reply.status_code == 404 and reply.mimetype == "image/svg+xml"
    assert "无文件" in reply.text


def test_the_review_queue_says_no_file_instead_of_a_broken_image(app, items):
    page = client_as(app, "county").get("/evidence/review").text
    assert f'src="/evidence/file/{items[0].id}"' not in page and "无文件" in page
    assert f'src="/evidence/file/{items[1].id}"' in page  # a stored key: the placeholder covers it
