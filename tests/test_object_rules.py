"""Object rules on POSTs and pages: blind plans, closed scores, township-scoped activity (issue 10)."""

from datetime import UTC, datetime

import pytest

from helpers import client_as as login
from helpers import csrf_from, ric_for
from grader.errors import CodedError
from grader.models import Appeal, EvidenceItem, GroupActivity, Ranking, Review, User
from grader.services import interview, reviews
from grader.storage import get_storage

BASE = "我们计划在村里开设农村淘宝服务站，帮助村民网购家电和农资，同时把本地的土特产品卖到城里。" * 6
LI_ID, LI_PHONE = ric_for(datetime(1991, 3, 4).date(), "123"), "13912345678"
ZHANG_ID = ric_for(datetime(1990, 6, 1).date(), "456")


def plan(session, cand, text, status="accept"):
    item = EvidenceItem(candidate_id=cand.id, task="plan", filename="plan.txt",
                        sha256=f"{cand.id:064d}", size=1, mime="text/plain", storage_key="",
                        status=status, machine_verdict=status, reasons=[], detail={},
                        text=text, attempts=1)
    session.add(item)
    session.commit()
    return item


@pytest.fixture
def world(session, make_township, make_candidate, make_user):
    """Li (东山镇) and Zhang (城关镇, the reviewer's own) with near-identical plans."""
    own, other = make_township("城关镇"), make_township("东山镇")
    zhang = make_candidate(own, name="张三", id_number=ZHANG_ID, phone="13800138000")
    li = make_candidate(other, name="李四", id_number=LI_ID, phone=LI_PHONE)
    for cand in (zhang, li):
        cand.stage = "round1"
    rev = make_user("rev", "reviewer", township=own)
    make_user("county", "county_staff")
    make_user("town", "township_staff", township=own)
    make_user("root", "admin")
    li_plan = plan(session, li, f"{BASE}我是李四，身份证号{LI_ID}，电话{LI_PHONE}。")
    zhang_plan = plan(session, zhang, f"{BASE}本人张三，身份证{ZHANG_ID}，秘密配方甲。")
    review = Review(kind="plan", item_id=li_plan.id, candidate_id=li.id, reviewer_id=rev.id)
    session.add(review)
    session.commit()
    return {"li": li, "zhang": zhang, "rev": rev, "li_plan": li_plan,
            "zhang_plan": zhang_plan, "review": review}


def test_a_reviewer_cannot_decide_a_plan_in_the_screenshot_queue(app, session, world):
    rev = login(app, "rev")
    token = csrf_from(rev.get("/evidence/review"))
    res = rev.post("/evidence/review", data={"csrf_token": token, "verdict": "reject",
                                             "item_id": world["li_plan"].id, "note": ""})
    assert res.status_code == 403
    session.refresh(world["li_plan"])
    assert world["li_plan"].status == "accept" and world["li_plan"].decided_by_id is None


def test_the_plan_page_is_blind_and_hides_the_reviewers_own_township(app, world):
    page = login(app, "rev").get("/review/plan").text
    assert f"计划书 #{world['li_plan'].id}" in page
    for secret in (LI_ID, LI_PHONE, "李四", ZHANG_ID, "张三", "秘密配方甲"):
        assert secret not in page, secret
    assert "139*****678" not in page and "139****5678" in page  # masked, not removed


def test_similar_plans_of_other_townships_are_shown_blinded(app, session, world,
                                                            make_township, make_candidate):
    west = make_candidate(make_township("西山镇"), name="王五", phone="13700137000")
    other = plan(session, west, f"{BASE}王五写的，电话 137 0013 7000。")
    page = login(app, "rev").get("/review/plan").text
    assert f"#{other.id}" in page and f"#{world['zhang_plan'].id}" not in page
    assert "王五" not in page and "137 0013 7000" not in page and "137 **** 7000" in page


def score(session, campaign, world):
    return reviews.score_review(session, campaign, world["review"], world["rev"],
                                {"market": 80, "operation": 80, "service": 80, "writing": 80})


def publish(session, round_name):
    session.add(Ranking(round=round_name, status="published", policy={}, facts={},
                        result={"ranking": []}, published_at=datetime.now(UTC)))
    session.commit()


def test_review_scores_close_when_the_round_is_published(session, campaign, world):
    publish(session, "1")
    with pytest.raises(CodedError) as refused:
        score(session, campaign, world)
    assert refused.value.code == "scores_closed"
    session.add(Appeal(candidate_id=world["li"].id, item_id=world["li_plan"].id, text="请复核",
                       status="upheld"))
    session.commit()
    assert score(session, campaign, world).score == 80.0  # the appeal reopens this plan


def test_the_refusal_is_said_in_chinese(app, session, world):
    publish(session, "1")
    rev = login(app, "rev")
    token = csrf_from(rev.get("/review/plan"))
    res = rev.post("/review/plan", follow_redirects=True, data={
        "csrf_token": token, "review_id": world["review"].id, "market": "0", "operation": "0",
        "service": "0", "writing": "0"})
    assert "本轮结果已发布，评分不能再修改" in res.text
    assert session.get(Review, world["review"].id).score is None


def test_interview_scores_close_when_the_interview_ranking_is_published(session, world,
                                                                         make_user):
    li, judge = world["li"], make_user("judge", "interviewer")
    li.stage = "interview"
    interview.score(session, judge, li, 70)
    publish(session, "interview")
    with pytest.raises(CodedError) as refused:
        interview.score(session, judge, li, 0)
    assert refused.value.code == "scores_closed"


def test_unmatched_members_are_county_business(app, session, world):
    session.add(GroupActivity(candidate_id=None, member="神秘网友", day=1, count=5,
                              source="csv", batch="b1"))
    session.commit()
    assert "神秘网友" in login(app, "county").get("/trial/activity").text
    assert "神秘网友" not in login(app, "town").get("/trial/activity").text


def test_admins_open_files_and_pass_every_staff_check(app, session, world):
    with app.app_context():
        stored = get_storage().put(b"\x89PNG fake")
    item = world["li_plan"]
    item.storage_key = stored.key
    session.commit()
    assert login(app, "root").get(f"/evidence/file/{item.id}").status_code == 200
    admin = session.get(User, world["rev"].id)
    admin.role = "admin"
    assert admin.has_role("candidate", "reviewer") and admin.has_role("county_staff")
    assert not admin.has_role("candidate")
