"""The list pages read what they show: one candidate's ranking rows, no ranking bodies, the
review queue and the audit log by keyset through their indexes, the surveys report a page at
a time; migration 0007 carries published rankings' rows over from their JSON."""

import re
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy import event, select

from grader import migrate
from grader.models import AuditLog, EvidenceItem, RankingEntry
from grader.services import call_reports, rankings, review_queue, survey_forms
from helpers import client_as, database_at

AT = datetime(2016, 6, 3, 2, 0, tzinfo=UTC)


@pytest.fixture
def statements(engine):
    """Record the SQL the engine runs inside `with statements as seen:` (a list of strings)."""

    class Recorder(list):
        def _add(self, _conn, _cursor, sql, params, *_rest):
            self.append(sql)
            self.params.append(params)

        params: list = []

        def __enter__(self):
            self.clear()
            self.params = []
            event.listen(engine, "before_cursor_execute", self._add)
            return self

        def __exit__(self, *_exc):
            event.remove(engine, "before_cursor_execute", self._add)

    return Recorder()


@pytest.fixture
def published(session, campaign, make_township, make_candidate, make_user):
    """Three round-1 candidates (accounts with known passwords) in a published ranking."""
    town = make_township()
    cands = [make_candidate(town, name=n, password="secret123") for n in ("甲", "乙", "丙")]
    for cand in cands:
        cand.stage = "round1"
    county = make_user("county", "county_staff")
    session.commit()
    ranking = rankings.preview(session, campaign, "1", county)
    rankings.publish(session, ranking, county)
    session.commit()
    return ranking, cands


def test_publishing_keeps_a_row_per_candidate(session, published):
    ranking, cands = published
    rows = session.scalars(select(RankingEntry).where(RankingEntry.ranking_id == ranking.id)
                           .order_by(RankingEntry.rank)).all()
    assert ranking.size == 3 and len(rows) == 3
    assert {r.candidate_id for r in rows} == {c.id for c in cands}
    by_reg = {r["id"]: r for r in ranking.result["ranking"]}  # the JSON stays the record
    for row in rows:
        assert row.row == by_reg[row.row["id"]] and row.rank == row.row["rank"]


def test_results_read_the_candidates_row_not_the_ranking_json(app, session, published,
                                                              statements):
    ranking, cands = published
    client = client_as(app, cands[1].id_number)
    session.expunge_all()
    with statements as seen:
        page = client.get("/me/results")
    assert page.status_code == 200
    mine = next(r for r in ranking.result["ranking"] if r["id"] == cands[1].reg_no)
    assert f"<strong>{mine['rank']}</strong> / 3" in page.text
    assert mine["explain"][0]["zh"] in re.sub("</?var>", "", page.text)  # symbols are <var>s
    assert not [s for s in seen if "ranking.result" in s], "the page read whole rankings"


def test_the_ranking_list_reads_no_result_bodies(app, session, published, statements):
    ranking, _cands = published
    client = client_as(app, "county")
    session.expunge_all()
    with statements as seen:
        page = client.get("/rankings/")
    assert page.status_code == 200 and "<td>3</td>" in page.text
    assert not [s for s in seen if re.search(r"ranking\.(result|facts|policy)", s)]


def skipped(seen) -> list:
    """Return the statements that skipped rows by a non-zero OFFSET (SQLite writes OFFSET 0)."""
    return [s for s, p in zip(seen, seen.params, strict=True) if "OFFSET" in s.upper()
            and (not isinstance(p, tuple) or p[-1] != 0)]


def _shots(session, cand, n: int, status: str = "review") -> list[int]:
    items = [EvidenceItem(candidate_id=cand.id, task="wechat_share", filename=f"{i}.png",
                          sha256=f"{cand.id:08d}{i:056d}", size=1, mime="image/png",
                          storage_key="k", status=status, machine_verdict=status, reasons=[],
                          detail={}) for i in range(n)]
    session.add_all(items)
    session.commit()
    return [i.id for i in items]


def test_review_queue_pages_by_keyset_with_filters_kept(app, session, make_township,
                                                        make_candidate, make_user, statements):
    cand = make_candidate(make_township())
    make_user("county", "county_staff")
    ids = _shots(session, cand, 65)
    _shots(session, make_candidate(make_township("东山镇"), phone="13900000000"), 5, "accept")
    client = client_as(app, "county")
    first = client.get("/evidence/review?task=wechat_share")
    nxt = re.search(r'href="([^"]+)" rel="next"', first.text).group(1).replace("&amp;", "&")
    assert f"after={ids[29]}" in nxt and "task=wechat_share" in nxt and "page=2" in nxt
    with statements as seen:
        second = client.get(nxt)
    assert re.findall(r'id="item-(\d+)"', second.text) == [str(i) for i in ids[30:60]]
    assert "第 2 / 3 页" in second.text
    assert not skipped(seen), "a deep page skipped rows by OFFSET"
    prev = re.search(r'href="([^"]+)" rel="prev"', second.text).group(1).replace("&amp;", "&")
    assert f"before={ids[30]}" in prev
    assert re.findall(r'id="item-(\d+)"', client.get(prev).text) == [str(i) for i in ids[:30]]
    third = client.get(re.search(r'href="([^"]+)" rel="next"', second.text).group(1)
                       .replace("&amp;", "&"))
    assert re.findall(r'id="item-(\d+)"', third.text) == [str(i) for i in ids[60:]]
    assert 'rel="next"' not in third.text


