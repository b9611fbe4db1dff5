"""Forms of the round-2 pages: the daily report, the activity import, member links."""

from grader.words import lazy as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import FloatField, HiddenField, IntegerField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from grader.reason_texts import REASONS

FIGURE_RANGE = NumberRange(0, 1_000_000, message=REASONS["bad_figure"])


class ReportForm(FlaskForm):
    """One trial day's report: the day, a summary, the day's figures (blank is 0), photos."""

    day = IntegerField(_l("第几天"), validators=[InputRequired(REASONS["bad_day"])])
    text = TextAreaField(_l("今日工作总结"), validators=[Length(max=5000)])
    orders = IntegerField(_l("订单数"), validators=[Optional(), FIGURE_RANGE], default=0)
    sales_yuan = FloatField(_l("销售额（元）"), validators=[Optional(), FIGURE_RANGE], default=0)
    villagers_served = IntegerField(_l("服务村民人数"), validators=[Optional(), FIGURE_RANGE],
                                    default=0)
    app_activations = IntegerField(_l("APP激活数"), validators=[Optional(), FIGURE_RANGE],
                                   default=0)
    photos = MultipleFileField(_l("照片（选填，最多9张）"))


class ImportForm(FlaskForm):
    """A group's chat export or a CSV/XLSX of messages per member and day."""

    kind = SelectField(_l("来源"), choices=[SelectChoice("wechat", _l("微信群聊天记录（文本）")),
                                          SelectChoice("dingtalk", _l("钉钉群聊天记录（文本）")),
                                          SelectChoice("csv", _l("CSV/XLSX：成员、日期、消息数"))],
                       default="wechat")
    file = FileField(_l("文件"))


class LinkForm(FlaskForm):
    """A group member and the candidate whose messages they are (or are not)."""

    member = HiddenField(validators=[DataRequired(), Length(max=64)])
    candidate_id = IntegerField(validators=[InputRequired()])
