"""Township duties: villages, a photo checklist per village, completion beside registrations."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from grader.words import remembered as _
from flask_login import current_user

from grader.auth.permissions import roles_required
from grader.campaign import current_campaign
from grader.db import get_session
from grader.labels import DUTIES
from grader.models import DutyPhoto, Township, Village
from grader.models.states import DutyKind, Role
from grader.services import duties as service
from grader.services import records
from grader.services.report_photos import Upload, resized
from grader.storage import get_storage
from grader.web.actions import attempt, flash_invalid, found
from grader.web.forms import UploadForm
from grader.web.station_forms import DutyPhotoForm, ResponsibleForm, VillageForm
from grader.web.table_io import import_table, send_table

bp = Blueprint("duties", __name__, url_prefix="/duties")

HEADERS = ["乡镇/街道", "第一责任人", "报名目标", "报名人数", "资格审核通过", "村数", "宣传任务项",
           "已完成项", "照片数", "完成率"]


@bp.route("/")
@roles_required(Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF)
def index():
    """Show each township's duties done beside its registration figures."""
    rows = service.county_table(get_session(), current_campaign(), current_user)
    return render_template("duties/index.html", rows=rows)


@bp.route("/completion.<fmt>")
@roles_required(Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF)
def export(fmt: str) -> Response:
    """Export the completion table as XLSX or CSV."""
    rows = service.county_table(get_session(), current_campaign(), current_user)
    cells = [[r["township"], r["responsible"], r["target"], r["registered"], r["eligible"],
              r["duties"].villages, r["duties"].items, r["duties"].done, r["duties"].photos,
              "" if r["duties"].rate is None else f"{r['duties'].rate:.1%}"] for r in rows]
    return send_table(fmt, "乡镇宣传任务完成情况", HEADERS, cells)


@bp.route("/<int:town_id>", methods=["GET", "POST"])
@roles_required(Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF)
def township(town_id: int):
    """List a township's villages with their checklists; import villages from a sheet."""
    db, campaign = get_session(), current_campaign()
    town = found(records.get(db, Township, town_id))
    form, result = UploadForm(), None
    if form.validate_on_submit():
        result = import_table(form, lambda name, data, limit: service.import_villages(
            db, current_user, town, name, data, limit))
        if result is not None and not result.errors:
            flash(_("已导入 %(n)s 个村", n=result.applied), "success")
            return redirect(url_for("duties.township", town_id=town.id))
    villages = service.villages_of(db, town.id)
    return render_template("duties/township.html", town=town, villages=villages, form=form,
                           result=result, photos=service.photos_by_village(
                               db, [v.id for v in villages]),
                           needs={v.id: service.required(campaign, v) for v in villages},
                           village_form=VillageForm(formdata=None), DUTIES=DUTIES,
                           responsible_form=ResponsibleForm(formdata=None))


@bp.route("/<int:town_id>/villages", methods=["POST"])
@roles_required(Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF)
def add_village(town_id: int):
    """Add one village to the township."""
    db, form = get_session(), VillageForm()
    town = found(records.get(db, Township, town_id))
    if form.validate_on_submit():
        attempt(lambda: service.add_village(db, current_user, town, form.name.data,
                                            form.large.data), success=_("已添加"))
    flash_invalid(form)
    return redirect(url_for("duties.township", town_id=town.id))


@bp.route("/<int:town_id>/responsible", methods=["POST"])
@roles_required(Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF)
def set_responsible(town_id: int):
    """Name the person responsible for the township's targets."""
    db, form = get_session(), ResponsibleForm()
    town = found(records.get(db, Township, town_id))
    if form.validate_on_submit():
        service.set_responsible(db, current_user, town, form.responsible.data or "")
        flash(_("已保存"), "success")
    flash_invalid(form)
    return redirect(url_for("duties.township", town_id=town.id))


@bp.route("/villages/<int:village_id>/<duty>", methods=["POST"])
@roles_required(Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF)
def upload(village_id: int, duty: str):
    """Keep photos proving one duty of a village (checked first; a repeat refuses them all)."""
    db, form = get_session(), DutyPhotoForm()
    village = found(records.get(db, Village, village_id))
    if duty not in {d.value for d in DutyKind}:
        abort(404)
    if form.validate_on_submit():
        uploads = [Upload(f.filename, f.read()) for f in form.photos.data or () if f.filename]
        attempt(lambda: service.add_photos(db, get_storage(), current_user, village, duty,
                                           uploads),
                success=_("已上传 %(n)s 张照片", n=len(uploads)))
    flash_invalid(form)
    return redirect(url_for("duties.township", town_id=village.township_id) +
                    f"#village-{village.id}")


@bp.route("/photos/<int:photo_id>")
@roles_required(Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF)
def photo(photo_id: int) -> Response:
    """Send a duty photo, re-encoded without metadata."""
    item = found(records.get(get_session(), DutyPhoto, photo_id))
    data = resized(get_storage(), item, request.args.get("size", "full"))
    if data is None:
        abort(404)
    return Response(data, mimetype="image/jpeg",
                    headers={"Cache-Control": "private, max-age=86400"})
