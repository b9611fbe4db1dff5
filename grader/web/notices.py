"""Staff notices to candidates: compose with a preview count, send, who got it, SMS list."""

from flask import Blueprint, flash, redirect, render_template, url_for
from grader.words import remembered as _
from flask_login import current_user

from grader.auth.permissions import can_see_pii, mask_phone, roles_required
from grader.db import get_session
from grader.models.states import Role
from grader.models.withdrawal import Notice, NoticeRecipient
from grader.services import notices, records
from grader.web.actions import attempt, found, refusal
from grader.web.table_io import send_table
from grader.web.withdrawal_forms import NoticeForm

bp = Blueprint("notices", __name__, url_prefix="/notices")
SMS_HEADER = ["手机号码", "短信内容"]


def _get(notice_id: int) -> Notice:
    """Load a notice or 404."""
    return found(records.get(get_session(), Notice, notice_id))


@bp.route("/", methods=["GET", "POST"])
@roles_required(Role.COUNTY_STAFF)
def index():
    """Compose a notice: the first submit shows how many it reaches, the second sends it."""
    db, form = get_session(), NoticeForm()
    count, status = None, 200
    if form.validate_on_submit() and form.expected.data is None:
        count, err = refusal(lambda: notices.audience_size(db, form.audience.data))
        if err:
            flash(err, "error")
        form.expected.data = count
    elif form.validate_on_submit():
        sent = attempt(lambda: notices.send_notice(db, current_user, form.kind.data,
                                                   form.audience.data, form.text.data,
                                                   form.expected.data))
        if sent is not None:
            flash(_("通知已发给 %(n)s 人，可导出短信名单", n=sent.recipients), "success")
            return redirect(url_for("notices.detail", notice_id=sent.id))
        form.expected.data = None
    elif form.is_submitted():
        status = 400
    return render_template("notices/index.html", form=form, count=count,
                           rows=notices.all_notices(db)), status


def _phone(rec: NoticeRecipient) -> str:
    """Return the number as this user may see it: in full for the gateway, else masked."""
    if can_see_pii(current_user, rec.candidate):
        national = (rec.phone or "").removeprefix("+86")
        return national
    return mask_phone(rec.phone)


@bp.route("/<int:notice_id>")
@roles_required(Role.COUNTY_STAFF)
def detail(notice_id: int):
    """Show a notice and everyone it went to."""
    notice = _get(notice_id)
    return render_template("notices/detail.html", notice=notice, phone=_phone,
                           rows=notices.recipients(get_session(), notice))


@bp.route("/<int:notice_id>/sms.<fmt>")
@roles_required(Role.COUNTY_STAFF)
def sms(notice_id: int, fmt: str):
    """Export the SMS list (phone, text) of a notice for the county's SMS gateway."""
    notice = _get(notice_id)
    rows = [[_phone(r), notice.text] for r in notices.recipients(get_session(), notice)
            if r.phone]
    return send_table(fmt, f"短信名单_{notice.id}", SMS_HEADER, rows)
