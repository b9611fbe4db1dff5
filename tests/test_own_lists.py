"""Issue 13: a candidate's screenshot and survey pages show a page of rows, what to fix first."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert

from grader.models import EvidenceItem, SurveyForm
from grader.services import own_lists
from helpers import client_as

SUBMITTED = datetime(2016, 5, 27, 10, 0, tzinfo=UTC)
STATUSES = ("accept", "accept", "reject", "review", "accept", "pending")  # repeated in turn


@pytest.fixture
def cand(session, make_township, make_candidate):
    """A round-1 candidate who can log in (password secret123)."""
    person = make_candidate(make_township("城关镇"), name="张三", password="secret123")
    person.stage = "round1"
    session.commit()
    return person


@pytest.fixture
def add_items(session):
    """Return a maker of n items of a candidate, statuses in the STATUSES turn; their ids."""
    counter = iter(range(1_000_000))

    def factory(cand, n, task="wechat_share"):
        start = next(counter)
        for _ in range(n - 1):
            next(counter)
        rows = [dict(candidate_id=cand.id, task=task, filename=f"shot{k}.png",
                     sha256=f"{cand.id:08d}{k:056d}", size=1, mime="image/png", storage_key="",
                     status=STATUSES[k % len(STATUSES)], machine_verdict="accept",
                     reasons=["no_share_marker"] if STATUSES[k % len(STATUSES)] == "reject"
                     else [], detail={}, text="分享", attempts=1,
                     submitted_at=SUBMITTED + timedelta(seconds=k))
                for k in range(start, start + n)]
        session.execute(insert(EvidenceItem), rows)
        session.commit()
        return sorted(i.id for i in session.query(EvidenceItem).filter_by(candidate_id=cand.id))

    return factory


@pytest.fixture
def add_forms(session):
    """Return a maker of n forms of a candidate, every fifth invalid; their ids."""
    counter = iter(range(1, 1_000_000))

    def factory(cand, n):
        rows = []
        for _ in range(n):
            k = next(counter)
            rows.append(dict(candidate_id=cand.id, name=f"户主{k}", phone_raw=f"139{k:08d}",
                             phone_e164=f"+86139{k:08d}", village="王庄村", answers={},
                             flags=[] if k % 5 else ["duplicate_phone"], hints=[],
                             valid=bool(k % 5), source="form"))
        session.execute(insert(SurveyForm), rows)
        session.commit()
        return sorted(f.id for f in session.query(SurveyForm).filter_by(candidate_id=cand.id))

    return factory


def listed(html: str, section: str) -> list[int]:
    """Return the ids a section of the page lists (the items list or the forms table)."""
    body = html.split(f'id="{section}"', 1)[1].split("</ul>" if section == "items" else
                                                        "</table>", 1)[0]
    pattern = r'data-id="(\d+)"' if section == "items" else r"<tr><td>(\d+)</td>"
    return [int(i) for i in re.findall(pattern, body)]


def walk(client, url: str, section: str) -> tuple[list[int], int]:
    """Follow the older-page links from url; return every id listed and the number of pages."""
    seen, pages = [], 0
    while url:
        res = client.get(url)
        assert res.status_code == 200
        seen += listed(res.text, section)
        pages += 1
        nxt = re.search(r'rel="next" href="([^"]+)"', res.text)
        url = nxt.group(1).replace("&amp;", "&") if nxt else None
    return seen, pages


def test_the_screenshot_page_lists_20_newest_and_the_rejected_first(app, cand, add_items):
    ids = add_items(cand, 45)
    add_items(cand, 3, task="app_download")  # another task's items stay on its own page
    client = client_as(app, cand.id_number)
    page = client.get("/me/evidence/wechat_share").text
    statuses = [STATUSES[k % len(STATUSES)] for k in range(45)]
    rejected = [i for i, s in zip(ids[:45], statuses, strict=True) if s == "reject"]
    assert listed(page, "items") == ids[:45][::-1][:own_lists.PER_PAGE]
    attention = page.split('id="attention"', 1)[1].split("</ul>", 1)[0]
    assert [int(i) for i in re.findall(r'data-id="(\d+)"', attention)] == \
        rejected[::-1][:own_lists.ATTENTION]
    assert f"查看全部 {len(rejected)} 张未通过的截图" in page
    assert "已通过 <strong data-k=\"accept\">23</strong> / 100" in page  # 3 of every 6 of 45
    seen, pages = walk(client, "/me/evidence/wechat_share", "items")
    assert seen == ids[:45][::-1] and pages == 3
    only, _ = walk(client, "/me/evidence/wechat_share?status=reject", "items")
    assert only == rejected[::-1]
    second = client.get(f"/me/evidence/wechat_share?before={ids[30]}").text
    assert 'id="attention"' not in second and "« 最新" in second


def test_the_survey_page_lists_20_newest_and_the_invalid_first(app, cand, add_forms):
    ids = add_forms(cand, 47)
    client = client_as(app, cand.id_number)
    page = client.get("/me/surveys").text
    invalid = [i for k, i in enumerate(ids, 1) if k % 5 == 0]
    assert re.search(r"有效 <strong>38</strong> / 100 · 已填 47", page)
    assert listed(page, "forms") == ids[::-1][:own_lists.PER_PAGE]
    attention = page.split('id="attention"', 1)[1].split("</table>", 1)[0]
    assert [int(i) for i in re.findall(r"<tr><td>(\d+)</td>", attention)] == \
        invalid[::-1][:own_lists.ATTENTION]
    assert "查看全部 9 份无效的调研表" in page
    seen, pages = walk(client, "/me/surveys", "forms")
    assert seen == ids[::-1] and pages == 3
    only, _ = walk(client, "/me/surveys?show=invalid", "forms")
    assert only == invalid[::-1]


def test_a_candidate_with_nothing_to_fix_sees_no_attention_card(app, cand, add_forms):
    add_forms(cand, 4)
    client = client_as(app, cand.id_number)
    assert 'id="attention"' not in client.get("/me/surveys").text
    assert 'id="attention"' not in client.get("/me/evidence/wechat_share").text


@pytest.mark.parametrize("url", ["/me/evidence/wechat_share", "/me/surveys"])
def test_the_candidate_pages_issue_as_many_queries_for_3n_rows(app, session, count_queries,
                                                               cand, add_items, add_forms, url):
    client = client_as(app, cand.id_number)
    counts = []
    for n in (12, 36):
        add_items(cand, n)
        add_forms(cand, n)
        session.expunge_all()
        with count_queries as q:
            assert client.get(url).status_code == 200
        counts.append(q.n)
    assert counts[0] == counts[1]


@pytest.mark.parametrize("query", ["?before=99999999999&status=zzz", "?before=-3", "?before=x",
                                   "?show=all&before=0"])
def test_odd_paging_arguments_show_the_first_page(app, cand, add_items, add_forms, query):
    newest = add_items(cand, 25)[-1]
    add_forms(cand, 3)
    client = client_as(app, cand.id_number)
    for url in ("/me/evidence/wechat_share", "/me/surveys"):
        res = client.get(url + query)
        assert res.status_code == 200
    assert listed(client.get("/me/evidence/wechat_share" + query).text, "items")[0] == newest
