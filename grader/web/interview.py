"""Interview and signing: interviewers' scores, panels and slots, signing, support totals."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from grader.words import remembered as _
from flask_login import current_user
from wtforms import SelectChoice

from grader.auth.permissions import roles_required
from grader.campaign import current_campaign
from grader.db import get_session
from grader.i18n import local_time, said
from grader.models.states import Role
from grader.services import interview as service
from grader.web.actions import attempt
from grader.web.interview_forms import (ANSWER_OF, PanelForm, ScheduleForm, ScoreForm, SignForm,
                                        reassign_form)
from grader.web.table_io import send_table

bp = Blueprint("interview", __name__, url_prefix="/interview")


@bp.route("/", methods=["GET", "POST"])
@roles_required(Role.INTERVIEWER)
def scores():
    """List the interviewer's candidates and take their scores."""
    db, form = get_session(), ScoreForm()
    if form.validate_on_submit():
        cand = service.candidate(db, form.candidate_id.data)
        if cand is None:
            abort(404)
        attempt(lambda: service.score(db, current_user, cand, form.score.data,
                                      form.note.data or ""), success=_("面试评分已保存"))
        return redirect(url_for("interview.scores"))
    return render_template("interview/scores.html", form=form,
                           **service.scores_page(db, current_user))


@bp.route("/manage")
@roles_required(Role.COUNTY_STAFF)
def manage():
    """Show panels, slots, reassignment answers, signings and support."""
    return _manage()


def _manage(**bound):
    """Render the management page; `bound` forms (as posted, with errors) replace blank ones."""
    db, campaign = get_session(), current_campaign()
    page = service.manage_page(db)
    forms = {"panel_form": _panel_form(page["interviewers"], None),
             "schedule_form": ScheduleForm(formdata=None),
             "reassign_form": reassign_form([c.id for c in page["interviewed"]])(formdata=None),
             "sign_form": SignForm(formdata=None), **bound}
    return render_template("interview/manage.html", **page, **forms,
                           support=service.support_totals(db, campaign),
                           schedule=service.support_schedule(campaign), campaign=campaign)


def _panel_form(interviewers, formdata=()) -> PanelForm:
    """Return the panel form offering these interviewers (formdata None: a blank form)."""
    form = PanelForm() if formdata == () else PanelForm(formdata=formdata)
    form.members.choices = [SelectChoice(u.id, u.display_name or u.username)
                            for u in interviewers]
    return form


@bp.route("/manage/panel", methods=["POST"])
@roles_required(Role.COUNTY_STAFF)
def create_panel():
    """Create a panel of interviewers."""
    db = get_session()
    form = _panel_form(service.interviewers(db))
    if not form.validate_on_submit():
        return _manage(panel_form=form)
    attempt(lambda: service.create_panel(db, form.name.data or _("面试组"), form.members.data,
                                         current_user))
    return redirect(url_for("interview.manage"))


@bp.route("/manage/schedule", methods=["POST"])
@roles_required(Role.COUNTY_STAFF)
def schedule():
    """Give every candidate at the interview stage a slot; warn when the days run out."""
    db, campaign = get_session(), current_campaign()
    if not ScheduleForm().validate_on_submit():
        abort(400)
    done = attempt(lambda: service.schedule_all(db, campaign))
    if done is not None:
        flash(_("已安排 %(n)s 人", n=done[0]), "success")
        if done[1] is not None:
            flash(_("最后一场面试排到了 %(t)s，晚于面试结束日 %(d)s：请增加面试组后重新安排",
                    t=local_time(done[1]), d=service.interview_days(campaign)[1]), "error")
    return redirect(url_for("interview.manage"))


