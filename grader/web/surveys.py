"""Survey pages: household forms on the phone, sheet import, the sample and the calls."""

import io
import secrets
from urllib.parse import quote

from flask import (Blueprint, Response, abort, current_app, flash, redirect, render_template,
                   request, url_for)
from flask_babel import get_locale
from grader.words import remembered as _
from grader.words import lazy as _l
from flask_login import current_user

from grader.auth.permissions import can_view_candidate, display_phone, roles_required
from grader.campaign import current_campaign
from grader.db import get_session
from grader.i18n import reason_text
from grader.models import SpotCheck
from grader.models.states import Role
from grader.services import call_reports, call_sheets, calls, own_lists, records, survey_forms
from grader.services import shared_phones as sharing
from grader.services.call_sheets import OUTCOME_ZH
from grader.services.rounds import round_published
from grader.web.actions import attempt, flash_invalid, found, refusal
from grader.web.call_forms import (ActionForm, AssignForm, CallForm, CallImportForm, DrawForm,
                                   KeeperForm, household_form)
from grader.web.me import own_candidate
from grader.web.security import row_id
from grader.web.table_io import XLSX, send_table
from surveys import OUTCOMES, write_template_xlsx
from surveys.schema import cell_message

bp = Blueprint("surveys", __name__)
ASKED_ZH = {"household_size": _l("家庭人口"), "shops_online": _l("是否网购"),
            "village": _l("村组")}


