"""Registrations from the operator's recruitment site: mapped, merged by ID number, audited."""

import io
import json
import random
import re
from datetime import date

import pytest
from sqlalchemy import select

from grader.models import AuditLog, Candidate, ChannelRecord
from grader.services import outside_registrations as regs
from grader.services.demo import make_id
from grader.services.tables import TableError, write_csv, write_xlsx
from helpers import client_as, csrf_from

HEADERS = ["序号", "姓名", "身份证号码", "手机号", "乡镇", "学历", "备注"]
RNG = random.Random(11)


def person(name="李四", born=date(1991, 3, 2), phone="13912345678", town="城关镇", edu="高中"):
    return [name, make_id(RNG, born), phone, town, edu]


def export(rows, fmt="xlsx"):
    body = [[str(i + 1), *r, ""] for i, r in enumerate(rows)]
    return write_xlsx("报名", HEADERS, body) if fmt == "xlsx" else write_csv(HEADERS, body)


def test_common_chinese_headers_are_guessed():
    assert regs.guess_mapping(HEADERS) == {"姓名": "name", "身份证号码": "id_number",
                                           "手机号": "phone", "乡镇": "township",
                                           "学历": "education"}
    assert regs.guess_mapping(["手机", "联系电话"]) == {"手机": "phone"}  # one column a field


def plan_of(session, campaign, data, declared=True):
    mapping = regs.guess_mapping(HEADERS)
    return regs.plan_registrations(session, campaign, "e.xlsx", data, mapping, 10**6, declared)


def test_rows_are_new_merged_or_refused_with_the_reason(session, campaign, make_township,
                                                        make_candidate):
    town = make_township("城关镇")
    ours = make_candidate(town, phone="", email="a@b.cn", name="王五")
    fresh, young = person(), person(name="小孩", born=date(2010, 1, 1))
    merged = ["王五改", ours.id_number, "13700001111", "不存在镇", "本科"]
    bad_id = ["赵六", "110101199001010010", "13800000000", "城关镇", "高中"]
    nowhere = person(name="钱七", town="火星乡")
    data = export([fresh, merged, bad_id, nowhere, young, fresh])
    plan = plan_of(session, campaign, data)
    got = [(r.row, r.outcome, r.reasons) for r in plan.rows]
    assert got == [(2, "new", []), (3, "merged", []), (4, "refused", ["invalid_check_digit"]),
                   (5, "refused", ["unknown_township"]), (6, "new", ["age_under"]),
                   (7, "refused", ["duplicate_row"])]
    assert plan.rows[1].fills == {"phone": "+8613700001111"}  # our empty phone only
    done = regs.apply_registrations(session, campaign, plan, None)
    assert done.to_dict() == {"new": 2, "merged": 1, "refused": 3}
    session.commit()
    session.refresh(ours)
    assert (ours.name, ours.channel, ours.email, ours.phone, ours.education) == (
        "王五", "online", "a@b.cn", "+8613700001111", "high")  # ours kept, the gap filled
    new = session.scalar(select(Candidate).where(Candidate.id_number == fresh[1]))
    assert (new.channel, new.eligible, new.township_id, new.education) == (
        "operator", True, town.id, "high")
    assert new.user.check_password("") is False and new.user.must_change_password
    channels = session.execute(select(ChannelRecord.candidate_id, ChannelRecord.channel)).all()
    assert sorted(channels) == sorted([(ours.id, "operator"), (new.id, "operator"),
                                       (new.id + 1, "operator")])
    actions = session.scalars(select(AuditLog.action).where(
        AuditLog.action.in_(["import_registration", "merge_registration"]))).all()
    assert sorted(actions) == ["import_registration"] * 2 + ["merge_registration"] * 2


def test_the_same_export_twice_changes_nothing_more(session, campaign, make_township):
    make_township("城关镇")
    data = export([person()], "csv")
    regs.apply_registrations(session, campaign, plan_of(session, campaign, data), None)
    again = plan_of(session, campaign, data)
    assert [r.outcome for r in again.rows] == ["merged"] and again.rows[0].fills == {}
    before = len(session.scalars(select(AuditLog)).all())
    regs.apply_registrations(session, campaign, again, None)
    assert len(session.scalars(select(AuditLog)).all()) == before


def test_without_the_declarations_a_new_registration_is_ineligible(session, campaign,
                                                                   make_township):
    make_township("城关镇")
    plan = plan_of(session, campaign, export([person()]), declared=False)
    assert plan.rows[0].outcome == "new"
    assert all(r.startswith("declaration_missing:") for r in plan.rows[0].reasons)


