"""Forms of the public announcement (公示) and of corrections to a registration."""

from grader.words import lazy as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional

from grader.labels import EDUCATION
from grader.web.candidate_forms import NOT_A_NUMBER, record_id
from grader.web.forms import _id_or_none


class ObjectionForm(FlaskForm):
    """Anyone's objection to one line of an announcement (no login; throttled per address)."""

    position = SelectField(_l("异议对象"), coerce=_id_or_none,
                           validators=[DataRequired(_l("请从名单中选择异议对象"))])
    name = StringField(_l("您的姓名"), validators=[DataRequired(_l("请填写您的姓名")),
                                                Length(max=32)])
    phone = StringField(_l("您的手机号码（仅工作人员可见）"),
                        validators=[DataRequired(_l("请填写手机号码")), Length(max=20)])
    text = TextAreaField(_l("异议内容和事实依据"), validators=[
        DataRequired(_l("请填写异议内容")), Length(max=2000)])


class ObjectionAnswerForm(FlaskForm):
    """County staff's answer to an objection."""

    objection_id = record_id()
    upheld = StringField(validators=[AnyOf(("1", "0"), NOT_A_NUMBER)])
    answer = StringField(_l("处理意见"), validators=[InputRequired(_l("请填写处理意见")),
                                                 Length(min=1, max=2000)])


class CorrectionForm(FlaskForm):
    """A candidate's own correction; the declarations are added per campaign."""

    name = StringField(_l("姓名"), validators=[DataRequired(_l("请填写姓名")), Length(max=32)])
    phone = StringField(_l("手机号码"), validators=[Optional()])
    email = StringField(_l("电子邮箱（选填）"), validators=[Optional()])
    education = SelectField(_l("学历"), validators=[DataRequired(_l("请选择学历"))],
                            choices=[SelectChoice(k, v) for k, v in EDUCATION.items()])


class StaffCorrectionForm(CorrectionForm):
    """Staff's correction: the ID number too (a new identity), and always a reason."""

    id_number = StringField(_l("身份证号"), validators=[DataRequired(_l("请填写身份证号"))])
    township_id = SelectField(_l("所属乡镇/街道"), coerce=_id_or_none, validators=[Optional()])
    reason = TextAreaField(_l("更正理由（必填，将记入审计日志）"),
                           validators=[DataRequired(_l("请填写理由")), Length(max=500)])


class AcceptIdForm(FlaskForm):
    """Staff accept an ID number held as 待核实, having seen the card."""

    reason = TextAreaField(_l("核实情况（必填，将记入审计日志）"),
                           validators=[DataRequired(_l("请填写理由")), Length(max=500)])
