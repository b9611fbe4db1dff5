"""Every failure answered the way its page expects: JSON for the upload calls, else a page.

Nothing a failed request wrote is kept: a response of 400 or more rolls the request back
and removes the files it staged (`grader.db`). The database or Redis away answers 503
系统繁忙; a full disk 507; a double submission the database refused 409; anything else 500,
each in the user's language, never a bare error page.
"""

import errno
import logging
from collections.abc import Callable

from flask import Flask, Response, current_app, g, jsonify, make_response, render_template, request
from grader.words import remembered as _
from redis.exceptions import ConnectionError as RedisDown
from redis.exceptions import TimeoutError as RedisSlow
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError

from grader.i18n import reason_text

log = logging.getLogger("grader.web")
UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeout, RedisDown, RedisSlow)


def answers_json(view: Callable) -> Callable:
    """Mark a view whose page reads JSON (its failures are answered in JSON too)."""
    view.answers_json = True  # type: ignore[attr-defined]
    return view


def wants_json() -> bool:
    """Tell whether the request came from a page that reads JSON."""
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "answers_json", False)) or request.path.endswith(".json") \
        or request.accept_mimetypes.best == "application/json"


def answer(code: int, message: str = "", detail: str = "") -> Response:
    """Answer a failure: {"error": message} to a JSON page, else the error page."""
    if wants_json():
        return make_response(jsonify(error=message or str(code)), code)
    if "_login_user" not in g:  # loading the user may be what failed: show the page anonymous
        g._login_user = current_app.login_manager.anonymous_user()
    page = render_template("error.html", code=code, message=message, detail=detail)
    return make_response(page, code)


def init_app(app: Flask) -> None:
    """Register the answers to every failure."""
    app.register_error_handler(HTTPException, _http)
    for kind in UNAVAILABLE:
        app.register_error_handler(kind, _unavailable)
    app.register_error_handler(DBAPIError, _database)
    app.register_error_handler(IntegrityError, _repeated)
    app.register_error_handler(OSError, _os_error)
    app.register_error_handler(InternalServerError, _internal)


def _http(err: HTTPException):
    """Explain a refusal (403), a missing page (404), a bad form (400), a big upload (413)."""
    if err.code is None or err.code < 400 or err.code == 500:
        return err
    return answer(err.code, _http_message(err.code), getattr(err, "description", "") or "")


def _http_message(code: int) -> str:
    """Say an HTTP refusal in words for a JSON page (the error page has its own)."""
    if not wants_json():
        return ""
    words = {403: _("没有权限访问此页面"), 404: _("页面不存在"), 413: _("上传的文件太大"),
             400: _("表单已过期或来源不可信，请返回刷新后重新提交。")}
    return words.get(code, _("请求无效"))


def _unavailable(err: Exception):
    """The database or Redis is away: ask to try again (nothing was kept)."""
    log.warning("answered 503, %s unavailable: %s", type(err).__name__, err)
    response = answer(503, reason_text("busy"))
    response.headers["Retry-After"] = "10"
    return response


def _database(err: DBAPIError):
    """A database error: away (503) if its connection died, else an internal error."""
    if err.connection_invalidated:
        return _unavailable(err)
    return _internal(InternalServerError(original_exception=err))


def _repeated(err: IntegrityError):
    """A double submission that raced past the service's own check (a double click)."""
    log.info("answered 409 to a repeated submission: %s", err.orig)
    return answer(409, reason_text("already_submitted"))


def _os_error(err: OSError):
    """A full disk refuses the submission clearly; other OS errors are internal."""
    if err.errno in (errno.ENOSPC, errno.EDQUOT):
        log.error("storage full: %s", err)
        return answer(507, reason_text("storage_full"))
    return _internal(InternalServerError(original_exception=err))


def _internal(err: InternalServerError):
    """Anything unexpected: say so in the user's language (the log has the details)."""
    original = getattr(err, "original_exception", None)
    if isinstance(original, UNAVAILABLE):
        return _unavailable(original)
    if isinstance(original, DBAPIError) and original.connection_invalidated:
        return _unavailable(original)
    log.error("internal error", exc_info=original or err)
    return answer(500, reason_text("server_error"))
