"""Spot-check calls: answers hidden until heard, lists per caller, the role check, call sheets."""

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from grader.models import SpotCheck
from grader.services import calls
from helpers import csrf_from
from survey_helpers import VILLAGE, fill, xlsx


@pytest.fixture
def people(round1_pair):
    return round1_pair


def import_calls(client, data):
    page = client.get("/surveys/")
    return client.post("/surveys/", data={"action": "import", "csrf_token": csrf_from(page),
                                          "file": (io.BytesIO(data), "calls.xlsx")},
                       follow_redirects=True)


@pytest.fixture
def drawn(session, campaign, people, make_user):
    """Three forms of candidate a drawn and assigned to the county caller, who is logged in."""
    a, _b = people
    fill(session, campaign, a, 3, "04")
    calls.draw_sample(session, campaign, "x", 5)
    county = make_user("county", "county_staff")
    calls.assign(session, [county])
    session.commit()
    return county


def test_exported_list_leaves_answers_blank_and_blank_answers_match_nothing(
        client, auth, session, drawn):
    auth.login("county")
    rows = list(load_workbook(io.BytesIO(client.get("/calls/list.xlsx").data)).active
                .iter_rows(values_only=True))
    assert len(rows) == 4 and all(VILLAGE not in [str(v) for v in row] for row in rows)
    assert all(row[7:] == (None, None, None, None) for row in rows[1:])
    filled = [rows[0], [*rows[1][:6], "属实", *rows[1][7:]],  # reached, nothing asked
              [*rows[2][:6], "属实", None, None, "李家庄", None]]
    assert "已导入 2 条通话结果" in import_calls(client, xlsx(filled)).text
    blank, typed = session.get(SpotCheck, rows[1][0]), session.get(SpotCheck, rows[2][0])
    assert blank.outcome == "confirmed" and blank.answers.get("village") == ""
    assert blank.mismatches == [] and [r["state"] for r in calls.comparison(blank)] == [
        "not_asked"] * 3
    assert typed.mismatches == ["village"]
    by_q = {q["question"]: (q["asked"], q["differences"]) for q in calls.question_report(session)}
    assert by_q == {"village": (1, 1)}  # only the typed village counts, and it differs


def test_older_lists_village_column_is_not_read_as_the_answer(client, auth, session, drawn):
    auth.login("county")
    call = session.scalars(select(SpotCheck).order_by(SpotCheck.id)).first()
    legacy = [["抽查编号", "村组", "结果", "家庭人口"], [call.id, VILLAGE, "属实", 5]]
    assert "已导入 1 条通话结果" in import_calls(client, xlsx(legacy)).text
    assert call.answers == {"household_size": "5", "shops_online": "", "village": ""}
    assert [q["question"] for q in calls.question_report(session)] == ["household_size"]


def test_call_page_hides_the_recorded_village_until_the_answers_are_in(
        client, auth, session, drawn):
    auth.login("county")
    page = client.get("/calls/next")
    call = calls.next_call(session, drawn)
    assert call.form.name in page.text and call.form.phone_e164[3:6] in page.text
    assert VILLAGE not in page.text
    done = client.post("/calls/next", data={
        "csrf_token": csrf_from(page), "call_id": call.id, "outcome": "confirmed",
        "household_size": "4", "shops_online": "是", "village": VILLAGE})
    assert done.status_code == 200 and VILLAGE in done.text and "一致" in done.text
    assert call.outcome == "confirmed" and call.mismatches == []


def test_a_caller_cannot_record_someone_elses_call(client, auth, session, drawn, make_user):
    make_user("other", "county_staff")
    auth.login("other")
    page = client.get("/calls/next")
    assert "您没有待打的电话" in page.text
    call = session.scalars(select(SpotCheck)).first()
    res = client.post("/calls/next", data={"csrf_token": csrf_from(page), "call_id": call.id,
                                           "outcome": "denied"})
    assert res.status_code == 403 and call.outcome is None


