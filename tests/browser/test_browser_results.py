"""Issue 14, item 8: a candidate reads their result in plain sentences; formulas on request."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from grader.db import session_scope
from grader.models import Candidate
from grader.services import rankings
from helpers import login

pytestmark = pytest.mark.browser
DEMO_ID = "522424199203150015"


@pytest.fixture
def published(live_app):
    with session_scope(live_app) as s:
        cands = s.scalars(select(Candidate).where(Candidate.eligible).limit(6)).all()
        for cand in cands:
            cand.stage = "round1"
        s.scalars(select(Candidate).where(Candidate.id_number == DEMO_ID)).one().stage = "round1"
        s.flush()
        ranking = rankings.preview(s, live_app.extensions["grader.campaign"], "1", None)
        rankings.publish(s, ranking, None)


def test_results_speak_plainly_and_keep_formulas_behind_a_toggle(live_server, phone, published):
    login(phone, live_server, DEMO_ID, "cand2016")
    phone.goto(f"{live_server}/me/results")
    plain = phone.locator("#result-1 ul.plain")
    expect(plain).to_contain_text("人中排第")
    expect(plain).to_contain_text("名晋级")
    expect(plain).to_contain_text("完成度按通过的材料计算")
    expect(plain).to_contain_text("失分最多的是")
    formulas = phone.locator("#result-1 details.formulas")
    expect(formulas.locator("li").first).to_be_hidden()  # 总分 = C × (…) waits behind the toggle
    phone.click("#result-1 details.formulas summary")
    expect(formulas.locator("li").first).to_be_visible()
    expect(formulas).to_contain_text("总分 =")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