@bp.route("/surveys/template.xlsx")
def template() -> Response:
    """Download the county's survey template, headed in the reader's language."""
    out = io.BytesIO()
    english = str(get_locale()) == "en"
    write_template_xlsx(out, survey_forms.extra_questions(current_campaign()), english=english)
    name = "villager-survey.xlsx" if english else quote("村民信息调研表.xlsx")
    return Response(out.getvalue(), mimetype=XLSX, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{name}"})


@bp.route("/me/surveys", methods=["GET", "POST"])
@roles_required(Role.CANDIDATE)
def mine():
    """Enter one household at a time, or import a sheet; see each form's flags."""
    cand, db, campaign = own_candidate(), get_session(), current_campaign()
    form, errors = household_form(survey_forms.questions(campaign))(), []
    if form.validate_on_submit():
        errors = _submit(form, cand) or []
        if not errors and not request.is_json:
            return redirect(url_for("surveys.mine"))
    invalid_only = request.args.get("show") == "invalid"
    page = own_lists.form_page(db, cand, row_id(request.args.get("before", type=int)),
                               invalid_only)
    counts = own_lists.form_counts(db, cand)
    first = page.first and not invalid_only and counts["invalid"]
    invalid = own_lists.form_page(db, cand, None, True, own_lists.ATTENTION).rows if first else []
    single = not (form.file.data and form.file.data.filename)  # the household form, not a sheet
    return render_template("surveys/mine.html", cand=cand, rows=page.rows, page=page,
                           invalid=invalid, invalid_only=invalid_only, counts=counts,
                           form=form, errors=errors,
                           field_errors={e.column: cell_message(e.code) for e in errors}
                           if single else {},
                           decisions=own_lists.form_decisions(db, [*invalid, *page.rows]),
                           key=secrets.token_hex(16), valid=counts["valid"],
                           required=campaign.round1.tasks["survey"].required,
                           questions=survey_forms.questions(campaign))


def _submit(form, cand) -> list | None:
    """Import the posted sheet or save the posted household; return cell errors."""
    db, campaign = get_session(), current_campaign()
    upload = form.file.data
    if upload and upload.filename:
        result = attempt(lambda: survey_forms.import_own_sheet(
            db, campaign, cand, upload.read(), form.keep_valid.data,
            current_app.config["IMPORT_MAX_BYTES"]))
        if result is not None and result.saved:
            flash(_("已导入 %(n)s 份调研表", n=result.saved), "success")
        return result.errors if result is not None else None
    raw = {q.name: form[q.name].data or "" for q in survey_forms.questions(campaign)}
    saved = attempt(lambda: survey_forms.save_household(db, campaign, cand, raw,
                                                        form.client_key.data or None))
    if saved is not None and not saved[1] and not saved[0].valid:  # kept, but it will not count
        flash(_("已保存第 %(n)s 份，但这一份不计为有效：%(why)s", n=saved[0].id,
                why="；".join(reason_text(f) for f in saved[0].flags)), "error")
    elif saved is not None and not saved[1]:
        flash(_("已保存第 %(n)s 份", n=saved[0].id), "success")
    return saved[1] if saved is not None else None


@bp.route("/surveys/", methods=["GET", "POST"])
@roles_required(Role.COUNTY_STAFF)
def overview():
    """Draw the sample, assign callers, and see the back-check reports."""
    db, campaign = get_session(), current_campaign()
    if request.method == "POST":
        ACTIONS.get(ActionForm().action.data or "", _unknown)()
        return redirect(url_for("surveys.overview"))
    text = (request.args.get("q") or "").strip()[:40] or None
    found = call_reports.overview(db, campaign, row_id(request.args.get("after", type=int)), text)
    return render_template("surveys/overview.html", callers=calls.active_callers(db),
                           form=DrawForm(), report=found, by_candidate=found.by_candidate,
                           by_question=found.by_question, by_caller=found.by_caller,
                           outcome_zh=OUTCOME_ZH, seed=secrets.token_hex(4))


def _draw() -> None:
    """Draw the sample for candidates without one yet."""
    form = DrawForm()
    if form.validate_on_submit():
        n = attempt(lambda: calls.draw_sample(get_session(), current_campaign(),
                                                     form.seed.data, form.per_candidate.data))
        if n is not None:
            flash(_("已抽取 %(n)s 个电话（随机种子已记录）", n=n), "success")
    flash_invalid(form)


def _assign() -> None:
    """Share the open calls among the chosen callers."""
    form = AssignForm()
    if form.validate_on_submit():
        n = attempt(lambda: calls.assign_to(get_session(), form.callers.data))
        flash(_("已分配 %(n)s 个电话", n=n), "success")
    flash_invalid(form)


def _import() -> None:
    """Record the outcomes of a filled call list."""
    form = CallImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        done = attempt(lambda: call_sheets.import_calls(
            get_session(), current_campaign(), current_user, upload.filename, upload.read(),
            lambda cand: can_view_candidate(current_user, cand)))
        if done is not None:
            if done.kept:
                flash(_("%(n)s 个电话已有结果，表里的这些行没有覆盖已记录的结果", n=done.kept),
                      "success")
            flash(_("已导入 %(n)s 条通话结果", n=done.recorded), "success")
    flash_invalid(form)


def _unknown() -> None:
    """Refuse a post that names no form of the page."""
    abort(400)


ACTIONS = {"draw": _draw, "assign": _assign, "import": _import}


@bp.route("/calls/next", methods=["GET", "POST"])
@roles_required(Role.COUNTY_STAFF)
def next_call():
    """One call at a time: the number and what to ask; the survey's answers only after."""
    db, campaign = get_session(), current_campaign()
    form = CallForm()
    if form.validate_on_submit():
        call = _own_call(db, form.call_id.data)
        answers = {q: form[q].data for q in calls.ASKED}
        _done, problem = refusal(lambda: calls.record(db, campaign, call, current_user,
                                                      form.outcome.data, answers, form.note.data))
        if problem is not None:
            flash(problem, "error")
            return redirect(url_for("surveys.next_call"))
        return render_template("surveys/call_done.html", call=call, outcome_zh=OUTCOME_ZH,
                               rows=calls.comparison(call), asked_zh=ASKED_ZH)
    flash_invalid(form)
    call = calls.next_call(db, current_user)
    return render_template("surveys/call.html", call=call, form=form, outcomes=OUTCOMES,
                           outcome_zh=OUTCOME_ZH, phone=display_phone(call.form.phone_e164)
                           if call else "")


def _own_call(db, call_id: int) -> SpotCheck:
    """Load a call the user was given and may see, else 404/403."""
    call = found(records.get(db, SpotCheck, call_id))
    if call.caller_id != current_user.id or not can_view_candidate(current_user, call.candidate):
        abort(403)
    return call


def _listed_calls(db) -> tuple[int | None, list[SpotCheck]]:
    """Return whose open calls to list (own by default, a caller's, None for all) and them."""
    pick = request.args.get("caller", "")
    caller = None if pick == "all" else row_id(int(pick)) if pick.isdigit() else current_user.id
    return caller, [c for c in calls.open_calls(db, caller)
                    if can_view_candidate(current_user, c.candidate)]


@bp.route("/calls/list")
@roles_required(Role.COUNTY_STAFF)
def call_sheet():
    """Show the open calls as a printable A4 list for calling offline."""
    db = get_session()
    caller, todo = _listed_calls(db)
    people = calls.callers(db)
    return render_template("surveys/call_list.html", todo=todo, caller=caller, callers=people,
                           names={u.id: u.display_name or u.username for u in people},
                           phone=display_phone, outcome_zh=OUTCOME_ZH)


@bp.route("/calls/list.xlsx")
@roles_required(Role.COUNTY_STAFF)
def call_list() -> Response:
    """Export the open calls for calling offline, answer columns blank; re-import it filled."""
    db = get_session()
    _caller, todo = _listed_calls(db)
    names = {u.id: u.display_name or u.username for u in calls.callers(db)}
    return send_table("xlsx", "电话抽查名单", call_sheets.CALL_HEADER,
                      call_sheets.sheet_rows(todo, names, display_phone))


@bp.route("/surveys/phones", methods=["GET", "POST"])
@roles_required(Role.COUNTY_STAFF)
def shared_phones():
    """List numbers several candidates submitted; decide who keeps each, with a reason."""
    db, form = get_session(), KeeperForm()
    if form.validate_on_submit():
        keeper = form.keeper.data
        kept = attempt(lambda: sharing.resolve_shared_number(
            db, current_campaign(), current_user, form.phone.data,
            int(keeper) if keeper.isdigit() else None, form.reason.data))
        if kept is not None:
            flash(_("已记录决定，%(n)s 份调研表已重新核对并记入审计日志", n=len(kept)), "success")
        return redirect(url_for("surveys.shared_phones"))
    flash_invalid(form)
    shared = [s for s in sharing.shared_numbers(db)
              if all(can_view_candidate(current_user, f.candidate) for f in s.forms)]
    decisions = survey_forms.decisions_of(db, [f for s in shared for f in s.forms])
    return render_template("surveys/phones.html", shared=shared, form=form,
                           phone=display_phone, decisions=decisions,
                           closed=round_published(db, "1"))
