"""The audit log filters by person, action and Shanghai dates, with page numbers to jump to."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from grader.models import AuditLog
from grader.services import audit
from grader.web.paging import page_window
from helpers import client_as

EVENING = datetime(2016, 6, 2, 17, 0, tzinfo=UTC)  # 2016-06-03 01:00 in Shanghai


@pytest.fixture
def log(session, make_user):
    """250 entries by 王会计 (set_stage), then 3 by county staff (override) a day apart."""
    clerk = make_user("wangkj", "county_staff")
    clerk.display_name = "王会计"
    county = make_user("county", "county_staff")
    session.add_all(AuditLog(user_id=clerk.id, action="set_stage", entity="candidate",
                             entity_id=i, field=f"w{i}", at=EVENING - timedelta(days=9))
                    for i in range(250))
    session.add_all(AuditLog(user_id=county.id, action="override", entity="candidate",
                             entity_id=k, field=f"c{k}", at=EVENING + timedelta(days=k))
                    for k in range(3))
    session.commit()
    return clerk, county


def fields(rows) -> list[str]:
    return [r.field for r in rows]


def test_filters_by_person_action_and_local_days(session, log):
    def shown(**kw):
        return fields(audit.audit_page(session, audit.AuditFilter(**kw), 100).rows)

    assert shown(person="会计", action="override") == []
    assert shown(person="county") == ["c2", "c1", "c0"]
    assert shown(action="override", since=date(2016, 6, 3), until=date(2016, 6, 3)) == ["c0"]
    assert shown(until=date(2016, 6, 2), action="override") == []  # 01:00 is the 3rd there
    assert len(shown(person="wangkj")) == 100


def test_page_numbers_jump_by_keyset(session, log):
    filt = audit.AuditFilter(person="王会计")
    first = audit.audit_page(session, filt, 100, linked=page_window)
    assert (first.page, first.pages) == (1, 3) and fields(first.rows)[0] == "w249"
    last = audit.audit_page(session, filt, 100, page=3)
    assert (last.page, fields(last.rows)) == (3, [f"w{i}" for i in range(49, -1, -1)])
    second = audit.audit_page(session, filt, 100, before=first.starts[2] + 1)
    assert second.page == 2 and fields(second.rows)[0] == "w149"
    assert audit.audit_page(session, filt, 100, page=99).page == 3  # past the end: the last
    assert "override" in first.actions and "set_stage" in first.actions


def test_the_page_keeps_filters_in_its_page_links(app, session, log):
    client = client_as(app, "county")
    page = client.get("/audit?person=王会计&action=set_stage").text
    assert "第 1 / 3 页" in page and ">c0<" not in page
    third = re.search(r'href="([^"]+)"[^>]*>3</a>', page).group(1).replace("&amp;", "&")
    assert "before=" in third and "person=" in third and "action=set_stage" in third
    assert "<td>w49</td>" in client.get(third).text
    jumped = client.get("/audit?person=王会计&action=set_stage&page=3").text
    assert "第 3 / 3 页" in jumped and "<td>w0</td>" in jumped and "<td>w50</td>" not in jumped
    bad = client.get("/audit?since=yesterday")
    assert bad.status_code == 200 and "日期格式应为" in bad.text and "<td>c2</td>" in bad.text


@pytest.mark.parametrize("per_page", [7, 100])
def test_every_linked_page_starts_where_numbering_the_whole_log_says(session, log, per_page):
    """The starts read from the nearest end or the page shown agree with counting every row."""
    filt = audit.AuditFilter(person="王会计")
    ids = [r.id for r in audit.latest(session, None, 10_000, filt)]  # newest first
    truth = {n: ids[(n - 1) * per_page] for n in range(1, -(-len(ids) // per_page) + 1)}
    for page in sorted({1, 2, 5, len(truth) - 1, len(truth)} & set(truth)):
        found = audit.audit_page(session, filt, per_page, page=page, linked=page_window)
        assert found.page == page and found.rows[0].id == truth[page]
        assert {n: truth[n] for n in found.starts} == found.starts
        shown = [n for n in page_window(page, found.pages) if n and n > 1 and n != page]
        assert set(shown) <= set(found.starts)
        by_key = audit.audit_page(session, filt, per_page, before=truth[page] + 1,
                                  linked=page_window)
        assert (by_key.page, by_key.starts) == (page, {n: truth[n] for n in shown})
