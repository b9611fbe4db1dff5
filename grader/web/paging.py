"""Page numbers to jump to, shared by the staff's long lists."""

from collections.abc import Callable

from flask import request


def page_window(page: int, pages: int, spread: int = 2) -> list[int | None]:
    """Return the pages to link: first, last and those near `page`; None marks a gap (…)."""
    near = range(max(1, page - spread), min(pages, page + spread) + 1)
    out: list[int | None] = []
    for n in sorted({1, pages, *near}):
        if out and n - (out[-1] or 0) > 1:
            out.append(None)
        out.append(n)
    return out


def page_links(page: int, pages: int, url_of: Callable[[int], str]
               ) -> list[tuple[int | None, str | None]]:
    """Return (number, URL) per linked page, (None, None) for a gap; the current page has no URL."""
    return [(n, None if n in (None, page) else url_of(n)) for n in page_window(page, pages)]


def kept_args(*dropped: str) -> dict[str, str]:
    """Return the query string's non-empty arguments but the dropped ones (the filters to keep)."""
    return {k: v for k, v in request.args.items() if k not in dropped and v}
