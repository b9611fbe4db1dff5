"""Quota import, statistics export, exam imports and advancing the best N."""

import io
import re

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

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


def test_exam_import_refuses_bad_rows_and_applies_the_rest(session, make_township,
                                                            make_candidate):
    town = make_township()
    a, b = make_candidate(town), make_candidate(town)
    data = scores_csv([(a.id_number, "88"), ("110101199001010011", "70"), (b.id_number, "101"),
                       (a.id_number, "90")])
    result = exams.import_scores(session, "online_exam", "s.csv", data, None, 10**6)
    assert result.applied == 1
    assert [(e.row, e.code) for e in result.errors] == [
        (3, "unknown_candidate"), (4, "bad_score"), (5, "duplicate_row")]
    session.refresh(a)
    session.refresh(b)
    assert (a.online_exam_score, b.online_exam_score) == (88, None)


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
    res = client.post("/exams/online_exam", data=upload)
    assert "可导入 1 行，不导入 0 行" in res.text
    session.refresh(cand)
    assert cand.online_exam_score is None  # the preview imports nothing
    res = client.post("/exams/online_exam/confirm", follow_redirects=True,
                      data={"csrf_token": csrf_from(res), **hidden_fields(res.text)})
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
    assert "找不到该考生" in res.text and "可导入 0 行，不导入 1 行" in res.text


def quota(*rows):
    return write_csv(["乡镇编码", "乡镇", "报名目标"], [list(r) for r in rows])


def town_count(session):
    return session.scalar(select(func.count()).select_from(Township))


def county_page(client, auth, make_user, path):
    make_user("county", "county_staff")
    auth.login("county")
    return client.get(path)


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


def test_names_and_codes_longer_than_the_columns_are_row_errors(session):
    result = import_townships(session, "q.csv", quota(("0" * 33, "镇" * 65, "1")), 10**6)
    assert [(e.column, e.code) for e in result.errors] == [("name", "too_long"),
                                                          ("code", "too_long")]


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


def hidden_fields(page: str) -> dict:
    """Return the upload id and fingerprint a preview's confirmation form carries."""
    found = dict(re.findall(r'id="(upload_id|fingerprint)" name="\1" type="hidden" value="(\w+)"',
                            page))
    assert set(found) == {"upload_id", "fingerprint"}, "no confirmation form in the preview"
    return found


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
