"""Helpers for table uploads and downloads shared by the staff pages."""

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from flask import Response, abort, current_app, flash

from grader.db import get_session
from grader.services.tables import all_or_nothing, write_csv, write_xlsx
from grader.web.actions import attempt
from grader.web.forms import UploadForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


def send_table(fmt: str, title: str, header: list[str], rows: list[list]) -> Response:
    """Send a table as an XLSX or CSV download with a Chinese file name."""
    if fmt == "xlsx":
        body, mime = write_xlsx(title, header, rows), XLSX
    elif fmt == "csv":
        body, mime = write_csv(header, rows), "text/csv; charset=utf-8"
    else:
        abort(404)
    name = quote(f"{title}.{fmt}")
    return Response(body, mimetype=mime,
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"})
