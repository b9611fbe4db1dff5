"""Plans, reviewer assignment, rankings built from the database, publishing and appeals."""

import io
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from helpers import csrf_from
from grader.models import AuditLog, EvidenceItem, Review, SpotCheck, SurveyForm
from grader.services import appeals, plans, rankings, reviews
from uploads.storage import FileStorage

PLAN = ("我的农村淘宝项目计划书。本村共有三百二十户，外出务工人员多，留守老人和儿童需要代购服务。"
        "我计划在村委会旁开设服务站，第一个月走访全部农户，教会五十户使用手机淘宝。") * 4


@pytest.fixture
def storage(tmp_path):
    return FileStorage(tmp_path / "files")


@pytest.fixture
def round1(session, make_township, make_candidate):
    town = make_township("城关镇")
    people = [make_candidate(town, name=f"候选{i}") for i in range(3)]
    for p in people:
        p.stage = "round1"
    session.commit()
    return town, people


def test_reviewer_assignment_is_balanced_and_never_local():
    class R:
        def __init__(self, rid, town):
            self.id, self.township_id = rid, town

    revs = [R(1, 10), R(2, None), R(3, None), R(4, 11)]
    items = [reviews.Item(i, i, 10 if i % 2 else 11) for i in range(1, 9)]
    pairs = reviews.plan_assignments(items, revs, 2, Counter(), set())
    assert len(pairs) == 16
    for item, rev in pairs:
        assert rev.township_id != item.township_id
    per_item = Counter(item.item_id for item, _r in pairs)
    assert set(per_item.values()) == {2}
    load = Counter(r.id for _i, r in pairs)
    assert max(load.values()) - min(load.values()) <= 2


def test_plan_upload_extracts_text_and_assigns_two_reviewers(session, campaign, storage, round1,
                                                             make_user):
    _town, people = round1
    make_user("r1", "reviewer"), make_user("r2", "reviewer"), make_user("r3", "reviewer")
    result = plans.submit_plan(session, storage, campaign, people[0], "计划书.txt",
                               PLAN.encode("utf-8"))
    assert result.item.status == "accept" and result.chars >= 200
    assert len(session.scalars(select(Review).where(Review.item_id == result.item.id)).all()) == 2
    again = plans.submit_plan(session, storage, campaign, people[0], "计划书.txt",
                              PLAN.encode("utf-8"))
    assert again.item.id == result.item.id  # the same file is the same item
    with pytest.raises(plans.PlanError) as err:
        plans.submit_plan(session, storage, campaign, people[1], "x.exe", b"MZ\x00\x00\x01")
    assert err.value.code == "plan_wrong_type"


def test_third_review_when_two_differ_by_more_than_20(session, campaign, storage, round1,
                                                      make_user):
    _town, people = round1
    revs = [make_user(f"r{i}", "reviewer") for i in range(3)]
    item = plans.submit_plan(session, storage, campaign, people[0], "p.txt",
                             PLAN.encode()).item
    assigned = session.scalars(select(Review).where(Review.item_id == item.id)).all()
    who = {r.id: r for r in revs}
    low = {k["key"]: 50 for k in reviews.rubric(campaign, "plan")}
    high = {k["key"]: 80 for k in reviews.rubric(campaign, "plan")}
    reviews.score_review(session, campaign, assigned[0], who[assigned[0].reviewer_id], low)
    reviews.score_review(session, campaign, assigned[1], who[assigned[1].reviewer_id], high)
    all_reviews = session.scalars(select(Review).where(Review.item_id == item.id)).all()
    assert len(all_reviews) == 3 and [r.score for r in all_reviews].count(None) == 1
    with pytest.raises(reviews.ReviewError):
        reviews.score_review(session, campaign, all_reviews[2], who[assigned[0].reviewer_id], low)


def add_items(session, cand, task, n, start):
    for i in range(n):
        session.add(EvidenceItem(candidate_id=cand.id, task=task, filename=f"{i}.png",
                                 sha256=f"{cand.id:04d}{task[:4]}{i:056d}"[:64], size=1,
                                 mime="image/png", storage_key="k", status="accept",
                                 submitted_at=start + timedelta(minutes=i)))


