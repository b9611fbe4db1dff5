"""Admin: accounts and roles, and the campaign settings in force."""

from flask import Blueprint, flash, redirect, render_template, url_for
from grader.words import remembered as _
from grader.words import lazy as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import AnyOf, DataRequired, Length

from grader.auth.permissions import roles_required
from grader.campaign import current_campaign
from grader.db import get_session
from grader.labels import ROLES
from grader.models import User
from grader.models.states import Role
from grader.services import accounts, records
from grader.services.townships import all_townships
from grader.web.actions import attempt, flash_invalid, found, refusal

bp = Blueprint("admin", __name__, url_prefix="/admin")


class UserForm(FlaskForm):
    """A new account."""

    username = StringField(_l("用户名"), validators=[DataRequired(), Length(max=64)])
    display_name = StringField(_l("显示名称"), validators=[Length(max=64)])
    role = SelectField(_l("角色"), choices=[SelectChoice(k, v) for k, v in ROLES.items()])
    township = SelectField(_l("所属乡镇（乡镇工作人员必选；评审和面试官可选，不评本乡镇考生）"))
    password = PasswordField(_l("初始密码"), validators=[DataRequired(), Length(min=6)])


class RoleForm(FlaskForm):
    """A staff account's new role."""

    role = SelectField(_l("角色"), choices=[SelectChoice(r, ROLES[r])
                                          for r in accounts.STAFF_ROLE_CHOICES])


class ActiveForm(FlaskForm):
    """Deactivate ("0") or reactivate ("1") an account."""

    active = StringField(validators=[AnyOf(("0", "1"))])


@bp.route("/", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def index():
    """List accounts, create one, and show the campaign file."""
    db = get_session()
    form = UserForm()
    form.township.choices = [SelectChoice("", "—")] + [
        SelectChoice(t.name, t.name, {"class": "data"}) for t in all_townships(db)]
    if form.validate_on_submit():
        added, problem = refusal(lambda: accounts.create_staff(
            db, current_campaign(), form.username.data.strip(), form.password.data,
            form.role.data, form.township.data or None, form.display_name.data or "",
            current_user))
        if problem is None:
            flash(_("账号已创建，已补派 %(n)s 份评审任务", n=added) if added else _("账号已创建"),
                  "success")
            return redirect(url_for("admin.index"))
        form.username.errors = [problem]
    return render_template("admin.html", form=form, users=accounts.staff_accounts(db),
                           campaign=current_campaign(), role_choices=[(r, ROLES[r]) for r in accounts.STAFF_ROLE_CHOICES])


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@roles_required(Role.ADMIN)
def set_role(user_id: int):
    """Change a staff account's role; its sessions end."""
    db = get_session()
    user, form = found(records.get(db, User, user_id)), RoleForm()
    if form.validate_on_submit():
        attempt(lambda: accounts.set_role(db, current_user, user, form.role.data),
                success=_("角色已修改，该账号需重新登录"))
    flash_invalid(form)
    return redirect(url_for("admin.index"))


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@roles_required(Role.ADMIN)
def set_active(user_id: int):
    """Deactivate or reactivate a staff account; its sessions end."""
    db = get_session()
    user, form = found(records.get(db, User, user_id)), ActiveForm()
    if form.validate_on_submit():
        active = form.active.data == "1"
        attempt(lambda: accounts.set_active(db, current_user, user, active),
                success=_("账号已启用") if active else _("账号已停用，已退出所有登录"))
    flash_invalid(form)
    return redirect(url_for("admin.index"))
