"""Security headers on every response, and URL ids no database can overflow on."""

from flask import Flask, Response
from werkzeug.routing import IntegerConverter

from grader.services.records import MAX_ID

MAX_PAGE = 100_000  # a page number past any list the county will ever have

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; "
       "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"


class BoundedInt(IntegerConverter):
    """The `int` URL converter with a ceiling: a larger number is no route (404), not a 500."""

    def __init__(self, url_map, *args, **kwargs) -> None:
        """Default the maximum to the largest stored id."""
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


INLINE_TYPES = ("image/png", "image/jpeg", "image/webp")  # what a stored file may show inline


def stored_file_headers(mime: str, filename: str) -> dict[str, str]:
    """Headers for a stored upload: images inline, anything else downloaded, never sniffed."""
    from urllib.parse import quote

    how = "inline" if mime in INLINE_TYPES else "attachment"
    return {"Content-Disposition": f"{how}; filename*=UTF-8''{quote(filename or 'file')}",
            "X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=86400"}


def row_id(raw: int | None) -> int | None:
    """Clamp an id from the query string (a keyset cursor) into 1..MAX_ID, or None."""
    return None if raw is None else min(max(raw, 0), MAX_ID)


def page_number(raw: int | None) -> int:
    """Clamp a page number from the query string into 1..MAX_PAGE."""
    return min(max(raw or 1, 1), MAX_PAGE)


def init_app(app: Flask) -> None:
    """Install the bounded converter (before any route) and the headers."""
    app.url_map.converters["int"] = BoundedInt

    @app.after_request
    def _headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if app.config.get("PRODUCTION"):
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        response.headers.pop("Server", None)
        return response