def test_round1_facts_rank_and_publish(session, campaign, set_campaign, round1, make_user):
    _town, (a, b, c) = round1
    county = make_user("county", "county_staff")
    start = datetime(2016, 5, 26, 2, tzinfo=UTC)
    for cand, delay in ((a, 0), (b, 600)):
        for task, n in (("wechat_share", 100), ("app_download", 100), ("plan", 1)):
            add_items(session, cand, task, n, start + timedelta(minutes=delay))
        for i in range(100):
            session.add(SurveyForm(candidate_id=cand.id, phone_e164=f"+86138{cand.id:03d}{i:05d}",
                                   valid=True, created_at=start))
    session.flush()
    form = session.scalars(select(SurveyForm).where(SurveyForm.candidate_id == a.id)).first()
    session.add(SpotCheck(candidate_id=a.id, survey_form_id=form.id, draw_rank=0, seed="s"))
    session.commit()
    facts, warnings = rankings.round1_facts(session, set_campaign(round1={"advance": 1}))
    by_id = {row["id"]: row for row in facts["candidates"]}
    assert by_id[a.reg_no]["tasks"]["wechat_share"]["accepted"] == 100
    assert by_id[a.reg_no]["tasks"]["app_download"]["completed_at"] == "2016-05-26T11:39:00+08:00"
    assert by_id[c.reg_no]["tasks"]["survey"]["accepted"] == 0
    assert {w["code"] for w in warnings} == {"plan_reviews_missing", "calls_not_made"}
    ranking = rankings.preview(session, campaign, "1", county, facts, warnings)
    order = [r["id"] for r in ranking.result["ranking"]]
    assert order == [a.reg_no, b.reg_no, c.reg_no]  # a finished first; c did nothing
    assert rankings.publish(session, ranking, county) == 1
    assert (a.stage, b.stage) == ("round2", "round1")
    logged = session.scalars(select(AuditLog.field).where(AuditLog.action.in_(
        ["publish_ranking", "advance_ranking"]))).all()
    assert logged.count("round1_score") == 3 and "stage" in logged
    with pytest.raises(ValueError):
        rankings.publish(session, ranking, county)


def _rejected_share(session, cand, digit: str) -> EvidenceItem:
    """Add a rejected share of the candidate's (its hash all `digit`), the kind one appeals."""
    item = EvidenceItem(candidate_id=cand.id, task="wechat_share", filename="x.png",
                        sha256=digit * 64, size=1, mime="image/png", storage_key="k",
                        status="reject", reasons=["missing_keyword:农村淘宝"])
    session.add(item)
    return item


def test_appeal_within_the_window(session, campaign, round1, make_user):
    _town, (a, _b, _c) = round1
    county = make_user("county", "county_staff")
    item = _rejected_share(session, a, "f")
    session.commit()
    with pytest.raises(appeals.AppealError, match="window_closed"):
        appeals.file_appeal(session, campaign, a, item.id, "截图里有关键词")
    ranking = rankings.preview(session, campaign, "1", county)
    rankings.publish(session, ranking, county)
    appeal = appeals.file_appeal(session, campaign, a, item.id, "截图里有关键词")
    with pytest.raises(appeals.AppealError, match="already_appealed"):
        appeals.file_appeal(session, campaign, a, item.id, "再来一次")
    appeals.answer_appeal(session, appeal, county, True, "复核后确认有关键词")
    assert item.status == "accept" and appeal.status == "upheld"


def test_reviewer_scores_a_plan_blind_through_the_page(client, auth, session, campaign, storage,
                                                      round1, make_user, app):
    _town, people = round1
    app.extensions["grader.storage"] = storage
    make_user("r1", "reviewer"), make_user("r2", "reviewer")
    item = plans.submit_plan(session, storage, campaign, people[0], "p.txt", PLAN.encode()).item
    session.commit()
    auth.login("r1")
    page = client.get("/review/plan")
    assert "本村共有三百二十户" in page.text
    assert people[0].name not in page.text and people[0].id_number not in page.text
    data = {k["key"]: "80" for k in reviews.rubric(campaign, "plan")}
    res = client.post("/review/plan", data={**data, "review_id": _review_id(session, item),
                                            "csrf_token": csrf_from(page)}, follow_redirects=True)
    assert "评分已保存" in res.text


def _review_id(session, item):
    from grader.models import User

    r1 = session.scalars(select(User).where(User.username == "r1")).one()
    return session.scalars(select(Review.id).where(Review.item_id == item.id,
                                                   Review.reviewer_id == r1.id)).one()


def _complete(session, cand, start, wechat=100):
    for task, n in (("wechat_share", wechat), ("app_download", 100), ("plan", 1)):
        add_items(session, cand, task, n, start)
    for i in range(100):
        session.add(SurveyForm(candidate_id=cand.id, phone_e164=f"+86139{cand.id:03d}{i:05d}",
                               valid=True, created_at=start))


