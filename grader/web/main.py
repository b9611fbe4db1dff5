"""Home page, language switch and each role's dashboard."""

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import func, select

from grader.campaign import current_campaign
from grader.db import get_session
from grader.i18n import LANGUAGES
from grader.models import Candidate

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    """Send each role to its page; show the campaign to visitors."""
    if not current_user.is_authenticated:
        return render_template("home.html", campaign=current_campaign())
    if current_user.role == "candidate":
        return redirect(url_for("registration.status"))
    return redirect(url_for("main.dashboard"))


@bp.route("/dashboard")
def dashboard():
    """Show a staff member what their role can do."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    db = get_session()
    query = select(Candidate.stage, func.count()).group_by(Candidate.stage)
    if current_user.role == "township_staff":
        query = query.where(Candidate.township_id == current_user.township_id)
    counts = dict(db.execute(query).all())
    return render_template("dashboard.html", counts=counts, campaign=current_campaign(),
                           work=_work(db))


def _work(db) -> dict:
    """Count what waits for the user: reviews, screenshots to decide, interviews."""
    from grader.models import EvidenceItem, Review

    open_reviews = dict(db.execute(select(Review.kind, func.count()).where(
        Review.reviewer_id == current_user.id, Review.score.is_(None))
        .group_by(Review.kind)).all())
    return {"plan": open_reviews.get("plan", 0), "report": open_reviews.get("report", 0),
            "screenshots": db.scalar(select(func.count()).select_from(EvidenceItem).where(
                EvidenceItem.status == "review")) or 0,
            "interview": counts_at(db, "interview")}


def counts_at(db, stage: str) -> int:
    """Count candidates at a stage."""
    return db.scalar(select(func.count()).select_from(Candidate).where(
        Candidate.stage == stage)) or 0


@bp.route("/lang/<code>")
def set_language(code: str):
    """Switch the interface language."""
    if code in LANGUAGES:
        session["lang"] = code
    target = request.referrer or url_for("main.home")
    return redirect(target if target.startswith(request.host_url) else url_for("main.home"))


@bp.app_errorhandler(403)
def forbidden(_err):
    """Explain a refusal in the user's language."""
    return render_template("error.html", code=403), 403


@bp.app_errorhandler(404)
def not_found(_err):
    """Explain a missing page."""
    return render_template("error.html", code=404), 404


@bp.app_errorhandler(413)
def too_large(_err):
    """Explain an upload over the size limit."""
    return render_template("error.html", code=413), 413


@bp.app_errorhandler(400)
def bad_request(err):
    """Explain a forged or expired form post."""
    return render_template("error.html", code=400, detail=getattr(err, "description", "")), 400
