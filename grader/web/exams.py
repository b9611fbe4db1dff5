"""Exam results: import score files, preview and apply the advancement; the audit log."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from grader.auth.permissions import roles_required
from grader.campaign import current_campaign
from grader.db import get_session
from grader.models.states import Role
from grader.services import audit
from grader.services import exams as service
from grader.web.actions import attempt
from grader.web.forms import UploadForm
from grader.web.staff_forms import AdvanceForm
from grader.web.table_io import import_table
from grader.web.security import row_id

bp = Blueprint("exams", __name__)
AUDIT_PAGE = 100  # entries a page of the audit log
KINDS = {"online_exam": _l("线上考试"), "onsite_test": _l("现场测试")}


def _kind(kind: str) -> str:
    """Refuse an unknown exam kind."""
    if kind not in service.EXAMS:
        abort(404)
    return kind


@bp.route("/exams/<kind>", methods=["GET", "POST"])
@roles_required(Role.COUNTY_STAFF)
def import_scores(kind: str):
    """Import a score file for one exam."""
    kind = _kind(kind)
    form = UploadForm()
    result = None
    if form.validate_on_submit():
        db = get_session()
        result = import_table(form, lambda name, data, limit: service.import_scores(
            db, kind, name, data, current_user, limit))
        if result is not None and not result.errors:
            flash(_("已导入 %(n)s 条成绩", n=result.applied), "success")
            return redirect(url_for("exams.advance", kind=kind))
    return render_template("exams/import.html", kind=kind, title=KINDS[kind], form=form,
                           result=result)


@bp.route("/exams/<kind>/advance", methods=["GET", "POST"])
@roles_required(Role.COUNTY_STAFF)
def advance(kind: str):
    """Preview who advances from an exam, then apply it."""
    kind = _kind(kind)
    db = get_session()
    plan, done = service.advance_page(db, current_campaign(), kind)
    form = AdvanceForm()
    if form.validate_on_submit():  # once confirmed, apply_advance refuses (already_advanced)
        moved = attempt(lambda: service.apply_advance(db, plan, current_user,
                                                      form.fingerprint.data or ""))
        if moved is None:
            return redirect(url_for("exams.advance", kind=kind))
        flash(_("已有 %(n)s 人晋级，记录已写入审计日志", n=moved), "success")
        return redirect(url_for("main.dashboard"))
    attr = service.EXAMS[kind][0]
    form.fingerprint.data = service.fingerprint(plan)  # the list previewed, checked on confirm
    return render_template("exams/advance.html", kind=kind, title=KINDS[kind], plan=plan,
                           attr=attr, form=form, advancing={c.id for c in plan.advancing},
                           fingerprint=service.fingerprint(plan), done=done)


@bp.route("/audit")
@roles_required(Role.COUNTY_STAFF)
def audit_log():
    """Show the latest audit entries, newest first."""
    before = row_id(request.args.get("before", type=int))
    rows = audit.latest(get_session(), before, AUDIT_PAGE)
    return render_template("audit.html", rows=rows, before=before,
                           older=rows[-1].id if len(rows) == AUDIT_PAGE else None)
