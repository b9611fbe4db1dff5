"""Forms of the outside-data imports: the confirmation of a previewed table, column mapping."""

from grader.words import lazy as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, SelectChoice, SelectField
from wtforms.validators import InputRequired, Length
from wtforms.widgets import HiddenInput

from grader.web.candidate_forms import NOT_A_NUMBER


def upload_field() -> IntegerField:
    """Return the hidden field naming the stored upload a preview showed."""
    return IntegerField(widget=HiddenInput(), validators=[InputRequired(NOT_A_NUMBER)],
                        invalid_value_message=NOT_A_NUMBER)


class ConfirmImportForm(FlaskForm):
    """The confirmation of a previewed import, naming the stored upload and the rows shown."""

    upload_id = upload_field()
    fingerprint = HiddenField(validators=[Length(max=128)])


def mapping_form(headers: list[str], fields: dict[str, str], guesses: dict[str, str],
                 formdata=None) -> FlaskForm:
    """Build a form with one choice of our field per header of the file (or none)."""

    class MappingForm(FlaskForm):
        upload_id = upload_field()

    choices = [SelectChoice("", _l("（不导入）"))] + [SelectChoice(k, v) for k, v in fields.items()]
    for i, header in enumerate(headers):
        setattr(MappingForm, f"col{i}", SelectField(header, choices=choices,
                                                    default=guesses.get(header, ""),
                                                    validate_choice=True))
    return MappingForm(formdata=formdata) if formdata is not None else MappingForm()


class DeclaredForm(FlaskForm):
    """Whether the operator's site asked for the campaign's declarations on its own form."""

    class Meta:
        csrf = False  # posted inside the mapping form, which carries the token

    declared = BooleanField(_l("运营方网站报名时已要求作出本次招募的全部承诺"))
