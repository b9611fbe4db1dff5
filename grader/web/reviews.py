"""Reviewers' queue: one item at a time, blind, rubric scores, keyboard shortcuts."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from grader.words import remembered as _
from flask_login import current_user

from grader.auth.permissions import blind_text, roles_required
from grader.campaign import current_campaign
from grader.db import get_session
from grader.models import Review
from grader.models.states import ReviewKind, Role
from grader.services import records
from grader.services import reviews as service
from grader.services.plan_similarity import similar_to
from grader.web.actions import attempt, found
from grader.web.forms import ConfirmForm
from grader.web.staff_forms import score_form
from grader.web.trial import photo_urls

bp = Blueprint("reviews", __name__, url_prefix="/review")


@bp.route("/progress", methods=["GET", "POST"])
@roles_required(Role.COUNTY_STAFF)
def progress():
    """Show review progress per kind; assign reviewers to the items that lack them."""
    db, campaign, form = get_session(), current_campaign(), ConfirmForm()
    if form.validate_on_submit():  # a bare confirmation: the button names the action
        short = sum(service.progress(db, campaign, kind)["short"] for kind in service.RUBRICS)
        added = service.top_up_all(db, campaign)
        if added:
            flash(_("已补派 %(n)s 份评审任务", n=added), "success")
        elif short:
            flash(_("没有可补派的评审：评审人数不够时请先新增评审账号"), "error")
        else:
            flash(_("所有材料的评审人数都已够了"), "success")
        return redirect(url_for("reviews.progress"))
    kinds = {kind: service.progress(db, campaign, kind) for kind in service.RUBRICS}
    return render_template("reviews/progress.html", kinds=kinds, form=form)


@bp.route("/<kind>", methods=["GET", "POST"])
@roles_required(Role.REVIEWER)
def queue(kind: str):
    """Show the reviewer's next item of a kind and save its scores."""
    if kind not in service.RUBRICS:
        abort(404)
    db, campaign = get_session(), current_campaign()
    criteria = service.rubric(campaign, kind)
    form = score_form(criteria)()
    if form.validate_on_submit():
        review = found(records.get(db, Review, form.review_id.data))
        scores = {c["key"]: float(form[c["key"]].data) for c in criteria}
        attempt(lambda: service.score_review(db, campaign, review, current_user, scores,
                                             form.note.data), success=_("评分已保存"))
        return redirect(url_for("reviews.queue", kind=kind))
    if form.is_submitted():
        flash(_("请为每一项打分（0到100）"), "error")
        return redirect(url_for("reviews.queue", kind=kind))
    review = service.next_review(db, current_user, kind)
    item = service.reviewed_item(db, kind, review)
    open_n, done_n = service.queue_size(db, current_user, kind)
    similar = similar_to(db, item.id, current_user) if item is not None \
        and kind == ReviewKind.PLAN else []
    photos = photo_urls(item) if item is not None and kind == ReviewKind.REPORT else []
    text = blind_text(item.text, item.candidate.name) if item is not None else ""
    return render_template("reviews/queue.html", kind=kind, review=review, item=item,
                           text=text, criteria=criteria, form=form, open_n=open_n,
                           done_n=done_n, similar=similar, photos=photos)
