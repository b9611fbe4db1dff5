"""Forms of the interview pages: a score, a panel, scheduling, reassignment answers, signing."""

from grader.words import lazy as _l
from flask_wtf import FlaskForm
from wtforms import (DateField, FloatField, IntegerField, SelectChoice, SelectField,
                     SelectMultipleField, StringField)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from grader.reason_texts import REASONS

ANSWERS = [SelectChoice("", _l("未登记")), SelectChoice("1", _l("服从调剂")),
           SelectChoice("0", _l("不服从"))]
ANSWER_OF = {"1": True, "0": False}  # "" (not asked yet) is None


class ScoreForm(FlaskForm):
    """One interviewer's score of one candidate, 0 to 100."""

    candidate_id = IntegerField(validators=[InputRequired()])
    score = FloatField(_l("分数"), validators=[InputRequired(REASONS["bad_score"]),
                                             NumberRange(0, 100, REASONS["bad_score"])])
    note = StringField(_l("备注"), validators=[Optional(), Length(max=1000)])


class PanelForm(FlaskForm):
    """A new panel: its name and interviewers (choices: the interviewers' accounts)."""

    name = StringField(_l("新建面试组"), validators=[Optional(), Length(max=64)])
    members = SelectMultipleField(_l("面试官"), coerce=int)


class ScheduleForm(FlaskForm):
    """Schedule everyone at the interview stage who has no slot yet."""


class SignForm(FlaskForm):
    """A selected candidate's reassignment answer and signing date."""

    candidate_id = IntegerField(validators=[InputRequired()])
    accepts = SelectField(_l("服从调剂"), choices=ANSWERS, default="")
    signed_on = DateField(_l("签约日期"), validators=[Optional()])
    site = StringField(_l("服务站"), validators=[Optional(), Length(max=64)])


def reassign_form(cand_ids: list[int]) -> type[FlaskForm]:
    """Return a form class with one reassignment answer per interviewed candidate."""
    fields = {f"accepts-{cid}": SelectField(_l("服从调剂"), choices=ANSWERS, default="")
              for cid in cand_ids}
    return type("ReassignForm", (FlaskForm,), fields)