def _plan(session, sql) -> str:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":  # on a few rows a plain scan wins; ask which index it can use
        session.execute(sa.text("SET LOCAL enable_seqscan = off"))
        session.execute(sa.text("SET LOCAL enable_sort = off"))
        return "\n".join(r[0] for r in session.execute(sa.text(f"EXPLAIN {sql}")))
    return "\n".join(str(r[-1]) for r in session.execute(sa.text(f"EXPLAIN QUERY PLAN {sql}")))


def test_the_queue_and_a_candidates_items_have_their_indexes(session):
    queue, order = review_queue._queue_query(review_queue.QueueFilter(), after=0)
    queue = queue.order_by(*order).limit(30)
    sql = str(queue.compile(session.get_bind(), compile_kwargs={"literal_binds": True}))
    plan = _plan(session, sql)
    if session.get_bind().dialect.name == "sqlite":
        # SQLite's index on status alone holds the rowid too: either serves (status, id > ?)
        assert re.search(r"USING INDEX ix_evidence_item_status(_id)? \(status=\? AND "
                         r"(id|rowid)>\?( AND (id|rowid)<\?)?\)", plan), plan
    else:
        assert "ix_evidence_item_status_id" in plan
    names = {i["name"] for i in sa.inspect(session.connection()).get_indexes("evidence_item")}
    assert "ix_evidence_item_candidate_task_id" in names
    assert "ix_candidate_user_id" in {
        i["name"] for i in sa.inspect(session.connection()).get_indexes("candidate")}


def test_the_surveys_report_pages_by_keyset(app, session, campaign, make_township,
                                            make_candidate, make_user, monkeypatch):
    monkeypatch.setattr(call_reports, "PAGE", 2)
    make_user("county", "county_staff")
    town = make_township()
    made = []
    for i in range(5):
        cand = make_candidate(town, name=f"人{i}", phone=f"1380000{i:04d}")
        cand.stage = "round1"
        survey_forms.save_form(session, campaign, cand, {
            "name": "王大", "phone": f"139{cand.id:04d}0001", "village": "王庄村",
            "household_size": "4", "shops_online": "是", "surveyed_at": "2016-05-26"}, None)
        made.append(cand)
    session.commit()
    client = client_as(app, "county")
    seen, url = [], "/surveys/"
    while url:
        page = client.get(url).text
        seen.append([c.reg_no for c in made if c.reg_no in page])
        found = re.search(r'href="([^"]+)" rel="next"', page)
        url = found.group(1).replace("&amp;", "&") if found else None
    assert seen == [[c.reg_no for c in made[k:k + 2]] for k in (0, 2, 4)]
    only = client.get(f"/surveys/?q={made[3].name}").text
    assert made[3].reg_no in only and made[2].reg_no not in only


def test_the_audit_log_pages_by_keyset(app, session, make_user, statements):
    actor = make_user("county", "county_staff")
    session.add_all(AuditLog(user_id=actor.id, action="test", entity="candidate", entity_id=i,
                             field=f"f{i}") for i in range(150))
    session.commit()
    client = client_as(app, "county")
    first = client.get("/audit").text
    older = re.search(r'href="([^"]+)" rel="next"', first).group(1)
    with statements as seen:
        second = client.get(older).text
    newest_first = session.scalars(select(AuditLog.field).order_by(AuditLog.id.desc())).all()
    assert f"<td>{newest_first[99]}</td>" in first
    assert f"<td>{newest_first[99]}</td>" not in second
    made_here = [f for f in newest_first[100:200] if f.startswith("f")]  # others are said in words
    assert made_here and all(f"<td>{f}</td>" in second for f in made_here)
    assert not skipped(seen)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_at_0006(request, tmp_path):
    """A database migrated to 0006 only; dropped afterwards."""
    with database_at(request.param, tmp_path, "0006") as eng:
        yield eng


def _insert(conn, table: str, **values) -> None:
    tab = sa.Table(table, sa.MetaData(), autoload_with=conn)
    conn.execute(tab.insert().values(**values))


def test_migration_0007_carries_published_rankings_over(db_at_0006):
    rows = [{"id": f"R{i}", "rank": i, "score": 90.0 - i, "advance": i == 1,
             "explain": [{"zh": f"第{i}名", "en": f"rank {i}"}]} for i in (1, 2)]
    with db_at_0006.begin() as conn:
        _insert(conn, "township", id=1, code="T1", name="城关镇", target=5)
        for cid in (1, 2):
            _insert(conn, "candidate", id=cid, reg_no=f"R{cid}", township_id=1, name="张",
                    id_number=f"11010119900101{cid:04d}", sex="M", birthdate=date(1990, 1, 1),
                    education="high", channel="online", declarations={}, eligible=True,
                    eligibility_reasons=[], stage="round2", registered_at=AT)
        for rid, status in ((1, "amended"), (2, "published"), (3, "draft")):
            _insert(conn, "ranking", id=rid, round="1", status=status, policy={}, facts={},
                    result={"ranking": rows}, warnings=[], created_at=AT)
    migrate.upgrade(db_at_0006)
    with db_at_0006.connect() as conn:
        sizes = conn.execute(sa.text("SELECT id, size FROM ranking ORDER BY id")).all()
        entries = conn.execute(sa.text("SELECT ranking_id, candidate_id, rank, advance "
                                       "FROM ranking_entry ORDER BY ranking_id, rank")).all()
    assert [tuple(r) for r in sizes] == [(1, 2), (2, 2), (3, 2)]
    assert [tuple(r) for r in entries] == [(1, 1, 1, True), (1, 2, 2, False),
                                           (2, 1, 1, True), (2, 2, 2, False)]
    migrate.downgrade(db_at_0006, "0006")
    with db_at_0006.connect() as conn:
        assert "ranking_entry" not in sa.inspect(conn).get_table_names()
