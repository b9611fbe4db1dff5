"""Staff list pages issue as many queries for 3N rows as for N: no query per row."""

import itertools
from datetime import date

import pytest
from sqlalchemy import select

from grader.models import (AuditLog, DutyPhoto, EvidenceItem, InterviewPanel, Ranking, Signing,
                           StationSite, User, Village)

from grader.models import Candidate
from grader.services import activity, calls, interview, survey_forms
from helpers import client_as

N = 3
SERIAL = itertools.count(1)


@pytest.fixture
def county(make_user):
    """County staff, who see every township."""
    return make_user("county", "county_staff")


@pytest.fixture
def spread(session, make_township, make_candidate):
    """Return a maker of n candidates at a stage, each in a township of its own."""

    def factory(n: int, stage: str) -> list:
        made = []
        for _ in range(n):
            i = next(SERIAL)
            cand = make_candidate(make_township(f"镇{i}"), name=f"人{i}",
                                  phone=f"1380000{i:04d}")
            cand.stage = stage
            made.append(cand)
        session.commit()
        return made

    return factory


def same_queries_for_n_and_3n(app, session, count_queries, url, grow) -> None:
    """Grow the data to N and then to 3N rows; the page's query count must not change."""
    client = client_as(app, "county")
    counts, sizes = [], []
    for more in (N, 2 * N):
        grow(more)
        session.commit()
        session.expunge_all()  # the page loads what it shows, as a fresh request's session does
        with count_queries as q:
            res = client.get(url)
        assert res.status_code == 200
        counts.append(q.n)
        sizes.append(len(res.data))
    assert sizes[1] > sizes[0], f"{url} does not list the added rows"
    assert counts[0] == counts[1], f"{url}: {counts[0]} queries for {N} rows, {counts[1]} for {3 * N}"
    return counts[0]


def test_candidate_list(app, session, count_queries, county, spread):
    same_queries_for_n_and_3n(app, session, count_queries, "/candidates/",
                              lambda n: spread(n, "registered"))


def test_review_queue(app, session, count_queries, county, spread):
    def grow(n):
        for cand in spread(n, "round1"):
            session.add(EvidenceItem(
                candidate_id=cand.id, task="wechat_share", filename="a.png", sha256=f"{cand.id:064d}",
                size=1, mime="image/png", storage_key=f"k{cand.id}", status="review",
                machine_verdict="review", reasons=["no_share_marker"], detail={}, text="分享"))

    same_queries_for_n_and_3n(app, session, count_queries, "/evidence/review", grow)


@pytest.fixture
def surveyed(session, campaign, county, spread):
    """Return a grower: n round-1 candidates with forms, a sample drawn, calls assigned, n made."""

    def grow(n):
        for cand in spread(n, "round1"):
            for k in range(3):
                survey_forms.save_form(session, campaign, cand, {
                    "name": "王大", "phone": f"139{cand.id:04d}{k:04d}", "village": "王庄村",
                    "household_size": "4", "shops_online": "是", "surveyed_at": "2016-05-26"},
                    None)
        calls.draw_sample(session, campaign, "q", 2)
        caller = session.get(User, county.id)
        calls.assign(session, [caller])
        for _ in range(n):
            calls.record(session, campaign, calls.next_call(session, caller), caller, "confirmed",
                         {"household_size": "4", "shops_online": "是"})

    return grow


@pytest.mark.parametrize("url", ["/surveys/", "/calls/list"])
def test_survey_overview_and_call_list(app, session, count_queries, surveyed, url):
    same_queries_for_n_and_3n(app, session, count_queries, url, surveyed)


def test_shared_numbers(app, session, campaign, count_queries, county, spread):
    def grow(n):
        for cand in spread(2 * n, "round1"):
            survey_forms.save_form(session, campaign, cand, {
                "name": "王大", "phone": f"137{cand.id // 2:08d}", "village": "王庄村",
                "household_size": "4", "shops_online": "是", "surveyed_at": "2016-05-26"}, None)

    same_queries_for_n_and_3n(app, session, count_queries, "/surveys/phones", grow)