def test_an_upheld_appeal_is_applied_by_an_amended_ranking(session, campaign, set_campaign,
                                                           round1, make_user, client, auth):
    _town, (a, b, _c) = round1
    county = make_user("county", "county_staff")
    start = datetime(2016, 5, 26, 2, tzinfo=UTC)
    _complete(session, a, start + timedelta(hours=20))
    _complete(session, b, start, wechat=99)  # b was first, but one share was rejected
    shot = EvidenceItem(candidate_id=b.id, task="wechat_share", filename="r.png", sha256="e" * 64,
                        size=1, mime="image/png", storage_key="k", status="reject",
                        reasons=["missing_keyword:农村淘宝"], submitted_at=start)
    session.add(shot)
    session.commit()
    one = set_campaign(round1={"advance": 1})
    first = rankings.preview(session, one, "1", county)
    assert rankings.publish(session, first, county) == 1
    assert (a.stage, b.stage) == ("round2", "round1")
    early = rankings.preview(session, one, "1", county)  # nothing changed yet
    with pytest.raises(rankings.RankingError, match="already published"):
        rankings.publish(session, early, county)
    appeal = appeals.file_appeal(session, one, b, shot.id, "截图里有关键词")
    appeals.answer_appeal(session, appeal, county, True, "复核后确认")
    session.commit()
    with pytest.raises(rankings.RankingError, match="already published"):
        rankings.publish(session, early, county)  # built before the appeal: stale
    amended = rankings.preview(session, one, "1", county)
    assert [r["id"] for r in amended.result["ranking"]][:2] == [b.reg_no, a.reg_no]
    auth.login("county")
    page = client.get(f"/rankings/{amended.id}").get_data(as_text=True)
    assert "更正排名" in page and f"{a.reg_no}" in page and "改为未晋级" in page
    assert "<td>100.0%</td>" in page  # completeness as a percentage, not 1.0
    assert rankings.publish(session, amended, county) == 1
    assert (a.stage, b.stage) == ("round1", "round2")
    assert (first.status, amended.status, early.status) == ("amended", "published", "superseded")
    assert rankings.published(session, "1").id == amended.id
    moves = session.scalars(select(AuditLog).where(AuditLog.action == "amend_ranking",
                                                   AuditLog.field == "stage")).all()
    assert [(m.entity_id, m.before, m.after) for m in moves] == [(a.id, "round2", "round1")]
    again = rankings.preview(session, campaign, "1", county)
    with pytest.raises(rankings.RankingError, match="already published"):
        rankings.publish(session, again, county)  # a new amendment needs a new upheld appeal


def test_rankings_use_the_campaign_files_counts_and_weights(session, set_campaign, round1,
                                                            make_user):
    _town, (a, _b, _c) = round1
    county = make_user("county", "county_staff")
    _complete(session, a, datetime(2016, 5, 27, 16, tzinfo=UTC), wechat=50)  # 05-28 00:00 +08
    session.commit()
    campaign = set_campaign(round1={"tasks": {"wechat_share": {"required": 50}},
                                    "weights": {"timeliness": 1.0, "quality": 0.0}})
    ranking = rankings.preview(session, campaign, "1", county)
    row = next(r for r in ranking.result["ranking"] if r["id"] == a.reg_no)
    assert ranking.policy["round1"]["tasks"]["wechat_share"] == 50
    assert row["components"]["completeness"] == 1.0
    # The 100th download came 99 minutes after 05-28 00:00, 72 h before the end of a 144 h
    # window: T = 100 × (72 − 1.65) / 144 = 48.85, and the score is 1 × (1.0 T + 0 Q).
    assert row["score"] == 48.85


def test_a_campaign_with_unusable_weights_is_refused_at_load(tmp_path):
    from grader.campaign import CampaignError, DEFAULT_FILE, load_campaign

    bad = tmp_path / "bad.toml"
    bad.write_text(DEFAULT_FILE.read_text(encoding="utf-8").replace(
        "timeliness = 0.4", 'timeliness = "0.4"'), encoding="utf-8")
    with pytest.raises(CampaignError, match=r"round1\.weights\.timeliness: Input should be a "
                                            "valid number"):
        load_campaign(bad)


