"""The one-language check on a rehearsed campaign: every role's pages full of data, both languages.

The demo database stops at registration; here `simulate` has run the whole funnel (exams,
both rounds, calls, reviews, rankings, interviews, signing), so rankings, audit rows, survey
answers, call outcomes and results are on the pages the check reads.
"""

import random
import re

import pytest
from sqlalchemy import select

from grader import create_app, migrate
from grader.db import session_scope
from helpers import login
from playwright.sync_api import expect
from test_browser_language import READ, foreign

pytestmark = pytest.mark.browser
PASSWORD = "rehearsal"  # every rehearsal account's
STAFF = {"county": "sim-county_staff-0", "reviewer": "sim-reviewer-0",
         "interviewer": "sim-interviewer-0", "township": "lang-township", "admin": "lang-admin"}
PAGES = {
    "county": ["/dashboard", "/candidates/", "/townships/stats", "/exams/online_exam/advance",
               "/exams/onsite_test/advance", "/audit", "/evidence/review", "/trial/activity",
               "/surveys/", "/surveys/phones", "/calls/list", "/interview/manage", "/rankings/",
               "/rankings/similarity", "/review/progress", "/me/appeals", "/calls/next",
               "/evidence/review?status=all", "rankings", "candidates", "pairs"],
    "township": ["/dashboard", "/candidates/", "/townships/stats", "/trial/activity", "candidates"],
    "admin": ["/dashboard", "/admin/"],
    "reviewer": ["/dashboard", "/evidence/review", "/review/plan", "/review/report"],
    "interviewer": ["/dashboard", "/interview/"],
    "candidate": ["/me", "/me/evidence/wechat_share", "/me/evidence/app_download", "/me/surveys",
                  "/me/plan", "/me/reports", "/me/results"],
}


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    """An app on a SQLite file holding a whole rehearsed campaign of 130 people."""
    from grader.services import simulation
    from grader.services.accounts import create_user
    from uploads.storage import FileStorage

    base = tmp_path_factory.mktemp("rehearsed")
    app = create_app({"DATABASE_URL": f"sqlite:///{base / 'live.db'}",
                      "QUEUE_URL": f"sqlite:///{base / 'q.db'}", "STORAGE_DIR": str(base / "s")})
    migrate.upgrade(app.extensions["grader.engine"])
    with app.app_context(), session_scope(app) as session:
        simulation.run(simulation.Rehearsal(session, FileStorage(str(base / "s")),
                                            app.extensions["grader.campaign"],
                                            random.Random(3)), 130)
        create_user(session, STAFF["township"], PASSWORD, "township_staff", township=simulation.TOWNSHIPS[0][1])
        create_user(session, STAFF["admin"], PASSWORD, "admin")
    return app


@pytest.fixture(scope="module")
def signed_partner(live_app):
    """The ID number of a rehearsed candidate who reached the end (signed)."""
    from grader.models import Candidate
    from grader.services.demo import DEMO_CANDIDATE_ID

    with session_scope(live_app) as session:  # not the demo candidate: their password differs
        return session.scalars(select(Candidate.id_number).where(
            Candidate.stage == "signed", Candidate.id_number != DEMO_CANDIDATE_ID)
            .order_by(Candidate.id)).first()


def _links(page, base: str, path: str, pattern: str, most: int) -> list[str]:
    """Return up to `most` links of a list page that match the pattern."""
    page.goto(f"{base}{path}")
    hrefs = page.locator("a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return list(dict.fromkeys(h for h in hrefs if re.fullmatch(pattern, h)))[:most]


def _pages(page, base: str, role: str) -> list[str]:
    """Expand the list's stand-ins: every ranking, and a few candidates' detail pages."""
    paths = []
    for path in PAGES[role]:
        if path == "rankings":
            paths += _links(page, base, "/rankings/", r"/rankings/\d+", 10)
        elif path == "candidates":
            paths += _links(page, base, "/candidates/?stage=signed", r"/candidates/\d+", 2)
        elif path == "pairs":
            paths += _links(page, base, "/rankings/similarity", r"/rankings/similarity/\d+/\d+", 1)
        else:
            paths.append(path)
    return paths


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
@pytest.mark.parametrize("role", list(PAGES))
def test_one_language_on_a_rehearsed_campaign(live_server, browser, signed_partner, role, lang):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    page = context.new_page()
    login(page, live_server, signed_partner if role == "candidate" else STAFF[role], PASSWORD)
    page.goto(f"{live_server}/lang/{lang}")
    found = []
    for path in _pages(page, live_server, role):
        reply = page.goto(f"{live_server}{path}")
        assert reply is not None and reply.status == 200, f"{path}: {reply and reply.status}"
        found += [f"{path}: {text[:120]!r}" for text in foreign(page.evaluate(READ), lang)]
    context.close()
    assert not found, f"{len(found)} pieces in the other language:\n" + "\n".join(found)


@pytest.mark.parametrize("user,password,path,work", [
    ("reviewer", "review2016", "/review/plan", "#review-form input.criterion"),
    ("reviewer2", "review2016", "/review/plan", "#review-form input.criterion"),
    ("county", "county2016", "/calls/next", "#call-form #outcome"),
])
def test_the_demo_accounts_find_work_after_a_rehearsal(live_server, browser, user, password,
                                                       path, work):
    """A rehearsal keeps the demo accounts and leaves them work: a plan reopened by an upheld
    appeal for both reviewers, spot-check calls for county staff (issue 14, item 17)."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    page = context.new_page()
    login(page, live_server, user, password)
    page.goto(f"{live_server}{path}")
    expect(page.locator(work).first).to_be_visible()
    context.close()
