"""The route matrix: every endpoint of app.url_map, by every role, on own and others' objects.

Expectations are written here independently of `grader.auth.routes` (which roles pass, who may
reach whose object) and compared with what the app answers; a page must not show the full ID
or mobile number of anyone the role may not see.
"""

import io
import time
from datetime import date

import pytest
from flask import url_for
from PIL import Image
from sqlalchemy import select

from helpers import csrf_from, ric_for
from grader.auth.routes import RULES
from grader.models import (DailyReport, DutyPhoto, EvidenceItem, Notice, NoticeRecipient, Ranking,
                           ReportPhoto, Review, StationSite, User, Village)
from grader.storage import get_storage

ROLES = ("candidate", "township_staff", "county_staff", "reviewer", "interviewer", "admin",
         "anonymous")
USERNAMES = {"township_staff": "town", "county_staff": "county", "reviewer": "rev",
             "interviewer": "iv", "admin": "root"}
PEOPLE = {"own": ("13800138001", ric_for(date(1990, 6, 1), "111")),
          "other": ("13900139002", ric_for(date(1991, 7, 2), "222"))}
# who reaches an object of the candidate's/staff's own township, and of another one
SEES = {
    "candidate": {"own": {"candidate", "township_staff", "county_staff", "admin"},
                  "other": {"county_staff", "admin"}},
    "item": {"own": {"candidate", "township_staff", "county_staff", "admin"},
             "other": {"county_staff", "admin", "reviewer"}},  # not the reviewer's township
    "report": {"own": {"candidate", "township_staff", "county_staff", "admin"},
               "other": {"county_staff", "admin", "reviewer"}},  # assigned to the reviewer
    "town": {"own": {"township_staff", "county_staff", "admin"}, "other": {"county_staff", "admin"}},
    "site": {"own": {"township_staff", "county_staff", "admin"}, "other": {"county_staff", "admin"}},
    "village": {"own": {"township_staff", "county_staff", "admin"},
                "other": {"county_staff", "admin"}},
    "duty_photo": {"own": {"township_staff", "county_staff", "admin"},
                   "other": {"county_staff", "admin"}},
    "plan": {"own": {"county_staff", "admin"},  # decided in the screenshot queue: never
             "other": {"county_staff", "admin"}},  # by reviewers (they score plans blind)
}
# whose full numbers each role may see on any page
PII_SEEN = {"candidate": {"own"}, "township_staff": {"own"}, "county_staff": {"own", "other"},
            "admin": {"own", "other"}, "reviewer": set(), "interviewer": set(),
            "anonymous": set()}
PLAIN_ARGS = {"task": "wechat_share", "fmt": "csv", "n": 0, "code": "zh_CN", "stage": "1",
              "filename": "style.css", "user_id": 999999,  # no such account: nothing changes
              "duty": "banner"}
KIND_ARG = {"reviews.queue": ("plan", "report"), "exams.import_scores": ("online_exam",),
            "exams.confirm_scores": ("online_exam",),
            "exams.advance": ("online_exam",)}
# POSTs whose form names an object: (field, kind of object, the rest of the minimal form)
FORM_OBJECTS = {"evidence.review": ("item_id", "plan", {"verdict": "reject"})}


def role_passes(role: str, roles: tuple[str, ...]) -> bool:
    """Say whether a role passes a route's roles: admin passes all but candidate-only routes."""
    if not roles:
        return True
    if role == "anonymous":
        return False
    return role in roles or (role == "admin" and set(roles) != {"candidate"})


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 40)).save(out, "JPEG")
    return out.getvalue()


def stored_item(session, cand, key, task="wechat_share", text=None):
    item = EvidenceItem(candidate_id=cand.id, task=task, filename="a.png",
                        sha256=f"{cand.id:032d}{len(task):032d}", size=1, mime="image/png",
                        storage_key=key, status="review", machine_verdict="review",
                        reasons=[], detail={}, text=text, attempts=1)
    session.add(item)
    return item


