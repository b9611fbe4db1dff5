"""Station sites per township and the allocation of partners at signing: pages, audit, export."""

import io
from datetime import date

import openpyxl
import pytest
from sqlalchemy import select

from helpers import client_as, csrf_from
from grader.models import (AuditLog, Ranking, RankingEntry, Signing, StationAllocation,
                           StationSite)
from grader.services import stations


@pytest.fixture
def county_world(session, make_township, make_candidate, make_user):
    """Three townships; five selected partners ranked 1..5; county and township staff."""
    east, west, north = (make_township(n) for n in ("东镇", "西镇", "北镇"))
    make_user("county", "county_staff")
    make_user("town", "township_staff", east)
    people = [make_candidate(t, name=f"人{i}", phone=f"1380013{i:04d}")
              for i, t in enumerate((east, east, east, west, north), 1)]
    ranking = Ranking(round="interview", status="published", policy={}, facts={}, result={})
    session.add(ranking)
    session.flush()
    answers = (False, True, None, True, False)
    for rank, (cand, accepts) in enumerate(zip(people, answers, strict=True), 1):
        cand.stage = "selected"
        session.add(RankingEntry(ranking_id=ranking.id, candidate_id=cand.id, rank=rank,
                                 score=90 - rank, advance=True, row={}))
        session.add(Signing(candidate_id=cand.id, accepts_reassignment=accepts))
    session.commit()
    return {"east": east, "west": west, "north": north}, people


def post(client, url, page_url, **data):
    token = csrf_from(client.get(page_url))
    return client.post(url, data={"csrf_token": token, **data})


def test_township_staff_enter_their_own_sites_and_county_staff_all(app, session, county_world):
    towns, _people = county_world
    town = client_as(app, "town")
    res = post(town, f"/stations/{towns['east'].id}/sites", "/stations/", name="东镇一站",
               address="东镇街上", slots="1")
    assert res.status_code == 302
    assert post(town, f"/stations/{towns['west'].id}/sites", "/stations/",
                slots="1").status_code == 403
    page = town.get("/stations/").get_data(as_text=True)
    assert "东镇一站" in page and "西镇" not in page
    county = client_as(app, "county")
    post(county, f"/stations/{towns['west'].id}/sites", "/stations/", slots="2")
    assert post(county, f"/stations/{towns['north'].id}/sites", "/stations/",
                slots="0").status_code == 302  # refused by the form: nothing added
    sites = session.scalars(select(StationSite).order_by(StationSite.id)).all()
    assert [(s.township_id, s.slots) for s in sites] == [(towns["east"].id, 1),
                                                         (towns["west"].id, 2)]
    logged = session.scalars(select(AuditLog).where(AuditLog.action == "add_station_site")).all()
    assert [(a.entity_id, a.before, a.after) for a in logged] == [
        (towns["east"].id, 0, 1), (towns["west"].id, 0, 2)]
    res = post(county, f"/stations/{towns['west'].id}/seat", "/stations/", lat="27.46",
               lng="106.22")
    assert session.get(type(towns["west"]), towns["west"].id).lat == pytest.approx(27.46)


def test_the_preview_is_confirmed_as_shown_and_redone_only_with_a_new_preview(
        app, session, campaign, county_world):
    towns, people = county_world
    session.add_all([StationSite(township_id=towns["east"].id, name="东一", slots=1),
                     StationSite(township_id=towns["west"].id, name="西一", slots=2),
                     StationSite(township_id=towns["north"].id, name="北一", slots=1)])
    session.commit()
    county = client_as(app, "county")
    page = county.get("/stations/allocation")
    text = page.get_data(as_text=True)
    # east: 人1 (refuses) takes 东一; 人2 accepts and goes to 西一's spare slot; 人3 never
    # answered: unplaced; 人4 in 西一; 人5 in 北一
    assert "3 人在本乡镇，1 人调剂，1 人未安排" in text
    assert "未登记是否服从调剂" in text
    res = county.post("/stations/allocation", data={"csrf_token": csrf_from(page),
                                                    "fingerprint": "stale"})
    assert session.scalars(select(StationAllocation)).all() == []  # a changed preview: nothing
    page = county.get("/stations/allocation")
    fingerprint = page.get_data(as_text=True).split('name="fingerprint" value="')[1][:64]
    res = county.post("/stations/allocation", data={"csrf_token": csrf_from(page),
                                                    "fingerprint": fingerprint})
    assert res.status_code == 302
    stored = {a.candidate_id: (a.outcome, a.reason) for a in
              session.scalars(select(StationAllocation))}
    assert stored == {people[0].id: ("own", ""), people[1].id: ("reassigned", ""),
                      people[2].id: ("unplaced", "not_asked"), people[3].id: ("own", ""),
                      people[4].id: ("own", "")}
    signing = session.scalar(select(Signing).where(Signing.candidate_id == people[1].id))
    assert signing.site == "西一"
    first = session.scalars(select(AuditLog).where(AuditLog.action == "allocate_station")).all()
    assert len(first) == 5 and {a.before for a in first} == {None}
    # a site the allocation uses cannot go; a new slot changes the preview
    site = session.scalar(select(StationSite).where(StationSite.name == "东一"))
    with pytest.raises(stations.StationError, match="allocated"):
        stations.remove_site(session, None, site)
    session.add(StationSite(township_id=towns["east"].id, name="东二", slots=1))
    session.commit()
    again = stations.preview(session, campaign)
    assert again.count("reassigned") == 0  # 人2 now has a slot at home; 人3 is still left
    assert again.count("unplaced") == 1
    with pytest.raises(stations.StationError, match="changed"):
        stations.confirm(session, campaign, people[0].user, fingerprint, date(2016, 6, 14))
    county_user = session.scalar(select(type(people[0].user)).where(
        type(people[0].user).username == "county"))
    stations.confirm(session, campaign, county_user, again.fingerprint, date(2016, 6, 14))
    changed = session.scalars(select(AuditLog).where(AuditLog.action == "allocate_station",
                                                     AuditLog.entity_id == people[1].id)).all()
    assert [(a.before and a.before.split(":")[0], a.after.split(":")[0]) for a in changed] == [
        (None, "reassigned"), ("reassigned", "own")]