@bp.route("/manage/reassign", methods=["POST"])
@roles_required(Role.COUNTY_STAFF)
def reassign():
    """Record the interviewed candidates' answers on reassignment."""
    db = get_session()
    ids = [c.id for c in service.manage_page(db)["interviewed"]]
    form = reassign_form(ids)()
    if not form.validate_on_submit():
        return _manage(reassign_form=form)
    answers = {cid: ANSWER_OF.get(form[f"accepts-{cid}"].data) for cid in ids
               if form[f"accepts-{cid}"].raw_data}  # a candidate not on the posted page: kept
    attempt(lambda: service.record_reassignments(db, current_user, answers),
            success=_("服从调剂情况已保存"))
    return redirect(url_for("interview.manage"))


@bp.route("/manage/sign", methods=["POST"])
@roles_required(Role.COUNTY_STAFF)
def sign():
    """Record a selected candidate's reassignment answer and signing."""
    db, campaign, form = get_session(), current_campaign(), SignForm()
    if not form.validate_on_submit():
        return _manage(sign_form=form)
    cand = service.candidate(db, form.candidate_id.data)
    if cand is None:
        abort(404)
    attempt(lambda: service.record_signing(db, current_user, cand,
                                           ANSWER_OF.get(form.accepts.data), form.signed_on.data,
                                           form.site.data or "", campaign))
    return redirect(url_for("interview.manage"))


@bp.route("/support.<fmt>")
@roles_required(Role.COUNTY_STAFF)
def support_export(fmt: str):
    """Export the support owed per township and for the county."""
    campaign = current_campaign()
    totals = service.support_totals(get_session(), campaign)
    parts = [part for part, _yuan in service.support_parts(campaign)]
    ops = [part for part, _n in service.operator_parts(campaign)]
    rows = [[t["township"], t["partners"], *[t["parts"][p] for p in parts], t["total"],
             *[t["operator"][p] for p in ops]] for t in totals["townships"]]
    county = totals["county"]
    rows.append([_("合计"), county["partners"], *[county["parts"][p] for p in parts],
                 county["total"], *[county["operator"][p] for p in ops]])
    return send_table(fmt, "合伙人扶持资金", ["乡镇/街道", "签约合伙人",
                                        *[_part_name(p) for p in parts], _("县级合计（元）"),
                                        *[_operator_name(campaign, p) for p in ops]], rows)


@bp.route("/support-partners.<fmt>")
@roles_required(Role.COUNTY_STAFF)
def support_partners(fmt: str):
    """Export each signed partner with the support owed, part by part."""
    campaign = current_campaign()
    parts, ops = service.support_parts(campaign), service.operator_parts(campaign)
    rows = [[cand.reg_no, cand.name, cand.township.name,
             signing.signed_on.isoformat() if signing and signing.signed_on else "",
             signing.site if signing else "", *[yuan for _p, yuan in parts],
             sum(yuan for _p, yuan in parts), *[n for _p, n in ops]]
            for cand, signing in service.signed_partners(get_session())]
    return send_table(fmt, "合伙人扶持明细", ["报名编号", "姓名", "乡镇/街道", "签约日期", "服务站",
                                        *[_part_name(p) for p, _y in parts], _("县级合计（元）"),
                                        *[_operator_name(campaign, p) for p, _n in ops]], rows)


def _part_name(part: str) -> str:
    """Name a part of the support in the county's words."""
    if part.startswith("living_"):
        return _("第%(n)s年生活补贴（元）", n=part.removeprefix("living_"))
    return {"fitout": _("装修补贴（元）"), "goods": _("开业铺货（元）"), "training": _("培训（元）")}[part]


def _operator_name(campaign, part: str) -> str:
    """Name a part of the operator's support, with the operator's name, in the reader's language."""
    op = campaign.support.operator
    words = {"computers": _("店铺电脑（台）"), "signs": _("门头（块）"),
             "fitouts": _("%(standard)s（处）", standard=said(op, "fitout_standard")),
             "loan": _("创业贷款（元）"), "loan_max": _("创业贷款上限（元）")}
    return said(op) + words[part]
