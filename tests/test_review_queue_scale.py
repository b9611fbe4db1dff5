"""Issue 13: the review queue stays cheap on a whole campaign (keyset pages, capped count)."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert

from grader.models import EvidenceItem
from grader.services import review_queue
from grader.services.review_queue import QueueFilter
from helpers import client_as

SUBMITTED = datetime(2016, 5, 27, 10, 0, tzinfo=UTC)


@pytest.fixture
def add_rows(session):
    """Return a maker of items with the given statuses in this order (one INSERT)."""
    counter = iter(range(1_000_000))

    def factory(cand, statuses, text="分享到朋友圈"):
        rows = []
        for status in statuses:
            k = next(counter)
            rows.append(dict(candidate_id=cand.id, task="wechat_share", filename=f"s{k}.png",
                             sha256=f"{cand.id:08d}{k:056d}", size=1, mime="image/png",
                             storage_key="", status=status, machine_verdict=status,
                             reasons=[], detail={}, text=text, attempts=1,
                             submitted_at=SUBMITTED + timedelta(seconds=k)))
        session.execute(insert(EvidenceItem), rows)
        session.commit()
        return [r[0] for r in session.execute(
            EvidenceItem.__table__.select().with_only_columns(EvidenceItem.id)
            .where(EvidenceItem.candidate_id == cand.id).order_by(EvidenceItem.id))]

    return factory


@pytest.fixture
def cand(session, make_township, make_candidate, make_user):
    """A round-1 candidate and a county staff account."""
    person = make_candidate(make_township("城关镇"), name="张三")
    person.stage = "round1"
    make_user("county", "county_staff")
    session.commit()
    return person


def walk(session, filt, per_page=4):
    """Follow the `after` links from the first page to the last; return the ids and pages."""
    ids, pages, after = [], [], None
    for page in range(1, 100):
        found = review_queue.review_queue(session, filt, page, per_page, after)
        ids += [i.id for i in found.items]
        pages.append(found)
        if not found.more:
            return ids, pages
        after = found.items[-1].id
    raise AssertionError("the pages never end")


def test_keyset_pages_of_one_status_skip_the_others(session, cand, add_rows):
    statuses = ["accept", "review", "reject", "review", "accept"] * 4 + ["pending", "review"]
    ids = add_rows(cand, statuses)
    wanted = [i for i, s in zip(ids, statuses, strict=True) if s == "review"]
    got, pages = walk(session, QueueFilter(status="review"))
    assert got == wanted and len(pages) == 3 and pages[-1].total == 9
    back = review_queue.review_queue(session, QueueFilter(status="review"), 2, 4,
                                     before=pages[2].items[0].id)
    assert [i.id for i in back.items] == [i.id for i in pages[1].items]
    everything, _ = walk(session, QueueFilter(status="all"))
    assert everything == [i for i, s in zip(ids, statuses, strict=True) if s != "pending"]
    accepted, _ = walk(session, QueueFilter(status="accept"), per_page=3)
    assert accepted == [i for i, s in zip(ids, statuses, strict=True) if s == "accept"]


def test_the_count_stops_at_the_cap_and_the_page_is_not_clamped(session, cand, add_rows):
    add_rows(cand, ["review"] * 12)
    small = review_queue.review_queue(session, QueueFilter(), 1, 4, cap=12)
    assert (small.total, small.capped, small.pages) == (12, False, 3)
    big = review_queue.review_queue(session, QueueFilter(), 1, 4, cap=10)
    assert (big.total, big.capped, big.pages, big.more) == (10, True, 3, True)
    deep = review_queue.review_queue(session, QueueFilter(), 3, 4, cap=10)  # offset 8: 4 left
    assert (deep.page, len(deep.items), deep.more) == (3, 4, False)
    far = review_queue.review_queue(session, QueueFilter(), 7, 4, cap=10)
    assert (far.page, far.pages, far.items) == (7, 7, [])  # past a capped count: not clamped


def test_the_page_says_more_than_the_cap(app, session, cand, add_rows):
    add_rows(cand, ["review"] * (review_queue.COUNT_CAP + 5))
    page = client_as(app, "county").get("/evidence/review")
    assert page.status_code == 200
    assert f"超过 {review_queue.COUNT_CAP} 条，第 1 页" in page.text
    assert len(re.findall(r'id="item-\d+"', page.text)) == 30 and 'rel="next"' in page.text


def test_a_card_shows_an_excerpt_of_the_ocr_text_and_the_item_shows_it_all(app, session, cand,
                                                                              add_rows):
    text = "第一行识别文字" + "甲" * 400 + "最后一行"
    [item_id] = add_rows(cand, ["review"], text=text)
    staff = client_as(app, "county")
    listed = staff.get("/evidence/review").text
    assert "第一行识别文字" in listed and "最后一行" not in listed
    assert f'href="/evidence/review?item={item_id}">查看全文</a>' in listed
    alone = staff.get(f"/evidence/review?item={item_id}").text
    assert text in alone and "查看全文" not in alone
