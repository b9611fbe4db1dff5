"""Registration: self-registration, the WeChat link, on-site registration, status, corrections."""

from types import SimpleNamespace

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from grader.words import remembered as _
from flask_login import current_user, login_required, login_user
from wtforms import SelectChoice

from grader.auth.permissions import (display_phone, mask_email, mask_id, mask_phone,
                                     roles_required)
from grader.campaign import current_campaign
from grader.db import get_session
from grader.eligibility import EDUCATION_ORDER
from grader.i18n import error_text, reason_text
from grader.labels import EDUCATION
from grader.models.states import Role
from grader.models.base import utcnow
from grader.services.corrections import (Correction, correct_own, history,
                                         self_correction_refusal)
from grader.services import notices, withdrawals
from grader.services.progress import timeline
from grader.services.registration import RegistrationInput, register
from grader.services.townships import all_townships
from grader.web.actions import outcome
from grader.web.forms import RegistrationForm, SelfRegistrationForm, with_declarations
from grader.web.public_forms import CorrectionForm
from grader.web.me import own_candidate
from grader.web.withdrawal_forms import OfferAnswerForm, SelfWithdrawForm

bp = Blueprint("registration", __name__)


def _township_choices(only: int | None = None) -> list[SelectChoice]:
    """List townships for the select box: 请选择 first, so a careless tap picks none."""
    towns = [SelectChoice(t.id, t.name, {"class": "data"}) for t in all_townships(get_session())
             if only is None or t.id == only]
    return towns if only is not None else [SelectChoice("", _("请选择")), *towns]


def _input_from(form, names: list[str]) -> RegistrationInput:
    """Build the service input from a validated form."""
    return RegistrationInput(
        name=form.name.data, id_number=form.id_number.data, education=form.education.data,
        township_id=form.township_id.data, phone=form.phone.data or "",
        email=form.email.data or "",
        declarations={n: bool(getattr(form, f"decl_{n}").data) for n in names},
        password=getattr(form, "password", None) and form.password.data,
        accepts_ineligible=bool(form.accept_ineligible.data))


def _submit(form, channel: str, actor=None):
    """Run the registration service; put a refusal on the form field it concerns."""
    names = current_campaign().declarations
    result, err = outcome(lambda: register(get_session(), current_campaign(),
                                           _input_from(form, names), channel, actor))
    field = getattr(err, "field", "form")
    if err is not None and field == "form":
        flash(error_text(err), "error")
    elif err is not None:  # a refusal listing reasons shows each under its own message
        reasons = [reason_text(r) for r in err.params.get("reasons", ())]
        getattr(form, field).errors = [error_text(err), *reasons]
    return result


def _page(form, names: list[str], onsite: bool) -> str:
    """Render the registration form with what the browser needs to warn before an ineligible one."""
    low = current_campaign().min_education
    return render_template("registration/register.html", form=form, names=names,
                           campaign=current_campaign(), onsite=onsite,
                           ok_education=EDUCATION_ORDER[EDUCATION_ORDER.index(low):],
                           min_education=EDUCATION[low])


@bp.route("/join/wechat")
def wechat_link():
    """Record that the visitor came through the county's WeChat share link."""
    session["channel"] = "wechat"
    return redirect(url_for("registration.register_self"))


@bp.route("/register", methods=["GET", "POST"])
def register_self():
    """Let a candidate register on their phone; someone logged in is sent to their own page."""
    if current_user.is_authenticated:
        return _already_registered()
    names = current_campaign().declarations
    form = with_declarations(SelfRegistrationForm, names)()
    form.township_id.choices = _township_choices()
    if form.validate_on_submit():
        result = _submit(form, session.get("channel", "online"))
        if result is not None:
            login_user(result.candidate.user)
            flash(_("报名成功，您的报名编号是 %(no)s", no=result.candidate.reg_no), "success")
            if result.candidate.id_pending:
                flash(reason_text("id_unverified"), "info")
            return redirect(url_for("registration.status"))
    return _page(form, names, onsite=False)


