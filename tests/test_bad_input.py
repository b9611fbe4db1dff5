"""Bad input to imports, registration and advancement: a specific refusal, nothing saved."""

import io
import json
import re
import signal
import zipfile
from contextlib import contextmanager
from datetime import date

import pytest
from click.testing import CliRunner
from openpyxl import Workbook
from sqlalchemy import func, select

from grader.cli import main
from grader.eligibility import Rules, check_id, failed_rules
from grader.models import AuditLog, Candidate, Township
from grader.services import exams
from grader.services.registration import RegistrationError, RegistrationInput, register
from grader.services.tables import TableError, write_csv
from grader.services.townships import import_townships
from helpers import DECLARATIONS, csrf_from, ric_for
from surveys import SheetError, import_sheet, read_table

REF = date(2016, 5, 18)
FUTURE_ID = "140121203001010015"  # born 2030-01-01


def xlsx(cells, dimension=True):
    """Write a workbook from {(row, col): value}; without its dimension record if asked."""
    book = Workbook()
    for (row, col), value in cells.items():
        book.active.cell(row=row, column=col, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue() if dimension else _strip_dimension(out.getvalue())


def _strip_dimension(data: bytes) -> bytes:
    """Drop <dimension .../> from the sheet, as some writers never write it."""
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body, n = re.subn(rb"<dimension [^>]*/>", b"", body)
                assert n == 1
            dst.writestr(item, body)
    return out.getvalue()


@contextmanager
def within(seconds: float):
    """Fail the block when it runs longer than `seconds`."""
    def expired(*_):
        raise TimeoutError(f"took longer than {seconds} s")

    old = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def quota(*rows):
    return write_csv(["乡镇编码", "乡镇", "报名目标"], [list(r) for r in rows])


def town_count(session):
    return session.scalar(select(func.count()).select_from(Township))


# 1. Township import and target edits -------------------------------------------------------

def test_a_code_used_twice_in_the_file_is_a_row_error(session):
    result = import_townships(session, "q.csv", quota(("01", "城关镇", "5"), ("01", "东山镇", "6")),
                              10**6)
    assert result.applied == 0
    assert [(e.row, e.column, e.code, e.value) for e in result.errors] == [
        (3, "code", "duplicate_code", "01")]
    assert town_count(session) == 0


def test_a_code_already_taken_is_a_row_error(session, make_township):
    make_township("城关镇", 10, "01")
    result = import_townships(session, "q.csv", quota(("02", "白沙乡", "3"), ("01", "东山镇", "6")),
                              10**6)
    assert [(e.row, e.column, e.code, e.value) for e in result.errors] == [
        (3, "code", "code_taken", "01")]
    assert town_count(session) == 1


def test_a_known_township_keeps_its_code_and_gets_the_new_target(session, make_township):
    make_township("城关镇", 10, "01")
    result = import_townships(session, "q.csv", quota(("01", "城关镇", "20")), 10**6)
    assert (result.applied, result.errors) == (1, [])
    assert session.scalar(select(Township.target).where(Township.code == "01")) == 20


@pytest.mark.parametrize("raw,code", [
    ("²", "not_a_whole_number"), ("-1", "not_a_whole_number"), ("1.5", "not_a_whole_number"),
    ("10000000000000000000000", "target_too_large"), ("1000000", "target_too_large"),
    ("9" * 5000, "target_too_large"),
])
def test_targets_are_whole_numbers_up_to_999999(session, raw, code):
    result = import_townships(session, "q.csv", quota(("01", "城关镇", raw)), 10**6)
    assert [(e.column, e.code) for e in result.errors] == [("target", code)]
    assert town_count(session) == 0


def test_the_largest_target_and_zero_are_accepted(session):
    result = import_townships(session, "q.csv", quota(("01", "城关镇", "999999"), ("02", "东山镇", "0")),
                              10**6)
    assert (result.applied, result.errors) == (2, [])


def test_a_huge_number_cell_in_xlsx_is_a_row_error(session):
    data = xlsx({(1, 1): "乡镇", (1, 2): "报名目标", (2, 1): "城关镇", (2, 2): 1e22})
    result = import_townships(session, "q.xlsx", data, 10**6)
    assert [(e.row, e.code) for e in result.errors] == [(2, "target_too_large")]


def test_names_and_codes_longer_than_the_columns_are_row_errors(session):
    result = import_townships(session, "q.csv", quota(("0" * 33, "镇" * 65, "1")), 10**6)
    assert [(e.column, e.code) for e in result.errors] == [("name", "too_long"),
                                                          ("code", "too_long")]


def county_page(client, auth, make_user, path):
    make_user("county", "county_staff")
    auth.login("county")
    return client.get(path)


def test_the_quota_page_lists_code_errors_in_chinese(client, auth, make_user, make_township,
                                                      session):
    make_township("城关镇", 10, "01")
    page = county_page(client, auth, make_user, "/townships/")
    data = quota(("02", "白沙乡", "x"), ("02", "东山镇", "1"), ("01", "石门乡", "10" * 11))
    res = client.post("/townships/", data={"file": (io.BytesIO(data), "q.csv"),
                                           "csrf_token": csrf_from(page)})
    assert res.status_code == 200
    for text in ("乡镇编码在文件中重复", "乡镇编码已被其他乡镇使用", "报名目标应为0到999999之间的整数",
                 "未导入任何数据"):
        assert text in res.text, text
    assert town_count(session) == 1


@pytest.mark.parametrize("raw", ["10000000000000000000000", "²", "1000000", "-3", ""])
def test_editing_a_target_refuses_what_is_no_target(client, auth, make_user, make_township,
                                                    session, raw):
    town = make_township("城关镇", 10, "01")
    page = county_page(client, auth, make_user, "/townships/")
    res = client.post(f"/townships/{town.id}", data={"target": raw, "csrf_token": csrf_from(page)},
                      follow_redirects=True)
    assert res.status_code == 200 and "报名目标应为0到999999之间的整数" in res.text
    session.refresh(town)
    assert town.target == 10


def test_editing_a_target_to_999999_is_saved(client, auth, make_user, make_township, session):
    town = make_township("城关镇", 10, "01")
    page = county_page(client, auth, make_user, "/townships/")
    client.post(f"/townships/{town.id}", data={"target": " 999999 ", "csrf_token": csrf_from(page)})
    session.refresh(town)
    assert town.target == 999999


# 2. Sheets whose used range is absurd -------------------------------------------------------

HEADER = {(1, 1): "乡镇", (1, 2): "报名目标", (2, 1): "城关镇", (2, 2): 5}


@pytest.mark.parametrize("dimension", [True, False])
def test_a_tiny_xlsx_claiming_a_huge_sheet_is_refused_fast(dimension):
    data = xlsx({**HEADER, (200000, 16000): "x"}, dimension)
    assert len(data) < 10_000
    with within(5), pytest.raises(SheetError) as err:
        read_table(data)
    assert "too large" in err.value.en and "200" in err.value.en
    assert "表格太大" in err.value.zh


@pytest.mark.parametrize("dimension", [True, False])
@pytest.mark.parametrize("cell", [(100001, 1), (3, 201)])
def test_one_row_or_column_past_the_limits_is_refused(cell, dimension):
    with within(5), pytest.raises(SheetError, match="too large"):
        read_table(xlsx({**HEADER, cell: "x"}, dimension))


@pytest.mark.parametrize("dimension", [True, False])
def test_a_sheet_at_the_limits_is_read(dimension):
    table = read_table(xlsx({**HEADER, (100000, 200): "x"}, dimension))
    assert table.headers[:2] == ["乡镇", "报名目标"]
    assert [n for n, _ in table.rows] == [2, 100000]


def test_a_csv_wider_than_the_limit_is_refused():
    data = ("a," * 200 + "b\n" + "1," * 200 + "2\n").encode()
    with pytest.raises(SheetError, match="too large"):
        read_table(data)


def test_every_import_refuses_the_huge_sheet(session):
    data = xlsx({**HEADER, (200000, 16000): "x"})
    with within(5), pytest.raises(TableError) as err:
        import_townships(session, "q.xlsx", data, 10**6)
    assert err.value.code == "sheet_too_large"
    with within(5), pytest.raises(TableError) as err:
        exams.import_scores(session, "online_exam", "s.xlsx", data, None, 10**6)
    assert err.value.code == "sheet_too_large"
    with within(5), pytest.raises(SheetError, match="too large"):
        import_sheet(data)
    assert town_count(session) == 0


def test_the_quota_page_says_the_sheet_is_too_large(client, auth, make_user, session):
    page = county_page(client, auth, make_user, "/townships/")
    data = xlsx({**HEADER, (200000, 16000): "x"})
    with within(5):
        res = client.post("/townships/", data={"file": (io.BytesIO(data), "q.xlsx"),
                                               "csrf_token": csrf_from(page)})
    assert res.status_code == 200 and "表格太大" in res.text
    assert town_count(session) == 0


# 3. Duplicate column headers ------------------------------------------------------------------

def test_a_score_column_given_twice_is_refused_naming_it(session, make_township, make_candidate):
    cand = make_candidate(make_township())
    data = write_csv(["身份证号", "成绩", "成绩"], [[cand.id_number, "50", "90"]])
    with pytest.raises(TableError) as err:
        exams.import_scores(session, "online_exam", "s.csv", data, None, 10**6)
    assert err.value.code == "duplicate_header:成绩" and "成绩" in str(err.value)
    session.refresh(cand)
    assert cand.online_exam_score is None


def test_two_headers_meaning_the_same_column_are_refused(session):
    data = write_csv(["乡镇", "报名目标", "任务数"], [["城关镇", "5", "6"]])
    with pytest.raises(TableError) as err:
        import_townships(session, "q.csv", data, 10**6)
    assert err.value.code == "duplicate_header:任务数"
    assert town_count(session) == 0


def test_the_exam_page_names_the_duplicate_header_in_chinese(client, auth, make_user,
                                                              make_township, make_candidate):
    cand = make_candidate(make_township())
    page = county_page(client, auth, make_user, "/exams/online_exam")
    data = write_csv(["身份证号", "成绩", "成绩"], [[cand.id_number, "50", "90"]])
    res = client.post("/exams/online_exam", data={"file": (io.BytesIO(data), "s.csv"),
                                                  "csrf_token": csrf_from(page)})
    assert "表头重复（成绩）" in res.text


# 4. Birth dates after the reference day ---------------------------------------------------

def test_a_birth_date_after_the_reference_day_is_not_valid():
    res = check_id(FUTURE_ID, REF)
    assert (res.valid, res.reason, res.eligible_age, res.age) == (
        False, "birth_in_future", False, None)
    assert res.birthdate == "2030-01-01"


def test_born_on_the_reference_day_is_valid_but_too_young():
    res = check_id(ric_for(REF), REF)
    assert (res.valid, res.reason, res.age, res.eligible_age) == (True, None, 0, False)
    assert check_id(ric_for(date(2016, 5, 19)), REF).reason == "birth_in_future"


def test_the_rules_name_the_future_birth_date():
    rules = Rules(REF, 18, 45, "high", ())
    assert failed_rules(rules, check_id(FUTURE_ID, REF), "high", {}) == [
        "id_invalid:birth_in_future"]


def test_check_id_reports_the_future_birth_date():
    res = CliRunner().invoke(main, ["check-id", FUTURE_ID, "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert (out["valid"], out["reason"], out["eligible_age"]) == (False, "birth_in_future", False)


def test_registration_refuses_a_future_birth_date(session, campaign, make_township):
    town = make_township()
    data = RegistrationInput(name="李明", id_number=FUTURE_ID, education="high",
                             township_id=town.id, phone="13800138000",
                             declarations={d: True for d in DECLARATIONS})
    with pytest.raises(RegistrationError) as err:
        register(session, campaign, data, "online")
    assert (err.value.field, err.value.code) == ("id_number", "birth_in_future")
    assert session.scalar(select(func.count()).select_from(Candidate)) == 0


# 5. Best-N advancement applies only the list that was previewed -----------------------------

def fingerprint_from(response) -> str:
    match = re.search(r'name="fingerprint" value="([0-9a-f]{64})"', response.text)
    assert match, "no fingerprint in the preview"
    return match.group(1)


def advance_moves(session):
    return session.scalars(select(AuditLog).where(AuditLog.action == "advance_online_exam")).all()


def test_an_import_after_the_preview_stops_the_advancement(client, auth, make_user, make_township,
                                                           make_candidate, session):
    town = make_township()
    first, late = make_candidate(town), make_candidate(town)
    first.online_exam_score = 80
    session.commit()
    preview = county_page(client, auth, make_user, "/exams/online_exam/advance")
    late.online_exam_score = 90  # scores imported while the preview was open
    session.commit()
    res = client.post("/exams/online_exam/advance", follow_redirects=True, data={
        "csrf_token": csrf_from(preview), "fingerprint": fingerprint_from(preview)})
    assert "择优名单已变化" in res.text
    assert advance_moves(session) == []
    session.refresh(first)
    assert first.stage == "registered"
    # The fresh preview shows both, and confirming it applies exactly that list.
    res = client.post("/exams/online_exam/advance", follow_redirects=True, data={
        "csrf_token": csrf_from(res), "fingerprint": fingerprint_from(res)})
    assert "已有 2 人晋级" in res.text
    assert {m.entity_id for m in advance_moves(session)} == {first.id, late.id}


def test_a_forged_fingerprint_applies_nothing(client, auth, make_user, make_township,
                                              make_candidate, session):
    cand = make_candidate(make_township())
    cand.online_exam_score = 70
    session.commit()
    preview = county_page(client, auth, make_user, "/exams/online_exam/advance")
    res = client.post("/exams/online_exam/advance", follow_redirects=True, data={
        "csrf_token": csrf_from(preview), "fingerprint": "0" * 64})
    assert "择优名单已变化" in res.text and advance_moves(session) == []


def test_the_service_refuses_a_plan_other_than_the_previewed_one(session, campaign,
                                                                 make_township, make_candidate):
    cand = make_candidate(make_township())
    cand.online_exam_score = 70
    session.commit()
    plan = exams.plan_advance(session, campaign, "online_exam")
    with pytest.raises(exams.ExamError) as err:
        exams.apply_advance(session, plan, None, expected="0" * 64)
    assert err.value.code == "plan_changed"
    assert exams.apply_advance(session, plan, None, expected=exams.fingerprint(plan)) == 1


def test_a_csv_with_an_unclosed_quote_is_a_clear_refusal(session):
    from grader.services.tables import TableError, read_table

    data = ('乡镇编码,乡镇,报名目标\n01,"城关镇' + "x" * 200_000 + "\n").encode("utf-8")
    with pytest.raises(TableError) as err:
        read_table("t.csv", data, {}, 10**7)
    assert err.value.code == "bad_csv"