def test_township_list(app, session, count_queries, county, spread):
    same_queries_for_n_and_3n(app, session, count_queries, "/townships/",
                              lambda n: spread(n, "registered"))


def test_rankings(app, session, count_queries, county):
    def grow(n):
        for _ in range(n):
            session.add(Ranking(round="1", status="draft", policy={}, facts={},
                                result={"ranking": [{"id": "x"}]}, warnings=[]))

    same_queries_for_n_and_3n(app, session, count_queries, "/rankings/", grow)


def test_activity_grid(app, session, campaign, count_queries, county, spread):
    def grow(n):
        made = spread(n, "round2")
        export = "".join(f"2016-06-02 09:{i % 60:02d}:00 {c.name}\n收到\n"
                         f"2016-06-03 09:{i % 60:02d}:00 昵称{c.id}\n好的\n"
                         for i, c in enumerate(made))
        activity.import_chat(session, campaign, export, "wechat")
        actor = session.get(User, county.id)
        for cand in made[: n // 2 + 1]:
            activity.link_member(session, actor, f"昵称{cand.id}", cand)

    same_queries_for_n_and_3n(app, session, count_queries, "/trial/activity", grow)


def test_interview_management(app, session, campaign, count_queries, county, spread,
                              make_user):
    def grow(n):
        member = make_user(f"iv{next(SERIAL)}", "interviewer")
        session.add(InterviewPanel(name=f"组{member.id}", members=[member]))
        spread(n, "interview")
        for cand in spread(n, "selected"):
            interview.record_signing(session, session.get(User, county.id), cand, True,
                                     date(2016, 6, 15), "东山村")
        session.commit()
        interview.schedule(session, campaign, list(session.scalars(select(InterviewPanel))))

    same_queries_for_n_and_3n(app, session, count_queries, "/interview/manage", grow)


def test_audit_log(app, session, count_queries, county):
    def grow(n):
        for _ in range(n):
            actor = User(username=f"actor{next(SERIAL)}", role="county_staff", password_hash="x")
            session.add(actor)
            session.flush()
            session.add(AuditLog(user_id=actor.id, action="test", entity="candidate",
                                 entity_id=actor.id, field="stage"))

    same_queries_for_n_and_3n(app, session, count_queries, "/audit", grow)


@pytest.mark.parametrize("url", ["/candidates/?q=人", "/candidates/export.csv?q=人"])
def test_candidate_search_and_export(app, session, count_queries, county, spread, url):
    same_queries_for_n_and_3n(app, session, count_queries, url,
                              lambda n: spread(n, "registered"))


def test_filtered_audit_log(app, session, count_queries, county):
    def grow(n):
        for _ in range(n):
            session.add(AuditLog(user_id=county.id, action="test", entity="candidate",
                                 entity_id=next(SERIAL), field="stage"))

    same_queries_for_n_and_3n(app, session, count_queries,
                              "/audit?person=county&action=test&since=2000-01-01", grow)


def test_ranking_search(app, session, count_queries, county, spread):
    ranking = Ranking(round="1", status="draft", policy={}, facts={},
                      result={"ranking": [], "advance": 0}, warnings=[])
    session.add(ranking)
    session.commit()

    ranking_id = ranking.id

    def grow(n):
        ranking = session.get(Ranking, ranking_id)  # the page's request expunged the last one
        rows = ranking.result["ranking"] + [
            {"id": c.reg_no, "rank": 0, "score": 1.0, "advance": False, "components": {}}
            for c in spread(n, "round1")]
        ranking.result = {"ranking": rows, "advance": 0}

    same_queries_for_n_and_3n(app, session, count_queries, f"/rankings/{ranking_id}?q=2", grow)


def test_public_notice_and_objections(app, session, campaign, count_queries, county, spread):
    from datetime import UTC, datetime

    from grader.models import RankingEntry
    from grader.services import publicity

    ranking = Ranking(round="1", status="published", policy={}, facts={}, result={"ranking": []},
                      published_at=datetime.now(UTC))
    session.add(ranking)
    session.commit()

    def grow(n: int) -> None:
        for cand in spread(n, "round2"):
            rank = session.query(RankingEntry).count() + 1
            session.add(RankingEntry(ranking_id=ranking.id, candidate_id=cand.id, rank=rank,
                                     score=90.0 - rank, advance=True, row={}))
            session.flush()
            publicity.file_objection(session, campaign, "1", rank, "王五", "13912345678", "异议")

    same_queries_for_n_and_3n(app, session, count_queries, "/objections", grow)
    same_queries_for_n_and_3n(app, session, count_queries, "/public/1", grow)


def test_station_sites(app, session, count_queries, county, spread):
    def grow(n):
        for cand in spread(n, "selected"):
            session.add(StationSite(township_id=cand.township_id, name=f"站{cand.id}", slots=2))

    same_queries_for_n_and_3n(app, session, count_queries, "/stations/", grow)


def test_station_allocation(app, session, count_queries, county, spread):
    def grow(n):
        for i, cand in enumerate(spread(n, "selected")):
            session.add(Signing(candidate_id=cand.id, accepts_reassignment=i % 2 == 0))
            if i % 3:
                session.add(StationSite(township_id=cand.township_id, slots=1))

    same_queries_for_n_and_3n(app, session, count_queries, "/stations/allocation", grow)


def test_duty_completion(app, session, count_queries, county, spread):
    def grow(n):
        for cand in spread(n, "registered"):
            village = Village(township_id=cand.township_id, name=f"村{cand.id}", large=True)
            session.add(village)
            session.flush()
            session.add(DutyPhoto(village_id=village.id, duty="notice", sha256=f"{cand.id:064d}",
                                  size=1, mime="image/jpeg", storage_key="k"))

    same_queries_for_n_and_3n(app, session, count_queries, "/duties/", grow)


def test_township_duty_checklist(app, session, count_queries, county, make_township):
    town = make_township("清单镇")

    def grow(n):
        for _ in range(n):
            i = next(SERIAL)
            village = Village(township_id=town.id, name=f"村{i}", large=i % 2 == 0)
            session.add(village)
            session.flush()
            session.add(DutyPhoto(village_id=village.id, duty="slogan", sha256=f"{i:064d}",
                                  size=1, mime="image/jpeg", storage_key="k"))

    same_queries_for_n_and_3n(app, session, count_queries, f"/duties/{town.id}", grow)

def test_replacement_places_with_open_offers(app, session, count_queries, county, spread):
    from grader.services import withdrawals
    from test_withdrawals import _publish

    people = spread(20, "interview")
    _publish(session, "interview", people, 9, county)
    session.commit()
    ids = iter([c.id for c in people[:9]])

    def grow(n):
        for _ in range(n):
            withdrawals.withdraw(session, session.get(Candidate, next(ids)), county, "declined")
            withdrawals.offer_next(session, "selected", county)

    same_queries_for_n_and_3n(app, session, count_queries, "/replacements/", grow)


def test_notices_and_their_recipients(app, session, count_queries, county, spread):
    from grader.models import Notice, NoticeRecipient

    notice = Notice(kind="exam", audience="registered", text="考试通知", recipients=0,
                    sent_by_id=county.id)
    session.add(notice)
    session.commit()
    notice_id = notice.id

    def grow_list(n):
        session.add_all(Notice(kind="venue", audience="onsite_test", text=f"地点{i}",
                               recipients=1, sent_by_id=county.id) for i in range(n))

    def grow_recipients(n):
        session.add_all(NoticeRecipient(notice_id=notice_id, candidate_id=c.id, phone=c.phone)
                        for c in spread(n, "registered"))

    same_queries_for_n_and_3n(app, session, count_queries, "/notices/", grow_list)
    same_queries_for_n_and_3n(app, session, count_queries, f"/notices/{notice_id}",
                              grow_recipients)

def test_figure_differences(app, session, count_queries, county, spread):
    from grader.models import DailyReport, OperatorFigure

    def grow(n):
        for cand in spread(n, "round2"):
            session.add(DailyReport(candidate_id=cand.id, day=1, text="日报", orders=10))
            session.add(OperatorFigure(candidate_id=cand.id, day=1, orders=2))

    same_queries_for_n_and_3n(app, session, count_queries, "/outside/figures/differences", grow)
