"""Survey pages: household forms on the phone, sheet import, the sample and the calls."""

import io
import secrets

from flask import (Blueprint, Response, abort, current_app, flash, redirect, render_template,
                   request, url_for)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from grader.auth.permissions import can_view_candidate, display_phone, roles_required
from grader.campaign import current_campaign
from grader.db import get_session
from grader.services.rounds import round_published
from grader.i18n import reason_text
from grader.models import SpotCheck, SurveyForm, User
from grader.services import calls, survey_forms
from grader.services import shared_phones as sharing
from grader.services.tables import TableError
from grader.web.me import own_candidate
from grader.web.evidence import small_id
from grader.web.forms import ConfirmForm
from grader.web.table_io import XLSX, send_table
from surveys import OUTCOMES, SheetError, write_template_xlsx

bp = Blueprint("surveys", __name__)
# The answer columns stay blank on export: the caller writes what the villager says.
CALL_HEADER = ["抽查编号", "电话员", "报名编号", "户主姓名", "联系电话", "要问的问题", "结果",
               "村民答：家庭人口", "村民答：是否网购", "村民答：村组", "备注"]
ASK = "是否有人上门做过农村淘宝调研？家里几口人？平时网购吗？住哪个村组？"
# 家庭人口/是否网购 were blank answer columns in earlier lists too; their 村组 column held the
# survey's own village, so it is never read back as an answer.
CALL_ALIASES = {"抽查编号": "id", "结果": "outcome", "村民答：家庭人口": "household_size",
                "村民答：是否网购": "shops_online", "村民答：村组": "village", "备注": "note",
                "家庭人口": "household_size", "是否网购": "shops_online"}
OUTCOME_ZH = {"confirmed": "属实", "denied": "否认", "wrong_number": "号码错误",
              "unreachable": "无人接听", "refused": "拒绝回答"}
ASKED_ZH = {"household_size": _l("家庭人口"), "shops_online": _l("是否网购"),
            "village": _l("村组")}
ERRORS = {"not_shared": _l("这个号码没有被这位报名者和其他报名者共用"),
          "no_keeper": _l("请选择由哪位报名者保留这个号码，或选择全部有效")}


def error_text(err: Exception) -> str:
    """Return the Chinese text of a refused action's code."""
    code = getattr(err, "code", "bad_row")
    return str(ERRORS.get(code) or reason_text(code))


@bp.route("/surveys/template.xlsx")
def template() -> Response:
    """Download the county's survey template with Chinese headers."""
    out = io.BytesIO()
    write_template_xlsx(out, survey_forms.extra_questions(current_campaign()))
    return Response(out.getvalue(), mimetype=XLSX, headers={
        "Content-Disposition": "attachment; filename*=UTF-8''%E6%9D%91%E6%B0%91%E4%BF%A1%E6%81"
                               "%AF%E8%B0%83%E7%A0%94%E8%A1%A8.xlsx"})


@bp.route("/me/surveys", methods=["GET", "POST"])
@roles_required("candidate")
def mine():
    """Enter one household at a time, or import a sheet; see each form's flags."""
    cand, db, campaign = own_candidate(), get_session(), current_campaign()
    form, errors = ConfirmForm(), []
    if form.validate_on_submit():
        try:
            errors = _submit(db, campaign, cand)
        except (survey_forms.SurveyError, SheetError) as err:
            db.rollback()
            flash(reason_text(getattr(err, "code", "")) if hasattr(err, "code") else err.zh,
                  "error")
        if not errors and not request.is_json:
            return redirect(url_for("surveys.mine"))
    rows = db.scalars(select(SurveyForm).where(SurveyForm.candidate_id == cand.id)
                      .order_by(SurveyForm.id.desc())).all()
    return render_template("surveys/mine.html", cand=cand, rows=rows, form=form, errors=errors,
                           decisions=survey_forms.decisions_of(db, list(rows)),
                           key=secrets.token_hex(16), valid=sum(r.valid for r in rows),
                           required=campaign.section("round1")["tasks"]["survey"]["required"],
                           questions=survey_forms.questions(campaign))


