"""Home page, language switch and each role's dashboard."""

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_login import current_user

from grader.campaign import current_campaign
from grader.db import get_session
from grader.i18n import LANGUAGES
from grader.models.states import Role
from grader.services import dashboard as dashboard_service

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    """Send each role to its page; show the campaign to visitors."""
    if not current_user.is_authenticated:
        return render_template("home.html", campaign=current_campaign())
    if current_user.role == Role.CANDIDATE:
        return redirect(url_for("registration.status"))
    return redirect(url_for("main.dashboard"))


@bp.route("/dashboard")
def dashboard():
    """Show a staff member what their role can do; a candidate goes to their own page."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if current_user.role == Role.CANDIDATE:
        return redirect(url_for("registration.status"))
    township = current_user.township_id if current_user.role == Role.TOWNSHIP_STAFF else None
    db = get_session()
    return render_template("dashboard.html", counts=dashboard_service.stage_counts(db, township),
                           campaign=current_campaign(),
                           work=dashboard_service.waiting_work(db, current_user))


@bp.route("/lang/<code>")
def set_language(code: str):
    """Switch the interface language."""
    if code in LANGUAGES:
        session["lang"] = code
    target = request.referrer or url_for("main.home")
    return redirect(target if target.startswith(request.host_url) else url_for("main.home"))


@bp.route("/favicon.ico")
def favicon():
    """Send the site's icon where browsers and bookmarks look for it without a <link>."""
    return send_from_directory(current_app.static_folder or "static", "favicon.ico",
                               mimetype="image/vnd.microsoft.icon", max_age=86400)
