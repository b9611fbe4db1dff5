"""Forms of withdrawals, replacement offers and notices."""

from grader.words import lazy as _l
from flask_wtf import FlaskForm
from wtforms import (HiddenField, IntegerField, SelectChoice, SelectField, StringField,
                     TextAreaField)
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, NumberRange, Optional

from grader.labels import AUDIENCES, NOTICE_KINDS, WITHDRAW_REASONS
from grader.models.states import Audience, NoticeKind
from grader.services.notices import TEXT_MAX
from grader.services.withdrawals import PLACES, STAFF_REASONS


class SelfWithdrawForm(FlaskForm):
    """A candidate withdrawing themselves, with an optional word why."""

    note = TextAreaField(_l("退出原因（选填）"), validators=[Optional(), Length(max=500)])


class StaffWithdrawForm(FlaskForm):
    """Staff withdrawing a candidate: a named reason and a note."""

    withdraw_reason = SelectField(_l("退出原因"), choices=[
        SelectChoice(r.value, WITHDRAW_REASONS[r]) for r in STAFF_REASONS],
        validators=[DataRequired(_l("请选择退出原因"))])
    withdraw_note = TextAreaField(_l("说明（将记入审计日志）"),
                                  validators=[Optional(), Length(max=500)])


class OfferAnswerForm(FlaskForm):
    """An answer to a replacement offer: accept (1) or decline (0), and a note."""

    offer_id = IntegerField(validators=[InputRequired()])
    answer = HiddenField(validators=[AnyOf(["1", "0"])])
    note = StringField(_l("备注"), validators=[Optional(), Length(max=200)])


class OfferNextForm(FlaskForm):
    """Offer a stage's next place, with the days the candidate has to answer."""

    stage = HiddenField(validators=[AnyOf([str(s) for s in PLACES])])
    days = IntegerField(_l("答复期限（天）"), default=2,
                        validators=[InputRequired(), NumberRange(1, 14)])


class NoticeForm(FlaskForm):
    """A notice to an audience; `expected` is the count shown in the preview."""

    kind = SelectField(_l("通知类别"), choices=[SelectChoice(k.value, NOTICE_KINDS[k])
                                              for k in NoticeKind])
    audience = SelectField(_l("发给"), choices=[SelectChoice(a.value, AUDIENCES[a])
                                              for a in Audience])
    text = TextAreaField(_l("通知内容（短信原文）"),
                         validators=[DataRequired(_l("请填写通知内容")), Length(max=TEXT_MAX)])
    expected = IntegerField(validators=[Optional()])
