"""The public announcement (公示): masked lists per published stage, objections, staff answers."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from helpers import csrf_from, ric_for
from grader.models import AuditLog, Objection, Ranking
from grader.services import exams, publicity
from grader.services.rounds import write_entries

NAMES = ("张伟", "欧阳", "李小龙", "司马相如")


def test_masks_follow_the_usual_form():
    assert [publicity.mask_name(n) for n in ("张伟", "张小伟", "欧阳小华", "王")] == [
        "张*", "张*伟", "欧**华", "王"]
    assert publicity.mask_public_id("522424199001011236") == "522424********1236"


@pytest.fixture
def published_round1(session, make_township, make_candidate):
    """Four candidates of two townships in a published round-1 ranking; the first three advance."""
    towns = [make_township("城关镇"), make_township("东山镇")]
    cands = [make_candidate(towns[i % 2], name=name, phone=f"1380013800{i}",
                            id_number=ric_for(date(1990, 1, 1 + i), f"5{i}1"))
             for i, name in enumerate(NAMES)]
    rows = [{"id": c.reg_no, "rank": i + 1, "score": 90.0 - i, "advance": i < 3}
            for i, c in enumerate(cands)]
    ranking = Ranking(round="1", status="published", policy={}, facts={}, result={"ranking": rows},
                      size=4, published_at=datetime.now(UTC) - timedelta(days=1))
    session.add(ranking)
    session.flush()
    write_entries(session, ranking, {c.reg_no: c.id for c in cands})
    session.commit()
    return towns, cands


def test_a_published_round_lists_those_advancing_masked(session, campaign, published_round1):
    towns, cands = published_round1
    notice = publicity.notice(session, campaign, "1")
    assert [(r.position, r.name, r.id_number, r.township, r.rank) for r in notice.rows] == [
        (1, "张*", cands[0].id_number[:6] + "********" + cands[0].id_number[-4:], "城关镇", 1),
        (2, "欧*", cands[1].id_number[:6] + "********" + cands[1].id_number[-4:], "东山镇", 2),
        (3, "李*龙", cands[2].id_number[:6] + "********" + cands[2].id_number[-4:], "城关镇", 3)]
    assert notice.ends_at - notice.published_at == timedelta(days=campaign.publicity.days)
    one_town = publicity.notice(session, campaign, "1", towns[0].id)
    assert [r.position for r in one_town.rows] == [1, 3]  # places on the whole list kept
    assert publicity.notice(session, campaign, "2") is None
    assert [s for s, *_ in publicity.announced(session, campaign)] == ["1"]


def test_the_onsite_test_lists_those_it_moved_on(session, campaign, set_campaign, make_township,
                                                 make_candidate, make_user):
    town, county = make_township(), make_user("county", "county_staff")
    cands = [make_candidate(town, name=n) for n in ("赵一", "钱二", "孙三")]
    for c, score in zip(cands, (70.0, 95.0, 80.0), strict=True):
        c.stage, c.onsite_test_score = "onsite_test", score
    session.commit()
    changed = set_campaign(onsite_test={"advance": 2})
    exams.apply_advance(session, exams.plan_advance(session, changed, "onsite_test"), county)
    notice = publicity.notice(session, changed, "onsite_test")
    assert [(r.name, r.score, r.rank) for r in notice.rows] == [("钱*", 95.0, 1), ("孙*", 80.0, 2)]


def test_an_objection_reaches_staff_and_its_answer_is_audited(session, campaign,
                                                              published_round1, make_user):
    _towns, cands = published_round1
    county = make_user("county", "county_staff")
    obj = publicity.file_objection(session, campaign, "1", 2, "王五", "13912345678",
                                   "此人不是本乡镇户籍")
    assert obj.candidate_id == cands[1].id and obj.phone == "+8613912345678"
    with pytest.raises(publicity.ObjectionError) as err:
        publicity.file_objection(session, campaign, "1", 4, "王五", "13912345678", "x")
    assert err.value.code == "objection_unknown_line"  # the fourth did not advance
    with pytest.raises(publicity.ObjectionError) as err:
        publicity.file_objection(session, campaign, "1", 1, "王五", "010-12345678", "x")
    assert err.value.code == "objection_phone"
    late = datetime.now(UTC) + timedelta(days=campaign.publicity.days)
    with pytest.raises(publicity.ObjectionError) as err:
        publicity.file_objection(session, campaign, "1", 1, "王五", "13912345678", "x", now=late)
    assert err.value.code == "objection_closed"
    with pytest.raises(publicity.ObjectionError):
        publicity.answer_objection(session, obj, county, True, "  ")
    publicity.answer_objection(session, obj, county, False, "经核实户籍在本乡镇")
    assert obj.status == "rejected"
    logged = session.execute(select(AuditLog.action, AuditLog.after, AuditLog.reason).where(
        AuditLog.entity_id == cands[1].id, AuditLog.action.like("objection%"))
        .order_by(AuditLog.id)).all()
    assert [tuple(r) for r in logged] == [("objection_filed", "open", None),
                                          ("objection_rejected", "rejected", "经核实户籍在本乡镇")]
    with pytest.raises(publicity.ObjectionError):
        publicity.answer_objection(session, obj, county, True, "再议")


FULL_ID = re.compile(r"\d{17}[\dXx]")


def test_the_public_page_shows_nothing_unmasked(client, session, published_round1):
    _towns, cands = published_round1
    page = client.get("/public/1")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert FULL_ID.search(html) is None
    for c in cands:
        assert c.id_number not in html and c.reg_no not in html
        assert c.phone[3:] not in html and c.phone[-8:] not in html
        assert c.name not in html  # every name here has two characters or more
    assert "张*" in html and "李*龙" in html and "欧*" in html
    assert client.get("/public/").status_code == 200
    assert client.get("/public/2").status_code == 404  # not published yet
    assert client.get("/public/nonsense").status_code == 404


def test_an_objection_through_the_public_form_lands_in_the_staff_queue(
        app, client, auth, session, published_round1, make_user):
    _towns, cands = published_round1
    page = client.get("/public/1")
    res = client.post("/public/1", data={"csrf_token": csrf_from(page), "position": "3",
                                         "name": "王五", "phone": "139 1234 5678",
                                         "text": "此人已在外地就业"}, follow_redirects=True)
    assert "异议已提交" in res.get_data(as_text=True)
    obj = session.scalar(select(Objection))
    assert (obj.candidate_id, obj.stage, obj.status) == (cands[2].id, "1", "open")
    make_user("county", "county_staff")
    auth.login("county")
    queue = client.get("/objections")
    assert "此人已在外地就业" in queue.get_data(as_text=True)
    res = client.post("/objections", data={"csrf_token": csrf_from(queue), "objection_id": obj.id,
                                           "upheld": "1", "answer": "属实，取消资格"},
                      follow_redirects=True)
    assert "已答复异议" in res.get_data(as_text=True)
    session.refresh(obj)
    assert obj.status == "upheld" and obj.answer == "属实，取消资格"


def test_objections_are_throttled_per_address(app, client, session, published_round1):
    app.config.update(LOGIN_LIMIT_ENABLED=True, OBJECTION_LIMIT="2 per hour",
                      RATELIMIT_STORAGE_URI="memory://")
    codes = []
    for _ in range(3):
        token = csrf_from(client.get("/public/1"))
        codes.append(client.post("/public/1", data={
            "csrf_token": token, "position": "1", "name": "王五", "phone": "13912345678",
            "text": "重复提交"}, environ_base={"REMOTE_ADDR": "10.9.8.7"}).status_code)
    assert codes == [302, 302, 429]
    assert len(session.scalars(select(Objection)).all()) == 2


@pytest.fixture(params=["sqlite", "postgresql"])
def db_at_0010(request, tmp_path):
    """A database migrated to 0010 only; dropped afterwards."""
    from helpers import database_at

    with database_at(request.param, tmp_path, "0010") as eng:
        yield eng


def test_migration_0014_adds_objections_and_held_ids_and_goes_back(db_at_0010):
    import sqlalchemy as sa

    from grader import migrate

    with db_at_0010.begin() as conn:
        conn.execute(sa.text("INSERT INTO township (id, code, name, target) VALUES (1, 'T', '镇', 1)"))
        conn.execute(sa.text(
            "INSERT INTO candidate (id, reg_no, township_id, name, id_number, sex, birthdate, "
            "education, channel, declarations, eligible, eligibility_reasons, stage, "
            "registered_at) VALUES (1, 'R1', 1, '张三', '110101199001010011', 'M', '1990-01-01', "
            "'high', 'online', '{}', true, '[]', 'round1', '2016-05-05 00:00:00')"))
    migrate.upgrade(db_at_0010, "0014")
    with db_at_0010.begin() as conn:
        assert conn.execute(sa.text("SELECT id_pending FROM candidate")).scalar() in (False, 0)
        conn.execute(sa.text(
            "INSERT INTO objection (stage, candidate_id, name, phone, text, status, created_at) "
            "VALUES ('1', 1, '王五', '+8613912345678', '异议', 'open', '2016-06-01 00:00:00')"))
    with pytest.raises(sa.exc.IntegrityError), db_at_0010.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO objection (stage, candidate_id, name, phone, text, status, created_at) "
            "VALUES ('round9', 1, '王五', '+8613912345678', '异议', 'open', '2016-06-01')"))
    migrate.downgrade(db_at_0010, "0010")
    names = sa.inspect(db_at_0010)
    assert "objection" not in names.get_table_names()
    assert "id_pending" not in {c["name"] for c in names.get_columns("candidate")}
