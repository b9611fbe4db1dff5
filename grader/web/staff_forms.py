"""Forms of the county staff's pages: rankings, townships, exams, the review queue."""

from grader.words import lazy as _l
from flask_wtf import FlaskForm
from wtforms import (DateField, DecimalField, HiddenField, SelectChoice, SelectField, StringField,
                     TextAreaField)
from wtforms.validators import (AnyOf, InputRequired, Length, NumberRange, Optional,
                                ValidationError)

from grader.i18n import reason_text
from grader.reason_texts import REASONS
from grader.services.townships import parse_target
from grader.web.candidate_forms import record_id


class RoundForm(FlaskForm):
    """Which round's ranking to preview."""

    round = SelectField(choices=[SelectChoice("1", _l("任务考核第一轮")),
                                 SelectChoice("2", _l("任务考核第二轮")),
                                 SelectChoice("interview", _l("面试"))], default="1")


def _target(_form: FlaskForm, field: StringField) -> None:
    """Accept a registration target: a whole number 0..999999."""
    target, problem = parse_target(field.data or "")
    if problem:
        raise ValidationError(reason_text("target_too_large"))
    field.data = target


class TargetForm(FlaskForm):
    """One township's registration target."""

    target = StringField(_l("报名目标"), validators=[_target])


class AdvanceForm(FlaskForm):
    """The confirmation of a previewed advancement, naming the list previewed."""

    fingerprint = HiddenField(validators=[Length(max=128)])


class VerdictForm(FlaskForm):
    """A person's verdict on one evidence item."""

    item_id = record_id()
    verdict = StringField(validators=[AnyOf(("accept", "reject"), REASONS["bad_verdict"])])
    note = TextAreaField(_l("备注"), filters=[lambda v: (v or "")[:500]])


def score_form(criteria: list[dict]) -> type[FlaskForm]:
    """Return the rubric form: one 0..100 number per criterion, and a note."""
    attrs = {c["key"]: DecimalField(c.get("zh", c["key"]), places=None, validators=[
        InputRequired(), NumberRange(0, 100)]) for c in criteria}
    attrs.update(review_id=record_id(), note=TextAreaField(
        filters=[lambda v: (v or "")[:1000]]))
    return type("ScoreForm", (FlaskForm,), attrs)


class AuditFilterForm(FlaskForm):
    """The audit log's filters, read from the query string (a GET form: no CSRF token)."""

    class Meta:
        """Filters only read; there is nothing to forge."""

        csrf = False

    person = StringField(_l("操作人"), filters=[lambda v: (v or "").strip()],
                         validators=[Length(max=64)])
    action = StringField(_l("操作"), filters=[lambda v: (v or "").strip()],
                         validators=[Length(max=40)])
    since = DateField(_l("起始日期"), validators=[Optional()])
    until = DateField(_l("截止日期"), validators=[Optional()])
