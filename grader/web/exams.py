"""Exam results: import score files, preview and apply the advancement; the audit log."""

from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request,
                   url_for)
from grader.words import remembered as _
from grader.words import lazy as _l
from flask_login import current_user

from grader.auth.permissions import roles_required
from grader.campaign import current_campaign
from grader.db import get_session
from grader.models.states import Role
from grader.services import audit
from grader.services import exams as service
from grader.services import staged
from grader.storage import get_storage
from grader.web.actions import attempt, flash_invalid
from grader.web.forms import UploadForm
from grader.web.import_forms import ConfirmImportForm
from grader.web.paging import kept_args, page_links, page_window
from grader.web.security import page_number, row_id
from grader.web.staff_forms import AdvanceForm, AuditFilterForm

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
    """Upload a score file for one exam and preview it: the rows that apply, those refused."""
    kind = _kind(kind)
    form, found, confirm = UploadForm(), None, ConfirmImportForm()
    if form.validate_on_submit():
        db, upload = get_session(), form.file.data
        data, name = upload.read(), upload.filename or "upload"
        found = attempt(lambda: service.check_scores(
            db, kind, name, data, current_app.config["IMPORT_MAX_BYTES"]))
        if found is not None:
            staged_upload = staged.stage(db, get_storage(), kind, name, data, current_user)
            confirm.upload_id.data = staged_upload.id
            confirm.fingerprint.data = service.scores_fingerprint(found)
    return render_template("exams/import.html", kind=kind, title=KINDS[kind], form=form,
                           found=found, confirm=confirm)


@bp.route("/exams/<kind>/confirm", methods=["POST"])
@roles_required(Role.COUNTY_STAFF)
def confirm_scores(kind: str):
    """Import the good rows of a previewed score file."""
    kind = _kind(kind)
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        flash_invalid(form)
        return redirect(url_for("exams.import_scores", kind=kind))
    result = attempt(lambda: _confirm(kind, form))
    if result is None:
        return redirect(url_for("exams.import_scores", kind=kind))
    flash(_("已导入 %(n)s 条成绩，%(m)s 行未导入", n=result.applied, m=len({e.row for e in result.errors})),
          "success")
    return redirect(url_for("exams.advance", kind=kind))


def _confirm(kind: str, form: ConfirmImportForm):
    """Read the staged file again and import its good rows, if they are the rows previewed."""
    db = get_session()
    upload, data = staged.waiting(db, get_storage(), form.upload_id.data, kind)
    result = service.import_scores(db, kind, upload.filename, data, current_user,
                                   current_app.config["IMPORT_MAX_BYTES"],
                                   form.fingerprint.data or "")
    staged.applied(upload, result.applied)
    return result


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


def _audit_filter(form: AuditFilterForm) -> audit.AuditFilter:
    """Return the filter the form asks for; a field that did not validate filters nothing."""
    form.validate()

    def value(f):
        return None if f.errors else (f.data or None)

    return audit.AuditFilter(value(form.person), value(form.action), value(form.since),
                             value(form.until))


def _audit_url(found: audit.AuditPage, n: int, keep: dict) -> str:
    """Return the URL of page n of the filtered log: the keyset of its newest entry."""
    if n <= 1:
        return url_for("exams.audit_log", **keep)
    if n not in found.starts:  # a page past an odd `before`: jump by its number
        return url_for("exams.audit_log", page=n, **keep)
    return url_for("exams.audit_log", before=found.starts[n] + 1, **keep)


@bp.route("/audit")
@roles_required(Role.COUNTY_STAFF)
def audit_log():
    """Show the audit entries, newest first, filtered, by keyset with page numbers to jump to."""
    form, args = AuditFilterForm(request.args), request.args
    page = args.get("page", type=int)
    found = audit.audit_page(get_session(), _audit_filter(form), AUDIT_PAGE,
                             row_id(args.get("before", type=int)),
                             None if page is None else page_number(page), page_window)
    keep, rows = kept_args("page", "before"), found.rows
    return render_template(
        "audit.html", rows=rows, form=form, found=found, keep=keep,
        links=page_links(found.page, found.pages, lambda n: _audit_url(found, n, keep)),
        newest=_audit_url(found, 1, keep),
        older=url_for("exams.audit_log", before=rows[-1].id, **keep)
        if len(rows) == AUDIT_PAGE else None)
