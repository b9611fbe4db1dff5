"""Round 2 pages: a candidate's daily reports; staff's activity import and 7-day grid."""

from flask import (Blueprint, Response, abort, current_app, flash, redirect, render_template,
                   request, url_for)
from grader.words import remembered as _
from flask_login import current_user

from grader.auth.permissions import roles_required
from grader.campaign import current_campaign
from grader.db import get_session
from grader.models import DailyReport
from grader.models.states import Role
from grader.services import activity, report_photos, trial
from grader.storage import get_storage
from grader.web.actions import refusal
from grader.web.me import own_candidate
from grader.web.trial_forms import ImportForm, LinkForm, ReportForm

bp = Blueprint("trial", __name__)


@bp.route("/me/reports", methods=["GET", "POST"])
@roles_required(Role.CANDIDATE)
def reports():
    """Let a candidate file each trial day's report from their phone."""
    cand, db, campaign = own_candidate(), get_session(), current_campaign()
    form = ReportForm()
    if form.validate_on_submit():
        per = campaign.round2.reviews_per_report
        rep, error = refusal(lambda: report_photos.submit_report(
            db, get_storage(), campaign, cand, form.day.data, form.text.data or "",
            _figures(form), _uploads(form), per))
        if rep is not None:
            flash(_("第%(d)s天日报已提交", d=rep.day), "success")
            return redirect(url_for("trial.reports"))
        flash(error, "error")
    days = campaign.round2.days
    return render_template("trial/reports.html", cand=cand, days=days, form=form,
                           photo_urls=photo_urls, **trial.days_shown(db, campaign, cand, days))


def _figures(form: ReportForm) -> trial.Figures:
    """Return the day's figures from the form (blank counts as 0)."""
    return trial.Figures(form.orders.data or 0, float(form.sales_yuan.data or 0),
                         form.villagers_served.data or 0, form.app_activations.data or 0)


def _uploads(form: ReportForm) -> list[report_photos.Upload]:
    """Return the attached photos (a file input left empty sends none)."""
    return [report_photos.Upload(f.filename, f.read()) for f in form.photos.data or ()
            if f.filename]


def photo_urls(rep: DailyReport) -> list[dict[str, str]]:
    """Return the thumbnail and full-size address of each photo of a report."""
    return [{"thumb": url_for("trial.report_photo", report_id=rep.id, n=n, size="thumb"),
             "full": url_for("trial.report_photo", report_id=rep.id, n=n)}
            for n in range(len(rep.photos))]


@bp.route("/trial/reports/<int:report_id>/photos/<int:n>")
@roles_required(Role.CANDIDATE, Role.REVIEWER, Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF)
def report_photo(report_id: int, n: int) -> Response:
    """Send a report's photo (resized, metadata dropped) to whoever may see the report."""
    db = get_session()
    photo = report_photos.photo_of(db, report_id, n)
    if photo is None:
        abort(404)
    if not report_photos.may_see_report(db, current_user, photo.report):
        abort(403)
    data = report_photos.resized(get_storage(), photo, request.args.get("size", "full"))
    if data is None:
        abort(404)
    return Response(data, mimetype="image/jpeg",
                    headers={"Cache-Control": "private, max-age=86400"})


@bp.route("/trial/activity", methods=["GET", "POST"])
@roles_required(Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF)
def activity_page():
    """Import group activity and show the 7-day grid per candidate."""
    db, campaign = get_session(), current_campaign()
    form, summary = ImportForm(), None
    if form.validate_on_submit() and current_user.has_role(Role.COUNTY_STAFF):
        summary = _import(db, campaign, form)
    return render_template("trial/activity.html", form=form, summary=summary,
                           **activity.page(db, campaign, current_user))


def _import(db, campaign, form: ImportForm) -> activity.ImportSummary | None:
    """Run the activity import the form asked for; flash what it did or why not."""
    upload = form.file.data
    summary, error = refusal(lambda: activity.import_upload(
        db, campaign, form.kind.data, upload.filename if upload else "",
        upload.read() if upload else b"", current_app.config["IMPORT_MAX_BYTES"]))
    if summary is None:
        flash(error, "error")
    else:
        flash(_("已导入 %(n)s 条记录", n=summary.rows), "success")
    return summary


@bp.route("/trial/activity/link", methods=["POST"])
@roles_required(Role.COUNTY_STAFF)  # a member's messages are a quarter of the round-2 score
def link_member():
    """Link an unmatched group member to a round-2 candidate of the staff's scope."""
    form = LinkForm()
    if not form.validate_on_submit():
        flash(_("请选择群成员和对应的报名者"), "error")
        return redirect(url_for("trial.activity_page"))
    done, error = refusal(lambda: activity.change_link(
        get_session(), current_user, form.member.data, form.candidate_id.data, linked=True))
    if done is None:
        flash(error, "error")
    else:
        flash(_("已将群成员“%(m)s”的 %(n)s 条活跃记录关联到 %(c)s", m=form.member.data, n=done[0],
                c=done[1].name), "success")
    return redirect(url_for("trial.activity_page"))


@bp.route("/trial/activity/unlink", methods=["POST"])
@roles_required(Role.COUNTY_STAFF)
def unlink_member():
    """Undo a wrong link: the member's activity goes back to the unmatched list."""
    form = LinkForm()
    if not form.validate_on_submit():
        abort(400)
    done, error = refusal(lambda: activity.change_link(
        get_session(), current_user, form.member.data, form.candidate_id.data, linked=False))
    if done is None:
        flash(error, "error")
    else:
        flash(_("已取消关联：群成员“%(m)s”的 %(n)s 条活跃记录不再计入 %(c)s", m=form.member.data,
                n=done[0], c=done[1].name), "success")
    return redirect(url_for("trial.activity_page"))