def report_of(session, cand, key, text):
    rep = DailyReport(candidate_id=cand.id, day=1, text=text)
    session.add(rep)
    session.flush()
    session.add(ReportPhoto(report_id=rep.id, position=0, sha256="0" * 64, size=1,
                            mime="image/jpeg", storage_key=key))
    return rep


@pytest.fixture
def world(app, session, make_township, make_candidate, make_user):
    """Two townships, a candidate in each, one account per role (staff of the first one)."""
    towns = {"own": make_township("城关镇"), "other": make_township("东山镇")}
    cands = {side: make_candidate(towns[side], name=f"候选{side}", phone=PEOPLE[side][0],
                                  id_number=PEOPLE[side][1]) for side in towns}
    for role, name in USERNAMES.items():
        make_user(name, role, township=towns["own"] if role != "county_staff" and
                  role != "admin" else None)
    with app.app_context():
        shot, photo = get_storage().put(b"\x89PNG shot").key, get_storage().put(jpeg()).key
    objs = {"candidate": {}, "item": {}, "report": {}, "plan": {}, "township": towns,
            "town": towns, "site": {}, "village": {}, "duty_photo": {}}
    for side, cand in cands.items():
        cand.stage = "round2"
        cand.user.set_password("secret123")
        objs["candidate"][side] = cand
        objs["item"][side] = stored_item(session, cand, shot)
        number, id_number = PEOPLE[side]
        objs["plan"][side] = stored_item(session, cand, shot, "plan",
                                         f"计划书正文。身份证{id_number}，电话{number}。")
        objs["report"][side] = report_of(session, cand, photo, f"今天走访，电话{number}")
        objs["site"][side] = StationSite(township_id=towns[side].id, slots=1)
        session.add(objs["site"][side])
        objs["village"][side] = Village(township_id=towns[side].id, name=f"村{side}")
        session.add(objs["village"][side])
        session.flush()
        objs["duty_photo"][side] = DutyPhoto(village_id=objs["village"][side].id, duty="banner",
                                             sha256=f"{cand.id:064d}", size=1,
                                             mime="image/jpeg", storage_key=photo)
        session.add(objs["duty_photo"][side])
    session.flush()
    rev = session.scalar(select(User).where(User.username == "rev"))
    other = cands["other"]
    session.add_all([Review(kind="plan", item_id=objs["plan"]["other"].id, candidate_id=other.id,
                            reviewer_id=rev.id),
                     Review(kind="report", item_id=objs["report"]["other"].id,
                            candidate_id=other.id, reviewer_id=rev.id)])
    ranking = Ranking(round="1", status="draft", policy={}, facts={}, result={"ranking": []})
    notice = Notice(kind="other", audience="round2", text="通知", recipients=2)
    session.add_all([ranking, notice])
    session.flush()
    session.add_all(NoticeRecipient(notice_id=notice.id, candidate_id=c.id, phone=c.phone)
                    for c in cands.values())
    session.commit()
    objs["ranking"] = {"own": ranking, "other": ranking}
    objs["notice"] = {"own": notice, "other": notice}
    return cands, objs


def signed_in(app, username: str | None):
    """Return a client (logged in unless no username) and the CSRF token of its session."""
    client = app.test_client()
    token = csrf_from(client.get("/login"))
    if username:
        client.post("/login", data={"username": username, "password": "secret123",
                                    "csrf_token": token})
    return client, token


def clients(app, cands) -> dict:
    names = {**USERNAMES, "candidate": cands["own"].user.username, "anonymous": None}
    return {role: signed_in(app, name) for role, name in names.items()}


def variants(endpoint, rule, method, objs) -> list[tuple[str, dict, dict]]:
    """Return (side, URL values, form) per variant of the route ("-": no object of a side)."""
    base = {a: PLAIN_ARGS[a] for a in rule.arguments if a in PLAIN_ARGS}
    kinds = [{"kind": k} for k in KIND_ARG[endpoint]] if "kind" in rule.arguments else [{}]
    out = []
    for args in ({**base, **k} for k in kinds):
        out += _object_variants(endpoint, method, args, objs)
    return out