def _submit(db, campaign, cand) -> list:
    """Save the posted household or import the posted sheet; return cell errors."""
    upload = request.files.get("file")
    if upload and upload.filename:
        result = survey_forms.import_forms(db, campaign, upload.read(),
                                      request.form.get("keep_valid") == "1", only=cand,
                                      max_bytes=current_app.config["IMPORT_MAX_BYTES"])
        if result.errors and not result.saved:
            db.rollback()
            return result.errors
        db.commit()
        flash(_("已导入 %(n)s 份调研表", n=result.saved), "success")
        return result.errors
    raw = {q.name: request.form.get(q.name, "") for q in survey_forms.questions(campaign)}
    saved, errors = survey_forms.save_form(db, campaign, cand, raw, request.form.get("client_key"))
    if errors:
        db.rollback()
        return errors
    db.commit()
    flash(_("已保存第 %(n)s 份", n=saved.id), "success")
    return []


@bp.route("/surveys/", methods=["GET", "POST"])
@roles_required("county_staff")
def overview():
    """Draw the sample, assign callers, and see the back-check reports."""
    db, campaign = get_session(), current_campaign()
    form = ConfirmForm()
    if form.validate_on_submit():
        _staff_action(db, campaign)
        return redirect(url_for("surveys.overview"))
    callers = db.scalars(select(User).where(User.role == "county_staff", User.active)).all()
    return render_template("surveys/overview.html", form=form, callers=callers,
                           by_candidate=calls.candidate_report(db, campaign),
                           by_question=calls.question_report(db),
                           by_caller=calls.caller_report(db), outcome_zh=OUTCOME_ZH,
                           seed=secrets.token_hex(4))


def _staff_action(db, campaign) -> None:
    """Carry out the overview's action: draw, assign or import call results."""
    action = request.form.get("action")
    try:
        if action == "draw":
            n = survey_forms.draw_sample(db, campaign, request.form.get("seed") or "0",
                                    request.form.get("per_candidate", 5, type=int))
            flash(_("已抽取 %(n)s 个电话（随机种子已记录）", n=n), "success")
        elif action == "assign":
            ids = [int(i) for i in request.form.getlist("callers")]
            users = db.scalars(select(User).where(User.id.in_(ids))).all()
            flash(_("已分配 %(n)s 个电话", n=calls.assign(db, list(users))), "success")
        elif action == "import":
            flash(_("已导入 %(n)s 条通话结果", n=_import_calls(db, campaign)), "success")
        db.commit()
    except (survey_forms.SurveyError, SheetError, TableError, ValueError) as err:
        db.rollback()
        flash(error_text(err), "error")
        for line in getattr(err, "rows", [])[:50]:
            flash(line, "error")


@bp.route("/calls/next", methods=["GET", "POST"])
@roles_required("county_staff")
def next_call():
    """One call at a time: the number and what to ask; the survey's answers only after."""
    db, campaign = get_session(), current_campaign()
    form = ConfirmForm()
    if form.validate_on_submit():
        call = _own_call(db, request.form.get("call_id", type=int) or 0)
        answers = {q: request.form.get(q, "").strip() for q in calls.ASKED}
        try:
            calls.record(db, campaign, call, current_user, request.form.get("outcome", ""),
                         answers, request.form.get("note", ""))
            db.commit()
        except survey_forms.SurveyError as err:
            db.rollback()
            flash(error_text(err), "error")
            return redirect(url_for("surveys.next_call"))
        return render_template("surveys/call_done.html", call=call, outcome_zh=OUTCOME_ZH,
                               rows=calls.comparison(call), asked_zh=ASKED_ZH)
    call = calls.next_call(db, current_user)
    return render_template("surveys/call.html", call=call, form=form, outcomes=OUTCOMES,
                           outcome_zh=OUTCOME_ZH, phone=display_phone(call.form.phone_e164)
                           if call else "")


def _own_call(db, call_id: int) -> SpotCheck:
    """Load a call the user was given and may see, else 404/403."""
    call = db.get(SpotCheck, call_id)
    if call is None:
        abort(404)
    if call.caller_id != current_user.id or not can_view_candidate(current_user, call.candidate):
        abort(403)
    return call


def _listed_calls(db) -> tuple[int | None, list[SpotCheck]]:
    """Return whose open calls to list (own by default, a caller's, None for all) and them."""
    pick = request.args.get("caller", "")
    caller = None if pick == "all" else int(pick) if pick.isdigit() else current_user.id
    return caller, [c for c in calls.open_calls(db, caller)
                    if can_view_candidate(current_user, c.candidate)]


