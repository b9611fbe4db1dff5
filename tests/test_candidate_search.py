"""The candidate list finds people by ID number or phone (whole or its end), within the
township scope, and exports the filtered list (every page) masked as the list shows it."""

import csv
import io
from datetime import date

import pytest

from grader.services.candidate_lists import CandidateFilter, candidate_page, number_key
from grader.web.paging import page_window
from helpers import client_as, ric_for

ZHANG_ID = ric_for(date(1990, 6, 1), "111")
WANG_ID = ric_for(date(1991, 7, 2), "222")


@pytest.fixture
def people(session, make_township, make_candidate, make_user):
    """张三 in 城关镇 and 王五 in 东山镇; township staff of 城关镇 and county staff."""
    home, other = make_township("城关镇"), make_township("东山镇")
    zhang = make_candidate(home, name="张三", phone="13800138001", id_number=ZHANG_ID)
    wang = make_candidate(other, name="王五", phone="13900139002", id_number=WANG_ID)
    make_user("town", "township_staff", township=home)
    make_user("county", "county_staff")
    return zhang, wang


def found(session, text, township_id=None) -> list[str]:
    rows, total = candidate_page(session, CandidateFilter(township_id, text), 1, 50)
    assert total == len(rows)
    return [c.name for c in rows]


@pytest.mark.parametrize("typed", ["13800138001", "138 0013 8001", "138-0013-8001",
                                   "+86 138 0013 8001", "8613800138001", "8001"])
def test_a_phone_is_found_whole_or_by_its_end(session, people, typed):
    assert found(session, typed) == ["张三"]


def test_an_id_number_is_found_whole_or_by_its_end(session, people):
    assert found(session, ZHANG_ID) == ["张三"]
    assert found(session, ZHANG_ID.lower()) == ["张三"]  # a final x typed in lower case
    assert found(session, ZHANG_ID[-6:]) == ["张三"]
    assert found(session, WANG_ID[:-1]) == []  # the start of a number is not its end


def test_names_and_numbers_are_still_found_and_wildcards_are_plain(session, people):
    zhang, _wang = people
    assert found(session, "张") == ["张三"] and found(session, zhang.reg_no) == ["张三"]
    assert found(session, "%") == [] and found(session, "_") == []


def test_township_staff_do_not_find_another_townships_candidate(app, session, people):
    zhang, wang = people
    assert found(session, "13900139002", zhang.township_id) == []
    page = client_as(app, "town").get("/candidates/?q=13900139002").text
    assert "报名人员（0）" in page
    assert wang.reg_no not in page and "王五" not in page
    assert zhang.reg_no in client_as(app, "town").get("/candidates/?q=8001").text


def test_number_key_reads_what_people_type():
    assert number_key("+86 138-0013-8001") == "13800138001"
    assert number_key("11010119900307001x") == "11010119900307001X"
    assert number_key("123") is None and number_key("张三") is None


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_the_export_carries_the_filters_and_the_scope(app, session, people):
    zhang, wang = people
    county = client_as(app, "county")
    everyone = rows_of(county.get("/candidates/export.csv"))
    assert everyone[0][:4] == ["报名编号", "姓名", "身份证号", "手机"]
    assert sorted(r[1] for r in everyone[1:]) == ["张三", "王五"]
    only = rows_of(county.get("/candidates/export.csv?q=139%200013%209002"))
    assert [r[:3] for r in only[1:]] == [[wang.reg_no, "王五", WANG_ID]]
    town = rows_of(client_as(app, "town").get("/candidates/export.csv"))
    assert [r[1] for r in town[1:]] == ["张三"]
    xlsx = county.get("/candidates/export.xlsx?q=张")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"


def test_the_export_is_masked_as_the_list_is(app, session, people, monkeypatch):
    monkeypatch.setattr("grader.web.candidates.can_see_pii", lambda _user, _cand: False)
    exported = rows_of(client_as(app, "county").get(f"/candidates/export.csv?q={ZHANG_ID}"))
    assert exported[1][2:4] == [ZHANG_ID[:3] + "*" * 11 + ZHANG_ID[-4:], "138****8001"]


def test_page_numbers_to_jump_to():
    assert page_window(1, 1) == [1]
    assert page_window(1, 20) == [1, 2, 3, None, 20]
    assert page_window(10, 20) == [1, None, 8, 9, 10, 11, 12, None, 20]
    assert page_window(4, 6) == [1, 2, 3, 4, 5, 6]
