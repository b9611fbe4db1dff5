"""Forms shared by the registration pages."""

from grader.words import lazy as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import (BooleanField, PasswordField, SelectChoice, SelectField, StringField,
                     TextAreaField)
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from grader.labels import DECLARATIONS, EDUCATION


def _id_or_none(value: object) -> int | None:
    """Coerce a select box's value to an id; the blank 请选择 stays None."""
    return int(value) if value not in (None, "") else None  # type: ignore[call-overload]


class RegistrationForm(FlaskForm):
    """Self or on-site registration; the declarations are added per campaign."""

    name = StringField(_l("姓名"), validators=[DataRequired(_l("请填写姓名")), Length(max=32)])
    id_number = StringField(_l("身份证号"), validators=[DataRequired(_l("请填写身份证号"))])
    phone = StringField(_l("手机号码"), validators=[Optional()])
    email = StringField(_l("电子邮箱（选填）"), validators=[Optional()])
    education = SelectField(_l("学历"), validators=[DataRequired(_l("请选择学历"))],
                            choices=[SelectChoice("", _l("请选择")),
                                     *(SelectChoice(k, v) for k, v in EDUCATION.items())])
    township_id = SelectField(_l("所属乡镇/街道"), coerce=_id_or_none,
                              validators=[DataRequired(_l("请选择所属乡镇/街道"))])
    accept_ineligible = BooleanField(_l("我已了解：提交后将被判定为不符合报名条件"))


class SelfRegistrationForm(RegistrationForm):
    """Self-registration also sets the password of the candidate's account."""

    password = PasswordField(_l("设置登录密码"), validators=[
        DataRequired(_l("请设置密码")), Length(min=6, message=_l("密码至少6位"))])
    confirm = PasswordField(_l("再次输入密码"), validators=[
        EqualTo("password", message=_l("两次输入的密码不一致"))])


def with_declarations(form_cls: type, names: list[str]) -> type:
    """Return a form class with one checkbox per campaign declaration."""
    attrs = {f"decl_{n}": BooleanField(DECLARATIONS.get(n, n)) for n in names}
    return type(form_cls.__name__, (form_cls,), attrs)


class OverrideForm(FlaskForm):
    """County staff override of an eligibility verdict."""

    eligible = SelectField(_l("资格"), choices=[SelectChoice("1", _l("通过")),
                                               SelectChoice("0", _l("不通过"))])
    reason = TextAreaField(_l("理由（必填，将记入审计日志）"),
                           validators=[DataRequired(_l("请填写理由")), Length(max=500)])


class UploadForm(FlaskForm):
    """One CSV or XLSX file."""

    file = FileField(_l("选择文件（CSV或XLSX）"), validators=[FileRequired(_l("请选择文件"))])


class PlanForm(FlaskForm):
    """The business plan: one document, or photos of its pages."""

    files = MultipleFileField(_l("选择计划书文件，或按顺序选择各页照片"),
                              validators=[FileRequired(_l("请选择文件"))])


class ConfirmForm(FlaskForm):
    """A bare POST with CSRF protection."""
