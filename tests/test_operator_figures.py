"""The operator's daily export: figures of record, used by round 2, differences flagged."""

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from grader.models import AuditLog, OperatorFigure
from grader.services import operator_figures as figs
from grader.services import rankings, trial
from grader.services.tables import TableError, write_csv
from helpers import client_as, csrf_from
from scoring import rank_facts

START = datetime(2016, 6, 1, 16, 0, tzinfo=UTC)  # day 1 of the 2016 trial, Shanghai midnight
HEADERS = ["身份证号", "日期", "订单数", "销售额（元）", "服务村民数", "APP激活数"]


@pytest.fixture
def pair(session, make_township, make_candidate):
    """Two candidates in round 2."""
    town = make_township()
    people = [make_candidate(town, name="甲"), make_candidate(town, name="乙")]
    for p in people:
        p.stage = "round2"
    session.commit()
    return people


def report(session, campaign, cand, day, orders, sales, served=5, apps=1):
    trial.file_report(session, campaign, cand, day, "日报", trial.Figures(orders, sales, served, apps),
                      now=START + timedelta(days=day - 1, hours=20))


def export(rows):
    return write_csv(HEADERS, [list(r) for r in rows])


def test_rows_are_checked_and_the_good_ones_stored(session, campaign, pair, make_candidate):
    a, b = pair
    outsider = make_candidate(a.township)
    data = export([(a.id_number, "2016-06-02", 3, 100.5, 5, 1), (b.id_number, "2016/06/03", 1, 0, 2, 0),
                   (outsider.id_number, "2016-06-02", 1, 1, 1, 1), (a.id_number, "2016-06-20", 1, 1, 1, 1),
                   (a.id_number, "2016-06-02", 1, 1, 1, 1), (b.id_number, "2016-06-04", 1.5, 1, 1, 1)])
    found = figs.check_figures(session, campaign, "d.csv", data, 10**6)
    assert [(n, c.id, d) for n, c, d, _ in found.good] == [(2, a.id, 1), (3, b.id, 2)]
    assert [(e.row, e.code) for e in found.refused] == [
        (4, "not_in_trial"), (5, "bad_trial_day"), (6, "duplicate_row"), (7, "bad_figure")]
    result = figs.import_figures(session, campaign, "d.csv", data, None, 10**6, found.fingerprint())
    assert (result.applied, len(result.errors)) == (2, 4)
    stored = session.scalars(select(OperatorFigure).order_by(OperatorFigure.candidate_id)).all()
    assert [(f.candidate_id, f.day, f.orders, f.sales_yuan) for f in stored] == [
        (a.id, 1, 3, 100.5), (b.id, 2, 1, 0.0)]


def test_a_later_export_replaces_a_day_and_audits_the_change(session, campaign, pair):
    a, _ = pair
    figs.import_figures(session, campaign, "d1.csv", export([(a.id_number, "2016-06-02", 3, 10, 5, 1)]),
                        None, 10**6)
    figs.import_figures(session, campaign, "d2.csv", export([(a.id_number, "2016-06-02", 4, 10, 5, 1)]),
                        None, 10**6)
    assert session.scalar(select(OperatorFigure.orders)) == 4
    changes = session.execute(select(AuditLog.field, AuditLog.before, AuditLog.after).where(
        AuditLog.action == "import_operator_figures")).all()
    assert ("orders", 3, 4) in changes and len(changes) == 2


def test_a_day_number_column_and_a_malformed_file(session, campaign, pair):
    a, _ = pair
    data = write_csv(["报名编号", "第几天", "订单数"], [[a.reg_no, "7", "2"], [a.reg_no, "8", "2"]])
    found = figs.check_figures(session, campaign, "d.csv", data, 10**6)
    assert [(d, f["orders"], f["sales_yuan"]) for _, _, d, f in found.good] == [(7, 2, 0.0)]
    assert [e.code for e in found.refused] == ["bad_trial_day"]
    with pytest.raises(TableError) as err:
        figs.check_figures(session, campaign, "d.csv", write_csv(["姓名", "订单数"], [["x", "1"]]),
                           10**6)
    assert err.value.code == "missing_column"


def test_round2_uses_the_record_where_present_and_keeps_the_self_reported(session, campaign,
                                                                          pair):
    a, b = pair
    for day in (1, 2):
        report(session, campaign, a, day, 10, 500)  # a claims 20 orders, 1000 yuan
        report(session, campaign, b, day, 4, 300)
    figs.import_figures(session, campaign, "d.csv", export([(a.id_number, "2016-06-02", 1, 50, 5, 1)]),
                        None, 10**6)
    facts, _ = rankings.round2_facts(session, campaign)
    rows = {r["id"]: r for r in facts["candidates"]}
    assert rows[a.reg_no]["metrics"] == {"orders": 11, "sales_yuan": 550.0, "villagers_served": 10,
                                         "app_activations": 2}  # day 1 of record, day 2 reported
    assert rows[a.reg_no]["self_reported"]["orders"] == 20
    assert rows[a.reg_no]["days_of_record"] == [1]
    assert rows[b.reg_no]["metrics"]["orders"] == 8


