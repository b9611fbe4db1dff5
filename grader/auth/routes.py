"""One table of route rules: who may call each endpoint, in what scope, on which objects.

Every endpoint of `app.url_map` has a row; `guard` (a `before_request` hook) enforces it, so
a route nobody described answers 403 rather than being open by mistake. The
`@roles_required` decorators on the views stay as documentation and a second check; the
route matrix test holds them equal to this table.
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, redirect, request, url_for
from flask_login import current_user

from grader.auth.permissions import can_view_candidate, may_see_item
from grader.db import get_session
from grader.models import (Candidate, DailyReport, DutyPhoto, EvidenceItem, Notice, Ranking,
                           StationSite, Township, User, Village)
from grader.models.states import Role
from grader.services import records
from grader.services.report_photos import may_see_report

C, T, K = Role.CANDIDATE, Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF
R, V, A = Role.REVIEWER, Role.INTERVIEWER, Role.ADMIN  # V: interViewer
EVERYONE = tuple(Role)


def _in_role_scope(_session, _user: User, _obj) -> bool:
    """Let anyone holding the route's role act on the object (county-wide objects)."""
    return True


def _own_township(user: User, township_id: int) -> bool:
    """Let township staff reach only their own township's object; other roles any."""
    return user.role != Role.TOWNSHIP_STAFF or user.township_id == township_id


@dataclass(frozen=True)
class Owner:
    """The kind of object a URL argument names, and the rule that decides who may reach it."""

    model: type
    may: Callable[..., bool]  # (session, user, obj) -> bool


OWNERS = {
    "candidate": Owner(Candidate, lambda _s, u, o: can_view_candidate(u, o)),
    "item": Owner(EvidenceItem, lambda _s, u, o: may_see_item(u, o)),
    "report": Owner(DailyReport, may_see_report),
    "ranking": Owner(Ranking, _in_role_scope),
    "township": Owner(Township, _in_role_scope),
    "town": Owner(Township, lambda _s, u, o: _own_township(u, o.id)),
    "site": Owner(StationSite, lambda _s, u, o: _own_township(u, o.township_id)),
    "village": Owner(Village, lambda _s, u, o: _own_township(u, o.township_id)),
    "duty_photo": Owner(DutyPhoto, lambda _s, u, o: _own_township(u, o.village.township_id)),
    "notice": Owner(Notice, _in_role_scope),
}


@dataclass(frozen=True)
class Rule:
    """Who may call an endpoint: roles (empty: public), township scope, objects per URL arg."""

    roles: tuple[str, ...] = ()
    scope: str = "any"  # "own": township-bound roles see only their township's rows
    objects: tuple[tuple[str, str], ...] = ()  # (URL argument, kind of object in OWNERS)

    @property
    def public(self) -> bool:
        """Say whether anonymous visitors may call the endpoint."""
        return not self.roles


PUBLIC = Rule()
COUNTY = Rule((K,))
CANDIDATE = Rule((C,), "own")
STAFF = Rule((T, K), "own")

