"""The pages each demo role reaches, and a logged-in context per role, for whole-site checks."""

import re

from helpers import login

DEMO_ID = "522424199203150015"
ACCOUNTS = {"anonymous": None, "candidate": (DEMO_ID, "cand2016"),
            "township": ("township", "town2016"), "county": ("county", "county2016"),
            "reviewer": ("reviewer", "review2016"), "interviewer": ("interviewer", "inter2016"),
            "admin": ("admin", "admin2016")}
CANDIDATE_DETAIL = "candidate detail"  # stands for /candidates/<id> of the first listed
PAGES = {
    "anonymous": ["/", "/login", "/register", "/public/"],
    "candidate": ["/me", "/me/evidence/wechat_share", "/me/evidence/app_download", "/me/surveys",
                  "/me/plan", "/me/reports", "/me/results", "/me/edit", "/account/password"],
    "township": ["/dashboard", "/candidates/", CANDIDATE_DETAIL, "/onsite/register",
                 "/townships/stats", "/trial/activity", "/account/password", "/stations/",
                 "/duties/", "/duties/1"],
    "county": ["/dashboard", "/candidates/", CANDIDATE_DETAIL, "/onsite/register",
               "/townships/stats", "/townships/", "/exams/online_exam",
               "/exams/online_exam/advance", "/exams/onsite_test", "/audit", "/evidence/review",
               "/trial/activity", "/surveys/", "/surveys/phones", "/calls/list",
               "/interview/manage", "/rankings/", "/rankings/similarity", "/review/progress",
               "/me/appeals", "/objections", "/stations/", "/stations/allocation", "/duties/",
               "/replacements/", "/notices/", "/outside/registrations", "/outside/figures",
               "/outside/figures/differences"],
    "reviewer": ["/dashboard", "/evidence/review", "/review/plan", "/review/report"],
    "interviewer": ["/dashboard", "/interview/"],
    "admin": ["/dashboard", "/admin/"],
}


def open_as(browser, base: str, role: str, lang: str = "zh_CN", **context_args):
    """Open a phone-sized page logged in as a demo role, in a language."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN",
                                  **context_args)
    page = context.new_page()
    if ACCOUNTS[role]:
        login(page, base, *ACCOUNTS[role])
        page.wait_for_load_state()
    page.goto(f"{base}/lang/{lang}")
    return page


def visit(page, base: str, path: str) -> str:
    """Go to a page of the list (the candidate detail through the list) and say its path."""
    if path == CANDIDATE_DETAIL:
        page.goto(f"{base}/candidates/")
        href = page.locator("a[href^='/candidates/']").filter(
            has_text=re.compile(r"\S")).evaluate_all(
            "links => links.map(a => a.getAttribute('href')).find(h => /\\/candidates\\/\\d+$/.test(h))")
        path = href
    response = page.goto(f"{base}{path}")
    assert response is not None and response.status == 200, f"{path}: {response and response.status}"
    return path
