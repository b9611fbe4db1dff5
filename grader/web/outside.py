"""Outside data: the operator site's registrations and its daily trial figures."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from grader.words import remembered as _
from flask_login import current_user

from grader.auth.permissions import roles_required
from grader.campaign import current_campaign
from grader.db import get_session
from grader.models.states import Role
from grader.services import operator_figures as figs
from grader.services import outside_registrations as regs
from grader.services import staged
from grader.storage import get_storage
from grader.web.actions import attempt, flash_invalid
from grader.web.forms import UploadForm
from grader.web.import_forms import ConfirmImportForm, DeclaredForm, mapping_form

bp = Blueprint("outside", __name__, url_prefix="/outside")
FIELD_NAMES = {"name": "姓名", "id_number": "身份证号", "phone": "手机号", "township": "乡镇/街道",
               "education": "学历", "email": "电子邮箱"}


def _limit() -> int:
    return current_app.config["IMPORT_MAX_BYTES"]


def _fields() -> dict[str, str]:
    """Our fields with their names in the reader's language."""
    return {k: _(v) for k, v in FIELD_NAMES.items()}


@bp.route("/registrations", methods=["GET", "POST"])
@roles_required(Role.COUNTY_STAFF)
def registrations():
    """Upload the operator site's export; then map its columns."""
    form = UploadForm()
    if form.validate_on_submit():
        upload, db = form.file.data, get_session()
        data, name = upload.read(), upload.filename or "upload"
        got = attempt(lambda: regs.stage_export(db, get_storage(), name, data, current_user,
                                                _limit()))
        if got is not None:
            staged_upload, headers = got
            mapping = mapping_form(headers, _fields(), regs.guess_mapping(headers))
            mapping.upload_id.data = staged_upload.id
            return render_template("outside/registrations.html", step="map", mapping=mapping,
                                   headers=headers, declared=DeclaredForm(formdata=None))
    return render_template("outside/registrations.html", step="upload", form=form)


@bp.route("/registrations/preview", methods=["POST"])
@roles_required(Role.COUNTY_STAFF)
def registrations_preview():
    """Show what each row of the mapped export would do."""
    db, storage = get_session(), get_storage()
    got = attempt(lambda: _headers_of(request.form.get("upload_id", type=int)))
    if got is None:
        return redirect(url_for("outside.registrations"))
    upload_id, headers = got
    mapping, declared = mapping_form(headers, _fields(), {}, request.form), DeclaredForm()
    if not (mapping.validate_on_submit() and declared.validate()):
        flash_invalid(mapping)
        return redirect(url_for("outside.registrations"))
    chosen = {h: getattr(mapping, f"col{i}").data for i, h in enumerate(headers)}
    result = attempt(lambda: regs.preview_staged(db, storage, current_campaign(), upload_id,
                                                 {h: f for h, f in chosen.items() if f},
                                                 bool(declared.declared.data), _limit()))
    if result is None:
        return render_template("outside/registrations.html", step="map", mapping=mapping,
                               headers=headers, declared=declared)
    upload, plan = result
    confirm = ConfirmImportForm(formdata=None, upload_id=upload.id, fingerprint=plan.fingerprint())
    return render_template("outside/registrations.html", step="preview", plan=plan,
                           confirm=confirm, upload=upload)


def _headers_of(upload_id: int | None) -> tuple[int, list[str]]:
    """Return the staged export's id and header cells."""
    upload, data = staged.waiting(get_session(), get_storage(), upload_id, "registrations")
    return upload.id, regs.file_headers(upload.filename, data, _limit())


@bp.route("/registrations/confirm", methods=["POST"])
@roles_required(Role.COUNTY_STAFF)
def registrations_confirm():
    """Save the previewed rows: new registrations and merges; refused rows stay out."""
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        flash_invalid(form)
        return redirect(url_for("outside.registrations"))
    done = attempt(lambda: regs.confirm_staged(
        get_session(), get_storage(), current_campaign(), form.upload_id.data, current_user,
        form.fingerprint.data or "", _limit()))
    if done is not None:
        flash(_("已导入：新报名 %(n)s 人，合并 %(m)s 人，未导入 %(r)s 行", n=done.new, m=done.merged,
                r=done.refused), "success")
    return redirect(url_for("outside.registrations"))


@bp.route("/figures", methods=["GET", "POST"])
@roles_required(Role.COUNTY_STAFF)
def figures():
    """Upload the operator's daily data export and preview it."""
    form, found, confirm = UploadForm(), None, ConfirmImportForm(formdata=None)
    if form.validate_on_submit():
        upload, db = form.file.data, get_session()
        data, name = upload.read(), upload.filename or "upload"
        got = attempt(lambda: figs.preview_upload(db, get_storage(), current_campaign(), name,
                                                  data, current_user, _limit()))
        if got is not None:
            staged_upload, found = got
            confirm.upload_id.data, confirm.fingerprint.data = staged_upload.id, \
                found.fingerprint()
    return render_template("outside/figures.html", form=form, found=found, confirm=confirm)


@bp.route("/figures/confirm", methods=["POST"])
@roles_required(Role.COUNTY_STAFF)
def figures_confirm():
    """Store the previewed export's good rows as the figures of record."""
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        flash_invalid(form)
        return redirect(url_for("outside.figures"))
    done = attempt(lambda: figs.confirm_upload(
        get_session(), get_storage(), current_campaign(), form.upload_id.data, current_user,
        form.fingerprint.data or "", _limit()))
    if done is None:
        return redirect(url_for("outside.figures"))
    flash(_("已导入 %(n)s 行运营方数据，%(m)s 行未导入", n=done.applied, m=len({e.row for e in done.errors})),
          "success")
    return redirect(url_for("outside.differences"))


@bp.route("/figures/differences")
@roles_required(Role.COUNTY_STAFF)
def differences():
    """List the self-reported figures further from the operator's record than the tolerance."""
    campaign = current_campaign()
    return render_template("outside/differences.html",
                           rows=figs.differences(get_session(), campaign),
                           tolerance=campaign.round2.figure_check)