@pytest.fixture
def two_callers(session, campaign, people, make_user):
    a, b = people
    fill(session, campaign, a, 4, "05")
    fill(session, campaign, b, 4, "06")
    calls.draw_sample(session, campaign, "y", 5)
    one, two = make_user("c1", "county_staff"), make_user("c2", "county_staff")
    calls.assign(session, [one, two])
    session.commit()
    return one, two


def exported(client, query=""):
    book = load_workbook(io.BytesIO(client.get(f"/calls/list.xlsx{query}").data)).active
    rows = list(book.iter_rows(values_only=True))
    return rows[0], rows[1:]


def test_call_list_shows_own_calls_by_default_and_any_caller_on_request(
        client, auth, session, two_callers):
    one, two = two_callers
    auth.login("c1")
    header, mine = exported(client)
    assert header[1] == "电话员"
    ids = {c.id for c in session.scalars(select(SpotCheck).where(SpotCheck.caller_id == one.id))}
    assert {r[0] for r in mine} == ids and {r[1] for r in mine} == {"c1"}
    _h, theirs = exported(client, f"?caller={two.id}")
    assert {r[1] for r in theirs} == {"c2"} and len(theirs) == 8 - len(ids)
    _h, everyone = exported(client, "?caller=all")
    assert len(everyone) == 8


def test_printable_list_is_a4_big_text_and_filtered(client, auth, session, two_callers):
    one, two = two_callers
    auth.login("c1")
    html = client.get("/calls/list").text
    assert "@page{size:A4" in html and "@media print" in html and "font-size:14pt" in html
    number = {c.caller_id: c.form.phone_e164 for c in session.scalars(select(SpotCheck))}
    local = {k: v[3:] for k, v in number.items()}
    shown = html.replace(" ", "")
    assert local[one.id] in shown and local[two.id] not in shown and VILLAGE not in html
    assert local[two.id] in client.get("/calls/list?caller=all").text.replace(" ", "")


@pytest.mark.parametrize("url", ["/calls/list", "/calls/list.xlsx", "/calls/next",
                                 "/surveys/phones"])
@pytest.mark.parametrize("role", ["township_staff", "reviewer", "candidate"])
def test_calling_pages_check_the_role(client, auth, make_user, make_township, url, role):
    assert client.get(url).status_code == 302  # to the login page
    make_user("someone", role, make_township("东于镇") if role == "township_staff" else None)
    auth.login("someone")
    assert client.get(url).status_code == 403


def test_call_sheet_errors_name_every_row_and_recorded_calls_stand(client, auth, session,
                                                                   campaign, drawn):
    auth.login("county")
    first, second, third = session.scalars(select(SpotCheck).order_by(SpotCheck.id)).all()[:3]
    bad = [["抽查编号", "结果"], [first.id, "属实"], [999999, "属实"], [second.id, "也许"]]
    page = import_calls(client, xlsx(bad)).text
    assert "第3行" in page and "999999" in page and "第4行" in page and "也许" in page
    assert first.outcome is None  # all or nothing
    calls.record(session, campaign, first, drawn, "denied", {}, "")  # on the calling screen
    session.commit()
    good = [["抽查编号", "结果"], [first.id, "属实"], [third.id, "属实"]]
    page = import_calls(client, xlsx(good)).text
    assert "已导入 1 条通话结果" in page and "1 个电话已有结果" in page
    assert (first.outcome, third.outcome) == ("denied", "confirmed")


def test_a_call_number_twice_in_the_sheet_is_a_bad_row(client, auth, session, drawn):
    auth.login("county")
    first = session.scalars(select(SpotCheck).order_by(SpotCheck.id)).first()
    twice = [["抽查编号", "结果"], [first.id, "属实"], [first.id, "否认"], ["99999999999999999999", "属实"]]
    page = import_calls(client, xlsx(twice)).text
    assert "第3行" in page and "出现了两次" in page and "第4行" in page
    assert first.outcome is None