def _object_variants(endpoint, method, args, objs) -> list[tuple[str, dict, dict]]:
    named = dict(RULES[endpoint].objects)
    if endpoint == "rankings.similarity_pair":
        return [("-", {**args, "a": objs["plan"]["own"].id, "b": objs["plan"]["other"].id}, {})]
    if named:
        return [(side, {**args, **{arg: objs[kind][side].id for arg, kind in named.items()}},
                 {}) for side in ("own", "other")]
    if method == "POST" and endpoint in FORM_OBJECTS:
        field, kind, rest = FORM_OBJECTS[endpoint]
        return [(side, args, {field: objs[kind][side].id, **rest}) for side in ("own", "other")]
    return [("-", args, {})]


def expected(role, endpoint, side) -> bool:
    rule = RULES[endpoint]
    if not role_passes(role, rule.roles):
        return False
    kinds = {kind for _arg, kind in rule.objects if kind in SEES}
    if endpoint in FORM_OBJECTS and side != "-":
        kinds.add(FORM_OBJECTS[endpoint][1])
    return side == "-" or all(role in SEES[kind][side] for kind in kinds)


def answered(res) -> bool:
    """Say whether the app let the request through (not 401/403, not sent to the login page)."""
    if res.status_code in (401, 403):
        return False
    return not (res.status_code == 302 and "/login" in res.headers.get("Location", ""))


def leaks(res, role) -> list[str]:
    if res.mimetype not in ("text/html", "application/json", "text/csv"):
        return []
    text = res.get_data(as_text=True)
    out = []
    for side, (phone, id_number) in PEOPLE.items():
        if side in PII_SEEN[role]:
            continue
        spaced = f"{phone[:3]} {phone[3:7]} {phone[7:]}"
        out += [f"{side}:{n}" for n in (phone, id_number, spaced) if n in text]
    return out


def test_every_route_has_one_rule_and_its_decorator_agrees(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules()}
    assert endpoints - set(RULES) == set(), "routes missing from grader/auth/routes.py"
    assert set(RULES) - endpoints == set(), "rules for routes that do not exist"
    for endpoint, view in app.view_functions.items():
        if hasattr(view, "roles"):
            assert set(view.roles) == set(RULES[endpoint].roles), endpoint


def test_an_unknown_endpoint_is_refused(app, client):
    app.add_url_rule("/undocumented", "undocumented", lambda: "open")
    assert client.get("/undocumented").status_code == 403


def test_route_matrix(app, world):
    cands, objs = world
    started, made, wrong = time.monotonic(), 0, []
    by_role = clients(app, cands)
    # Last the calls that end sessions: logouts, then (everyone signed in anew) password
    # resets, which end the candidate's session too.
    rules = sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint == "candidates.reset",
                                                            r.endpoint == "auth.logout",
                                                            "POST" in r.methods, r.endpoint))
    for rule in rules:
        if rule.endpoint == "candidates.reset":
            by_role = clients(app, cands)
        for method in sorted(rule.methods & {"GET", "POST"}):
            for side, values, form in variants(rule.endpoint, rule, method, objs):
                with app.test_request_context():
                    url = url_for(rule.endpoint, **values)
                for role, (client, token) in by_role.items():
                    data = {"csrf_token": token, **form} if method == "POST" else None
                    res = client.open(url, method=method, data=data)
                    made += 1
                    if answered(res) != expected(role, rule.endpoint, side):
                        wrong.append(f"{role} {method} {url} ({side}) -> {res.status_code}")
                    wrong += [f"{role} {method} {url} shows {n}" for n in leaks(res, role)]
                    res.close()
    print(f"{made} requests in {time.monotonic() - started:.1f} s")
    assert wrong == [], "\n".join(wrong)
