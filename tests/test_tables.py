"""Uploaded sheets: absurd used ranges refused fast, duplicate headers named, broken CSV refused."""

import io
import re
import signal
import zipfile
from contextlib import contextmanager

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from grader.models import Township
from grader.services import exams
from grader.services.tables import TableError, write_csv
from grader.services.townships import import_townships
from helpers import csrf_from
from surveys import SheetError, import_sheet, read_table


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


def town_count(session):
    return session.scalar(select(func.count()).select_from(Township))


def county_page(client, auth, make_user, path):
    make_user("county", "county_staff")
    auth.login("county")
    return client.get(path)


def test_a_huge_number_cell_in_xlsx_is_a_row_error(session):
    data = xlsx({(1, 1): "乡镇", (1, 2): "报名目标", (2, 1): "城关镇", (2, 2): 1e22})
    result = import_townships(session, "q.xlsx", data, 10**6)
    assert [(e.row, e.code) for e in result.errors] == [(2, "target_too_large")]


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


def test_a_csv_with_an_unclosed_quote_is_a_clear_refusal(session):
    from grader.services.tables import TableError, read_table

    data = ('乡镇编码,乡镇,报名目标\n01,"城关镇' + "x" * 200_000 + "\n").encode("utf-8")
    with pytest.raises(TableError) as err:
        read_table("t.csv", data, {}, 10**7)
    assert err.value.code == "bad_csv"
