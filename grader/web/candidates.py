"""Staff views of candidates: township-scoped list, detail and eligibility override."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from grader.auth.permissions import (can_override_eligibility, can_see_pii, can_view_candidate,
                                     display_phone, mask_email, mask_id, mask_phone, roles_required)
from grader.db import get_session
from grader.models import AuditLog, Candidate
from grader.services.registration import override_eligibility
from grader.web.forms import OverrideForm

bp = Blueprint("candidates", __name__, url_prefix="/candidates")
STAFF = ("township_staff", "county_staff")
PAGE = 50


def shown(cand: Candidate) -> dict:
    """Return the candidate's ID, phone and email as this user may see them."""
    if can_see_pii(current_user, cand):
        return {"id": cand.id_number, "phone": display_phone(cand.phone),
                "email": cand.email or ""}
    return {"id": mask_id(cand.id_number), "phone": mask_phone(cand.phone),
            "email": mask_email(cand.email)}


def get_candidate(cand_id: int) -> Candidate:
    """Load a candidate the user may see, else 404/403."""
    cand = get_session().get(Candidate, cand_id)
    if cand is None:
        abort(404)
    if not can_view_candidate(current_user, cand):
        abort(403)
    return cand


def _filtered(query, args):
    """Apply the list's filters and the user's township scope."""
    if current_user.role == "township_staff":
        query = query.where(Candidate.township_id == current_user.township_id)
    if args.get("q"):
        like = f"%{args['q'].strip()}%"
        query = query.where(or_(Candidate.name.like(like), Candidate.reg_no.like(like)))
    if args.get("stage"):
        query = query.where(Candidate.stage == args["stage"])
    if args.get("eligible") in ("0", "1"):
        query = query.where(Candidate.eligible == (args["eligible"] == "1"))
    return query


@bp.route("/")
@roles_required(*STAFF)
def index():
    """List candidates the user may see, 50 a page."""
    db = get_session()
    page = max(request.args.get("page", 1, type=int), 1)
    base = _filtered(select(Candidate), request.args)
    total = db.scalar(select(func.count()).select_from(base.subquery()))
    rows = db.scalars(base.options(joinedload(Candidate.township)).order_by(Candidate.id)
                      .offset((page - 1) * PAGE).limit(PAGE)).all()
    return render_template("candidates/index.html", rows=rows, shown=shown, total=total,
                           page=page, pages=max((total + PAGE - 1) // PAGE, 1))


@bp.route("/<int:cand_id>", methods=["GET", "POST"])
@roles_required(*STAFF)
def detail(cand_id: int):
    """Show one candidate, with the override form for county staff."""
    cand = get_candidate(cand_id)
    form = OverrideForm() if can_override_eligibility(current_user) else None
    if form is not None and form.validate_on_submit():
        db = get_session()
        override_eligibility(db, cand, current_user, form.eligible.data == "1", form.reason.data)
        db.commit()
        flash(_("资格已更新并记入审计日志"), "success")
        return redirect(url_for("candidates.detail", cand_id=cand.id))
    log = get_session().scalars(select(AuditLog).where(
        AuditLog.entity == "candidate", AuditLog.entity_id == cand.id).order_by(AuditLog.id)).all()
    return render_template("candidates/detail.html", cand=cand, pii=shown(cand), form=form, log=log)
