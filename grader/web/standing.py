"""A candidate's own answers on /me: withdrawing, and accepting or declining an offer."""

from flask import Blueprint, redirect, url_for
from grader.words import remembered as _
from flask_login import current_user, login_required

from grader.db import get_session
from grader.models.states import WithdrawReason
from grader.models.withdrawal import ReplacementOffer
from grader.services import records, withdrawals
from grader.web.actions import attempt, flash_invalid, found
from grader.web.me import own_candidate
from grader.web.withdrawal_forms import OfferAnswerForm, SelfWithdrawForm

bp = Blueprint("standing", __name__, url_prefix="/me")


@bp.route("/withdraw", methods=["POST"])
@login_required
def withdraw():
    """Withdraw from the selection (the page asked to confirm first)."""
    cand, form = own_candidate(), SelfWithdrawForm()
    if form.validate_on_submit():
        attempt(lambda: withdrawals.withdraw(get_session(), cand, current_user,
                                             WithdrawReason.OWN_REQUEST, form.note.data or ""),
                success=_("您已退出本次选拔"))
    else:
        flash_invalid(form)
    return redirect(url_for("registration.status"))


@bp.route("/offer", methods=["POST"])
@login_required
def answer_offer():
    """Accept or decline a replacement offer of one's own."""
    cand, form = own_candidate(), OfferAnswerForm()
    if not form.validate_on_submit():
        flash_invalid(form)
        return redirect(url_for("registration.status"))
    offer = found(records.get(get_session(), ReplacementOffer, form.offer_id.data))
    if offer.candidate_id != cand.id:
        found(None)  # someone else's offer: as if there were none
    accept = form.answer.data == "1"
    attempt(lambda: withdrawals.answer_offer(get_session(), offer, current_user, accept),
            success=_("您已接受递补，已进入新的阶段") if accept else _("您已放弃本次递补"))
    return redirect(url_for("registration.status"))