def test_reviewers_who_join_late_top_up_plans_never_from_their_township(
        session, campaign, storage, round1, make_township, make_user, client, auth):
    town, people = round1
    other = make_township("孟封镇")
    first = make_user("r1", "reviewer")
    make_user("county", "county_staff")
    items = [plans.submit_plan(session, storage, campaign, p, "计划书.txt",
                               (PLAN + p.name).encode("utf-8")).item for p in people]
    session.commit()

    def reviewers_of(item):
        return session.scalars(select(Review.reviewer_id).where(Review.item_id == item.id)).all()

    assert [len(reviewers_of(i)) for i in items] == [1, 1, 1]  # only one reviewer so far
    local = make_user("local", "reviewer", town)
    assert local.township_id == town.id
    assert reviews.top_up(session, campaign, "plan") == 0  # the local one may not review them
    outside = make_user("outside", "reviewer", other)
    auth.login("county")
    page = client.get("/review/progress").get_data(as_text=True)
    assert "评审不足的 3 份" in page
    client.post("/review/progress", data={"csrf_token": csrf_from(client.get("/review/progress"))})
    assert [sorted(reviewers_of(i)) for i in items] == [sorted([first.id, outside.id])] * 3
    assert "评审不足的 0 份" in client.get("/review/progress").get_data(as_text=True)


def test_only_township_roles_take_a_township(session, make_township):
    from grader.services.accounts import AccountError, create_user

    town = make_township("东于镇")
    assert create_user(session, "iv", "secret123", "interviewer", "东于镇").township_id == town.id
    with pytest.raises(AccountError, match="has no township"):
        create_user(session, "cs", "secret123", "county_staff", "东于镇")
    with pytest.raises(AccountError, match="unknown township"):
        create_user(session, "rv", "secret123", "reviewer", "无此镇")


