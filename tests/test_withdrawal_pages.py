"""The pages of withdrawals, replacements and notices, through the real forms."""

from datetime import timedelta

from click.testing import CliRunner
from sqlalchemy import select

from grader.models import AuditLog, Candidate
from grader.models.base import utcnow
from grader.models.states import OfferStatus, Stage
from grader.models.withdrawal import Notice, NoticeRecipient, ReplacementOffer, Withdrawal
from grader.services import withdrawals
from helpers import client_as, csrf_from
from test_withdrawals import _publish


def _interview_ranked(session, make_township, make_candidate, make_user, n=3, advance=1):
    town, county = make_township(), make_user("county", "county_staff")
    cands = [make_candidate(town, name=f"候选{i}", phone=f"1380013800{i}") for i in range(n)]
    for cand in cands:
        cand.stage = Stage.INTERVIEW
        cand.user.set_password("secret123")
    ranking = _publish(session, "interview", cands, advance, county)
    session.commit()
    return county, cands, ranking


def test_a_candidate_withdraws_from_me_and_the_next_is_offered_and_accepts(
        app, session, make_township, make_candidate, make_user):
    county, (first, second, third), ranking = _interview_ranked(
        session, make_township, make_candidate, make_user)
    me = client_as(app, first.user.username)
    page = me.get("/me").text
    assert "退出选拔" in page and 'data-confirm="确定退出选拔吗' in page
    me.post("/me/withdraw", data={"csrf_token": csrf_from(me.get("/me")), "note": "外出打工"})
    gone = session.scalar(select(Withdrawal).where(Withdrawal.candidate_id == first.id))
    assert (gone.reason, gone.stage, gone.note, gone.by_id) == (
        "own_request", Stage.SELECTED, "外出打工", first.user.id)
    assert "您已于" in me.get("/me").text
    staff = client_as(app, "county")
    places = staff.get("/replacements/").text
    assert "空缺：1" in places and f"向第 2 名 {second.name}（{second.reg_no}）" in places
    staff.post("/replacements/offer", data={"csrf_token": csrf_from(staff.get("/replacements/")),
                                            "stage": Stage.SELECTED, "days": 2})
    offer = session.scalar(select(ReplacementOffer))
    assert (offer.candidate_id, offer.rank, offer.status) == (second.id, 2, OfferStatus.OPEN)
    other = client_as(app, third.user.username)  # someone else's offer is not theirs to take
    res = other.post("/me/offer", data={"csrf_token": csrf_from(other.get("/me")),
                                        "offer_id": offer.id, "answer": "1"})
    assert res.status_code == 404 and offer.status == OfferStatus.OPEN
    mine = client_as(app, second.user.username)
    page = mine.get("/me").text
    assert "递补通知" in page and "第 2 名" in page
    mine.post("/me/offer", data={"csrf_token": csrf_from(mine.get("/me")), "offer_id": offer.id,
                                 "answer": "1"})
    session.refresh(second)
    assert second.stage == Stage.SELECTED and offer.status == OfferStatus.ACCEPTED
    assert "（递补）" in mine.get("/me").text
    shown = staff.get(f"/rankings/{ranking.id}").text
    assert "已退出（本人申请退出）" in shown and f"由 {second.reg_no} 递补" in shown


def test_staff_withdraw_with_a_reason_and_record_an_answer_by_phone(
        app, session, make_township, make_candidate, make_user):
    county, (first, second, third), _ranking = _interview_ranked(
        session, make_township, make_candidate, make_user)
    staff = client_as(app, "county")
    page = staff.get(f"/candidates/{first.id}")
    assert "登记退出" in page.text
    staff.post(f"/candidates/{first.id}/withdraw", data={
        "csrf_token": csrf_from(page), "withdraw_reason": "no_show",
        "withdraw_note": "签约日未到"})
    assert withdrawals.withdrawal_of(session, first).reason == "no_show"
    assert "未到场" in staff.get(f"/candidates/{first.id}").text
    offer = withdrawals.offer_next(session, Stage.SELECTED, county)
    session.commit()
    staff.post("/replacements/answer", data={"csrf_token": csrf_from(staff.get("/replacements/")),
                                             "offer_id": offer.id, "answer": "0",
                                             "note": "电话答复不来"})
    assert offer.status == OfferStatus.DECLINED and offer.answered_by_id == county.id
    nxt = session.scalar(select(ReplacementOffer).where(ReplacementOffer.status == "open"))
    assert nxt.candidate_id == third.id  # the decline moved the place on at once
    assert session.scalar(select(AuditLog).where(AuditLog.action == "declined_offer")) is not None


