"""Helpers for table uploads and downloads shared by the staff pages."""

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from flask import Response, abort, current_app, flash
from grader.words import lazy as _l

from grader.db import get_session
from grader.services.tables import all_or_nothing, write_csv, write_xlsx
from grader.web.actions import attempt
from grader.web.forms import UploadForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# the titles and headers of exports that have no words of their own in the catalogue yet
EXPORT_WORDS = (_l("报名人数"), _l("进入现场测试"), _l("进入第一轮"), _l("进入第二轮"), _l("进入面试"),
                _l("是否晋级"), _l("合伙人扶持资金"), _l("合伙人扶持明细"), _l("签约合伙人"),
                _l("合计（元）"), _l("抽查编号"), _l("户主姓名"), _l("联系电话"), _l("要问的问题"),
                _l("村民答：家庭人口"), _l("村民答：是否网购"), _l("村民答：村组"), _l("装修补贴（元）"),
                _l("开业铺货（元）"), _l("培训（元）"))


def import_table(form: UploadForm, run: Callable[[str, bytes, int], Any]) -> Any:
    """Read the uploaded file and run an import, all or nothing; flash what stopped it."""
    upload = form.file.data
    data, limit = upload.read(), current_app.config["IMPORT_MAX_BYTES"]
    result = attempt(lambda: all_or_nothing(
        get_session(), lambda: run(upload.filename or "upload", data, limit)))
    if result is not None and result.errors:
        flash(_errors_summary(len(result.errors)), "error")
    return result


def _errors_summary(n: int) -> str:
    """Say that nothing was imported because rows were bad."""
    from flask_babel import gettext as _

    return _("有 %(n)s 处错误，未导入任何数据；请修改后重新上传", n=n)


def send_table(fmt: str, title: Any, header: list[Any], rows: list[list]) -> Response:
    """Send a table as an XLSX or CSV download, its name and headers in the reader's language.

    A title or header given in Chinese is looked up in the catalogue here (each is listed in
    EXPORT_WORDS), so every export, old or new, follows the language of the page it came from.
    """
    from flask_babel import gettext

    title, header = gettext(str(title)), [gettext(str(h)) for h in header]
    if fmt == "xlsx":
        body, mime = write_xlsx(title, header, rows), XLSX
    elif fmt == "csv":
        body, mime = write_csv(header, rows), "text/csv; charset=utf-8"
    else:
        abort(404)
    name = quote(f"{title}.{fmt}")
    return Response(body, mimetype=mime,
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"})