@pytest.mark.slow
def test_a_plan_photographed_page_by_page_becomes_one_pdf(session, campaign, storage, round1,
                                                          make_user, client, auth):
    from pypdf import PdfReader

    from uploads import synth

    _town, people = round1
    pages = [("p1.jpg", synth.to_jpeg(synth.draw_text_image("第一页 我的农村淘宝项目计划书",
                                                              (900, 120)))),
             ("p2.png", synth.to_png(synth.draw_text_image("第二页 服务站开在村委会旁", (900, 120))))]
    result = plans.submit_plan_pages(session, storage, campaign, people[0], pages)
    item = result.item
    assert item.filename == "p1-2p.pdf" and item.mime == "application/pdf"
    assert len(PdfReader(io.BytesIO(storage.read(item.storage_key))).pages) == 2
    assert item.text.index("农村淘宝项目计划书") < item.text.index("村委会旁")  # page order kept
    with pytest.raises(plans.PlanError, match="page photos"):
        plans.submit_plan_pages(session, storage, campaign, people[1],
                                [pages[0], ("plan.txt", PLAN.encode("utf-8"))])
    with pytest.raises(plans.PlanError, match="at most 30"):
        plans.submit_plan_pages(session, storage, campaign, people[1], [pages[0]] * 31)
    people[1].user.set_password("secret123")
    session.commit()
    auth.login(people[1].user.username)
    form = client.get("/me/plan")
    assert 'multiple' in form.get_data(as_text=True)
    page = client.post("/me/plan", data={
        "csrf_token": csrf_from(form),
        "files": [(io.BytesIO(data), name) for name, data in pages]},
        content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "计划书已提交" in page and "p1-2p.pdf" in page


def test_similar_plans_in_the_staff_report_and_side_by_side(session, campaign, storage, round1,
                                                            make_township, make_user, client,
                                                            auth):
    from grader.services.plan_similarity import mark_spans

    _town, (a, b, c) = round1
    make_user("county", "county_staff")
    make_user("r1", "reviewer", make_township("孟封镇"))
    copied = PLAN + "另外我会组织<培训>。"
    own = ("本人计划依托家庭农场销售小米和陈醋，联系县里物流，开展代收代发和村民缴费服务，"
           "每周两次到邻村宣传。") * 6
    items = [plans.submit_plan(session, storage, campaign, p, "p.txt", t.encode("utf-8")).item
             for p, t in ((a, PLAN), (b, copied), (c, own))]
    session.commit()
    auth.login("county")
    report = client.get("/rankings/similarity").get_data(as_text=True)
    assert a.reg_no in report and b.reg_no in report and c.reg_no not in report
    pair = client.get(f"/rankings/similarity/{items[0].id}/{items[1].id}").get_data(as_text=True)
    assert pair.count("<mark>") == 2 and "&lt;培训&gt;" in pair  # one passage each side, escaped
    assert client.get(f"/rankings/similarity/{items[0].id}/999999").status_code == 404
    auth.login("r1")
    assert client.get(f"/rankings/similarity/{items[0].id}/{items[1].id}").status_code == 403
    queue = client.get("/review/plan").get_data(as_text=True)
    assert "并排对比两份计划书" in queue and "<mark>" in queue
    assert a.name not in queue and b.name not in queue  # still blind
    assert str(mark_spans("a<b>c", [(1, 3)])) == "a<mark>&lt;b&gt;</mark>c"


def test_no_amendment_once_the_next_round_has_begun(session, campaign, round1, make_user):
    _town, (a, b, _c) = round1
    county = make_user("county", "county_staff")
    shot = EvidenceItem(candidate_id=b.id, task="wechat_share", filename="r.png", sha256="d" * 64,
                        size=1, mime="image/png", storage_key="k", status="reject", reasons=[])
    session.add(shot)
    session.commit()
    first = rankings.preview(session, campaign, "1", county)
    rankings.publish(session, first, county)
    appeal = appeals.file_appeal(session, campaign, b, shot.id, "有关键词")
    appeals.answer_appeal(session, appeal, county, True, "确认")
    session.commit()
    rankings.preview(session, campaign, "2", county)  # round 2 is being ranked already
    late = rankings.preview(session, campaign, "1", county)
    with pytest.raises(rankings.RankingError, match="already published"):
        rankings.publish(session, late, county)
    assert late.status == "draft" and first.status == "published"


def test_a_third_review_lost_for_want_of_a_reviewer_is_topped_up_later(
        session, campaign, storage, round1, make_township, make_user):
    _town, (a, _b, _c) = round1
    other = make_township("孟封镇")
    first, second = make_user("r1", "reviewer", other), make_user("r2", "reviewer", other)
    item = plans.submit_plan(session, storage, campaign, a, "p.txt", PLAN.encode("utf-8")).item
    who = {first.id: first, second.id: second}
    low = {k["key"]: 10 for k in reviews.rubric(campaign, "plan")}
    high = {k["key"]: 90 for k in reviews.rubric(campaign, "plan")}
    given = session.scalars(select(Review).where(Review.item_id == item.id)).all()
    reviews.score_review(session, campaign, given[0], who[given[0].reviewer_id], low)
    reviews.score_review(session, campaign, given[1], who[given[1].reviewer_id], high)
    session.commit()  # 10 and 90: a third review is due, but no third reviewer exists yet
    assert reviews.progress(session, campaign, "plan")["short"] == 1
    warnings = rankings.round1_facts(session, campaign)[1]
    assert {"candidate": a.reg_no, "code": "third_review_missing", "n": 2} in warnings
    third = make_user("r3", "reviewer", other)
    assert reviews.top_up(session, campaign, "plan") == 1
    assert sorted(session.scalars(select(Review.reviewer_id).where(
        Review.item_id == item.id))) == sorted([first.id, second.id, third.id])
    assert reviews.progress(session, campaign, "plan")["short"] == 0


def test_open_items_come_in_id_order_whatever_order_updates_left_the_rows(
        session, campaign, storage, round1, make_user):
    _town, people = round1
    make_user("r1", "reviewer")
    items = [plans.submit_plan(session, storage, campaign, p, "计划书.txt",
                               (PLAN + p.name).encode("utf-8")).item for p in people]
    session.commit()
    for item in reversed(items):  # PostgreSQL writes each updated row anew at the table's end
        item.status = "review"
        session.flush()
        item.status = "accept"
        session.commit()
    for person in reversed(people):
        person.name = person.name + "·"
        session.commit()
    # the share-out gives the least-loaded reviewers to the items met first: a stable order
    assert [i.item_id for i in reviews.open_items(session, "plan")] == sorted(i.id for i in items)


def test_a_withdrawn_candidate_may_not_appeal_and_sees_no_appeal_form(
        session, campaign, round1, make_user, app):
    from grader.services import withdrawals
    from helpers import client_as

    _town, (a, _b, _c) = round1
    county = make_user("county", "county_staff")
    item = _rejected_share(session, a, "e")
    rankings.publish(session, rankings.preview(session, campaign, "1", county), county)
    a.user.set_password("secret123")
    session.commit()
    page = client_as(app, a.user.username).get("/me/results").text
    assert "提出申诉" in page  # the window is open
    withdrawals.withdraw(session, a, a.user, "own_request", "外出打工")
    session.commit()
    with pytest.raises(appeals.AppealError, match="withdrawn"):
        appeals.file_appeal(session, campaign, a, item.id, "截图里有关键词")
    page = client_as(app, a.user.username).get("/me/results").text
    assert "提出申诉" not in page and "未通过的材料" in page