@bp.route("/calls/list")
@roles_required("county_staff")
def call_sheet():
    """Show the open calls as a printable A4 list for calling offline."""
    db = get_session()
    caller, todo = _listed_calls(db)
    people = calls.callers(db)
    return render_template("surveys/call_list.html", todo=todo, caller=caller, callers=people,
                           names={u.id: u.display_name or u.username for u in people},
                           phone=display_phone, outcome_zh=OUTCOME_ZH)


@bp.route("/calls/list.xlsx")
@roles_required("county_staff")
def call_list() -> Response:
    """Export the open calls for calling offline, answer columns blank; re-import it filled."""
    db = get_session()
    _caller, todo = _listed_calls(db)
    names = {u.id: u.display_name or u.username for u in calls.callers(db)}
    rows = [[c.id, names.get(c.caller_id, ""), c.candidate.reg_no, c.form.name,
             display_phone(c.form.phone_e164), ASK, "", "", "", "", ""] for c in todo]
    return send_table("xlsx", "电话抽查名单", CALL_HEADER, rows)


def _import_calls(db, campaign) -> int:
    """Record outcomes from a filled call list, reading only what the callers wrote."""
    from grader.services.tables import read_table

    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise survey_forms.SurveyError("empty_file", "choose the filled call list")
    table = read_table(upload.filename or "calls.xlsx", upload.read(), CALL_ALIASES, 5 << 20)
    by_zh = {v: k for k, v in OUTCOME_ZH.items()}
    todo, bad, kept, seen = [], [], 0, set()
    for n, row in table.rows:
        outcome = by_zh.get(row.get("outcome", "").strip(), row.get("outcome", "").strip())
        if not outcome:
            continue
        call_id = small_id(row.get("id", "").strip())
        call = db.get(SpotCheck, call_id) if call_id is not None else None
        if call_id in seen:
            bad.append(_("第%(n)s行：抽查编号“%(v)s”在表里出现了两次", n=n, v=row.get("id", "")))
            continue
        seen.add(call_id)
        if call is None:
            bad.append(_("第%(n)s行：抽查编号“%(v)s”不存在", n=n, v=row.get("id", "")))
        elif outcome not in OUTCOMES:
            bad.append(_("第%(n)s行：结果“%(v)s”应为 %(ok)s 之一", n=n, v=row.get("outcome", ""),
                         ok="、".join(OUTCOME_ZH.values())))
        elif not can_view_candidate(current_user, call.candidate):
            abort(403)
        elif call.outcome is not None:
            kept += 1  # recorded already (on the calling screen): the person's entry stands
        else:
            todo.append((call, outcome, row))
    if bad:  # all or nothing: fix the sheet and import it again
        raise CallSheetError(bad)
    for call, outcome, row in todo:
        answers = {q: row.get(q, "").strip() for q in calls.ASKED}
        calls.record(db, campaign, call, current_user, outcome, answers, row.get("note", ""))
    if kept:
        flash(_("%(n)s 个电话已有结果，表里的这些行没有覆盖已记录的结果", n=kept), "success")
    return len(todo)


class CallSheetError(survey_forms.SurveyError):
    """A filled call list with rows that cannot be read; every bad row is named."""

    def __init__(self, rows: list[str]):
        super().__init__("bad_row", f"{len(rows)} bad row(s)")
        self.rows = rows


@bp.route("/surveys/phones", methods=["GET", "POST"])
@roles_required("county_staff")
def shared_phones():
    """List numbers several candidates submitted; decide who keeps each, with a reason."""
    db, form = get_session(), ConfirmForm()
    if form.validate_on_submit():
        keeper = request.form.get("keeper", "")
        try:
            if keeper != "all" and not keeper.isdigit():
                raise survey_forms.SurveyError("no_keeper", "choose who keeps the number, or all")
            kept = sharing.resolve_shared_number(
                db, current_campaign(), current_user, request.form.get("phone", ""),
                int(keeper) if keeper.isdigit() else None, request.form.get("reason", ""))
            db.commit()
            flash(_("已记录决定，%(n)s 份调研表已重新核对并记入审计日志", n=len(kept)), "success")
        except survey_forms.SurveyError as err:
            db.rollback()
            flash(error_text(err), "error")
        return redirect(url_for("surveys.shared_phones"))
    shared = [s for s in sharing.shared_numbers(db)
              if all(can_view_candidate(current_user, f.candidate) for f in s.forms)]
    return render_template("surveys/phones.html", shared=shared, form=form,
                           phone=display_phone, decision_of=survey_forms.decision_of,
                           closed=round_published(db, "1"))
