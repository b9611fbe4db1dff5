"""Staff pages of withdrawals and replacements (递补): places per stage, offers, answers."""

from flask import Blueprint, flash, redirect, render_template, url_for
from grader.words import remembered as _
from flask_login import current_user

from grader.auth.permissions import roles_required
from grader.db import get_session
from grader.labels import STAGES
from grader.models.states import Role
from grader.models.withdrawal import ReplacementOffer
from grader.services import records, withdrawals
from grader.web.actions import attempt, flash_invalid, found
from grader.web.candidates import get_candidate
from grader.web.withdrawal_forms import OfferAnswerForm, OfferNextForm, StaffWithdrawForm

bp = Blueprint("replacements", __name__)


@bp.route("/replacements/")
@roles_required(Role.COUNTY_STAFF)
def index():
    """Show each stage's target, holders, withdrawn, open offers and who would be offered next."""
    db = get_session()
    states = [withdrawals.place_state(db, stage) for stage in withdrawals.PLACES]
    return render_template("replacements/index.html", states=states, form=OfferNextForm(),
                           answer_form=OfferAnswerForm())


@bp.route("/replacements/offer", methods=["POST"])
@roles_required(Role.COUNTY_STAFF)
def offer():
    """Offer the next place of a stage to the next candidate of its ranking."""
    form = OfferNextForm()
    if not form.validate_on_submit():
        flash_invalid(form)
        return redirect(url_for("replacements.index"))
    made = attempt(lambda: withdrawals.offer_next(get_session(), form.stage.data, current_user,
                                                  form.days.data))
    if made is not None:
        flash(_("已向第 %(rank)s 名 %(name)s 发出递补（%(stage)s），请在期限前答复",
                rank=made.rank, name=made.candidate.name, stage=STAGES[made.stage]), "success")
    return redirect(url_for("replacements.index"))


@bp.route("/replacements/answer", methods=["POST"])
@roles_required(Role.COUNTY_STAFF)
def answer():
    """Record a candidate's answer to an offer given by phone."""
    form = OfferAnswerForm()
    if not form.validate_on_submit():
        flash_invalid(form)
        return redirect(url_for("replacements.index"))
    db = get_session()
    made = found(records.get(db, ReplacementOffer, form.offer_id.data))
    accept = form.answer.data == "1"
    attempt(lambda: withdrawals.answer_offer(db, made, current_user, accept, form.note.data or ""),
            success=_("已登记：接受递补") if accept else _("已登记：放弃递补；如仍有空缺已向下一名发出"))
    return redirect(url_for("replacements.index"))


@bp.route("/candidates/<int:cand_id>/withdraw", methods=["POST"])
@roles_required(Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF)
def withdraw_candidate(cand_id: int):
    """Withdraw a candidate with a named reason, from their page."""
    cand = get_candidate(cand_id)
    form = StaffWithdrawForm()
    if form.validate_on_submit():
        attempt(lambda: withdrawals.withdraw(get_session(), cand, current_user,
                                             form.withdraw_reason.data,
                                             form.withdraw_note.data or ""),
                success=_("已登记退出，并记入审计日志；空出的名额可在递补页发出"))
    else:
        flash_invalid(form)
    return redirect(url_for("candidates.detail", cand_id=cand.id))
