"""Interview and signing: interviewers' scores, panels and slots, signing, support totals."""

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from grader.auth.permissions import roles_required
from grader.campaign import current_campaign
from grader.db import get_session
from grader.i18n import local_time, reason_text
from grader.models import (Candidate, InterviewPanel, InterviewScore, InterviewSlot, Signing,
                           User)
from grader.services import interview as service
from grader.web.forms import ConfirmForm
from grader.web.table_io import send_table

bp = Blueprint("interview", __name__, url_prefix="/interview")


@bp.route("/", methods=["GET", "POST"])
@roles_required("interviewer")
def scores():
    """List the interviewer's candidates and take their scores."""
    db = get_session()
    form = ConfirmForm()
    if form.validate_on_submit():
        cand = db.get(Candidate, request.form.get("candidate_id", type=int) or 0)
        if cand is None:
            abort(404)
        try:
            service.score(db, current_user, cand, float(request.form.get("score", "x")),
                          request.form.get("note", ""))
            db.commit()
            flash(_("面试评分已保存"), "success")
        except (service.InterviewError, ValueError) as err:
            db.rollback()
            flash(reason_text(getattr(err, "code", "bad_score")), "error")
        return redirect(url_for("interview.scores"))
    cands = [c for c in db.scalars(select(Candidate).where(Candidate.stage == "interview")
                                   .order_by(Candidate.id))
             if service.can_score(db, current_user, c)]
    mine = dict(db.execute(select(InterviewScore.candidate_id, InterviewScore.score).where(
        InterviewScore.interviewer_id == current_user.id)).all())
    slots = {s.candidate_id: s for s in db.scalars(select(InterviewSlot))}
    return render_template("interview/scores.html", cands=cands, mine=mine, slots=slots,
                           form=form)


@bp.route("/manage", methods=["GET", "POST"])
@roles_required("county_staff")
def manage():
    """Create panels, schedule slots, record reassignment answers and signings."""
    db, campaign = get_session(), current_campaign()
    form = ConfirmForm()
    if form.validate_on_submit():
        _act(db, campaign, request.form)
        return redirect(url_for("interview.manage"))
    panels = db.scalars(select(InterviewPanel).order_by(InterviewPanel.id)).all()
    interviewers = db.scalars(select(User).where(User.role == "interviewer")).all()
    selected = db.scalars(select(Candidate).where(Candidate.stage.in_(("selected", "signed")))
                          .order_by(Candidate.id)).all()
    interviewed = db.scalars(select(Candidate).where(Candidate.stage == "interview")
                             .order_by(Candidate.id)).all()
    slots = db.scalars(select(InterviewSlot).order_by(InterviewSlot.starts_at,
                                                      InterviewSlot.id)).all()
    signings = {s.candidate_id: s for s in db.scalars(select(Signing))}
    return render_template("interview/manage.html", panels=panels, interviewers=interviewers,
                           selected=selected, interviewed=interviewed, signings=signings,
                           slots=slots,
                           form=form,
                           support=service.support_totals(db, campaign),
                           schedule=service.support_schedule(campaign))


def _act(db, campaign, form) -> None:
    """Carry out one management action from the form."""
    try:
        if form.get("action") == "panel":
            ids = [int(i) for i in form.getlist("members")]
            service.create_panel(db, form.get("name", "").strip() or _("面试组"), ids)
        elif form.get("action") == "schedule":
            panels = db.scalars(select(InterviewPanel)).all()
            flash(_("已安排 %(n)s 人", n=service.schedule(db, campaign, list(panels))), "success")
            late = service.overrun(db, campaign)
            if late is not None:
                flash(_("最后一场面试排到了 %(t)s，晚于面试结束日 %(d)s：请增加面试组后重新安排",
                        t=local_time(late), d=service.interview_days(campaign)[1]), "error")
        elif form.get("action") == "reassign":
            for key, value in form.items():
                if key.startswith("accepts-") and value in ("", "1", "0"):
                    cand = db.get(Candidate, int(key.removeprefix("accepts-")))
                    if cand is None:
                        abort(404)
                    service.record_reassignment(db, current_user, cand,
                                                {"1": True, "0": False}.get(value))
            flash(_("服从调剂情况已保存"), "success")
        elif form.get("action") == "sign":
            cand = db.get(Candidate, int(form.get("candidate_id", 0)))
            if cand is None:
                abort(404)
            on = date.fromisoformat(form["signed_on"]) if form.get("signed_on") else None
            accepts = {"1": True, "0": False}.get(form.get("accepts", ""))
            service.record_signing(db, current_user, cand, accepts, on, form.get("site", ""),
                                   campaign)
        db.commit()
    except (service.InterviewError, ValueError) as err:
        db.rollback()
        flash(reason_text(getattr(err, "code", "bad_date")), "error")


@bp.route("/support.<fmt>")
@roles_required("county_staff")
def support_export(fmt: str):
    """Export the support owed per township and for the county."""
    campaign = current_campaign()
    totals = service.support_totals(get_session(), campaign)
    parts = [part for part, _yuan in service.support_parts(campaign)]
    rows = [[t["township"], t["partners"], *[t["parts"][p] for p in parts], t["total"]]
            for t in totals["townships"]]
    county = totals["county"]
    rows.append(["合计", county["partners"], *[county["parts"][p] for p in parts],
                 county["total"]])
    return send_table(fmt, "合伙人扶持资金", ["乡镇/街道", "签约合伙人",
                                        *[_part_name(p) for p in parts], "合计（元）"], rows)


@bp.route("/support-partners.<fmt>")
@roles_required("county_staff")
def support_partners(fmt: str):
    """Export each signed partner with the support owed, part by part."""
    campaign = current_campaign()
    parts = service.support_parts(campaign)
    rows = [[cand.reg_no, cand.name, cand.township.name,
             signing.signed_on.isoformat() if signing and signing.signed_on else "",
             signing.site if signing else "", *[yuan for _p, yuan in parts],
             sum(yuan for _p, yuan in parts)]
            for cand, signing in service.signed_partners(get_session())]
    return send_table(fmt, "合伙人扶持明细", ["报名编号", "姓名", "乡镇/街道", "签约日期", "服务站",
                                        *[_part_name(p) for p, _y in parts], "合计（元）"], rows)


def _part_name(part: str) -> str:
    """Name a part of the support in the county's words."""
    if part.startswith("living_"):
        return f"第{part.removeprefix('living_')}年生活补贴（元）"
    return {"fitout": "装修补贴（元）", "goods": "开业铺货（元）", "training": "培训（元）"}[part]
