"""Townships: quota table, import, edits and the statistics table with exports."""

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from grader.words import remembered as _
from flask_login import current_user

from grader.auth.permissions import roles_required
from grader.db import get_session
from grader.models import Township
from grader.models.states import Role
from grader.services import records
from grader.services import townships as service
from grader.web.actions import flash_invalid, found
from grader.web.forms import UploadForm
from grader.web.staff_forms import TargetForm
from grader.web.table_io import import_table, send_table

bp = Blueprint("townships", __name__, url_prefix="/townships")

STAT_HEADERS = ["乡镇/街道", "报名目标", "报名人数", "资格审核通过", "参加线上考试", "进入现场测试",
                "进入第一轮", "进入第二轮", "进入面试", "面试通过", "签约", "参考率"]


@bp.route("/", methods=["GET", "POST"])
@roles_required(Role.COUNTY_STAFF)
def index():
    """List townships with targets; import a quota table."""
    db = get_session()
    form = UploadForm()
    result = None
    if form.validate_on_submit():
        result = import_table(form, lambda name, data, limit: service.import_townships(
            db, name, data, limit, current_user))
        if result is not None and not result.errors:
            flash(_("已导入 %(n)s 个乡镇", n=result.applied), "success")
            return redirect(url_for("townships.index"))
    return render_template("townships/index.html", towns=service.all_townships(db), form=form,
                           result=result)


@bp.route("/<int:town_id>", methods=["POST"])
@roles_required(Role.COUNTY_STAFF)
def update(town_id: int):
    """Change one township's registration target."""
    town = found(records.get(get_session(), Township, town_id))
    form = TargetForm()
    if form.validate_on_submit():
        service.set_target(get_session(), current_user, town, form.target.data)
        flash(_("已保存"), "success")
    flash_invalid(form)
    return redirect(url_for("townships.index"))


def _stat_rows():
    """Return the statistic rows the user may see, plus totals."""
    rows = service.statistics(get_session(), current_user)
    return rows, service.totals(rows)


def _as_cells(row: dict, name: str) -> list:
    """Turn a statistic row into the cells of the export."""
    rate = f"{row['completion']:.1%}" if row["completion"] is not None else ""
    return [name, *[row[k] for k in service.STAT_COLUMNS], rate]


@bp.route("/stats")
@roles_required(Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF)
def stats():
    """Show the statistics table (招募人数统计表)."""
    rows, total = _stat_rows()
    return render_template("townships/stats.html", rows=rows, total=total,
                           show_total=current_user.role != Role.TOWNSHIP_STAFF)


@bp.route("/stats.<fmt>")
@roles_required(Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF)
def stats_export(fmt: str) -> Response:
    """Export the statistics table as XLSX or CSV."""
    rows, total = _stat_rows()
    cells = [_as_cells(r, r["township"]) for r in rows] + [_as_cells(total, _("合计"))]
    return send_table(fmt, "招募人数统计表", STAT_HEADERS, cells)