def test_a_published_ranking_recomputes_exactly_after_later_figures(session, campaign, pair,
                                                                    make_user):
    a, b = pair
    county = make_user("county", "county_staff")
    report(session, campaign, a, 1, 10, 500)
    report(session, campaign, b, 1, 4, 300)
    draft = rankings.preview(session, campaign, "2", county)
    assert [r["id"] for r in draft.result["ranking"]][0] == a.reg_no
    rankings.publish(session, draft, county)
    with pytest.raises(figs.FigureError) as err:  # round 2 is closed: its facts are frozen
        figs.import_figures(session, campaign, "d.csv",
                            export([(a.id_number, "2016-06-02", 0, 0, 0, 0)]), None, 10**6)
    assert err.value.code == "round_closed"
    assert rank_facts(draft.facts)["ranking"] == draft.result["ranking"]


def test_the_record_changes_who_ranks_first(session, campaign, pair, make_user):
    a, b = pair
    county = make_user("county", "county_staff")
    for cand, orders in ((a, 10), (b, 4)):
        report(session, campaign, cand, 1, orders, 300)
    before = rankings.preview(session, campaign, "2", county)
    figs.import_figures(session, campaign, "d.csv", export([(a.id_number, "2016-06-02", 1, 300, 5, 1)]),
                        None, 10**6)
    after = rankings.preview(session, campaign, "2", county)
    assert before.result["ranking"][0]["id"] == a.reg_no
    assert after.result["ranking"][0]["id"] == b.reg_no
    assert rank_facts(before.facts)["ranking"] == before.result["ranking"]  # each keeps its facts


def test_differences_above_the_tolerance_are_listed(session, set_campaign, pair):
    campaign = set_campaign(round2={"figure_check": {"relative": 0.1, "absolute": 1.0}})
    a, b = pair
    report(session, campaign, a, 1, 10, 500)   # record 8 orders: 2 off, more than 1 and 0.8
    report(session, campaign, b, 1, 4, 300)    # record 3 orders: 1 off, not more than 1
    report(session, campaign, a, 2, 5, 105)    # record 100 yuan: 5 off, not more than 10
    figs.import_figures(session, campaign, "d.csv", export([
        (a.id_number, "2016-06-02", 8, 500, 5, 1), (b.id_number, "2016-06-02", 3, 300, 5, 1),
        (a.id_number, "2016-06-03", 5, 100, 5, 1)]), None, 10**6)
    found = [(d.candidate.id, d.day, d.figure, d.reported, d.record)
             for d in figs.differences(session, campaign)]
    assert found == [(a.id, 1, "orders", 10, 8)]
    tight = set_campaign(round2={"figure_check": {"relative": 0.0, "absolute": 0.5}})
    assert len(figs.differences(session, tight)) == 3


def test_the_pages_preview_import_and_list_differences(app, session, campaign, pair, make_user):
    a, _ = pair
    make_user("county", "county_staff")
    report(session, campaign, a, 1, 10, 500)
    client = client_as(app, "county")
    page = client.get("/outside/figures")
    data = export([(a.id_number, "2016-06-02", 2, 500, 5, 1), ("110101199001010011", "1", 1, 1, 1, 1)])
    res = client.post("/outside/figures", data={"file": (io.BytesIO(data), "d.csv"),
                                                "csrf_token": csrf_from(page)})
    assert "可导入 1 行，不导入 1 行" in res.text and "找不到该考生" in res.text
    fields = dict(re.findall(r'id="(upload_id|fingerprint)" name="\1" type="hidden" value="(\w+)"',
                             res.text))
    done = client.post("/outside/figures/confirm", follow_redirects=True,
                       data={"csrf_token": csrf_from(res), **fields})
    assert "已导入 1 行运营方数据，1 行未导入" in done.text
    assert "共 1 处差异" in done.text and a.reg_no in done.text


def test_the_cli_previews_and_applies_figures(tmp_path):
    import json

    from click.testing import CliRunner

    from grader import create_app, migrate
    from grader.cli import main
    from grader.db import session_scope
    from grader.models import Candidate, Township

    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "STORAGE_DIR": str(tmp_path / "s"),
           "QUEUE_URL": f"sqlite:///{tmp_path / 'q.db'}"}
    cli_app = create_app(env)
    migrate.upgrade(cli_app.extensions["grader.engine"])
    with session_scope(cli_app) as s:
        town = Township(code="01", name="城关镇", target=5)
        s.add(town)
        s.flush()
        s.add(Candidate(reg_no="201600001", township_id=town.id, name="甲",
                        id_number="140121199203150017", sex="M", birthdate=datetime(1992, 3, 15).date(),
                        education="high", channel="online", stage="round2", eligible=True))
    path = tmp_path / "d.csv"
    path.write_bytes(export([("140121199203150017", "2016-06-02", 3, 9.5, 2, 1),
                             ("140121199203150017", "2016-07-02", 3, 9.5, 2, 1)]))
    runner = CliRunner()
    dry = json.loads(runner.invoke(main, ["import", "figures", str(path), "--json"], env=env).output)
    assert (dry["applied"], dry["rows_of_record"], dry["rows"]) == (
        False, 1, [{"row": 3, "outcome": "refused", "reasons": ["bad_trial_day"]}])
    res = runner.invoke(main, ["import", "figures", str(path), "--apply", "--json"], env=env)
    assert json.loads(res.output)["rows_of_record"] == 1
    with session_scope(cli_app) as s:
        assert s.scalar(select(OperatorFigure.sales_yuan)) == 9.5