def _already_registered():
    """Send a candidate to their registration and staff to the on-site page."""
    if current_user.role == Role.CANDIDATE:
        flash(_("您已报名，这是您的报名信息"), "info")
        return redirect(url_for("registration.status"))
    if current_user.has_role(Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF):
        flash(_("工作人员请在现场报名页为报名者录入"), "info")
        return redirect(url_for("registration.register_onsite"))
    return redirect(url_for("main.home"))


@bp.route("/onsite/register", methods=["GET", "POST"])
@roles_required(Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF)
def register_onsite():
    """Let township staff register a walk-in candidate for their township."""
    names = current_campaign().declarations
    form = with_declarations(RegistrationForm, names)()
    bound = current_user.township_id if current_user.role == Role.TOWNSHIP_STAFF else None
    form.township_id.choices = _township_choices(bound)
    if form.validate_on_submit():
        result = _submit(form, "onsite", current_user)
        if result is not None:
            return render_template("registration/onsite_done.html", cand=result.candidate,
                                   password=result.initial_password)
    return _page(form, names, onsite=True)


@bp.route("/me")
@login_required
def status():
    """Show a candidate their registration, stage and eligibility reasons."""
    cand, db = own_candidate(), get_session()
    offers, gone = withdrawals.offers_of(db, cand), withdrawals.withdrawal_of(db, cand)
    return render_template("registration/status.html", cand=cand, id_shown=mask_id(cand.id_number),
                           phone_shown=mask_phone(cand.phone), email_shown=mask_email(cand.email),
                           can_correct=self_correction_refusal(current_campaign(), cand,
                                                               utcnow()) is None,
                           corrections=history(get_session(), cand),
                           steps=timeline(db, cand, (gone, offers)), offers=offers, withdrawal=gone,
                           notices=notices.notices_of(db, cand), withdraw_form=SelfWithdrawForm(),
                           answer_form=OfferAnswerForm())


@bp.route("/me/edit", methods=["GET", "POST"])
@login_required
def correct():
    """Let a candidate correct their own registration while registration is open."""
    cand, campaign = own_candidate(), current_campaign()
    names = campaign.declarations
    form = with_declarations(CorrectionForm, names)(obj=None if _posted() else current_values(cand))
    refused = self_correction_refusal(campaign, cand, utcnow())
    if refused is None and form.validate_on_submit():
        changed = _correct(form, cand, names)
        if changed is not None:
            return redirect(url_for("registration.status"))
    return render_template("registration/correct.html", form=form, names=names, cand=cand,
                           refused=refused, id_shown=mask_id(cand.id_number))


def _posted() -> bool:
    """Say whether the request carries a submitted form."""
    return request.method == "POST"


def current_values(cand, **more) -> SimpleNamespace:
    """Return a correction form's starting values: the registration as it stands."""
    return SimpleNamespace(**more, name=cand.name, phone=display_phone(cand.phone), email=cand.email or "",
                           education=cand.education,
                           **{f"decl_{n}": bool((cand.declarations or {}).get(n))
                              for n in current_campaign().declarations})


def _correct(form, cand, names: list[str]) -> list[str] | None:
    """Run the candidate's correction; say what changed, or put the refusal on its field."""
    data = Correction(name=form.name.data, phone=form.phone.data or "",
                      email=form.email.data or "", education=form.education.data,
                      declarations={n: bool(getattr(form, f"decl_{n}").data) for n in names})
    changed, err = outcome(lambda: correct_own(get_session(), current_campaign(), cand, data))
    if err is not None:
        field = getattr(err, "field", "form")
        if field == "form" or not hasattr(form, field):
            flash(error_text(err), "error")
        else:
            getattr(form, field).errors = [error_text(err)]
        return None
    flash(_("已保存更正（%(n)s 项），资格已重新审核", n=len(changed)) if changed else
          _("没有改动"), "success")
    return changed