def test_a_required_field_left_unmapped_refuses_the_file(session, campaign):
    with pytest.raises(TableError) as err:
        regs.plan_registrations(session, campaign, "e.xlsx", export([person()]),
                                {"姓名": "name", "身份证号码": "id_number"}, 10**6)
    assert err.value.code == "missing_column"


def test_the_cli_previews_then_applies_with_a_json_summary(tmp_path):
    from click.testing import CliRunner

    from grader import create_app, migrate
    from grader.cli import main
    from grader.db import session_scope
    from grader.models import Township

    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "STORAGE_DIR": str(tmp_path / "s"),
           "QUEUE_URL": f"sqlite:///{tmp_path / 'q.db'}"}
    cli_app = create_app({"DATABASE_URL": env["DATABASE_URL"], "STORAGE_DIR": env["STORAGE_DIR"],
                          "QUEUE_URL": env["QUEUE_URL"]})
    migrate.upgrade(cli_app.extensions["grader.engine"])
    with session_scope(cli_app) as s:
        s.add(Township(code="01", name="城关镇", target=5))
    path = tmp_path / "op.csv"
    headers = ["名字", "证件", "电话", "镇街", "文化"]
    path.write_bytes(write_csv(headers, [person(phone="13912340000")]))
    args = ["import", "registrations", str(path), "--map", "名字=name", "--map", "证件=id_number",
            "--map", "电话=phone", "--map", "镇街=township", "--map", "文化=education",
            "--declared", "--json"]
    runner = CliRunner()
    res = runner.invoke(main, args, env=env)
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert (out["applied"], out["new"], out["merged"], out["refused"]) == (False, 1, 0, 0)
    assert json.loads(runner.invoke(main, [*args, "--apply"], env=env).output)["new"] == 1
    again = json.loads(runner.invoke(main, [*args, "--apply"], env=env).output)
    assert (again["new"], again["merged"]) == (0, 1)
    bad = runner.invoke(main, ["import", "registrations", str(path), "--map", "名字=nom"], env=env)
    assert bad.exit_code == 2 and "must be one of" in bad.output


def test_the_page_maps_previews_and_imports(app, session, make_user, make_township):
    make_township("城关镇")
    make_user("county", "county_staff")
    client = client_as(app, "county")
    page = client.get("/outside/registrations")
    fresh = person()
    res = client.post("/outside/registrations", data={
        "file": (io.BytesIO(export([fresh, ["", "1", "", "", ""]])), "op.xlsx"),
        "csrf_token": csrf_from(page)})
    assert res.status_code == 200 and "第二步" in res.text
    selects = dict(re.findall(r'<select id="(col\d+)" name="\1">.*?<option selected value="(\w*)"',
                              res.text, re.S))
    assert selects == {"col0": "", "col1": "name", "col2": "id_number", "col3": "phone",
                       "col4": "township", "col5": "education", "col6": ""}
    upload_id = re.search(r'name="upload_id" type="hidden" value="(\d+)"', res.text).group(1)
    form = {"csrf_token": csrf_from(res), "upload_id": upload_id, "declared": "y", **selects}
    preview = client.post("/outside/registrations/preview", data=form)
    assert "新报名 1 人，与已有报名合并 0 人，不导入 1 行" in preview.text
    assert "身份证号应为18位" in preview.text
    assert session.scalar(select(Candidate.id).where(Candidate.id_number == fresh[1])) is None
    fields = dict(re.findall(r'id="(upload_id|fingerprint)" name="\1" type="hidden" value="(\w+)"',
                             preview.text))
    done = client.post("/outside/registrations/confirm", follow_redirects=True,
                       data={"csrf_token": csrf_from(preview), **fields})
    assert "已导入：新报名 1 人，合并 0 人，未导入 1 行" in done.text
    cand = session.scalar(select(Candidate).where(Candidate.id_number == fresh[1]))
    assert cand.channel == "operator" and cand.eligible


def test_the_detail_page_names_the_operator_channel_of_a_merged_registration(
        app, session, campaign, make_user, make_township, make_candidate):
    ours = make_candidate(make_township("城关镇"))
    make_user("county", "county_staff")
    row = ["王五", ours.id_number, "13700001111", "城关镇", "高中"]
    regs.apply_registrations(session, campaign, plan_of(session, campaign, export([row])), None)
    session.commit()
    page = client_as(app, "county").get(f"/candidates/{ours.id}").text
    assert "网上报名（另有：运营方网站报名）" in page
