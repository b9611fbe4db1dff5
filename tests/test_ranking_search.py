"""A ranking's page finds its rows by registration number or name."""

import re

import pytest

from grader.services import rankings
from grader.services.ranking_search import matching_rows
from helpers import client_as


@pytest.fixture
def ranking(session, campaign, make_township, make_candidate, make_user):
    """A round-1 ranking preview of 张三, 李四 and 张小五."""
    town = make_township()
    cands = [make_candidate(town, name=n) for n in ("张三", "李四", "张小五")]
    for cand in cands:
        cand.stage = "round1"
    county = make_user("county", "county_staff")
    session.commit()
    made = rankings.preview(session, campaign, "1", county)
    session.commit()
    return made, cands


def listed(page: str) -> list[str]:
    return re.findall(r"<td>(\d{9})</td>", page)


def test_rows_are_found_by_name_or_number():
    rows = [{"id": "201600001"}, {"id": "201600002"}]
    names = {"201600001": "张三", "201600002": "李四"}
    assert matching_rows(rows, names, "李") == [rows[1]]
    assert matching_rows(rows, names, " 0001 ") == [rows[0]]
    assert matching_rows(rows, names, "") == rows


def test_the_ranking_page_searches_its_rows(app, session, ranking):
    made, (zhang, li, xiaowu) = ranking
    client = client_as(app, "county")
    assert sorted(listed(client.get(f"/rankings/{made.id}").text)) == \
        sorted(c.reg_no for c in (zhang, li, xiaowu))
    found = client.get(f"/rankings/{made.id}?q=张").text
    assert sorted(listed(found)) == sorted([zhang.reg_no, xiaowu.reg_no]) and "找到 2 人" in found
    assert listed(client.get(f"/rankings/{made.id}?q={li.reg_no}").text) == [li.reg_no]
