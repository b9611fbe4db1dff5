"""Staff views of candidates: township-scoped list, detail and eligibility override."""

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from grader.words import remembered as _
from flask_login import current_user

from grader.auth.permissions import (can_override_eligibility, can_see_pii, can_view_candidate,
                                     display_phone, mask_email, mask_id, mask_phone, roles_required)
from grader.db import get_session
from grader.models import Candidate
from grader.models.states import Role
from grader.services import audit, records
from grader.labels import CHANNELS, STAGES
from grader.services.outside_registrations import other_channels
from grader.services.candidate_lists import CandidateFilter, candidate_page, candidate_rows
from grader.services.passwords import reset_password
from grader.services.registration import override_eligibility
from grader.services.withdrawals import withdrawal_of
from grader.web.actions import attempt, found
from grader.campaign import current_campaign
from grader.services.corrections import Correction, accept_id, correct_by_staff
from grader.services.townships import all_townships
from grader.web.actions import outcome
from grader.web.forms import ConfirmForm, OverrideForm, with_declarations
from grader.web.public_forms import AcceptIdForm, StaffCorrectionForm
from grader.web.registration import current_values
from grader.i18n import error_text
from grader.web.paging import kept_args, page_links
from grader.web.security import page_number
from grader.web.table_io import send_table
from grader.web.withdrawal_forms import StaffWithdrawForm

bp = Blueprint("candidates", __name__, url_prefix="/candidates")
STAFF = ("township_staff", "county_staff")
PAGE = 50
EXPORT_MAX = 50_000  # rows of one export; a county's list is far shorter
EXPORT_HEADER = ["报名编号", "姓名", "身份证号", "手机", "乡镇", "渠道", "资格", "阶段"]


def shown(cand: Candidate) -> dict:
    """Return the candidate's ID, phone and email as this user may see them."""
    if can_see_pii(current_user, cand):
        return {"id": cand.id_number, "phone": display_phone(cand.phone),
                "email": cand.email or ""}
    return {"id": mask_id(cand.id_number), "phone": mask_phone(cand.phone),
            "email": mask_email(cand.email)}


def get_candidate(cand_id: int) -> Candidate:
    """Load a candidate the user may see, else 404/403."""
    cand = found(records.get(get_session(), Candidate, cand_id))
    if not can_view_candidate(current_user, cand):
        abort(403)
    return cand


def _filters() -> CandidateFilter:
    """Read the list's filters from the query string, within the user's township scope."""
    args = request.args
    return CandidateFilter(
        township_id=current_user.township_id if current_user.role == Role.TOWNSHIP_STAFF else None,
        text=(args.get("q") or "").strip() or None, stage=args.get("stage") or None,
        eligible={"1": True, "0": False}.get(args.get("eligible", "")))


