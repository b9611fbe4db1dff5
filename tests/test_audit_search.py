"""The audit log filters by person, action and Shanghai dates, with page numbers to jump to."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from grader.models import AuditLog
from grader.services import audit
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
    first = audit.audit_page(session, filt, 100)
    assert (first.page, first.pages) == (1, 3) and fields(first.rows)[0] == "w249"
    last = audit.audit_page(session, filt, 100, page=3)
    assert (last.page, fields(last.rows)) == (3, [f"w{i}" for i in range(49, -1, -1)])
    second = audit.audit_page(session, filt, 100, before=first.starts[1] + 1)
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