def test_confirming_needs_signing_open(session, campaign, set_campaign, county_world):
    _towns, people = county_world
    alloc = stations.preview(session, campaign)
    strict = set_campaign(enforce_windows=True)
    assert stations.signing_open(session, strict, date(2016, 6, 16))
    with pytest.raises(stations.StationError, match="only while signing"):
        stations.confirm(session, strict, people[0].user, alloc.fingerprint, date(2016, 6, 17))
    session.execute(Ranking.__table__.update().values(status="draft"))
    assert not stations.signing_open(session, campaign, date(2016, 6, 14))


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_outcome_table_is_exported(app, session, county_world, fmt):
    towns, _people = county_world
    session.add_all([StationSite(township_id=towns["east"].id, slots=1),
                     StationSite(township_id=towns["west"].id, slots=3)])
    session.commit()
    res = client_as(app, "county").get(f"/stations/outcome.{fmt}")
    assert res.status_code == 200
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(res.data)).active
        rows = [[c.value for c in r] for r in sheet.iter_rows()]
    else:
        rows = [line.split(",") for line in res.data.decode("utf-8-sig").splitlines()]
    assert rows[0] == ["乡镇/街道", "名额", "本乡镇合伙人", "调剂调入", "调剂调出",
                       "未安排（不服从调剂等）", "空缺"]
    table = {r[0]: [int(v) for v in r[1:]] for r in rows[1:]}
    # east: 1 slot for 人1; 人2 reassigned to west, 人3 unplaced; west: 人4 and 人2, 1 empty;
    # north: no slot, 人5 refuses: unplaced
    assert table["东镇"] == [1, 1, 0, 1, 1, 0]
    assert table["西镇"] == [3, 1, 1, 0, 0, 1]
    assert table["北镇"] == [0, 0, 0, 0, 1, 0]
    assert table["合计"] == [4, 2, 1, 1, 2, 1]


def test_a_refuser_without_a_slot_leaves_and_the_next_is_offered(session, campaign, county_world,
                                                                 make_candidate):
    """人5 refuses reassignment and 北镇 has no slot: confirming withdraws 人5 (no station) and
    offers the place to the next of the interview ranking; 人3, never asked, only waits."""
    from grader.models import ReplacementOffer, User, Withdrawal

    towns, people = county_world
    ranking = session.scalar(select(Ranking))
    sixth = make_candidate(towns["west"], name="人6", phone="13800139006")
    sixth.stage = "interview"
    session.add(RankingEntry(ranking_id=ranking.id, candidate_id=sixth.id, rank=6, score=80,
                             advance=False, row={}))
    session.add_all([StationSite(township_id=towns["east"].id, slots=1),
                     StationSite(township_id=towns["west"].id, slots=2)])
    session.commit()
    county = session.scalar(select(User).where(User.username == "county"))
    shown = stations.preview(session, campaign)
    assert [c.name for c in stations.refusers(shown)] == ["人5"]
    done = stations.confirm(session, campaign, county, shown.fingerprint, date(2016, 6, 14))
    assert done.replaced == [(people[4].id, "offered")]
    gone = session.scalars(select(Withdrawal)).all()
    assert [(w.candidate_id, w.reason) for w in gone] == [(people[4].id, "no_station")]
    offer = session.scalars(select(ReplacementOffer)).one()
    assert (offer.candidate_id, offer.stage, offer.status) == (sixth.id, "selected", "open")
    assert people[2].id not in {w.candidate_id for w in gone}  # never asked: staff ask first
    assert all(p.partner_id != people[4].id for p in stations.preview(session, campaign).placements)