@bp.route("/")
@roles_required(*STAFF)
def index():
    """List candidates the user may see, 50 a page."""
    page = page_number(request.args.get("page", 1, type=int))
    rows, total = candidate_page(get_session(), _filters(), page, PAGE)
    pages, keep = max((total + PAGE - 1) // PAGE, 1), kept_args("page")
    links = page_links(page, pages, lambda n: url_for("candidates.index", page=n, **keep))
    return render_template("candidates/index.html", rows=rows, shown=shown, total=total,
                           page=page, pages=pages, links=links, keep=keep)


def _export_cells(cand: Candidate) -> list:
    """Return one export row, the ID and phone masked as the list shows them to this user."""
    pii = shown(cand)
    return [cand.reg_no, cand.name, pii["id"], pii["phone"], cand.township.name,
            str(CHANNELS.get(cand.channel, cand.channel)), _("通过") if cand.eligible else _("未通过"),
            str(STAGES.get(cand.stage, cand.stage))]


@bp.route("/export.<fmt>")
@roles_required(*STAFF)
def export(fmt: str):
    """Download the list as filtered (all pages) as XLSX or CSV, masked as the list is."""
    rows = candidate_rows(get_session(), _filters(), EXPORT_MAX + 1)
    if len(rows) > EXPORT_MAX:
        flash(_("超过 %(n)s 人，请先筛选再导出", n=EXPORT_MAX), "error")
        return redirect(url_for("candidates.index", **kept_args()))
    return send_table(fmt, "报名人员", EXPORT_HEADER, [_export_cells(c) for c in rows])


@bp.route("/<int:cand_id>", methods=["GET", "POST"])
@roles_required(*STAFF)
def detail(cand_id: int):
    """Show one candidate, with the override form for county staff."""
    cand = get_candidate(cand_id)
    form = OverrideForm() if can_override_eligibility(current_user) else None
    if form is not None and form.validate_on_submit():
        override_eligibility(get_session(), cand, current_user, form.eligible.data == "1",
                             form.reason.data)
        flash(_("资格已更新并记入审计日志"), "success")
        return redirect(url_for("candidates.detail", cand_id=cand.id))
    log = audit.history(get_session(), "candidate", cand.id)
    return render_template("candidates/detail.html", cand=cand, pii=shown(cand), form=form,
                           log=log, reset_form=ConfirmForm(), accept_form=AcceptIdForm(),
                           withdraw_form=StaffWithdrawForm(),
                           withdrawal=withdrawal_of(get_session(), cand),
                           also=other_channels(get_session(), cand))


@bp.route("/<int:cand_id>/password", methods=["POST"])
@roles_required(*STAFF)
def reset(cand_id: int):
    """Give the candidate a one-time password, shown this once; they change it at login."""
    cand = get_candidate(cand_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    one_time = attempt(lambda: reset_password(get_session(), current_user, cand))
    if one_time is None:
        return redirect(url_for("candidates.detail", cand_id=cand.id))
    response = make_response(render_template("candidates/password_reset.html", cand=cand,
                                             password=one_time))
    response.headers["Cache-Control"] = "no-store"  # the password must not stay in a cache
    return response


def _correction_form(cand: Candidate):
    """Build the staff correction form, filled from the record on a first visit."""
    names = current_campaign().declarations
    start = None if request.method == "POST" else current_values(
        cand, id_number=cand.id_number, township_id=cand.township_id, reason="")
    form = with_declarations(StaffCorrectionForm, names)(obj=start)
    county = current_user.has_role(Role.COUNTY_STAFF)
    form.township_id.choices = [(t.id, t.name) for t in all_townships(get_session())
                                if county or t.id == cand.township_id]
    return form, names, county


@bp.route("/<int:cand_id>/correct", methods=["GET", "POST"])
@roles_required(*STAFF)
def correct(cand_id: int):
    """Let staff correct a registration with a reason (township staff: their own township)."""
    cand = get_candidate(cand_id)
    form, names, county = _correction_form(cand)
    if form.validate_on_submit():
        data = Correction(name=form.name.data, phone=form.phone.data or "",
                          email=form.email.data or "", education=form.education.data,
                          declarations={n: bool(getattr(form, f"decl_{n}").data) for n in names},
                          id_number=form.id_number.data,
                          township_id=form.township_id.data if county else None)
        changed, err = outcome(lambda: correct_by_staff(get_session(), current_campaign(), cand,
                                                        current_user, data, form.reason.data))
        if err is None:
            flash(_("已更正 %(n)s 项并记入审计日志，资格已重新审核", n=len(changed)), "success")
            return redirect(url_for("candidates.detail", cand_id=cand.id))
        field = getattr(err, "field", "form")
        if hasattr(form, field):
            getattr(form, field).errors = [error_text(err)]
        else:
            flash(error_text(err), "error")
    return render_template("candidates/correct.html", cand=cand, form=form, names=names,
                           county=county)


@bp.route("/<int:cand_id>/accept-id", methods=["POST"])
@roles_required(*STAFF)
def accept_id_number(cand_id: int):
    """Accept an ID number held as 待核实, with what staff checked (audited)."""
    cand = get_candidate(cand_id)
    form = AcceptIdForm()
    if form.validate_on_submit():
        attempt(lambda: accept_id(get_session(), current_campaign(), cand, current_user,
                                  form.reason.data), success=_("身份证号已核实，资格已重新审核"))
    else:
        flash(_("请填写核实情况"), "error")
    return redirect(url_for("candidates.detail", cand_id=cand.id))