def test_a_notice_is_previewed_sent_shown_on_me_and_exported_for_sms(
        app, session, make_township, make_candidate, make_user):
    county, cands, _ranking = _interview_ranked(session, make_township, make_candidate,
                                                make_user, n=3, advance=2)
    staff = client_as(app, "county")
    form = {"kind": "signing", "audience": "signing", "text": "请于6月13日上午9点到县电商办签约"}
    preview = staff.post("/notices/", data={"csrf_token": csrf_from(staff.get("/notices/")),
                                            **form})
    assert "将发给 2 人" in preview.text and "将向 2 人发送这条通知" in preview.text
    assert session.scalar(select(Notice)) is None  # a preview sends nothing
    assert '<input type="hidden" name="expected" value="2">' in preview.text  # sent with it
    staff.post("/notices/", data={"csrf_token": csrf_from(preview), "expected": 2, **form})
    notice = session.scalar(select(Notice))
    got = set(session.scalars(select(NoticeRecipient.candidate_id)))
    assert notice.recipients == 2 and got == {cands[0].id, cands[1].id}
    assert "6月13日上午9点" in client_as(app, cands[0].user.username).get("/me").text
    assert "6月13日上午9点" not in client_as(app, cands[2].user.username).get("/me").text
    sheet = staff.get(f"/notices/{notice.id}/sms.csv").data.decode("utf-8-sig")
    assert "手机号码,短信内容" in sheet and "13800138000," in sheet
    stale = staff.post("/notices/", data={"csrf_token": csrf_from(preview), "expected": 5,
                                          **form}, follow_redirects=True)
    assert "人数有变化（现在 2 人）" in stale.text


def test_the_sweep_lapses_offers_and_offers_the_next(tmp_path):
    from grader import create_app, jobs
    from grader.cli import main
    from grader.db import session_scope
    from grader.models import Ranking, RankingEntry, Township

    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
           "QUEUE_URL": f"sqlite:///{tmp_path / 'q.db'}", "STORAGE_DIR": str(tmp_path / "s")}
    assert CliRunner().invoke(main, ["db", "upgrade"], env=env).exit_code == 0
    app = create_app({"DATABASE_URL": env["DATABASE_URL"], "QUEUE_URL": env["QUEUE_URL"],
                      "STORAGE_DIR": env["STORAGE_DIR"]})
    with session_scope(app) as db:
        town = Township(code="T", name="城关镇", target=5)
        db.add(town)
        db.flush()
        people = [Candidate(reg_no=f"R{i}", township_id=town.id, name=f"人{i}",
                            id_number=f"14012119900101{i:04d}", sex="M",
                            birthdate=utcnow().date(), education="high", channel="online",
                            declarations={}, eligible=True, eligibility_reasons=[],
                            stage=Stage.SELECTED if i == 0 else Stage.INTERVIEW)
                  for i in range(3)]
        db.add_all(people)
        db.flush()
        ranking = Ranking(round="interview", status="published", policy={}, facts={},
                          result={"ranking": []}, size=3, warnings=[])
        db.add(ranking)
        db.flush()
        db.add_all(RankingEntry(ranking_id=ranking.id, candidate_id=c.id, rank=n, score=9 - n,
                                advance=n == 1, row={}) for n, c in enumerate(people, 1))
        withdrawals.withdraw(db, people[0], None, "declined")
        withdrawals.offer_next(db, Stage.SELECTED, None, days=1, now=utcnow() - timedelta(days=2))
    res = CliRunner().invoke(main, ["replacements", "run", "--json"], env=env)
    assert res.exit_code == 0, res.output
    assert '"lapsed": 1, "offered": 1' in res.output and '"short": 0' in res.output
    again = CliRunner().invoke(main, ["replacements", "run"], env=env)
    assert "lapsed=0 offered=0" in again.output
    with session_scope(app) as db:  # the last one lets it lapse too: the queue's sweep says so
        last = db.scalars(select(ReplacementOffer).where(ReplacementOffer.status == "open")).one()
        last.deadline = utcnow() - timedelta(minutes=1)
    assert jobs.lapse(app) == {"lapsed": 1, "offered": 0}  # nobody is left in the ranking


def test_a_candidate_below_the_exam_cut_off_reads_not_passed_on_me(
        app, session, set_campaign, make_township, make_candidate, make_user):
    from grader.services import exams

    campaign = set_campaign(online_exam={"advance": 1})
    town, county = make_township(), make_user("county", "county_staff")
    best, second = make_candidate(town, name="甲"), make_candidate(town, name="乙")
    best.online_exam_score, second.online_exam_score = 88.0, 71.0
    second.user.set_password("secret123")
    exams.apply_advance(session, exams.plan_advance(session, campaign, "online_exam"), county)
    session.commit()
    page = client_as(app, second.user.username).get("/me").text
    assert 'id="out">未通过' in page and "排名第 2 名（共 2 人），晋级线为前 1 名" in page


def test_results_say_a_withdrawn_candidate_is_out_not_that_results_are_unpublished(
        app, session, make_township, make_candidate):
    town = make_township()
    gone, staying = (make_candidate(town, name=n, phone=p)
                     for n, p in (("退出者", "13800138001"), ("留下者", "13800138002")))
    for cand in (gone, staying):
        cand.stage = Stage.ROUND1
        cand.user.set_password("secret123")
    session.commit()
    me = client_as(app, gone.user.username)
    me.post("/me/withdraw", data={"csrf_token": csrf_from(me.get("/me")), "note": "外出打工"})
    page = me.get("/me/results").text
    assert "您已退出招募" in page and "成绩尚未发布" not in page
    assert "成绩尚未发布" in client_as(app, staying.user.username).get("/me/results").text
