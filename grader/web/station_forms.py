"""Forms of the station and township-duty pages."""

from grader.words import lazy as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileRequired, MultipleFileField
from wtforms import BooleanField, FloatField, HiddenField, IntegerField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from grader.services.stations import MAX_SLOTS


class SiteForm(FlaskForm):
    """A station site a township chose (选点) and how many partners it takes."""

    name = StringField(_l("站点名称（可不填）"), filters=[lambda v: (v or "").strip()],
                       validators=[Length(max=64)])
    address = StringField(_l("地址（可不填）"), filters=[lambda v: (v or "").strip()],
                          validators=[Length(max=128)])
    slots = IntegerField(_l("名额"), default=1,
                         validators=[InputRequired(), NumberRange(1, MAX_SLOTS)])


class SeatForm(FlaskForm):
    """The coordinates of a township seat (both, or neither to clear them)."""

    lat = FloatField(_l("纬度"), validators=[Optional(), NumberRange(-90, 90)])
    lng = FloatField(_l("经度"), validators=[Optional(), NumberRange(-180, 180)])


class PlainForm(FlaskForm):
    """A button that only needs its CSRF token (remove a site)."""


class ConfirmForm(FlaskForm):
    """The confirmation of a previewed allocation, naming the allocation previewed."""

    fingerprint = HiddenField(validators=[Length(max=128)])


class VillageForm(FlaskForm):
    """A village of the township, large or small."""

    name = StringField(_l("村名"), filters=[lambda v: (v or "").strip()],
                       validators=[InputRequired(), Length(max=64)])
    large = BooleanField(_l("大村（固定标语5条）"))


class ResponsibleForm(FlaskForm):
    """The person responsible for the township's targets (第一责任人)."""

    responsible = StringField(_l("第一责任人"), filters=[lambda v: (v or "").strip()],
                              validators=[Length(max=64)])


class DutyPhotoForm(FlaskForm):
    """Photos proving one duty of one village (a slogan, a banner, the notice, a QR code)."""

    photos = MultipleFileField(_l("照片"), validators=[FileRequired(_l("请选择照片"))],
                               render_kw={"accept": "image/*"})
