"""Withdrawals and replacements on a 360×740 phone: staff offer the next, a candidate accepts
the offer, then withdraws; every step asks first, naming who and what."""

import pytest

from grader.services.demo import DEMO_CANDIDATE_ID
from playwright.sync_api import expect
from sqlalchemy import select

from grader.db import session_scope
from grader.models import Candidate, Ranking, User
from grader.models.states import OfferStatus, RankingStatus, Stage
from grader.models.withdrawal import ReplacementOffer, Withdrawal
from grader.services import rankings
from helpers import login

pytestmark = pytest.mark.browser
DEMO_ID = DEMO_CANDIDATE_ID


def answer_dialog(page, accept: bool = True) -> list[str]:
    """Answer the next confirmation; return the list its question is put in."""
    asked: list[str] = []
    page.once("dialog", lambda d: (asked.append(d.message), d.accept() if accept else d.dismiss()))
    return asked


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.fixture(scope="module")
def ranked(live_app):
    """An interview ranking of four: two selected, the demo candidate third."""
    with session_scope(live_app) as s:
        demo = s.scalars(select(Candidate).where(Candidate.id_number == DEMO_ID)).one()
        others = s.scalars(select(Candidate).where(Candidate.eligible, Candidate.id != demo.id)
                           .order_by(Candidate.id).limit(3)).all()
        order = [others[0], others[1], demo, others[2]]
        for cand in order:
            cand.stage = Stage.INTERVIEW
        county = s.scalars(select(User).where(User.username == "county")).one()
        rows = [{"id": c.reg_no, "rank": n, "score": 90.0 - n, "advance": n <= 2,
                 "components": {}, "explain": []} for n, c in enumerate(order, 1)]
        draft = Ranking(round="interview", status=RankingStatus.DRAFT, policy={}, facts={},
                        result={"ranking": rows, "advance": 2}, size=4, warnings=[])
        s.add(draft)
        s.flush()
        rankings.publish(s, draft, county)
        return {"first": order[0].id, "first_name": order[0].name, "demo": demo.id,
                "demo_name": demo.name, "demo_reg": demo.reg_no}


def test_staff_withdraw_a_candidate_and_offer_the_next(live_app, live_server, phone, ranked):
    login(phone, live_server, "county", "county2016")
    phone.goto(f"{live_server}/candidates/{ranked['first']}")
    phone.select_option("#withdraw_reason", "declined")
    phone.fill("#withdraw_note", "电话告知不签约")
    asked = answer_dialog(phone)
    phone.click("#staff-withdraw")
    expect(phone.locator(".flash.success")).to_contain_text("已登记退出")
    assert asked and ranked["first_name"] in asked[0] and "面试通过" in asked[0]
    phone.goto(f"{live_server}/replacements/")
    expect(phone.locator("#place-selected")).to_contain_text("空缺：1")
    assert fits(phone)
    asked = answer_dialog(phone, accept=False)  # asked, refused: nothing offered
    phone.click("#offer-selected")
    assert asked and f"第 3 名 {ranked['demo_name']}（{ranked['demo_reg']}）" in asked[0]
    assert "2 天内答复" in asked[0]
    with session_scope(live_app) as s:
        assert s.scalars(select(ReplacementOffer)).first() is None
    answer_dialog(phone)
    phone.click("#offer-selected")
    expect(phone.locator(".flash.success")).to_contain_text(f"已向第 3 名 {ranked['demo_name']}")
    expect(phone.locator("#place-selected")).to_contain_text("待答复递补：1")
    with session_scope(live_app) as s:
        offer = s.scalars(select(ReplacementOffer)).one()
        assert (offer.candidate_id, offer.rank, offer.status) == (ranked["demo"], 3,
                                                                  OfferStatus.OPEN)


def test_the_candidate_accepts_the_offer_on_me(live_app, live_server, phone, ranked):
    login(phone, live_server, DEMO_ID, "cand2016")
    phone.goto(f"{live_server}/me")
    expect(phone.locator("[id^=offer-] h2").first).to_contain_text("递补通知")
    expect(phone.locator("#step-interview")).to_contain_text("递补待您答复")
    assert fits(phone)
    asked = answer_dialog(phone)
    phone.click("#offer-accept")
    expect(phone.locator(".flash.success")).to_contain_text("您已接受递补")
    assert asked and "面试通过" in asked[0]
    expect(phone.locator("#step-interview")).to_contain_text("通过（递补）")
    with session_scope(live_app) as s:
        assert s.get(Candidate, ranked["demo"]).stage == Stage.SELECTED


def test_the_candidate_withdraws_from_me(live_app, live_server, phone, ranked):
    login(phone, live_server, DEMO_ID, "cand2016")
    phone.goto(f"{live_server}/me")
    phone.fill("#note", "家里有事")
    asked = answer_dialog(phone, accept=False)
    phone.click("#self-withdraw")
    assert asked and "确定退出选拔吗" in asked[0] and "面试通过" in asked[0]
    with session_scope(live_app) as s:
        assert s.scalars(select(Withdrawal).where(
            Withdrawal.candidate_id == ranked["demo"])).first() is None
    answer_dialog(phone)
    phone.click("#self-withdraw")
    expect(phone.locator(".flash.success")).to_contain_text("您已退出本次选拔")
    expect(phone.locator("#withdraw")).to_contain_text("本人申请退出")
    expect(phone.locator("#out")).to_contain_text("未通过")
    assert fits(phone)
    with session_scope(live_app) as s:
        gone = s.scalars(select(Withdrawal).where(Withdrawal.candidate_id == ranked["demo"])).one()
        assert (gone.reason, gone.stage, gone.note) == ("own_request", Stage.SELECTED, "家里有事")


def test_staff_preview_and_send_a_signing_notice(live_app, live_server, phone, ranked):
    login(phone, live_server, "county", "county2016")
    phone.goto(f"{live_server}/notices/")
    phone.select_option("#kind", "signing")
    phone.select_option("#audience", "signing")
    phone.fill("#text", "请于6月13日9点到县电商办签约")
    phone.click("#preview-notice")
    expect(phone.locator("#notice-count")).to_contain_text("将发给 1 人")  # the demo withdrew
    assert fits(phone)
    asked = answer_dialog(phone)
    phone.click("#send-notice")
    expect(phone.locator(".flash.success")).to_contain_text("通知已发给 1 人")
    assert asked and "将向 1 人发送这条通知" in asked[0]
    expect(phone.locator("#recipients tr")).to_have_count(2)  # the header and the one
