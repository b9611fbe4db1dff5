"""Forms of a candidate's own pages: the appeal; and staff's answer to it."""

from grader.words import lazy as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, Length

NOT_A_NUMBER = _l("请从列表中选择")


def record_id(label: str = "") -> IntegerField:
    """Return a field naming one record by its id (chosen from a list, never typed)."""
    return IntegerField(label, validators=[InputRequired(NOT_A_NUMBER)],
                        invalid_value_message=NOT_A_NUMBER)


class AppealForm(FlaskForm):
    """A candidate's one appeal against a rejected item."""

    item_id = record_id(_l("对其中一项提出申诉（限一次）"))
    text = TextAreaField(_l("申诉理由"), validators=[Length(max=2000)])


class AppealAnswerForm(FlaskForm):
    """County staff's answer to an open appeal."""

    appeal_id = record_id()
    upheld = StringField(validators=[AnyOf(("1", "0"), NOT_A_NUMBER)])
    answer = StringField(_l("答复"), validators=[Length(max=2000)])
