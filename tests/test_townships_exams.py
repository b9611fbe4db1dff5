"""Quota import, statistics export, exam imports and advancing the best N."""

import io
import re

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from helpers import csrf_from
from grader.models import AuditLog, Township
from grader.services import exams
from grader.services.tables import TableError, write_csv
from grader.services.townships import import_townships, statistics, totals


def xlsx(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_quota_import_with_chinese_headers_from_xlsx(session):
    data = xlsx([["乡镇编码", "乡镇", "报名目标"], ["01", "城关镇", 60], ["02", "东山镇", 45]])
    result = import_townships(session, "任务分解表.xlsx", data, 10**6)
    assert (result.applied, result.errors) == (2, [])
    towns = session.scalars(select(Township).order_by(Township.code)).all()
    assert [(t.name, t.target) for t in towns] == [("城关镇", 60), ("东山镇", 45)]


def test_quota_import_is_all_or_nothing(session):
    data = write_csv(["code", "name", "target"], [["01", "城关镇", "60"], ["02", "", "x"],
                                                  ["03", "城关镇", "5"]])
    result = import_townships(session, "q.csv", data, 10**6)
    assert result.applied == 0
    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (3, "name", "missing_value"), (3, "target", "not_a_whole_number"),
        (4, "name", "duplicate_name")]
    assert session.scalars(select(Township)).all() == []


def test_gbk_csv_from_chinese_excel_is_read(session):
    data = "乡镇,报名目标\r\n白沙乡,30\r\n".encode("gbk")
    assert import_townships(session, "q.csv", data, 10**6).applied == 1


@pytest.mark.parametrize("data,code", [
    (b"", "empty_file"), (b"x" * 2000, "file_too_large"), (b"\x89PNG\r\n\x1a\n\x00\x00", "wrong_type"),
    (b"PK\x03\x04broken", "bad_xlsx"), (b"name,target\n", None),
])
def test_bad_files_are_refused_with_a_reason(session, data, code):
    if code is None:
        with pytest.raises(TableError, match="missing column"):
            import_townships(session, "q.csv", b"foo,bar\n1,2\n", 1000)
        return
    with pytest.raises(TableError) as err:
        import_townships(session, "q.bin", data, 1000)
    assert err.value.code == code


def test_statistics_count_each_stage(session, make_township, make_candidate):
    town, other = make_township("城关镇", 4, "01"), make_township("东山镇", 2, "02")
    a, b, _c = make_candidate(town), make_candidate(town), make_candidate(town, education="junior")
    make_candidate(other)
    a.online_exam_score, b.online_exam_score, a.stage = 80, 50, "round1"
    session.commit()
    rows = statistics(session)
    first = rows[0]
    assert (first["township"], first["registered"], first["eligible"], first["sat_exam"]) == (
        "城关镇", 3, 2, 2)
    assert (first["onsite_test"], first["round1"], first["round2"]) == (1, 1, 0)
    assert first["completion"] == 0.5
    total = totals(rows)
    assert (total["target"], total["registered"], total["eligible"]) == (6, 4, 3)


def test_statistics_export_opens_in_excel(client, auth, make_user, make_township, make_candidate):
    town = make_township("城关镇", 10)
    make_candidate(town)
    make_user("county", "county_staff")
    auth.login("county")
    res = client.get("/townships/stats.xlsx")
    sheet = load_workbook(io.BytesIO(res.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("乡镇/街道", "报名目标", "报名人数")
    assert rows[1][:3] == ("城关镇", 10, 1) and rows[-1][0] == "合计"
    csv_body = client.get("/townships/stats.csv").data
    assert csv_body.startswith("\ufeff".encode()) and "城关镇,10,1".encode() in csv_body


def scores_csv(pairs):
    return write_csv(["身份证号", "成绩"], [[i, s] for i, s in pairs])


def test_exam_import_reports_bad_rows_and_applies_nothing(session, make_township,
                                                          make_candidate):
    town = make_township()
    a, b = make_candidate(town), make_candidate(town)
    data = scores_csv([(a.id_number, "88"), ("110101199001010011", "70"), (b.id_number, "101"),
                       (a.id_number, "90")])
    result = exams.import_scores(session, "online_exam", "s.csv", data, None, 10**6)
    assert result.applied == 0
    assert [(e.row, e.code) for e in result.errors] == [
        (3, "unknown_candidate"), (4, "bad_score"), (5, "duplicate_row")]
    session.refresh(a)
    assert a.online_exam_score is None


def test_exam_import_then_best_n_advance_with_ties(session, set_campaign, make_township,
                                                   make_candidate, make_user):
    town = make_township()
    county = make_user("county", "county_staff")
    people = [make_candidate(town) for _ in range(5)]
    for p in people:
        p.stage = "onsite_test"
    session.commit()
    marks = ["90", "75", "75", "60", "40"]
    data = scores_csv([(p.id_number, m) for p, m in zip(people, marks, strict=True)])
    assert exams.import_scores(session, "onsite_test", "s.csv", data, county, 10**6).applied == 5
    plan = exams.plan_advance(session, set_campaign(onsite_test={"advance": 2}), "onsite_test")
    # 75 and 75 tie: the earlier registration goes first, and exactly two advance.
    assert [c.id for c in plan.advancing] == [people[0].id, people[1].id]
    assert exams.apply_advance(session, plan, county) == 2
    moves = session.scalars(select(AuditLog).where(AuditLog.field == "stage")).all()
    assert {(m.before, m.after, m.user_id) for m in moves} == {("onsite_test", "round1", county.id)}
    assert people[2].stage == "onsite_test"


def test_online_exam_uses_the_pass_mark(session, campaign, make_township, make_candidate):
    town = make_township()
    a, b = make_candidate(town), make_candidate(town)
    a.online_exam_score, b.online_exam_score = 60, 59.5
    session.commit()
    plan = exams.plan_advance(session, campaign, "online_exam")
    assert [c.id for c in plan.advancing] == [a.id] and plan.rule == "pass_score:60"


def test_exam_pages_preview_and_apply(client, auth, make_user, make_township, make_candidate,
                                      session):
    town = make_township()
    cand = make_candidate(town)
    make_user("county", "county_staff")
    auth.login("county")
    page = client.get("/exams/online_exam")
    upload = {"file": (io.BytesIO(scores_csv([(cand.id_number, "77")])), "s.csv"),
              "csrf_token": csrf_from(page)}
    res = client.post("/exams/online_exam", data=upload, follow_redirects=True)
    assert "已导入 1 条成绩" in res.text and "77.0" in res.text
    preview = client.get("/exams/online_exam/advance")
    printed = re.search(r'name="fingerprint" value="([0-9a-f]{64})"', preview.text).group(1)
    assert client.post("/exams/online_exam/advance", data={"csrf_token": csrf_from(preview)},
                       follow_redirects=True).text.count("名单已变化") == 1  # no fingerprint
    res = client.post("/exams/online_exam/advance", data={
        "csrf_token": csrf_from(preview), "fingerprint": printed}, follow_redirects=True)
    assert "已有 1 人晋级" in res.text
    session.refresh(cand)
    assert cand.stage == "onsite_test"


def test_exam_page_shows_row_errors_in_chinese(client, auth, make_user, make_township):
    make_township()
    make_user("county", "county_staff")
    auth.login("county")
    page = client.get("/exams/online_exam")
    upload = {"file": (io.BytesIO(scores_csv([("110101199001010011", "70")])), "s.csv"),
              "csrf_token": csrf_from(page)}
    res = client.post("/exams/online_exam", data=upload)
    assert "找不到该考生" in res.text and "未导入任何数据" in res.text
