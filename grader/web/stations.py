"""Station sites per township (选点) and the allocation of partners to them at signing."""

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from grader.words import remembered as _
from flask_login import current_user

from grader.auth.permissions import roles_required
from grader.campaign import current_campaign
from grader.db import get_session
from grader.models import StationSite, Township
from grader.models.base import SHANGHAI, utcnow
from grader.models.states import Role, StationOutcome
from grader.services import records
from grader.services import stations as service
from grader.web.actions import attempt, flash_invalid, found
from grader.web.station_forms import ConfirmForm, PlainForm, SeatForm, SiteForm
from grader.web.table_io import send_table

bp = Blueprint("stations", __name__, url_prefix="/stations")

OUTCOME_HEADERS = ["乡镇/街道", "名额", "本乡镇合伙人", "调剂调入", "调剂调出", "未安排（不服从调剂等）",
                   "空缺"]


def _today():
    """Return today's date in Shanghai."""
    return utcnow().astimezone(SHANGHAI).date()


@bp.route("/")
@roles_required(Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF)
def index():
    """List the townships' station sites with forms to add, remove and locate them."""
    db = get_session()
    towns = service.towns_in_scope(db, current_user)
    return render_template("stations/index.html", towns=towns,
                           sites=service.sites_by_town(db, [t.id for t in towns]),
                           site_form=SiteForm(formdata=None), seat_form=SeatForm(formdata=None),
                           plain=PlainForm(formdata=None),
                           unknown_km=current_campaign().stations.unknown_distance_km)


@bp.route("/<int:town_id>/sites", methods=["POST"])
@roles_required(Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF)
def add_site(town_id: int):
    """Add a site with its slots to a township."""
    db, form = get_session(), SiteForm()
    town = found(records.get(db, Township, town_id))
    if form.validate_on_submit():
        attempt(lambda: service.add_site(db, current_user, town, form.name.data or "",
                                         form.address.data or "", form.slots.data),
                success=_("已添加站点"))
    flash_invalid(form)
    return redirect(url_for("stations.index"))


@bp.route("/sites/<int:site_id>/remove", methods=["POST"])
@roles_required(Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF)
def remove_site(site_id: int):
    """Remove a site nobody is allocated to."""
    db = get_session()
    site = found(records.get(db, StationSite, site_id))
    if PlainForm().validate_on_submit():
        attempt(lambda: service.remove_site(db, current_user, site), success=_("已删除站点"))
    return redirect(url_for("stations.index"))


@bp.route("/<int:town_id>/seat", methods=["POST"])
@roles_required(Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF)
def set_seat(town_id: int):
    """Set the coordinates of a township seat (for the distance of reassignments)."""
    db, form = get_session(), SeatForm()
    town = found(records.get(db, Township, town_id))
    if form.validate_on_submit():
        attempt(lambda: service.set_seat(db, current_user, town, form.lat.data, form.lng.data),
                success=_("已保存"))
    flash_invalid(form)
    return redirect(url_for("stations.index"))


@bp.route("/allocation", methods=["GET", "POST"])
@roles_required(Role.COUNTY_STAFF)
def allocation():
    """Preview the allocation of the selected partners to the slots; confirm it."""
    db, campaign, form = get_session(), current_campaign(), ConfirmForm()
    if form.validate_on_submit():
        done = attempt(lambda: service.confirm(db, campaign, current_user,
                                               form.fingerprint.data or "", _today()))
        if done is not None:
            flash(_("站点分配已确认：%(own)s 人在本乡镇，%(moved)s 人调剂，%(left)s 人未安排",
                    own=done.count(StationOutcome.OWN), moved=done.count(StationOutcome.REASSIGNED),
                    left=done.count(StationOutcome.UNPLACED)), "success")
            if done.replaced:
                flash(_("%(n)s 人不服从调剂且无名额，已退出；已向下一位发出递补 %(m)s 个（在“退出与递补”查看）",
                        n=len(done.replaced), m=sum(r == "offered" for _c, r in done.replaced)),
                      "success")
        return redirect(url_for("stations.allocation"))
    preview = service.preview(db, campaign)
    form.fingerprint.data = preview.fingerprint
    return render_template("stations/allocation.html", preview=preview,
                           current=service.confirmed(db), form=form,
                           open=service.signing_open(db, campaign, _today()),
                           rows=service.outcome_rows(preview), Outcome=StationOutcome)


@bp.route("/outcome.<fmt>")
@roles_required(Role.COUNTY_STAFF)
def outcome_export(fmt: str) -> Response:
    """Export the outcome per township of the confirmed allocation (the preview before one)."""
    db = get_session()
    alloc = service.confirmed(db) or service.preview(db, current_campaign())
    title = "站点分配结果" if alloc.confirmed else "站点分配预览"
    rows = [[name, *[row[k] for k in service.OUTCOME_COLUMNS]]
            for name, row in service.outcome_rows(alloc)]
    return send_table(fmt, title, OUTCOME_HEADERS, rows)
