"""A candidate's own pages beyond registration: business plan, results, appeals."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from grader.auth.permissions import roles_required
from grader.campaign import current_campaign
from grader.db import get_session
from grader.models.base import utcnow
from grader.i18n import reason_text
from grader.models import Appeal, Candidate, EvidenceItem
from grader.services import appeals, plans
from grader.services.rankings import published_entry
from grader.storage import get_storage
from grader.web.forms import ConfirmForm, PlanForm

bp = Blueprint("candidate", __name__, url_prefix="/me")


def own_candidate() -> Candidate:
    """Return the logged-in candidate's registration."""
    if current_user.role != "candidate":
        abort(403)
    cand = get_session().scalar(select(Candidate).where(Candidate.user_id == current_user.id))
    if cand is None:
        abort(404)
    return cand


@bp.route("/plan", methods=["GET", "POST"])
@login_required
def plan():
    """Upload the business plan (PDF, DOCX, TXT or photos of pages)."""
    cand, db = own_candidate(), get_session()
    form = PlanForm()
    if form.validate_on_submit():
        files = [(f.filename or "plan", f.read()) for f in form.files.data if f]
        try:
            now = utcnow()  # the plan counts as sent when it arrived, not when it was read
            plans.admissible(db, current_campaign(), cand, now)
            db.commit()  # reading photos takes seconds: hold no database lock meanwhile
            read = plans.read_plan(files)
            result = plans.save_plan(db, get_storage(), current_campaign(), cand, read, now)
            db.commit()
            flash(_("计划书已提交，识别出 %(n)s 个字", n=result.chars), "success")
            return redirect(url_for("candidate.plan"))
        except plans.PlanError as err:
            db.rollback()
            flash(reason_text(err.code), "error")
    items = db.scalars(select(EvidenceItem).where(EvidenceItem.candidate_id == cand.id,
                                                  EvidenceItem.task == "plan")).all()
    return render_template("candidate/plan.html", cand=cand, form=form, items=items)


@bp.route("/results", methods=["GET", "POST"])
@login_required
def results():
    """Show the candidate's published ranks, scores, components and reasons; file an appeal."""
    cand, db = own_candidate(), get_session()
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            appeals.file_appeal(db, current_campaign(), cand, request.form.get("item_id", type=int)
                                or 0, request.form.get("text", ""))
            db.commit()
            flash(_("申诉已提交，工作人员会尽快答复"), "success")
        except appeals.AppealError as err:
            db.rollback()
            flash(reason_text(err.code), "error")
        return redirect(url_for("candidate.results"))
    rejected = db.scalars(select(EvidenceItem).where(EvidenceItem.candidate_id == cand.id,
                                                     EvidenceItem.status == "reject")).all()
    mine = db.scalars(select(Appeal).where(Appeal.candidate_id == cand.id)).all()
    return render_template("candidate/results.html", cand=cand, entries=published_entry(db, cand),
                           rejected=rejected, appeals=mine, form=form,
                           can_appeal=appeals.window_open(db, current_campaign()) and not mine)


@bp.route("/appeals", methods=["GET", "POST"], endpoint="staff_appeals")
@roles_required("county_staff")
def staff_appeals():
    """Let staff answer open appeals."""
    db = get_session()
    form = ConfirmForm()
    if form.validate_on_submit():
        appeal = db.get(Appeal, request.form.get("appeal_id", type=int) or 0)
        if appeal is None:
            abort(404)
        try:
            appeals.answer_appeal(db, appeal, current_user, request.form.get("upheld") == "1",
                                  request.form.get("answer", ""))
            db.commit()
            flash(_("已答复"), "success")
        except appeals.AppealError as err:
            db.rollback()
            flash(reason_text(err.code), "error")
        return redirect(url_for("candidate.staff_appeals"))
    rows = db.scalars(select(Appeal).order_by(Appeal.status != "open", Appeal.id)).all()
    return render_template("candidate/appeals.html", rows=rows, form=form,
                           limit=current_app.config.get("APPEALS_PAGE", 200))
