"""Round 2 pages: a candidate's daily reports; staff's activity import and 7-day grid."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from grader.auth.permissions import roles_required
from grader.campaign import current_campaign
from grader.db import get_session
from grader.models.base import utcnow
from grader.i18n import reason_text
from grader.models import Candidate
from grader.services import activity, reviews, trial
from grader.services.tables import TableError
from grader.storage import get_storage
from grader.web.candidate import own_candidate
from grader.web.forms import ConfirmForm

bp = Blueprint("trial", __name__)

# Codes of this page that grader/i18n.REASONS does not know yet.
def _figures(form) -> trial.Figures:
    """Read the day's figures from the form (blank counts as 0)."""
    def num(name, cast):
        raw = (form.get(name) or "0").strip()
        try:
            return cast(raw)
        except ValueError as exc:
            raise trial.ReportError("bad_figure", f"{name} is not a number") from exc

    return trial.Figures(num("orders", int), num("sales_yuan", float),
                         num("villagers_served", int), num("app_activations", int))


def _photos() -> list[str]:
    """Store the attached photos; return their storage keys (non-images are skipped)."""
    keys = []
    for upload in request.files.getlist("photos")[:9]:
        stored = get_storage().put(upload.read())
        if stored.mime.startswith("image/"):
            keys.append(stored.key)
    return keys


@bp.route("/me/reports", methods=["GET", "POST"])
@roles_required("candidate")
def reports():
    """Let a candidate file each trial day's report from their phone."""
    cand, db, campaign = own_candidate(), get_session(), current_campaign()
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            rep = trial.file_report(db, campaign, cand, request.form.get("day", type=int) or 0,
                                    request.form.get("text", ""), _figures(request.form),
                                    _photos())
            per = int(campaign.section("round2").get("reviews_per_report", 1))
            reviews.assign(db, "report", [reviews.Item(rep.id, cand.id, cand.township_id)], per)
            db.commit()
            flash(_("第%(d)s天日报已提交", d=rep.day), "success")
            return redirect(url_for("trial.reports"))
        except trial.ReportError as err:
            db.rollback()
            flash(reason_text(err.code), "error")
    filed = trial.reports_of(db, [cand.id])[cand.id]
    days = int(campaign.section("round2").get("days", 7))
    start, now = trial.trial_start(campaign), utcnow()
    closed = {d for d in filed if trial.lateness(d, now, start) == "missed"}
    missed = {d for d in range(1, days + 1) if cand.stage in TRIAL_STAGES
              and d not in filed and trial.lateness(d, now, start) == "missed"}
    return render_template("trial/reports.html", cand=cand, filed=filed, days=days, form=form,
                           closed=closed, missed=missed,
                           start=trial.trial_start(campaign))


@bp.route("/trial/activity", methods=["GET", "POST"])
@roles_required("county_staff", "township_staff")
def activity_page():
    """Import group activity and show the 7-day grid per candidate."""
    db, campaign = get_session(), current_campaign()
    form, summary = ConfirmForm(), None
    if form.validate_on_submit() and current_user.has_role("county_staff"):
        summary = _import(db, campaign)
    cands = _round2_in_scope(db)
    rows = activity.grid(db, campaign, _round2_in_scope(db, TRIAL_STAGES))
    return render_template("trial/activity.html", rows=rows, form=form, summary=summary,
                           unmatched=activity.unmatched_members(db), cands=cands,
                           linked=activity.linked_members(db, cands))


@bp.route("/trial/activity/link", methods=["POST"])
@roles_required("county_staff")  # a member's messages are a quarter of the round-2 score
def link_member():
    """Link an unmatched group member to a round-2 candidate of the staff's scope."""
    db, form = get_session(), ConfirmForm()
    member = (request.form.get("member") or "").strip()
    cand = db.get(Candidate, request.form.get("candidate_id", type=int) or 0)
    if not form.validate_on_submit() or not member or cand is None:
        flash(_("请选择群成员和对应的报名者"), "error")
        return redirect(url_for("trial.activity_page"))
    try:
        n = activity.link_member(db, current_user, member, cand)
        db.commit()
        flash(_("已将群成员“%(m)s”的 %(n)s 条活跃记录关联到 %(c)s", m=member, n=n, c=cand.name),
              "success")
    except activity.LinkError as err:
        db.rollback()
        flash(reason_text(err.code), "error")
    return redirect(url_for("trial.activity_page"))


@bp.route("/trial/activity/unlink", methods=["POST"])
@roles_required("county_staff")
def unlink_member():
    """Undo a wrong link: the member's activity goes back to the unmatched list."""
    db, form = get_session(), ConfirmForm()
    member = (request.form.get("member") or "").strip()
    cand = db.get(Candidate, request.form.get("candidate_id", type=int) or 0)
    if not form.validate_on_submit() or not member or cand is None:
        abort(400)
    try:
        n = activity.unlink_member(db, current_user, member, cand)
        db.commit()
        flash(_("已取消关联：群成员“%(m)s”的 %(n)s 条活跃记录不再计入 %(c)s", m=member, n=n,
                c=cand.name), "success")
    except activity.LinkError as err:
        db.rollback()
        flash(reason_text(err.code), "error")
    return redirect(url_for("trial.activity_page"))


TRIAL_STAGES = ("round2", "interview", "selected", "signed")  # everyone who ran the trial


def _round2_in_scope(db, stages: tuple[str, ...] = ("round2",)) -> list[Candidate]:
    """Return the candidates at these stages the user may see (township staff: their own)."""
    query = select(Candidate).where(Candidate.stage.in_(stages)).order_by(Candidate.id)
    if current_user.role == "township_staff":
        query = query.where(Candidate.township_id == current_user.township_id)
    return list(db.scalars(query))


def _import(db, campaign):
    """Run the activity import the form asked for."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(reason_text("empty_file"), "error")
        return None
    data = upload.read()
    try:
        if request.form.get("kind") == "csv":
            summary = activity.import_csv(db, campaign, upload.filename or "a.csv", data,
                                          5 * 1024 * 1024)
        else:
            text = data.decode("utf-8-sig", errors="replace")
            summary = activity.import_chat(db, campaign, text, request.form.get("kind", "wechat"))
        db.commit()
        flash(_("已导入 %(n)s 条记录", n=summary.rows), "success")
        return summary
    except TableError as err:
        db.rollback()
        flash(f"{reason_text(err.code)}：{err}", "error")
        return None