RULES: dict[str, Rule] = {
    "static": PUBLIC, "auth.login": PUBLIC, "main.home": PUBLIC, "main.set_language": PUBLIC,
    "main.favicon": PUBLIC,
    "registration.register_self": PUBLIC, "registration.wechat_link": PUBLIC,
    "auth.logout": Rule(EVERYONE), "auth.change_password": Rule(EVERYONE),
    "main.dashboard": Rule(EVERYONE, "own"),  # candidates are sent on to /me
    "admin.index": Rule((A,)), "admin.set_role": Rule((A,)), "admin.set_active": Rule((A,)),
    "registration.status": CANDIDATE, "registration.register_onsite": STAFF,
    "candidate.plan": CANDIDATE, "candidate.results": CANDIDATE,
    "candidate.staff_appeals": COUNTY,
    "candidates.index": STAFF, "candidates.export": STAFF,  # township staff: own township only
    "candidates.detail": Rule((T, K), "own", (("cand_id", "candidate"),)),
    "candidates.reset": Rule((T, K), "own", (("cand_id", "candidate"),)),
    "evidence.upload_page": CANDIDATE, "evidence.upload": CANDIDATE,
    "evidence.status": CANDIDATE,
    "evidence.file": Rule((C, R, K, T), "own", (("item_id", "item"),)),
    "evidence.review": Rule((R, K), "any"),  # reviewers: never their own township (service)
    "outside.registrations": COUNTY, "outside.registrations_preview": COUNTY,
    "outside.registrations_confirm": COUNTY, "outside.figures": COUNTY,
    "outside.figures_confirm": COUNTY, "outside.differences": COUNTY,
    "exams.import_scores": COUNTY, "exams.confirm_scores": COUNTY, "exams.advance": COUNTY, "exams.audit_log": COUNTY,
    "interview.scores": Rule((V,), "any"),  # interviewers: never their own township (service)
    "interview.manage": COUNTY, "interview.create_panel": COUNTY,
    "interview.schedule": COUNTY, "interview.reassign": COUNTY, "interview.sign": COUNTY,
    "interview.support_export": COUNTY, "interview.support_partners": COUNTY,
    "rankings.index": COUNTY, "rankings.similarity": COUNTY,
    "rankings.view": Rule((K,), objects=(("ranking_id", "ranking"),)),
    "rankings.export": Rule((K,), objects=(("ranking_id", "ranking"),)),
    "rankings.similarity_pair": Rule((K,), objects=(("a", "item"), ("b", "item"))),
    "reviews.progress": COUNTY, "reviews.queue": Rule((R,)),
    "surveys.template": PUBLIC,  # the county's blank survey form: no one's data
    "surveys.mine": CANDIDATE,
    "surveys.overview": COUNTY, "surveys.next_call": COUNTY, "surveys.call_sheet": COUNTY,
    "surveys.call_list": COUNTY, "surveys.shared_phones": COUNTY,
    "townships.index": COUNTY,
    "townships.update": Rule((K,), objects=(("town_id", "township"),)),
    "townships.stats": STAFF, "townships.stats_export": STAFF,
    "stations.index": STAFF, "stations.allocation": COUNTY, "stations.outcome_export": COUNTY,
    "stations.add_site": Rule((T, K), "own", (("town_id", "town"),)),
    "stations.set_seat": Rule((T, K), "own", (("town_id", "town"),)),
    "stations.remove_site": Rule((T, K), "own", (("site_id", "site"),)),
    "duties.index": STAFF, "duties.export": STAFF,  # township staff: own township's row
    "duties.township": Rule((T, K), "own", (("town_id", "town"),)),
    "duties.add_village": Rule((T, K), "own", (("town_id", "town"),)),
    "duties.set_responsible": Rule((T, K), "own", (("town_id", "town"),)),
    "duties.upload": Rule((T, K), "own", (("village_id", "village"),)),
    "duties.photo": Rule((T, K), "own", (("photo_id", "duty_photo"),)),
    "trial.reports": CANDIDATE,
    "trial.report_photo": Rule((C, R, K, T), "own", (("report_id", "report"),)),
    "trial.activity_page": STAFF,
    "trial.link_member": COUNTY, "trial.unlink_member": COUNTY,
    # the public announcement (公示): masked lists and objections, open to everyone
    "publicity.index": PUBLIC, "publicity.notice": PUBLIC, "publicity.objections": COUNTY,
    "registration.correct": CANDIDATE,
    "candidates.correct": Rule((T, K), "own", (("cand_id", "candidate"),)),
    "candidates.accept_id_number": Rule((T, K), "own", (("cand_id", "candidate"),)),
    "standing.withdraw": CANDIDATE, "standing.answer_offer": CANDIDATE,
    "replacements.index": COUNTY, "replacements.offer": COUNTY, "replacements.answer": COUNTY,
    "replacements.withdraw_candidate": Rule((T, K), "own", (("cand_id", "candidate"),)),
    "notices.index": COUNTY,
    "notices.detail": Rule((K,), objects=(("notice_id", "notice"),)),
    "notices.sms": Rule((K,), objects=(("notice_id", "notice"),)),
}


def allows(user: User, rule: Rule) -> bool:
    """Say whether the logged-in user's role passes the rule (admin passes staff rules)."""
    return user.has_role(*rule.roles)


def _to_login():
    """Answer an anonymous call of a closed route: 401 to JSON, the login page to a browser."""
    if request.accept_mimetypes.best == "application/json":
        abort(401)
    return redirect(url_for("auth.login", next=request.full_path))


def _check_objects(rule: Rule) -> None:
    """Load each object the URL names and apply its owner's rule: 404 if missing, else 403."""
    db = get_session()
    for arg, kind in rule.objects:
        owner = OWNERS[kind]
        obj = records.get(db, owner.model, (request.view_args or {}).get(arg))
        if obj is None:
            abort(404)
        if not owner.may(db, current_user, obj):
            abort(403)


def guard():
    """Enforce the endpoint's rule before its view runs; refuse endpoints not in the table."""
    if request.routing_exception is not None or request.endpoint is None:
        return None  # Flask answers 404/405 itself
    rule = RULES.get(request.endpoint)
    if rule is None:
        abort(403)  # a new route nobody described is closed until it has a row
    if rule.public:
        return None
    if not current_user.is_authenticated:
        return _to_login()
    if not allows(current_user, rule):
        abort(403)
    _check_objects(rule)
    return None
