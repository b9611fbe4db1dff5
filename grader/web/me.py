"""A candidate's own pages beyond registration: business plan, results, appeals."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from grader.words import remembered as _
from flask_login import current_user, login_required

from grader.auth import sessions
from grader.auth.permissions import roles_required
from grader.campaign import current_campaign
from grader import jobs
from grader.db import get_session, without_lock
from grader.models import Appeal, Candidate
from grader.models.base import utcnow
from grader.models.states import Role
from grader.services import appeals, plans, records, withdrawals
from grader.services.rounds import published_entry
from grader.storage import get_storage
from grader.web.actions import attempt, flash_invalid, found
from grader.web.candidate_forms import AppealAnswerForm, AppealForm
from grader.web.forms import PlanForm
from grader.web.result_words import plain_words

bp = Blueprint("candidate", __name__, url_prefix="/me")


def own_candidate() -> Candidate:
    """Return the logged-in candidate's registration."""
    if current_user.role != Role.CANDIDATE:
        abort(403)
    return found(sessions.registration_of(current_user))


@bp.route("/plan", methods=["GET", "POST"])
@login_required
def plan():
    """Upload the business plan (PDF, DOCX, TXT or photos of pages)."""
    cand, db = own_candidate(), get_session()
    form, status = PlanForm(), 200
    if form.validate_on_submit():
        files = [(f.filename or "plan", f.read()) for f in form.files.data if f]
        now = utcnow()  # the plan counts as sent when it arrived, not when it was read
        result = attempt(lambda: plans.submit(db, get_storage(), current_campaign(), cand,
                                              files, now, without_lock))
        if result is not None and result.pending:  # photos: a job reads them
            jobs.queue_after_commit([result.item.id])
            flash(_("计划书已提交，正在识别文字，完成后这里会显示结果"), "success")
            return redirect(url_for("candidate.plan"))
        if result is not None:
            flash(_("计划书已提交，识别出 %(n)s 个字", n=result.chars), "success")
            return redirect(url_for("candidate.plan"))
        status = 400  # refused: the page says why, nothing was kept
    return render_template("candidate/plan.html", cand=cand, form=form,
                           items=plans.versions(db, cand)), status


@bp.route("/results", methods=["GET", "POST"])
@login_required
def results():
    """Show the candidate's published ranks, scores, components and reasons; file an appeal."""
    cand, db = own_candidate(), get_session()
    form = AppealForm()
    if form.validate_on_submit():
        attempt(lambda: appeals.file_appeal(db, current_campaign(), cand, form.item_id.data,
                                            form.text.data or ""),
                success=_("申诉已提交，工作人员会尽快答复"))
        return redirect(url_for("candidate.results"))
    flash_invalid(form)
    mine, entries = appeals.of_candidate(db, cand), published_entry(db, cand)
    window = appeals.window_open(db, current_campaign()) and not mine
    # read when it matters: why no rank is shown, or whether an appeal may still be filed
    gone = withdrawals.withdrawal_of(db, cand) if window or not entries else None
    return render_template("candidate/results.html", cand=cand, entries=entries, withdrawal=gone,
                           rejected=appeals.rejected_items(db, cand), appeals=mine, form=form,
                           can_appeal=window and gone is None, plain=plain_words)


@bp.route("/appeals", methods=["GET", "POST"], endpoint="staff_appeals")
@roles_required(Role.COUNTY_STAFF)
def staff_appeals():
    """Let staff answer open appeals."""
    db = get_session()
    form = AppealAnswerForm()
    if form.validate_on_submit():
        appeal = found(records.get(db, Appeal, form.appeal_id.data))
        upheld = form.upheld.data == "1"
        done = _("已答复申诉 #%(id)s：成立，材料 #%(item)s 已改为通过；如影响已发布的排名，请在排名页生成更正排名",
                 id=appeal.id, item=appeal.item_id) if upheld else \
            _("已答复申诉 #%(id)s：不成立，维持原判", id=appeal.id)
        attempt(lambda: appeals.answer_appeal(db, appeal, current_user, upheld,
                                              form.answer.data or ""), success=done)
        return redirect(url_for("candidate.staff_appeals"))
    flash_invalid(form)
    return render_template("candidate/appeals.html", rows=appeals.all_appeals(db), form=form,
                           limit=current_app.config.get("APPEALS_PAGE", 200))
