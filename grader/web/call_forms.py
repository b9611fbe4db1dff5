"""Forms of the survey pages: a household on the phone, the sample, calls, shared numbers."""

from functools import lru_cache

from grader.words import lazy as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (BooleanField, HiddenField, IntegerField, SelectMultipleField, StringField,
                     ValidationError)
from wtforms.validators import InputRequired, Length, NumberRange

from grader.i18n import reason_text
from grader.reason_texts import REASONS
from grader.services.calls import ASKED
from grader.web.candidate_forms import record_id
from surveys import Question


def _stripped(value: str | None) -> str:
    """Trim what a person typed."""
    return (value or "").strip()


def household_form(questions: list[Question]) -> type[FlaskForm]:
    """Return the form of one household: a text field per question, checked by the survey rules.

    The survey package checks each answer (and names the question in its message), so the
    fields only carry the text; the sheet import rides on the same form. One class per set
    of questions (building it is a tenth of the page's time).
    """
    return _household_form(tuple((q.name, q.zh) for q in questions))


@lru_cache(maxsize=8)
def _household_form(questions: tuple[tuple[str, str], ...]) -> type[FlaskForm]:
    """Build the household form of (name, label) questions."""
    attrs = {name: StringField(label, filters=[_stripped]) for name, label in questions}
    attrs.update(client_key=StringField(validators=[Length(max=64)]),
                 file=FileField(), keep_valid=BooleanField(false_values=("", "0", "false")))
    return type("HouseholdForm", (FlaskForm,), attrs)


class ActionForm(FlaskForm):
    """Which of a page's forms was posted (each carries its name in a hidden field)."""

    action = HiddenField()


class DrawForm(FlaskForm):
    """Draw the spot-check sample."""

    seed = StringField(_l("随机种子"), filters=[lambda v: (v or "").strip() or "0"],
                       validators=[Length(max=64)])
    per_candidate = IntegerField(_l("每人抽查"), default=5, validators=[NumberRange(0, 100)],
                                 invalid_value_message=_l("每人抽查数应为0到100之间的整数"))


class AssignForm(FlaskForm):
    """Share the open calls among the chosen callers."""

    callers = SelectMultipleField(coerce=int, validate_choice=False,
                                  validators=[InputRequired(REASONS["no_callers"])])


class CallImportForm(FlaskForm):
    """A filled call list."""

    file = FileField(validators=[InputRequired(REASONS["empty_file"])])


class CallForm(FlaskForm):
    """What the villager said on one call."""

    call_id = record_id()
    outcome = StringField(filters=[_stripped])
    note = StringField(filters=[_stripped], validators=[Length(max=500)])


for _name in ASKED:  # the answers the caller types: the same questions the call list asks
    setattr(CallForm, _name, StringField(filters=[_stripped]))


def _keeper(_form: FlaskForm, field: StringField) -> None:
    """Accept "all" or one candidate's id."""
    if field.data != "all" and not (field.data or "").isdigit():
        raise ValidationError(reason_text("no_keeper"))


class KeeperForm(FlaskForm):
    """Who keeps a number several candidates submitted, and why."""

    phone = StringField(filters=[_stripped], validators=[Length(max=32)])
    keeper = StringField(validators=[_keeper])
    reason = StringField(filters=[_stripped], validators=[Length(max=500)])
