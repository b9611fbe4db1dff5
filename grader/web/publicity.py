"""The public announcement (公示) of each published stage, objections, and staff's answers."""

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from grader.words import remembered as _
from flask_login import current_user
from wtforms import SelectChoice

from grader.auth.permissions import roles_required
from grader.auth.throttle import limiter
from grader.campaign import current_campaign
from grader.db import get_session
from grader.labels import PUBLIC_NEXT, PUBLIC_STAGES
from grader.models import Objection
from grader.models.base import utcnow
from grader.models.states import Role
from grader.services import publicity, records
from grader.services.townships import all_townships
from grader.web.actions import attempt, flash_invalid, found
from grader.web.public_forms import ObjectionAnswerForm, ObjectionForm

bp = Blueprint("publicity", __name__)


def _limits_off() -> bool:
    """Skip the objection limit when the configuration turns limits off (the test suite)."""
    return not current_app.config["LOGIN_LIMIT_ENABLED"]


@bp.route("/public/")
def index():
    """List every announced stage with its period (no login)."""
    return render_template("public/index.html", names=PUBLIC_STAGES, next_words=PUBLIC_NEXT,
                           notices=publicity.announced(get_session(), current_campaign()),
                           now=utcnow())


def _position_choices(rows: list[publicity.PublicRow]) -> list[SelectChoice]:
    """List the lines an objection may name: 请选择 first, then 第N名 and the masked name."""
    return [SelectChoice("", _("请选择")), *(SelectChoice(
        r.position, _("序号%(n)s：%(name)s（%(town)s）", n=r.position, name=r.name, town=r.township),
        {"class": "data"}) for r in rows)]


@bp.route("/public/<stage>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["OBJECTION_LIMIT"], methods=["POST"],
               exempt_when=_limits_off)
def notice(stage: str):
    """Show one stage's announcement (one township's, to print) and take an objection."""
    db, campaign = get_session(), current_campaign()
    town = request.args.get("township", type=int)
    shown = found(publicity.notice(db, campaign, stage, town))
    form = ObjectionForm()
    form.position.choices = _position_choices(shown.rows)  # a line's place on the whole list
    if form.validate_on_submit():
        done = attempt(lambda: publicity.file_objection(
            db, campaign, stage, form.position.data, form.name.data, form.phone.data,
            form.text.data), success=_("异议已提交，县电商办将核实处理并与您联系"))
        if done is not None:
            return redirect(url_for("publicity.notice", stage=stage, township=town))
    return render_template("public/notice.html", notice=shown, form=form, town=town,
                           townships=all_townships(db), name=PUBLIC_STAGES[stage],
                           next_words=PUBLIC_NEXT[stage], contact=campaign.publicity.contact,
                           open=shown.open_at(utcnow()))


@bp.route("/objections", methods=["GET", "POST"])
@roles_required(Role.COUNTY_STAFF)
def objections():
    """Let county staff answer the objections to the announcements."""
    db = get_session()
    form = ObjectionAnswerForm()
    if form.validate_on_submit():
        obj = found(records.get(db, Objection, form.objection_id.data))
        upheld = form.upheld.data == "1"
        done = _("已答复异议 #%(id)s：成立。如需改变该报名者的资格或阶段，请在其报名页办理",
                 id=obj.id) if upheld else _("已答复异议 #%(id)s：不成立", id=obj.id)
        attempt(lambda: publicity.answer_objection(db, obj, current_user, upheld,
                                                   form.answer.data or ""), success=done)
        return redirect(url_for("publicity.objections"))
    flash_invalid(form)
    return render_template("public/objections.html", rows=publicity.all_objections(db),
                           form=form, names=PUBLIC_STAGES)


