"""Withdrawals and replacements (递补): a stage short of its target is offered down its ranking."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from grader.models import AuditLog, Candidate, Ranking
from grader.models.base import utcnow
from grader.models.states import OfferStatus, RankingStatus, Stage
from grader.services import exams, interview, rankings, withdrawals
from grader.services.progress import timeline

SIGNED_ON = date(2016, 6, 13)


def _people(session, town, n: int, stage: str) -> list[Candidate]:
    """Add n eligible candidates at a stage, registered in order (no accounts: fast)."""
    base = utcnow() - timedelta(days=30)
    cands = [Candidate(reg_no=f"W{i:05d}", township_id=town.id, name=f"人{i}",
                       id_number=f"1401211990{i:08d}", sex="M", birthdate=date(1990, 1, 1),
                       education="high", channel="online", declarations={}, eligible=True,
                       eligibility_reasons=[], stage=stage,
                       registered_at=base + timedelta(minutes=i)) for i in range(n)]
    session.add_all(cands)
    session.flush()
    return cands


def _publish(session, round_name: str, ranked: list[Candidate], advance: int, actor) -> Ranking:
    """Publish a ranking of these candidates in this order, the best `advance` advancing."""
    rows = [{"id": c.reg_no, "rank": n, "score": 100.0 - n, "advance": n <= advance,
             "components": {}, "explain": []} for n, c in enumerate(ranked, 1)]
    draft = Ranking(round=round_name, status=RankingStatus.DRAFT, policy={}, facts={},
                    result={"ranking": rows, "advance": advance}, size=len(rows), warnings=[],
                    created_by_id=actor.id)
    session.add(draft)
    session.flush()
    rankings.publish(session, draft, actor)
    return draft


def _signed(session) -> int:
    return session.scalar(select(func.count()).select_from(Candidate).where(
        Candidate.stage == Stage.SIGNED, withdrawals.not_withdrawn()))


def test_signing_reaches_160_when_10_of_the_first_160_decline(session, campaign, make_township,
                                                             make_user):
    town, county = make_township(), make_user("county", "county_staff")
    people = _people(session, town, 175, Stage.INTERVIEW)
    ranking = _publish(session, "interview", people, 160, county)
    order = [r["id"] for r in ranking.result["ranking"]]
    decliners = people[5:160:16][:10]
    assert len(decliners) == 10
    for cand in people[:160]:
        if cand in decliners:
            withdrawals.withdraw(session, cand, county, "declined", "不愿签约")
        else:
            interview.record_signing(session, county, cand, True, SIGNED_ON)
    state = withdrawals.place_state(session, Stage.SELECTED)
    assert (state.target, state.holders, state.withdrawn, state.short) == (160, 150, 10, 10)
    assert state.next_rank == 161 and state.next_candidate is people[160]
    offers = [withdrawals.offer_next(session, Stage.SELECTED, county) for _ in range(10)]
    assert [o.rank for o in offers] == list(range(161, 171))
    with pytest.raises(withdrawals.WithdrawalError, match="at its target"):
        withdrawals.offer_next(session, Stage.SELECTED, county)
    # rank 161 declines: 171 is offered at once; rank 162 lets the deadline pass
    withdrawals.answer_offer(session, offers[0], county, False, "外出务工")
    assert withdrawals.open_offers(session, Stage.SELECTED)[-1].rank == 171
    later = utcnow() + timedelta(days=3)
    for offer in offers[2:]:
        withdrawals.answer_offer(session, offer, county, True, "电话答复")
    with pytest.raises(withdrawals.WithdrawalError, match="deadline"):
        withdrawals.answer_offer(session, offers[1], county, True, now=later)
    assert withdrawals.run_lapsed(session, later) == {"lapsed": 2, "offered": 2}
    assert offers[1].status == OfferStatus.LAPSED
    for offer in withdrawals.open_offers(session, Stage.SELECTED):
        assert offer.rank in (172, 173)
        withdrawals.answer_offer(session, offer, county, True, now=later)
    for cand in session.scalars(select(Candidate).where(Candidate.stage == Stage.SELECTED,
                                                        withdrawals.not_withdrawn())):
        interview.record_signing(session, county, cand, True, SIGNED_ON)
    assert _signed(session) == 160
    assert interview.support_totals(session, campaign)["county"]["partners"] == 160
    session.refresh(ranking)
    assert [r["id"] for r in ranking.result["ranking"]] == order  # the published order stays
    amended = withdrawals.amendments(session, ranking)
    assert amended[decliners[0].reg_no]["withdrawal"].reason == "declined"
    # the first vacancy went to 161 (declined), then 171 (lapsed), then 173, who took it
    assert amended[decliners[0].reg_no]["replaced_by"] is people[172]
    assert amended[people[160].reg_no]["offer"].status == OfferStatus.DECLINED
    moved = session.scalars(select(AuditLog).where(AuditLog.action == "accept_offer",
                                                   AuditLog.field == "stage")).all()
    assert len(moved) == 10 and {m.after for m in moved} == {Stage.SELECTED}


def test_withdrawals_at_each_earlier_stage_are_replaced_from_that_stages_ranking(
        session, campaign, set_campaign, make_township, make_user):
    campaign = set_campaign(onsite_test={"advance": 6}, round1={"advance": 4},
                            round2={"advance": 3}, interview={"advance": 2})
    town, county = make_township(), make_user("county", "county_staff")
    people = _people(session, town, 8, Stage.ONSITE_TEST)
    for n, cand in enumerate(people):
        cand.onsite_test_score = 90.0 - n
    exams.apply_advance(session, exams.plan_advance(session, campaign, "onsite_test"), county)
    assert [c.stage for c in people].count(Stage.ROUND1) == 6
    # round 1: a no-show is replaced by the 7th best of the on-site test
    withdrawals.withdraw(session, people[1], county, "no_show")
    offer = withdrawals.offer_next(session, Stage.ROUND1, county)
    assert (offer.candidate, offer.rank, offer.ranking_id) == (people[6], 7, None)
    assert [s.state for s in timeline(session, people[6])][:3] == ["passed", "passed", "offer"]
    withdrawals.answer_offer(session, offer, county, True)
    assert people[6].stage == Stage.ROUND1
    # round 2: the ranking of round 1 leaves the withdrawn out; the 5th declines, the 6th takes it
    r1 = rankings.preview(session, campaign, "1", county)
    assert people[1].reg_no not in {r["id"] for r in r1.result["ranking"]} and r1.size == 6
    rankings.publish(session, r1, county)
    with pytest.raises(withdrawals.WithdrawalError, match="next ranking is out"):
        withdrawals.offer_next(session, Stage.ROUND1, county)
    up = {r["id"]: r for r in r1.result["ranking"]}
    by_reg = {c.reg_no: c for c in people}
    in_r2 = [by_reg[r] for r, row in up.items() if row["advance"]]
    withdrawals.withdraw(session, in_r2[0], county, "unreachable", "三次未接通")
    first = withdrawals.offer_next(session, Stage.ROUND2, county)
    assert first.rank == 5 and first.ranking_id == r1.id
    withdrawals.answer_offer(session, first, county, False)
    second = withdrawals.open_offers(session, Stage.ROUND2)[0]
    assert second.rank == 6
    withdrawals.answer_offer(session, second, county, True)
    assert withdrawals.place_state(session, Stage.ROUND2).short == 0
    # interview: one found ineligible later, replaced by the 4th of round 2
    r2 = rankings.preview(session, campaign, "2", county)
    rankings.publish(session, r2, county)
    assert r2.size == 4
    at_interview = session.scalars(select(Candidate).where(Candidate.stage == Stage.INTERVIEW)
                                   .order_by(Candidate.id)).all()
    withdrawals.withdraw(session, at_interview[0], county, "ineligible", "学历造假")
    third = withdrawals.offer_next(session, Stage.INTERVIEW, county)
    assert third.rank == 4 and third.ranking_id == r2.id
    withdrawals.answer_offer(session, third, county, True)
    # selected: a partner with no station left is withdrawn, the 3rd of the interview offered
    r3 = rankings.preview(session, campaign, "interview", county)
    rankings.publish(session, r3, county)
    chosen = session.scalars(select(Candidate).where(Candidate.stage == Stage.SELECTED)).all()
    assert len(chosen) == 2 and r3.size == 3
    withdrawals.withdraw(session, chosen[0], county, "no_station")
    fourth = withdrawals.offer_next(session, Stage.SELECTED, county)
    withdrawals.answer_offer(session, fourth, county, True)
    for cand in session.scalars(select(Candidate).where(Candidate.stage == Stage.SELECTED,
                                                        withdrawals.not_withdrawn())):
        interview.record_signing(session, county, cand, True, SIGNED_ON, campaign=campaign)
    assert _signed(session) == 2
    assert session.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.action == "withdraw")) == 4
    with pytest.raises(withdrawals.WithdrawalError, match="already withdrawn"):
        withdrawals.withdraw(session, chosen[0], county, "declined")


def test_a_candidate_may_answer_only_their_own_offer(session, make_township, make_user,
                                                     make_candidate):
    from grader.errors import Forbidden

    town, county = make_township(), make_user("county", "county_staff")
    a, b, c = (make_candidate(town) for _ in range(3))
    for cand in (a, b, c):
        cand.stage = Stage.INTERVIEW
    _publish(session, "interview", [a, b, c], 1, county)
    withdrawals.withdraw(session, a, a.user, "own_request")
    offer = withdrawals.offer_next(session, Stage.SELECTED, county)
    assert offer.candidate is b
    with pytest.raises(Forbidden):
        withdrawals.answer_offer(session, offer, c.user, True)
    withdrawals.answer_offer(session, offer, b.user, True)
    assert b.stage == Stage.SELECTED
    with pytest.raises(withdrawals.WithdrawalError, match="already answered"):
        withdrawals.answer_offer(session, offer, b.user, False)


def _states(session, cand) -> list[tuple]:
    return [(s.name, s.state, s.reason, s.params.get("rank"), s.params.get("cut"))
            for s in timeline(session, cand)]


def test_the_timeline_says_where_each_candidate_stands_after_every_stage(
        session, set_campaign, make_township, make_user):
    campaign = set_campaign(online_exam={"advance": 5}, onsite_test={"advance": 4},
                            round1={"advance": 3}, round2={"advance": 2},
                            interview={"advance": 1})
    town, county = make_township(), make_user("county", "county_staff")
    p = _people(session, town, 8, Stage.REGISTERED)
    p[7].eligible = False
    first = _states(session, p[0])
    assert first[0] == ("eligibility", "passed", None, None, None)
    assert first[1] == ("online_exam", "current", None, None, None)
    assert _states(session, p[7])[:2] == [("eligibility", "failed", "not_eligible", None, None),
                                          ("online_exam", "later", None, None, None)]
    for n, cand in enumerate(p[:6]):  # p[6] sat no exam
        cand.online_exam_score = 90.0 - n
    exams.apply_advance(session, exams.plan_advance(session, campaign, "online_exam"), county)
    assert _states(session, p[5])[1] == ("online_exam", "failed", "below_cut_off", 6, 5)
    assert _states(session, p[6])[1] == ("online_exam", "failed", "no_exam_score", None, None)
    assert _states(session, p[0])[1:3] == [("online_exam", "passed", None, None, None),
                                           ("onsite_test", "current", None, None, None)]
    for n, cand in enumerate(p[:5]):
        cand.onsite_test_score = 80.0 - n
    exams.apply_advance(session, exams.plan_advance(session, campaign, "onsite_test"), county)
    assert _states(session, p[4])[2] == ("onsite_test", "failed", "below_cut_off", 5, 4)
    _publish(session, "1", p[:4], 3, county)
    assert _states(session, p[3])[3] == ("round1", "failed", "below_cut_off", 4, 3)
    assert _states(session, p[0])[3:5] == [("round1", "passed", None, None, None),
                                           ("round2", "current", None, None, None)]
    _publish(session, "2", p[:3], 2, county)
    assert _states(session, p[2])[4] == ("round2", "failed", "below_cut_off", 3, 2)
    withdrawals.withdraw(session, p[1], p[1].user, "own_request")
    gone = timeline(session, p[1])[5]
    assert (gone.state, gone.reason, gone.params["why"]) == ("failed", "withdrawn_own_request", "own_request")
    assert timeline(session, p[1])[6].state == "later"
    _publish(session, "interview", p[:1], 1, county)
    assert _states(session, p[0])[5:] == [("interview", "passed", None, None, None),
                                          ("signing", "current", None, None, None)]
    interview.record_signing(session, county, p[0], True, SIGNED_ON)
    assert [s.state for s in timeline(session, p[0])] == ["passed"] * 7


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_migration_0011_upgrades_and_downgrades(backend, tmp_path):
    from sqlalchemy import inspect, text

    from grader import migrate
    from helpers import database_at

    tables = {"withdrawal", "replacement_offer", "notice", "notice_recipient"}
    with database_at(backend, tmp_path, "0011") as eng:
        assert tables <= set(inspect(eng).get_table_names())
        with pytest.raises(Exception, match="ck_withdrawal_reason|CHECK"), eng.begin() as conn:
            conn.execute(text("INSERT INTO withdrawal (candidate_id, stage, reason, at) "
                              "VALUES (1, 'round1', 'bored', CURRENT_TIMESTAMP)"))
        migrate.downgrade(eng, "0010")
        assert not tables & set(inspect(eng).get_table_names())
        migrate.upgrade(eng)
        assert tables <= set(inspect(eng).get_table_names())
