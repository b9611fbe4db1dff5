"""Log in and out, and change one's own password."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from grader.words import remembered as _
from grader.words import lazy as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo

from grader.auth import sessions, throttle
from grader.db import get_session
from grader.i18n import error_text
from grader.services import accounts, passwords
from grader.web.actions import outcome

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    """Username (an ID number for candidates) and password."""

    username = StringField(_l("用户名或身份证号"), validators=[DataRequired(_l("请填写用户名"))])
    password = PasswordField(_l("密码"), validators=[DataRequired(_l("请填写密码"))])


class PasswordForm(FlaskForm):
    """The current password, the new one and the new one again."""

    current = PasswordField(_l("原密码"), validators=[DataRequired(_l("请填写原密码"))])
    new = PasswordField(_l("新密码（至少8位，不能全是数字，不能与用户名或身份证号相同）"),
                        validators=[DataRequired(_l("请填写新密码"))])
    repeat = PasswordField(_l("再次输入新密码"), validators=[
        DataRequired(_l("请再次输入新密码")), EqualTo("new", _l("两次输入的新密码不一致"))])


def _safe_next(target: str | None) -> str:
    """Only follow local redirects after login."""
    if target and not urlsplit(target).netloc and target.startswith("/"):
        return target
    return url_for("main.home")


@bp.route("/login", methods=["GET", "POST"])
@throttle.limited
def login():
    """Show the login form and log the user in; failed tries count against the limits."""
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.log_in(get_session(), form.username.data, form.password.data,
                               request.remote_addr)
        if user is not None:
            sessions.start(user)
            return redirect(_safe_next(request.args.get("next")))
        throttle.count_failure()
        flash(_("用户名或密码不正确"), "error")
    return render_template("auth/login.html", form=form)


@bp.errorhandler(429)
def too_many(_err):
    """Say how long to wait after too many failed logins."""
    form = LoginForm()
    form.username.errors = [error_text(throttle.refusal())]
    return render_template("auth/login.html", form=form), 429


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log out everywhere (POST only, so a link cannot log someone out)."""
    accounts.log_out(get_session(), current_user)
    sessions.end()
    return redirect(url_for("main.home"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Let any logged-in user change their password; this browser stays logged in."""
    form, user = PasswordForm(), current_user._get_current_object()
    if form.validate_on_submit():
        _done, err = outcome(lambda: passwords.change_password(
            get_session(), user, form.current.data, form.new.data))
        if err is None:
            sessions.start(user)  # the new session version, in a new cookie
            flash(_("密码已修改，其他设备上的登录已退出"), "success")
            return redirect(url_for("main.home"))
        getattr(form, err.params.get("field") or "new").errors = [error_text(err)]
    return render_template("auth/password.html", form=form,
                           forced=user.must_change_password)
